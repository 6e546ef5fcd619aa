"""`python -m kafaat dedupe-file FILE --map COLUMN=FIELD … --out clusters.csv`: find duplicates in a file."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kafaat.core.imports import ImportFileError
from kafaat.registry.dedup import spreadsheet as dedupe_file


class Command(BaseCommand):
    help = "Find the duplicates of any CSV or XLSX list: every row with its cluster id, and the pairs found."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV or XLSX file")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help=f"map a column of the file to a field ({', '.join(dedupe_file.FIELDS)}); repeat",
        )
        parser.add_argument("--id-column", default="", help="column identifying a row (default: row number)")
        parser.add_argument("--out", required=True, help="CSV to write (the pairs go to …_pairs.csv)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        mapping = {}
        for item in options["map"]:
            column, sep, field = item.rpartition("=")
            if not sep or not column:
                raise CommandError(f"--map takes COLUMN=FIELD, not {item!r}")
            mapping[column.strip()] = field.strip()
        started = time.perf_counter()

        def progress(step: str, share: float) -> None:
            sys.stderr.write(f"\r{share:4.0%}  {step:<40}")
            sys.stderr.flush()

        try:
            summary = dedupe_file.dedupe(
                path, mapping, options["out"], id_column=options["id_column"], progress=progress
            )
        except (ValueError, ImportFileError) as error:
            raise CommandError(str(error)) from error
        sys.stderr.write("\n")
        self.stdout.write(
            f"{summary['rows']} rows, {summary['clusters']} people, {summary['rows_in_clusters']} rows in "
            f"clusters of two or more, {summary['pairs']} pairs "
            f"({time.perf_counter() - started:.1f} s)\n{summary['out']}\n{summary['pairs_out']}"
        )
