"""`python -m kafaat import FILE --kind people|steps --organisation CODE`: import a spreadsheet."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from kafaat.core.importing import ImportFileError, run_import, write_error_report, write_rejected_rows
from kafaat.core.models import Membership, Organisation, Project, Role
from kafaat.registry.importing import KINDS, spec_for

ERRORS_PRINTED = 20


class Command(BaseCommand):
    help = "Import people or pathway steps from a CSV or XLSX file (every row checked first; all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV or XLSX file")
        parser.add_argument("--kind", choices=KINDS, required=True)
        parser.add_argument("--organisation", required=True, help="code of the organisation importing")
        parser.add_argument("--project", help="steps: code of the project of rows that name none")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument(
            "--good-rows-only", action="store_true", help="import the good rows, reject the bad"
        )
        parser.add_argument("--errors-out", help="write the error report (XLSX) here")
        parser.add_argument("--rejected-out", help="write the rejected rows here (CSV or XLSX), to correct")
        parser.add_argument(
            "--user", help="username of the importing user (default: the organisation's first administrator)"
        )
        parser.add_argument("--language", default=settings.LANGUAGE_CODE, choices=["fr", "ar", "en"])
        parser.add_argument("--workers", type=int, help="validation processes (default: one per CPU)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        organisation = Organisation.objects.filter(code=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"no organisation with code {options['organisation']!r}")
        user = self._user(options["user"], organisation)
        project = None
        if options["project"]:
            project = Project.objects.filter(code=options["project"]).first()
            if project is None:
                raise CommandError(f"no project with code {options['project']!r}")
        language = options["language"]
        started = time.perf_counter()
        with translation.override(language):
            try:
                spec = spec_for(
                    options["kind"],
                    user,
                    organisation,
                    project=project,
                    language=language,
                    file_name=path.name,
                )
                result = run_import(
                    spec,
                    path,
                    path.name,
                    dry_run=options["dry_run"],
                    good_rows_only=options["good_rows_only"],
                    workers=options["workers"],
                    progress=self._progress(options["verbosity"]),
                )
            except PermissionDenied as error:
                raise CommandError(f"{user} may not import for {organisation.code}") from error
            except ImportFileError as error:
                raise CommandError(str(error)) from error
            if result.errors and options["errors_out"]:
                write_error_report(result, options["errors_out"], language)
            if result.rejected_rows and options["rejected_out"]:
                write_rejected_rows(result, options["rejected_out"])
        self._summary(result, time.perf_counter() - started)
        if result.errors:
            raise CommandError(
                f"{len(result.errors)} errors in {result.rejected} rows"
                + ("" if result.written else ": nothing was imported"),
                returncode=1,
            )

    @staticmethod
    def _user(username: str | None, organisation: Organisation):
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
        if len(result.errors) > ERRORS_PRINTED:
            out.write(f"… and {len(result.errors) - ERRORS_PRINTED} more errors (--errors-out for all)")
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
