"""`python -m kafaat import-supply FILE --organisation CODE [--dry-run]`: import a supply statistics table."""

from __future__ import annotations

import time
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from kafaat.core.importing import ImportFileError, run_import, write_error_report, write_rejected_rows
from kafaat.core.models import Organisation
from kafaat.training.importing import SupplyImport

# The people import's conventions (default user, printed summary) are shared, not copied.
PeopleImportCommand = import_module("kafaat.registry.management.commands.import").Command


class Command(BaseCommand):
    help = (
        "Import supply statistics (establishment × programme × year) from a CSV or XLSX file, all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV or XLSX file")
        parser.add_argument("--organisation", required=True, help="code of the organisation importing")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
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
        user = PeopleImportCommand._user(options["user"], organisation)
        language = options["language"]
        started = time.perf_counter()
        with translation.override(language):
            try:
                spec = SupplyImport(user, organisation, language=language, file_name=path.name)
                result = run_import(spec, path, path.name, dry_run=options["dry_run"], workers=1)
            except PermissionDenied as error:
                raise CommandError(
                    f"{user} may not import supply statistics for {organisation.code}"
                ) from error
            except ImportFileError as error:
                raise CommandError(str(error)) from error
            if result.errors and options["errors_out"]:
                write_error_report(result, options["errors_out"], language)
            if result.rejected_rows and options["rejected_out"]:
                write_rejected_rows(result, options["rejected_out"])
        PeopleImportCommand._summary(self, result, time.perf_counter() - started)
        if result.errors:
            raise CommandError(
                f"{len(result.errors)} errors in {result.rejected} rows"
                + ("" if result.written else ": nothing was imported"),
                returncode=1,
            )
