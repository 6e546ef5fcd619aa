"""python -m kafaat refresh-warehouse: rebuild the analytics snapshot, with progress."""

import time

from django.core.management.base import BaseCommand

from kafaat.observatory import services


class Command(BaseCommand):
    help = "Refresh the analytics warehouse (DuckDB snapshot) from the operational database."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="Decrypt every record again (no reuse).")
        parser.add_argument(
            "--no-prewarm",
            dest="prewarm",
            action="store_false",
            help="Do not draw the dashboard's default views into the chart cache afterwards.",
        )

    def handle(self, *args, full: bool = False, prewarm: bool = True, **options):
        def progress(stage: str, percent: int) -> None:
            self.stdout.write(f"[{percent:3d}%] {stage}")

        record = services.start_refresh(None, background=False, full=full, progress=progress)
        rows = ", ".join(f"{count:,} {table}" for table, count in record.rows.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Snapshot of {record.taken_at:%Y-%m-%d %H:%M:%S %Z}: {rows}; "
                f"{record.decrypted:,} records decrypted; {record.seconds:.1f} s"
            )
        )
        if prewarm:  # the default views' charts on disk, where the server's processes find them
            started = time.monotonic()
            views = services.prewarm_dashboard()
            seconds = time.monotonic() - started
            self.stdout.write(f"Dashboard: {views} default views prewarmed in {seconds:.1f} s")
