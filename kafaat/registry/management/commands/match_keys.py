"""`python -m kafaat match-keys`: rebuild the registry's match keys and term frequencies (the registration
form's likely matches, docs/deduplication.md)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from kafaat.registry.dedup import match_keys


class Command(BaseCommand):
    help = "Rebuild the match keys of the registration form's likely matches, and the name frequencies."

    def add_arguments(self, parser):
        parser.add_argument(
            "--frequencies",
            action="store_true",
            help="only the term frequencies (names, communes, provinces): e.g. nightly, from cron",
        )
        parser.add_argument(
            "--background", action="store_true", help="queue it as a job for the worker instead"
        )

    def handle(self, *args, **options):
        if options["background"]:
            job = match_keys.start_rebuild(frequencies_only=options["frequencies"])
            self.stdout.write(f"queued as job {job.pk}")
            return

        def progress(done: int, total: int) -> None:
            sys.stderr.write(f"\r{done / max(total, 1):4.0%}")
            sys.stderr.flush()

        built = match_keys.rebuild(progress, keys=not options["frequencies"])
        sys.stderr.write("\n")
        what = "term frequencies" if options["frequencies"] else "match keys and term frequencies"
        self.stdout.write(f"{what} of {built.people:,} people in {built.seconds:.1f} s")
