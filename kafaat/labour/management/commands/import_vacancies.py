"""`python -m kafaat import-vacancies FILE --organisation CODE [--dry-run]`: import vacancies."""

from __future__ import annotations

import importlib
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError
from django.utils import translation

from kafaat.core.importing import ImportFileError, run_import, write_error_report, write_rejected_rows
from kafaat.core.models import Organisation
from kafaat.labour.importing import VacancyImport

# The people import's command gives the user lookup, progress and summary; its module is named `import`.
PeopleCommand = importlib.import_module("kafaat.registry.management.commands.import").Command


class Command(PeopleCommand):
    help = "Import vacancies from a CSV or XLSX file (every row checked first; all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV or XLSX file")
        parser.add_argument("--organisation", required=True, help="code of the organisation importing")
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

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        organisation = Organisation.objects.filter(code=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"no organisation with code {options['organisation']!r}")
        user = self._user(options["user"], organisation)
        language = options["language"]
        started = time.perf_counter()
        with translation.override(language):
            try:
                spec = VacancyImport(user, organisation, language=language, file_name=path.name)
                result = run_import(
                    spec,
                    path,
                    path.name,
                    dry_run=options["dry_run"],
                    good_rows_only=options["good_rows_only"],
                    workers=1,
                    progress=self._progress(options["verbosity"]),
                )
            except (PermissionDenied, ValidationError) as error:
                raise CommandError(f"{user} may not import vacancies for {organisation.code}") from error
            except ImportFileError as error:
                raise CommandError(str(error)) from error
            if result.errors and options["errors_out"]:
                write_error_report(result, options["errors_out"], language)
            if result.rejected_rows and options["rejected_out"]:
                write_rejected_rows(result, options["rejected_out"])
        for row, repeats in spec.reposted[:20]:
            self.stdout.write(f"row {row}: re-posted ad, same as {repeats}")
        self.stdout.write(f"re-posted ads skipped: {len(spec.reposted)}")
        self._summary(result, time.perf_counter() - started)
        if result.errors:
            raise CommandError(
                f"{len(result.errors)} errors in {result.rejected} rows"
                + ("" if result.written else ": nothing was imported"),
                returncode=1,
            )
