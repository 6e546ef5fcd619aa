"""python -m kafaat report --project CODE --out report.xlsx: the donor workbook from the current snapshot."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from kafaat.core import audit
from kafaat.core.models import Project
from kafaat.observatory import services as observatory
from kafaat.observatory import snapshot
from kafaat.results import exports, xlsx_report


class Command(BaseCommand):
    help = "Write a project's donor report (XLSX; numbers suppressed) from the warehouse snapshot."

    def add_arguments(self, parser):
        parser.add_argument("--project", required=True, help="the project's code")
        parser.add_argument("--out", required=True, help="the .xlsx file to write")
        parser.add_argument("--language", default="fr", choices=["fr", "ar", "en"])
        parser.add_argument(
            "--until", type=date.fromisoformat, help="end of the reporting period (YYYY-MM-DD)"
        )
        parser.add_argument("--refresh", action="store_true", help="refresh the warehouse first")

    def handle(self, *args, project: str, out: str, language: str, until=None, refresh=False, **options):
        try:
            record = Project.objects.get(code=project)
        except Project.DoesNotExist:
            raise CommandError(f"No project with the code {project!r}.") from None
        if refresh or snapshot.info() is None:
            observatory.start_refresh(None, background=False)
        report = exports.donor_report(record, until)
        xlsx_report.write_report(report, language, out)
        audit.record(audit.Action.EXPORT, None, record, details={"report": "xlsx", "language": language})
        self.stdout.write(self.style.SUCCESS(
            f"{out}: {len(report.indicators)} indicators, {len(report.disaggregations)} disaggregations, "
            f"snapshot of {report.snapshot:%Y-%m-%d %H:%M}"
        ))  # fmt: skip
