"""Benchmark of the indicator engine and of the warehouse refresh, on PostgreSQL, in one run.

    .venv/bin/python benchmarks/indicators.py --people 1000000 [--reuse] [--keep] [--orm-indicators 26]

The scratch database is `kafaat_bench_engine`, or `$KAFAAT_BENCH_DATABASE` (one per session).

1. Loads `--people` synthetic people and their pathways (about 10 steps per person over three projects)
   into the scratch database `kafaat_bench_engine` (`--reuse` keeps a database already loaded).
2. Refresh: a plain `COPY (same query) TO STDOUT (FORMAT binary)` of every query the refresh reads (the
   indicator tables and the observatory's supply and demand sources; the strict baseline), and the issue's
   wording of it, a plain `COPY table TO STDOUT` (text, every column) of each table those queries read,
   against `warehouse.refresh()` — full (every record decrypted) and incremental (nothing changed) — in
   rows read per second.
3. Engine: 26 indicators × 4 disaggregations (sex, age band, region, province; all four are plain columns
   in the operational database, so the ORM baseline can group by them) of the largest project over its
   whole period: cold (the snapshot file just opened) and warm (median of 5), against the same indicators
   computed with Django ORM queries, one per indicator and grouping.
Every figure is printed with the load average: the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
DATABASE = "kafaat_bench_engine"
PERIOD = (date(2025, 1, 1), date(2026, 12, 31))
DIMENSIONS = ("sex", "age_band", "region", "province")
STEP_KINDS = {
    "registered": None, "assessed": "assessment", "referred": "referral", "enrolled": "enrolment",
    "dropped_out": "dropout", "completed": "completion", "certified": "certification", "placed": "placement",
}  # fmt: skip
PLACEMENT_TYPES = ("salaried_job", "internship", "self_employment", "income_generating_activity",
                   "incubated_enterprise")  # fmt: skip


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}  (load {load_average()})", flush=True)


def prepare(server: str, reuse: bool) -> bool:
    """Point Django at the scratch database; returns whether it must be loaded."""
    import psycopg

    global DATABASE  # noqa: PLW0603 — set once from the command line
    DATABASE = os.environ.get("KAFAAT_BENCH_DATABASE", DATABASE)

    url = f"{server}/{DATABASE}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if exists and reuse:
            with psycopg.connect(url) as conn:
                try:
                    if conn.execute("SELECT count(*) FROM pathways_step").fetchone()[0]:
                        os.environ["DATABASE_URL"] = url
                        return False
                except psycopg.Error:
                    pass
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    os.environ["DATABASE_URL"] = url
    return True


def specs():
    from kafaat.results.engine import IndicatorSpec

    chosen = [IndicatorSpec(f"n_{s}", f"people_{s}", {}, DIMENSIONS) for s in STEP_KINDS]
    chosen += [IndicatorSpec(f"w_{s}", f"women_share_{s}", {}, DIMENSIONS) for s in STEP_KINDS]
    chosen += [
        IndicatorSpec(f"p_{t}", "people_placed", {"placement_type": t}, DIMENSIONS) for t in PLACEMENT_TYPES
    ]
    chosen += [
        IndicatorSpec("dropout_rate", "dropout_rate", {}, DIMENSIONS),
        IndicatorSpec("completion_rate", "completion_rate", {}, DIMENSIONS),
        IndicatorSpec("employed_12", "employed_at_12_months", {}, DIMENSIONS),
        IndicatorSpec("placed_6m", "placed_within_6_months", {}, DIMENSIONS),
        IndicatorSpec("employment_rate_12", "employment_rate_12_months", {}, DIMENSIONS),
    ]
    return chosen


def copy_rate(server: str) -> tuple[int, float]:
    import psycopg

    from kafaat.observatory import warehouse
    from kafaat.observatory.warehouse import supply_demand

    # Exactly the queries the refresh reads: the indicator tables and the observatory's sources.
    queries = {**warehouse.SOURCES, **supply_demand.SOURCES}
    rows, started = 0, time.perf_counter()
    with psycopg.connect(f"{server}/{DATABASE}") as conn, conn.cursor() as cursor:
        for sql in queries.values():
            with cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT binary)") as copy:
                for _data in copy:
                    pass
            rows += cursor.rowcount
    return rows, time.perf_counter() - started


def source_tables() -> list[str]:
    """Every table a query of the refresh reads (its FROM and JOIN clauses)."""
    import re

    from kafaat.observatory import warehouse
    from kafaat.observatory.warehouse import supply_demand

    queries = {**warehouse.SOURCES, **supply_demand.SOURCES}
    return sorted({t for sql in queries.values() for t in re.findall(r"(?:FROM|JOIN)\s+(\w+)", sql)})


def plain_copy_seconds(server: str) -> float:
    """The issue's wording of the baseline: a plain `COPY table TO STDOUT` (text, every column) of each table
    the refresh reads. Reported beside the strict baseline above (binary, exactly the refresh's queries)."""
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(f"{server}/{DATABASE}") as conn, conn.cursor() as cursor:
        for table in source_tables():
            with cursor.copy(f"COPY {table} TO STDOUT") as copy:
                for _data in copy:
                    pass
    return time.perf_counter() - started


def orm_baseline(project_code: str, limit: int) -> tuple[float, int, dict[str, int]]:
    """The same indicators with the ORM: one query per indicator and grouping (and per rate's two terms)."""
    from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, Value, When
    from django.db.models.functions import ExtractYear, Substr

    from kafaat.core.models import Project
    from kafaat.pathways.models import Step
    from kafaat.registry.models import Person

    project = Project.objects.get(code=project_code)
    age = ExtractYear("_day") - ExtractYear("birth_date")  # years at the event (to the year: a baseline)
    band = Case(
        When(_age__lt=18, then=Value("15-17")),
        When(_age__lt=25, then=Value("18-24")),
        When(_age__lt=35, then=Value("25-34")),
        default=Value("35+"),
        output_field=CharField(),
    )

    def people_at(kind: str | None, **extra):
        if kind is None:
            return Person.objects.filter(
                participations__project=project, participations__joined_on__range=PERIOD
            ).annotate(_day=F("participations__joined_on"))
        condition = Q(steps__project=project, steps__kind=kind, steps__date__range=PERIOD)
        for key, value in extra.items():
            condition &= Q(**{f"steps__{key}": value})
        return Person.objects.filter(condition).annotate(_day=F("steps__date"))

    def grouped(queryset) -> int:
        distinct = Count("id", distinct=True)
        queryset.aggregate(n=distinct)
        list(queryset.values("sex").annotate(n=distinct))
        list(queryset.annotate(_age=age, band=band).values("band").annotate(n=distinct))
        list(queryset.annotate(r=Substr("territory__path", 1, 5)).values("r").annotate(n=distinct))
        list(queryset.annotate(p=Substr("territory__path", 7, 6)).values("p").annotate(n=distinct))
        return 5

    ended = people_at("dropout") | people_at("completion")
    placed = Step.objects.filter(project=project, kind="placement", person=OuterRef("pk"))
    work = [(f"n_{step}", [people_at(kind)]) for step, kind in STEP_KINDS.items()]
    work += [
        (f"w_{step}", [people_at(kind), people_at(kind).filter(sex="F")]) for step, kind in STEP_KINDS.items()
    ]
    work += [(f"p_{t}", [people_at("placement", placement_type=t)]) for t in PLACEMENT_TYPES]
    work += [
        ("dropout_rate", [people_at("dropout"), ended]),
        ("completion_rate", [people_at("completion"), ended]),
        ("employed_12", [people_at("follow_up", follow_up_months=12, still_employed=True)]),
        ("placed_6m", [people_at("completion").filter(Exists(placed))]),
        ("employment_rate_12", [people_at("follow_up", follow_up_months=12, still_employed=True),
                                people_at("follow_up", follow_up_months=12)]),
    ]  # fmt: skip
    totals, queries, started = {}, 0, time.perf_counter()
    for code, querysets in work[:limit]:
        for queryset in querysets:
            queries += grouped(queryset)
        totals[code] = querysets[0].aggregate(n=Count("id", distinct=True))["n"]
    return time.perf_counter() - started, queries, totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--second-share", type=float, default=0.7, help="share of people in projects 1 and 2")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--reuse", action="store_true", help="keep an already loaded scratch database")
    parser.add_argument("--keep", action="store_true", help="do not drop the scratch database at the end")
    parser.add_argument("--orm-indicators", type=int, default=26, help="how many indicators the ORM runs")
    args = parser.parse_args()

    must_load = prepare(args.server, args.reuse)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kafaat.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kafaat.observatory import snapshot, warehouse
    from kafaat.results.engine import compute

    if must_load:
        call_command("migrate", verbosity=0)
        log("loading")
        started = time.monotonic()
        import indicators_data

        counts = indicators_data.load(f"{args.server}/{DATABASE}", args.people, args.second_share, log)
        log(f"loaded {counts} in {time.monotonic() - started:.0f} s")

    rows_copy, copy_seconds = copy_rate(args.server)
    log(f"COPY TO: {rows_copy:,} rows in {copy_seconds:.1f} s")
    plain_seconds = plain_copy_seconds(args.server)
    log(f"plain COPY of the tables (text): {plain_seconds:.1f} s")
    folder = Path(tempfile.mkdtemp(prefix="engine-bench-"))
    path = folder / "warehouse.duckdb"
    cpu = time.process_time()  # this process's CPU time, all threads: the client's share of the work
    full = warehouse.refresh(path=path, full=True)
    full_cpu, cpu = time.process_time() - cpu, time.process_time()
    log(f"refresh (full): {full.read:,} rows in {full.seconds:.1f} s (read {full.read_seconds:.1f} s), "
        f"decrypted {full.decrypted:,} (decryption thread {full.decrypt_seconds:.1f} s)")  # fmt: skip
    incremental = warehouse.refresh(path=path)
    incremental_cpu = time.process_time() - cpu
    log(f"refresh (incremental): {incremental.seconds:.1f} s, decrypted {incremental.decrypted:,}")
    log(f"client CPU (s, all threads): full {full_cpu:.1f}, incremental {incremental_cpu:.1f}")
    # The machine is shared: COPY again after the refreshes, and compare with the mean of both rates.
    rows_again, seconds_again = copy_rate(args.server)
    log(f"COPY TO again: {rows_again:,} rows in {seconds_again:.1f} s")
    rows_copy, copy_seconds = rows_copy + rows_again, copy_seconds + seconds_again
    plain_again = plain_copy_seconds(args.server)
    log(f"plain COPY of the tables again: {plain_again:.1f} s")
    plain_seconds = (plain_seconds + plain_again) / 2
    log(f"stages (s), full: {full.stages}; incremental: {incremental.stages}")

    project = "bench-0"
    chosen = specs()
    snapshot.close_all()
    cold = compute(project, *PERIOD, chosen, path=path)
    warm_times = []
    for _ in range(5):
        warm = compute(project, *PERIOD, chosen, path=path)
        warm_times.append(warm.seconds)
    warm_seconds = statistics.median(warm_times)
    log(f"engine: cold {cold.seconds:.3f} s, warm {warm_seconds:.3f} s")
    connection.close()
    orm_seconds, queries, orm_totals = orm_baseline(project, args.orm_indicators)
    ran = len(orm_totals)
    log(f"ORM: {ran} indicators, {queries} queries, {orm_seconds:.1f} s")
    orm_all = orm_seconds * len(chosen) / ran  # extrapolated when fewer indicators were run
    agree = [
        code
        for code, n in orm_totals.items()
        if code.startswith("n_") and cold.results[code].total.numerator == n
    ]

    load = load_average()
    copy_rows_s = rows_copy / copy_seconds

    def row(
        label: str, value: float, baseline: float, ratio: float, fmt: str = ",.0f", unit: str = ""
    ) -> None:
        print(f"{label:<52} {value:>14{fmt}} {baseline:>14{fmt}} {ratio:>9.2f}{unit}  {load}")

    print(f"\n{'figure':<52} {'value':>14} {'baseline':>14} {'ratio':>9}  load average")
    for label, rate in (
        ("refresh, full: rows/s vs COPY TO rows/s", full.read / full.seconds),
        ("refresh, incremental: rows/s vs COPY TO", incremental.read / incremental.seconds),
        ("extraction alone (ADBC): rows/s vs COPY TO", full.read / full.read_seconds),
    ):
        row(label, rate, copy_rows_s, rate / copy_rows_s)
    # The wording: a plain COPY TO (text) of the same tables; in seconds, ratio baseline/refresh.
    for label, seconds in (
        ("refresh, full (s) vs plain COPY of the tables (s)", full.seconds),
        ("refresh, incremental (s) vs plain COPY of the tables", incremental.seconds),
    ):
        row(label, seconds, plain_seconds, plain_seconds / seconds, ".1f")
    indicators = f"engine, {len(chosen)} indicators x 4 disaggregations"
    row(f"{indicators}, cold (s) vs ORM", cold.seconds, orm_all, orm_all / cold.seconds, ".3f", "x")
    row(f"{indicators}, warm (s) vs ORM", warm_seconds, orm_all, orm_all / warm_seconds, ".3f", "x")
    print(f"\nsnapshot: {full.rows}; ORM baseline ran {ran} of {len(chosen)} indicators ({queries} queries)"
          f"{' and was extrapolated' if ran < len(chosen) else ''}; step counts equal to the engine's: "
          f"{len(agree)} of {sum(1 for c in orm_totals if c.startswith('n_'))}")  # fmt: skip
    snapshot.close_all()
    path.unlink(missing_ok=True)
    if not args.keep:
        connection.close()
        import psycopg

        with psycopg.connect(f"{args.server}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


if __name__ == "__main__":
    main()
