"""Benchmark of the grants review figures on PostgreSQL, in one run, each against a baseline measured in it.

    .venv/bin/python benchmarks/grants.py [--applications 2000] [--reuse] [--keep]

The scratch database is `kafaat_bench_grants` (or `$KAFAAT_BENCH_DATABASE`): one open call with two lots and
the PRAG grid (12 criteria), 2,000 eligible applications from 200 NGOs (some with partners), 9 reviewers
(two of them sitting in applicant NGOs). Every figure is printed with the load average: the machine is shared.

1. The bulk assignment of all 2,000 applications (3 reviewers each, balanced, exclusions applied) by
   `services.assignment.assign_bulk`, in one transaction. Goal: ≤ 5 s.
2. The ranking page (`/grants/review/calls/<id>/ranking/?stage=full`) as served — middleware, view,
   template — through Django's test client, logged in as the committee, with 2,000 applications × 3
   submitted reviews × 12 scores: 50 times, p95. Goal: ≤ 150 ms. Baseline: the same ranking computed by
   per-application ORM queries (each application's reviews, then its scores per section), p95 of 5.
   The page measured again after `gc.freeze()` (the start-up heap out of the collector, as a preloading
   server does): the slow tail of the first figure is Python's full garbage collections, not the page.
3. The XLSX of the whole ranking (computed and written, formulas neutralised). Goal: ≤ 3 s.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
import scratch  # noqa: E402 — benchmarks/ is on the path
from scratch import load_average, log  # noqa: E402

DATABASE = "kafaat_bench_grants"
CALL = "bench-grants"


def prepare(server: str, reuse: bool) -> bool:
    """Point Django at the scratch database ($KAFAAT_BENCH_DATABASE or DATABASE); True: load it."""
    global DATABASE  # noqa: PLW0603 — set once from the environment
    DATABASE = os.environ.get("KAFAAT_BENCH_DATABASE", DATABASE)
    return scratch.prepare(server, DATABASE, "grants_application", reuse)


def load(n_applications: int, seed: int = 16) -> None:
    """The call, its people and its applications (eligible, not yet assigned)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from kafaat.core.models import Membership, Organisation, Project, Role, Territory
    from kafaat.grants.models import Application, Call, Lot
    from kafaat.grants.prag import seed_grid

    rng = np.random.default_rng(seed)
    users = get_user_model()
    region = Territory.objects.filter(level="region").order_by("code").first()
    agency = Organisation.objects.create(
        code="bench-agency", type="implementing_agency", name_fr="Agence", territory=region
    )
    ngos = Organisation.objects.bulk_create(
        Organisation(code=f"bench-ngo-{i}", type="ngo", name_fr=f"Association {i}", territory=region)
        for i in range(200)
    )
    project = Project.objects.create(code="bench-grants", name_fr="Bench", start_date=timezone.localdate())
    now = timezone.now()
    call = Call.objects.create(
        code=CALL,
        project=project,
        organisation=agency,
        procedure=Call.Procedure.OPEN,
        name_fr="Bench",
        status=Call.Status.CLOSED,
        min_grant=Decimal("10000"),
        max_grant=Decimal("1000000"),
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=30),
        reviewers_per_application=3,
    )
    seed_grid(call)
    lots = [
        Lot.objects.create(call=call, code=f"L{i}", name_fr=f"Lot {i}", budget=Decimal("150000000"))
        for i in (1, 2)
    ]
    committee = users.objects.create_user("bench-committee", password=None)
    Membership.objects.create(user=committee, organisation=agency, role=Role.PROGRAMME_MANAGER)
    for i in range(9):
        reviewer = users.objects.create_user(f"bench-reviewer-{i}", password=None)
        Membership.objects.create(user=reviewer, organisation=agency, role=Role.GRANT_REVIEWER)
        if i < 2:  # sits in an applicant NGO too: never assigned its (or its partners') applications
            Membership.objects.create(user=reviewer, organisation=ngos[i], role=Role.CASE_WORKER)
        call.reviewers.add(reviewer)
    owners = rng.integers(0, len(ngos), n_applications)
    applications = Application.objects.bulk_create(
        Application(
            call=call,
            lot=lots[i % 2],
            organisation=ngos[int(owners[i])],
            reference=f"B-{i:05d}",
            status="eligible",
            title=f"Projet {i}",
            requested_amount=Decimal(int(rng.integers(5, 100)) * 10000),
            total_cost=Decimal("1200000"),
        )
        for i in range(n_applications)
    )
    through = Application.partners.through
    through.objects.bulk_create(
        through(application_id=a.pk, organisation_id=ngos[int(rng.integers(0, 10))].pk)
        for a in applications[::5]
    )


