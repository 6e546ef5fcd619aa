"""`python -m kafaat import_template --kind people --lang fr --out template.xlsx`: an import template."""

from django.core.management.base import BaseCommand

from kafaat.core.imports import write_template
from kafaat.registry.imports import KINDS, columns_for


class Command(BaseCommand):
    help = (
        "Write an XLSX import template: headers in one language, two example rows, a sheet of documentation."
    )

    def add_arguments(self, parser):
        parser.add_argument("--kind", choices=KINDS, required=True)
        parser.add_argument("--lang", choices=["fr", "ar", "en"], default="fr")
        parser.add_argument("--out", required=True, help="the XLSX file to write")

    def handle(self, *args, **options):
        write_template(columns_for(options["kind"]), options["lang"], options["out"])
        self.stdout.write(f"wrote {options['out']}")
