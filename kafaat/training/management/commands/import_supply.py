"""`python -m kafaat import-supply FILE --organisation CODE [--dry-run]`: import a supply statistics table."""

from __future__ import annotations

from kafaat.core.imports.command import SpreadsheetImportCommand
from kafaat.training.importing import SupplyImport


class Command(SpreadsheetImportCommand):
    help = (
        "Import supply statistics (establishment × programme × year) from a CSV or XLSX file, all or nothing."
    )
    what = "supply statistics"
    good_rows_only_option = False  # a published table is taken whole or not at all

    def build_spec(self, user, organisation, language, path, options):
        return SupplyImport(user, organisation, language=language, file_name=path.name)
