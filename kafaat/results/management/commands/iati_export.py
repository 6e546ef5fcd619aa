"""python -m kafaat iati-export --project CODE --out activities.xml: IATI 2.03, validated against the XSD."""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kafaat.core import audit
from kafaat.core.models import Project
from kafaat.observatory import services as observatory
from kafaat.observatory import snapshot
from kafaat.results import exports, iati


class Command(BaseCommand):
    help = "Export a project as an IATI 2.03 activity file (schema-validated; numbers suppressed)."

    def add_arguments(self, parser):
        parser.add_argument("--project", required=True, help="the project's code")
        parser.add_argument("--out", required=True, help="the .xml file to write")
        parser.add_argument(
            "--until", type=date.fromisoformat, help="end of the reporting period (YYYY-MM-DD)"
        )
        parser.add_argument("--refresh", action="store_true", help="refresh the warehouse first")

    def handle(self, *args, project: str, out: str, until=None, refresh=False, **options):
        try:
            record = Project.objects.get(code=project)
        except Project.DoesNotExist:
            raise CommandError(f"No project with the code {project!r}.") from None
        if refresh or snapshot.info() is None:
            observatory.start_refresh(None, background=False)
        try:
            document = exports.iati_document(record, until)
        except iati.IatiError as error:
            raise CommandError(str(error)) from None  # nothing written
        Path(out).write_bytes(document)
        audit.record(audit.Action.EXPORT, None, record, details={"report": "iati"})
        self.stdout.write(self.style.SUCCESS(f"{out}: {len(document):,} bytes, valid IATI 2.03"))
