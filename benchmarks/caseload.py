"""The case worker's caseload page and home page at national scale: the code before the caps and indexes (the
baseline, measured in the same run) against the code now, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kafaat_load KAFAAT_VAR_DIR=/work/loadvar \\
        .venv/bin/python benchmarks/caseload.py [--users load.amal-oujda.1] [--repeat 5]

The baseline is commit 61bd7fe: the follow-ups due counted exactly (one aggregate over every placement of the
window, with JIT turned off for it), the referrals sent counted exactly, and no index for the people lists'
order or the pending referrals. It runs inside a transaction that drops this change's indexes (PostgreSQL's
DDL is transactional) and is rolled back, so the database is left as it was. Each figure is the median of
`--repeat` requests after a warm one. Reads only, except the pages' audit events (rolled back for the
baseline). Prints the load average before and after: the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
NEW_INDEXES = ("step_pending_referral_sent", "person_caseload_newest", "person_newest")


class Rollback(Exception):
    pass


@contextmanager
def without_jit():
    """61bd7fe's hack: JIT off for the exact counts (they cost more to compile than to run)."""
    from django.db import connection, transaction

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield
        # In 61bd7fe the request is in autocommit: the setting ended with this transaction. Here the baseline
        # runs inside one transaction (rolled back): put JIT back for the rest of its page.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = DEFAULT")


def baseline_classes():
    """61bd7fe's exact counts, verbatim but for the names."""
    from django.db.models import Count, Exists, OuterRef, Q

    from kafaat.pathways import due
    from kafaat.pathways.models import Step, StepKind

    def followed_up(months: int) -> Exists:
        return Exists(
            Step.objects.filter(parent=OuterRef("pk"), kind=StepKind.FOLLOW_UP, follow_up_months=months)
        )

    def due_condition(months: int, until: date) -> Q:
        return Q(date__lte=due.latest_placement_due(until, months)) & ~followed_up(months)

    class ExactDueFollowUps(due.DueFollowUps):
        def count(self) -> int:
            if self._count is None:
                with without_jit():
                    figures = self.placements.aggregate(
                        **{
                            f"m{m}": Count("pk", filter=due_condition(m, self.until))
                            for m in due.FOLLOW_UP_MONTHS
                        }
                    )
                self._count = sum(figures.values())
            return self._count

        @property
        def capped(self) -> bool:
            return False

    def exact_counts(actor, *, today: date, until: date, mine_only: bool = True) -> due.DueCounts:
        day_before = today - timedelta(days=1)
        placements = due._placements(actor, until, mine_only).annotate(
            **{f"done_{m}": followed_up(m) for m in due.FOLLOW_UP_MONTHS}
        )
        counts = {}
        for m in due.FOLLOW_UP_MONTHS:
            pending = Q(**{f"done_{m}": False})
            counts[f"by_until_{m}"] = Count(
                "pk", filter=pending & Q(date__lte=due.latest_placement_due(until, m))
            )
            counts[f"overdue_{m}"] = Count(
                "pk", filter=pending & Q(date__lte=due.latest_placement_due(day_before, m))
            )
        with without_jit():
            figures = placements.aggregate(**counts)
        overdue = sum(figures[f"overdue_{m}"] for m in due.FOLLOW_UP_MONTHS)
        by_until = sum(figures[f"by_until_{m}"] for m in due.FOLLOW_UP_MONTHS)
        return due.DueCounts(overdue=overdue, due=by_until - overdue)

    return ExactDueFollowUps, exact_counts


@contextmanager
def baseline():
    """61bd7fe's code and indexes, in a transaction rolled back at the end."""
    from django.core.paginator import Paginator
    from django.db import connection, transaction

    from kafaat.pathways import services, views

    exact_list, exact_counts = baseline_classes()

    def exact_paginator(object_list, per_page, *, cap=None, **kwargs):
        return Paginator(object_list, per_page, **kwargs)

    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                for name in NEW_INDEXES:
                    cursor.execute(f"DROP INDEX IF EXISTS {name}")
            with (
                mock.patch.object(services, "DueFollowUps", exact_list),
                mock.patch.object(services, "due_follow_up_counts", exact_counts),
                mock.patch.object(views, "CappedPaginator", exact_paginator),
            ):
                yield
            raise Rollback
    except Rollback:
        pass


def timed(function, repeat: int) -> tuple[float, object]:
    function()  # warm
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(1000 * (time.perf_counter() - started))
    return statistics.median(times), result


def measure(users, urls, repeat: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from kafaat.pathways import services

    today = timezone.localdate()
    until = services.end_of_week(today)
    figures = {}
    for username in users:
        user = get_user_model().objects.get(username=username)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        for url in urls:
            queries: list[str] = []

            def counted(execute, sql, params, many, context, queries=queries):
                queries.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(counted):
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            ms, _ = timed(partial(client.get, url), repeat)
            figures[(username, url)] = (ms, len(queries))
        for mine_only in (True, False):
            lazy = partial(services.DueFollowUps, user, until=until, mine_only=mine_only)
            ms, count = timed(lambda lazy=lazy: lazy().count(), repeat)
            scope = "mine" if mine_only else "organisation"
            figures[(username, f"count of follow-ups due ({scope})")] = (ms, count)
            ms, counts = timed(
                partial(services.due_follow_up_counts, user, today=today, until=until, mine_only=mine_only),
                repeat,
            )
            figures[(username, f"home counts ({scope})")] = (ms, f"{counts.overdue} + {counts.due}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", nargs="+", default=["load.amal-oujda.1"])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kafaat.settings")
    import django

    django.setup()
    from django.db import connection

    from kafaat.pathways.models import Step
    from kafaat.registry.models import Person

    assert connection.vendor == "postgresql", "the baseline drops indexes in a transaction: PostgreSQL only"
    people, steps = Person.objects.count(), Step.objects.count()
    print(f"database: {connection.settings_dict['NAME']}: {people:,} people, {steps:,} steps")
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    urls = ("/caseload/", "/caseload/?scope=organisation", "/")
    with baseline():
        before = measure(args.users, urls, args.repeat)
    after = measure(args.users, urls, args.repeat)
    print()
    print("| user | what | before (61bd7fe) ms | after ms | × faster | before | after |")
    print("|---|---|---:|---:|---:|---|---|")
    for key, (old_ms, old_extra) in before.items():
        new_ms, new_extra = after[key]
        what = f"page `{key[1]}`" if key[1].startswith("/") else key[1]
        detail = "queries" if key[1].startswith("/") else "value"
        print(
            f"| {key[0]} | {what} | {old_ms:,.0f} | {new_ms:,.0f} | {old_ms / max(new_ms, 0.1):.1f} "
            f"| {old_extra} {detail} | {new_extra} {detail} |"
        )
    print()
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
