"""python -m kafaat grants_reminders: e-mail grantees about their reports due within a week or overdue
(at most once a week per report). Run it daily (cron or a systemd timer)."""

from datetime import date

from django.core.management.base import BaseCommand

from kafaat.core import jobs
from kafaat.grants.services import reports


class Command(BaseCommand):
    help = "E-mail grantees whose reports are due within 7 days or overdue (once a week per report)."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, help="the day to count from (YYYY-MM-DD)")
        parser.add_argument("--background", action="store_true", help="queue it as a job for the worker")

    def handle(self, *args, today=None, background=False, **options):
        if background:
            job = jobs.enqueue(reports.JOB_KIND)
            self.stdout.write(self.style.SUCCESS(f"Queued as job {job.pk}."))
            return
        sent = reports.send_reminders(today)
        self.stdout.write(
            self.style.SUCCESS(f"{sent.reports} reports reminded, {sent.messages} e-mails sent.")
        )
