"""The caseload's follow-ups due: the Python computation it replaced (the baseline, in the same run) against
the database reads of `pathways/due.py`, for case workers of large organisations; then the caseload page and
the home page through Django's test client, before (the old list patched in) and after.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kafaat_load KAFAAT_VAR_DIR=/work/loadvar \\
        .venv/bin/python benchmarks/caseload.py [--users load.amal-oujda.1] [--repeat 5] [--old-repeat 1]

Reads only, except what the pages themselves write (their audit events). Prints the load average before and
after: the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from functools import partial
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def old_due_follow_ups(actor, *, until=None, mine_only: bool = True) -> list:
    """The algorithm before pathways/due.py (commit 1c236cf), verbatim but for the names."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from kafaat.pathways.due import FOLLOW_UP_MONTHS, DueItem, add_months
    from kafaat.pathways.models import Step, StepKind
    from kafaat.registry import services as registry

    until = until or timezone.localdate() + timedelta(days=7)
    people = registry.visible_people(actor)
    if mine_only:
        people = people.filter(case_worker=actor)
    earliest = add_months(until, -12) - timedelta(days=31)
    placements = (
        Step.objects.filter(kind=StepKind.PLACEMENT, person__in=people, date__gte=earliest, date__lte=until)
        .select_related("person")
        .prefetch_related("children")
    )
    due = []
    for placement in placements:
        done = {c.follow_up_months for c in placement.children.all() if c.kind == StepKind.FOLLOW_UP}
        for months in FOLLOW_UP_MONTHS:
            due_on = add_months(placement.date, months)
            if months not in done and due_on <= until:
                what = _("Follow-up at %(n)s months") % {"n": months}
                due.append(DueItem(placement.person, what, due_on, placement, months))
    return sorted(due, key=lambda item: item.due_on)


def old_counts(actor, *, today, until, mine_only: bool = True):
    from kafaat.pathways.due import DueCounts

    due = old_due_follow_ups(actor, until=until, mine_only=mine_only)
    overdue = sum(1 for item in due if item.due_on < today)
    return DueCounts(overdue=overdue, due=len(due) - overdue)


def page_one(due_follow_ups, user, until, mine_only: bool):
    due = due_follow_ups(user, until=until, mine_only=mine_only)
    return due.count(), due[0:20]


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(1000 * (time.perf_counter() - started))
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", nargs="+", default=["load.amal-oujda.1"])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--old-repeat", type=int, default=1, help="the baseline takes tens of seconds")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kafaat.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from kafaat.pathways import services

    database = f"{connection.vendor} {connection.settings_dict['NAME']}"
    print(f"database: {database}; load average before: {os.getloadavg()}")
    today = timezone.localdate()
    until = services.end_of_week(today)
    for username in args.users:
        user = get_user_model().objects.get(username=username)
        for mine_only in (True, False):
            label = f"{username} ({'mine' if mine_only else 'organisation'}, until {until})"
            old_ms, old = timed(
                partial(old_due_follow_ups, user, until=until, mine_only=mine_only), args.old_repeat
            )
            page = partial(page_one, services.DueFollowUps, user, until, mine_only)
            with CaptureQueriesContext(connection) as queries:
                page()
            new_ms, (count, first) = timed(page, args.repeat)
            counts_ms, counts = timed(
                partial(services.due_follow_up_counts, user, today=today, until=until, mine_only=mine_only),
                args.repeat,
            )
            assert count == len(old) == counts.overdue + counts.due, (count, len(old), counts)
            assert [(i.placement.pk, i.months) for i in first] == [
                (i.placement.pk, i.months)
                for i in sorted(
                    old, key=lambda i: (i.due_on, i.placement.date, i.person.pk, i.placement.pk, i.months)
                )[:20]
            ]
            print(f"{label}: {count} due")
            print(f"  function, old (whole list, Python):     {old_ms:10.1f} ms")
            print(f"  function, new (count + first page):     {new_ms:10.1f} ms  ({len(queries)} queries)")
            print(f"  home counts, new (one aggregate):       {counts_ms:10.1f} ms")

        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        for url in ("/caseload/", "/caseload/?scope=organisation", "/"):
            with (
                mock.patch.object(services, "DueFollowUps", old_due_follow_ups),
                mock.patch.object(services, "due_follow_up_counts", old_counts),
            ):
                before_ms, response = timed(partial(client.get, url), args.old_repeat)
            assert response.status_code == 200, (url, response.status_code)
            client.get(url)  # warm
            after_ms, response = timed(partial(client.get, url), args.repeat)
            assert response.status_code == 200, (url, response.status_code)
            print(f"  page {url:30} before {before_ms:10.1f} ms   after {after_ms:8.1f} ms")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
