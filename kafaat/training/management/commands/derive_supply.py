"""`python -m kafaat derive-supply`: supply statistics from Kafaat's enrolment and certification steps."""

from django.core.management.base import BaseCommand

from kafaat.training.derivation import derive_supply


class Command(BaseCommand):
    help = "Derive supply statistics (programme × year × sex × age band) from the pathway steps again."

    def handle(self, *args, **options):
        report = derive_supply()
        self.stdout.write(
            f"enrolments matched: {report.enrolments_matched}\n"
            f"enrolments unmatched: {report.enrolments_unmatched}\n"
            f"rows created: {report.created}\nrows updated: {report.updated}\nrows deleted: {report.deleted}"
        )
