"""The one command-line shape of every spreadsheet import (`import`, `import-vacancies`, `import-supply`).

A subclass names what it imports and builds its import spec; this class resolves the file, the organisation
and the importing user, runs the import framework, writes the error report and the rejected rows, prints the
summary, and exits with status 1 when rows were rejected.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from kafaat.core.imports.run import (
    ImportFileError,
    errors_not_listed,
    run_import,
    write_error_report,
    write_rejected_rows,
)
from kafaat.core.models import Membership, Organisation, Role

ERRORS_PRINTED = 20


class SpreadsheetImportCommand(BaseCommand):
    what = "rows"  # in "USER may not import WHAT for ORG"
    good_rows_only_option = True  # offer --good-rows-only
    workers_option = False  # offer --workers (validation processes); otherwise validation runs in-process

    def add_import_arguments(self, parser) -> None:
        """The arguments of one kind of import, besides the common ones."""

    def build_spec(
        self, user, organisation: Organisation, language: str, path: Path, options: dict[str, Any]
    ):
        raise NotImplementedError

    def after_import(self, spec, result) -> None:
        """Print what this kind of import adds to the summary."""

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV or XLSX file")
        self.add_import_arguments(parser)
        parser.add_argument("--organisation", required=True, help="code of the organisation importing")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        if self.good_rows_only_option:
            parser.add_argument(
                "--good-rows-only", action="store_true", help="import the good rows, reject the bad"
            )
        parser.add_argument("--errors-out", help="write the error report (XLSX) here")
        parser.add_argument("--rejected-out", help="write the rejected rows here (CSV or XLSX), to correct")
        parser.add_argument(
            "--user", help="username of the importing user (default: the organisation's first administrator)"
        )
        parser.add_argument("--language", default=settings.LANGUAGE_CODE, choices=["fr", "ar", "en"])
        if self.workers_option:
            parser.add_argument("--workers", type=int, help="validation processes (default: docs/import.md)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        organisation = Organisation.objects.filter(code=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"no organisation with code {options['organisation']!r}")
        user = importing_user(options["user"], organisation)
        language = options["language"]
        started = time.perf_counter()
        with translation.override(language):
            try:
                spec = self.build_spec(user, organisation, language, path, options)
                result = run_import(
                    spec,
                    path,
                    path.name,
                    dry_run=options["dry_run"],
                    good_rows_only=options.get("good_rows_only", False),
                    workers=options.get("workers") if self.workers_option else 1,
                    progress=self._progress(options["verbosity"]),
                )
            except (PermissionDenied, ValidationError) as error:
                raise CommandError(f"{user} may not import {self.what} for {organisation.code}") from error
            except ImportFileError as error:
                raise CommandError(str(error)) from error
            if result.errors and options["errors_out"]:
                write_error_report(result, options["errors_out"], language)
            if result.rejected_rows and options["rejected_out"]:
                write_rejected_rows(result, options["rejected_out"])
        self.after_import(spec, result)
        self._summary(result, time.perf_counter() - started)
        if result.errors:
            raise CommandError(
                f"{result.error_count} errors in {result.rejected} rows"
                + ("" if result.written else ": nothing was imported"),
                returncode=1,
            )

    def _progress(self, verbosity: int):
        last = {"at": 0.0}

        def report(stage: str, done: int, total: int) -> None:
            now = time.monotonic()
            if verbosity < 1 or (now - last["at"] < 1 and done < total):
                return
            last["at"] = now
            label = "validated" if stage == "validating" else "written"
            sys.stderr.write(f"{label} {done:,} / {total:,} rows\n")

        return report

    def _summary(self, result, seconds: float) -> None:
        out = self.stdout
        if result.unknown_columns:
            out.write(f"columns ignored: {', '.join(result.unknown_columns)}")
        for error in result.errors[:ERRORS_PRINTED]:
            out.write(f"row {error.row}, column {error.column!r}: {error.message}")
        if result.error_count > ERRORS_PRINTED:
            out.write(
                f"… and {result.error_count - ERRORS_PRINTED} more errors (--errors-out for the report)"
            )
        if result.error_count > len(result.errors):
            out.write(errors_not_listed(result))
        outcome = (
            "dry run: nothing written"
            if result.dry_run
            else "imported"
            if result.written
            else "nothing imported"
        )
        out.write(
            f"rows read: {result.rows_read}\nvalid: {result.valid}\nimported: {result.imported}\n"
            f"already imported: {result.already_imported}\nrejected: {result.rejected}\n"
            f"{outcome} in {seconds:.1f} s"
        )


def importing_user(username: str | None, organisation: Organisation):
    """The named active user, or the organisation's first active administrator."""
    if username:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}")
        return user
    membership = (
        Membership.objects.filter(
            organisation=organisation, role=Role.ADMINISTRATOR, is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise CommandError(f"{organisation.code} has no active administrator: give --user")
    return membership.user