def submit_every_review(seed: int = 17) -> int:
    """Every assignment scored (12 criteria, 1–5) and submitted, its total kept, written in bulk."""
    from django.db import transaction
    from django.utils import timezone

    from kafaat.grants.models import Assignment, Call, Score
    from kafaat.grants.services import scoring

    rng = np.random.default_rng(seed)
    call = Call.objects.get(code=CALL)
    criteria = scoring.criteria_of(call, "full")
    items = list(Assignment.objects.filter(application__call=call))
    quality = rng.integers(2, 6, len(items))
    scores, now = [], timezone.now()
    for item, level in zip(items, quality, strict=True):
        values = {pk: int(np.clip(level + rng.integers(-1, 2), 1, 5)) for pk in criteria}
        scores += [Score(assignment=item, criterion_id=pk, score=v, comment="ok") for pk, v in values.items()]
        item.total, item.status, item.submitted_at = scoring.total_of(values, criteria), "submitted", now
    with transaction.atomic():
        Score.objects.bulk_create(scores, batch_size=5000)
        Assignment.objects.bulk_update(items, ["total", "status", "submitted_at"], batch_size=2000)
    return len(scores)


def per_application_ranking(call) -> int:
    """The baseline: the same figures read application by application through the ORM."""
    from django.db.models import F, Sum

    from kafaat.grants.models import Application, Assignment, Score

    rows = 0
    for application in Application.objects.filter(call=call, status="eligible"):
        totals = list(
            Assignment.objects.filter(application=application, stage="full", status="submitted").values_list(
                "total", flat=True
            )
        )
        sections = (
            Score.objects.filter(assignment__application=application, assignment__status="submitted")
            .values("criterion__section_id")
            .annotate(points=Sum(F("score") * F("criterion__weight")))
        )
        if totals:
            _mean = sum(totals) / len(totals)
            _spread = max(totals) - min(totals)
        rows += len(list(sections)) and 1
    return rows


def p95(values: list[float]) -> float:
    return float(np.percentile(values, 95))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=2000)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--reuse", action="store_true", help="keep an already loaded scratch database")
    parser.add_argument("--keep", action="store_true", help="do not drop the scratch database at the end")
    args = parser.parse_args()

    must_load = prepare(args.server, args.reuse)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kafaat.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings

    from kafaat.grants.models import Assignment, Call
    from kafaat.grants.services import assignment, ranking

    if must_load:
        call_command("migrate", verbosity=0)
        started = time.monotonic()
        load(args.applications)
        log(f"loaded {args.applications} applications in {time.monotonic() - started:.1f} s")
    call = Call.objects.get(code=CALL)
    officer = call.organisation.memberships.get(role="programme_manager").user
    Assignment.objects.filter(application__call=call).delete()  # a reused database: assign again

    started = time.monotonic()
    result = assignment.assign_bulk(officer, call, "full")
    assign_seconds = time.monotonic() - started
    log(f"assigned {len(result.created)} for {result.applications} applications, short: {len(result.short)}")
    scores = submit_every_review()
    with connection.cursor() as cursor:  # what autovacuum does after a load: the planner's statistics
        cursor.execute("ANALYZE")
    log(f"{scores} scores written and submitted")
    connection.close()

    baseline = []
    for _ in range(5):
        started = time.monotonic()
        per_application_ranking(call)
        baseline.append(time.monotonic() - started)
    log(f"per-application ranking: median {statistics.median(baseline):.3f} s")

    override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]).enable()
    client = Client()
    client.force_login(officer)
    client.cookies["kafaat_language"] = "fr"
    url = f"/grants/review/calls/{call.pk}/ranking/?stage=full"
    response = client.get(url)
    assert response.status_code == 200 and b"data-reference" in response.content, response.status_code
    pages = []
    for _ in range(50):
        started = time.monotonic()
        client.get(url)
        pages.append(time.monotonic() - started)
    log(f"ranking page: median {statistics.median(pages):.3f} s, {len(response.content) // 1024} KiB")
    # The slow tail above is Python's full garbage collections over Django's heap (≈ 90 ms, every few
    # requests), not the page: a server that freezes its start-up heap (gc.freeze()) does not have it.
    gc.freeze()
    frozen = []
    for _ in range(50):
        started = time.monotonic()
        client.get(url)
        frozen.append(time.monotonic() - started)
    gc.unfreeze()
    service = []
    for _ in range(10):
        started = time.monotonic()
        ranking.ranking(call, "full", detail=False)  # as the page asks for it
        service.append(time.monotonic() - started)

    started = time.monotonic()
    content = ranking.ranking_xlsx(call, ranking.ranking(call, "full"), "fr")
    xlsx_seconds = time.monotonic() - started
    log(f"XLSX: {len(content) // 1024} KiB")

    load_now = load_average()

    def row(label: str, value: float, goal: str, base: str = "") -> None:
        print(f"{label:<62} {value:>10.3f} {goal:>8} {base:>24}  {load_now}")

    n = args.applications
    print(f"\n{'figure (seconds)':<62} {'value':>10} {'goal':>8} {'baseline':>24}  load average")
    row(f"bulk assignment of {n} applications × 3 reviewers", assign_seconds, "≤ 5")
    row(
        f"ranking page, {n} applications × 3 reviews × 12 criteria, p95",
        p95(pages),
        "≤ 0.150",
        f"per application {p95(baseline):.3f}",
    )
    row("  the same, start-up heap frozen (gc.freeze()), p95", p95(frozen), "≤ 0.150")
    row("  of which the ranking service, p95", p95(service), "", "")
    row(f"XLSX of the ranking ({n} rows)", xlsx_seconds, "≤ 3")
    connection.close()
    if not args.keep:
        import psycopg

        with psycopg.connect(f"{args.server}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


if __name__ == "__main__":
    main()
