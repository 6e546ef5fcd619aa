"""`manage.py generate --people N`: write synthetic people to CSV or Parquet without touching the database."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kafaat.synth.people import infer_format, write_people


class Command(BaseCommand):
    help = "Generate deterministic synthetic people (same seed and size give a byte-identical file)."
    requires_system_checks: list[str] = []  # works on a machine with no database configured
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, required=True, metavar="N", help="number of people")
        parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
        parser.add_argument("--out", type=Path, help="output file (default var/synth/people-N.csv)")
        parser.add_argument("--format", choices=["csv", "parquet"], help="default: from --out, else csv")
        parser.add_argument("--chunk-size", type=int, default=200_000, help="rows per write (default 200000)")

    def handle(self, *args: object, **options: object) -> None:
        n = options["people"]
        seed = options["seed"]
        if n < 0 or seed < 0:
            raise CommandError("--people and --seed must not be negative")
        out: Path | None = options["out"]
        fmt = options["format"] or (infer_format(out) if out else "csv")
        if out is None:
            var_dir = Path(getattr(settings, "VAR_DIR", "var"))
            out = var_dir / "synth" / f"people-{n}.{fmt}"
        interactive = sys.stderr.isatty()
        started = time.perf_counter()

        def progress(written: int, total: int) -> None:
            elapsed = time.perf_counter() - started
            rate = written / elapsed if elapsed else 0.0
            line = f"{written:,}/{total:,} rows  {rate:,.0f} rows/s"
            # Rewrite one line on a terminal; one line per chunk in logs.
            self.stderr.write(f"\r{line}" if interactive else line, ending="" if interactive else "\n")

        try:
            rows = write_people(out, n, seed, fmt, chunk_size=options["chunk_size"], progress=progress)
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        elapsed = time.perf_counter() - started
        if interactive and rows:
            self.stderr.write("")
        size_mb = out.stat().st_size / 1e6
        self.stdout.write(
            f"Wrote {rows:,} people to {out} ({fmt}, {size_mb:.1f} MB, seed {seed}) in {elapsed:.2f} s "
            f"({rows / elapsed if elapsed else 0:,.0f} rows/s)"
        )
