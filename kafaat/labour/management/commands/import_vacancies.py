"""`python -m kafaat import-vacancies FILE --organisation CODE [--dry-run]`: import vacancies."""

from __future__ import annotations

from kafaat.core.imports.command import SpreadsheetImportCommand
from kafaat.labour.importing import VacancyImport


class Command(SpreadsheetImportCommand):
    help = "Import vacancies from a CSV or XLSX file (every row checked first; all or nothing)."
    what = "vacancies"

    def build_spec(self, user, organisation, language, path, options):
        return VacancyImport(user, organisation, language=language, file_name=path.name)

    def after_import(self, spec, result):
        for row, repeats in spec.reposted[:20]:
            self.stdout.write(f"row {row}: re-posted ad, same as {repeats}")
        self.stdout.write(f"re-posted ads skipped: {len(spec.reposted)}")
