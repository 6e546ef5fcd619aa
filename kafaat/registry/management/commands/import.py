"""`python -m kafaat import FILE --kind people|steps --organisation CODE`: import a spreadsheet."""

from __future__ import annotations

from django.core.management.base import CommandError

from kafaat.core.imports.command import SpreadsheetImportCommand
from kafaat.core.models import Project
from kafaat.registry.imports import KINDS, spec_for


class Command(SpreadsheetImportCommand):
    help = "Import people or pathway steps from a CSV or XLSX file (every row checked first; all or nothing)."
    workers_option = True

    def add_import_arguments(self, parser):
        parser.add_argument("--kind", choices=KINDS, required=True)
        parser.add_argument("--project", help="steps: code of the project of rows that name none")

    def build_spec(self, user, organisation, language, path, options):
        self.what = options["kind"]
        project = None
        if options["project"]:
            project = Project.objects.filter(code=options["project"]).first()
            if project is None:
                raise CommandError(f"no project with code {options['project']!r}")
        return spec_for(
            options["kind"], user, organisation, project=project, language=language, file_name=path.name
        )
