"""`python -m kafaat demo`: migrate, compile translations, load the demo data, print the log-ins, serve."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from kafaat.core.jobs import start_worker_process
from kafaat.core.serving import ServeOptions, serve
from kafaat.synth.demo import DEMO_LOGINS, DEMO_PASSWORD, PROJECT_CODE, load_demo, refresh_if_changed


class Command(BaseCommand):
    help = "Migrate the database, load the demo data (idempotent) and serve it (gunicorn) on 127.0.0.1:8000."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-serve", action="store_true", help="prepare the database and stop (for scripts)"
        )
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address and port to serve on")

    def handle(
        self, *args: object, no_serve: bool = False, addr: str = "127.0.0.1:8000", **options: object
    ) -> None:
        started = time.perf_counter()
        call_command("compiletranslations", verbosity=0)
        call_command("migrate", interactive=False, verbosity=0)
        created = load_demo()
        # The observatory's figures (gap tables, results) are read from the warehouse snapshot.
        refreshed = refresh_if_changed()
        self.stdout.write(
            "Demo data ready ({} new organisations, {} new users, {} new memberships).".format(
                created["organisations"], created["users"], created["memberships"]
            )
        )
        people, steps, seconds = created["people"], created["steps"], time.perf_counter() - started
        self.stdout.write(
            f"Project {PROJECT_CODE}: {people:,} new people, {steps:,} new pathway steps ({seconds:.1f} s)."
        )
        self.stdout.write("Warehouse refreshed." if refreshed else "Warehouse already up to date.")
        self.stdout.write(f"\nDemo log-ins (password for all: {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            role = login.role.label if login.role else "national administrator (superuser)"
            where = f" @ {login.organisation}" if login.organisation else ""
            scope = f" [{login.scope}]" if login.scope else ""
            self.stdout.write(f"  {login.username:<20} {role}{where}{scope}")
        if no_serve:
            return
        self.stdout.write(f"\nServing on http://{addr}/  (Ctrl+C to stop)\n")
        self.stdout.flush()
        start_worker_process()  # the background jobs (imports, deduplication, refresh) run in it
        # The production server, as deployed (kafaat/core/serving/server.py): two workers are plenty here
        serve(ServeOptions(addr=addr, workers=2))
