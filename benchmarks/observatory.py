"""Benchmark of the observatory at national scale: the gap table of all regions and provinces, 2 dimensions.

    # smoke run (SQLite, small sizes, a minute):
    .venv/bin/python benchmarks/observatory.py
    # the issue's size on PostgreSQL (a scratch database whose name contains "gaps" or "observatory"):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kafaat_gaps_bench \
        .venv/bin/python benchmarks/observatory.py --establishments 3000 --programmes 20000 --years 10 \
        --vacancies 2000000

Steps: migrate the scratch database; generate the synthetic national data (`kafaat.synth.observatory`) and
write it (COPY on PostgreSQL); refresh the warehouse; then time `gaps.gap_table` for the whole country at
region and at province level, by occupation and by sector (the "full gap table"), and each region's
provinces, against a baseline in the same run: the same figures through Django ORM aggregation queries on the
operational database (plus Python for the groups and indicators, and without the re-post rule, which the
ORM cannot express cheaply — so the baseline is favoured). Goal: full gap table <= 2 s.

`--reuse` skips generation when the scratch database already holds the data. Pages: `PAGES` lists URLs whose
p50/p95 are measured with a logged-in superuser (`measure_page`).

The dashboard page (`measure_dashboard`, goal p95 <= 300 ms): GET /observatory/ over many filter states of the
year it opens at (the country by both dimensions and every map indicator, each region by both dimensions,
one province per region), through
Django's test client, for a superuser (exact figures) and a donor viewer (published form), each page followed
by the chart fragments it asks for (charts not drawn yet), as a browser does. "All requests" (pages and
fragments together) is what a reader waits on. "Cold, no prewarm": each filter state's first request after
every cache was emptied (the process has drawn one chart before, as a running server has); "after prewarm,
first visit": the caches emptied, `dashboard.prewarm` run (what a new snapshot gets after the refresh), then
each filter state's first request — the way a reader meets the page; "charts on disk": the in-memory caches
emptied again (another worker process of the server); "warm": the same requests again (`--repeat` passes).
`--page-only` skips the gap-table timings.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/kafaat_observatory_bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kafaat.settings")

# URLs (path strings, or callables returning one once Django is set up) whose page time is measured.
PAGES: list[str | Callable[[], str]] = []


def _load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def timed(fn: Callable[[], object], repeat: int) -> tuple[list[float], object]:
    """Seconds of each of `repeat` calls of `fn`, and its last result."""
    samples, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - started)
    return samples, result


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def measure_page(url: str, repeat: int = 50) -> dict[str, float]:
    """p50 and p95 (seconds) of GET `url` by a superuser through Django's test client (no network)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.filter(is_superuser=True).first()
    if user is None:
        user = get_user_model().objects.create_superuser("bench-observatory", password="bench-only-x1!")  # noqa: S106
    client = Client()
    client.force_login(user)
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url}: {response.status_code}")
    samples, _ = timed(lambda: client.get(url), repeat)
    return {"p50": percentile(samples, 50), "p95": percentile(samples, 95), "n": repeat}


def dashboard_urls(year: int, regions: list[str]) -> list[str]:
    """Filter states of the dashboard: the country by dimension x indicator, each region by dimension, and
    one province of each region."""
    from kafaat.observatory import dashboard

    urls = [
        f"/observatory/?year={year}&dimension={d}&indicator={i}"
        for d in ("occupation", "sector")
        for i in dashboard.INDICATORS
    ]
    urls += [
        f"/observatory/?year={year}&region={r}&dimension={d}"
        for r in regions
        for d in ("occupation", "sector")
    ]
    urls += [f"/observatory/?year={year}&region={r}&province={dashboard.provinces_of(r)[0]}" for r in regions]
    return urls


def _dashboard_year() -> int:
    """The year the dashboard opens at (the last whose supply and demand are both complete), as a reader
    meets it."""
    from kafaat.observatory import dashboard

    return dashboard.default_year() or dashboard.years()[-1]


def _dashboard_readers():
    """A superuser (exact figures) and a donor viewer of the whole country (published form)."""
    from django.contrib.auth import get_user_model

    from kafaat.core.models import Membership, Organisation, Role, Territory

    users = get_user_model().objects
    exact = users.filter(is_superuser=True).first() or users.create_superuser(
        "bench-observatory",
        password="bench-only-x1!",  # noqa: S106
    )
    donor = users.filter(username="bench-donor").first()
    if donor is None:
        donor = users.create_user("bench-donor", password="bench-only-x1!")  # noqa: S106
        defaults = {"name_fr": "Bailleur (banc d'essai)", "type": Organisation.Type.DONOR,
                    "territory": Territory.objects.get(code="04.421")}  # fmt: skip
        organisation, _ = Organisation.objects.get_or_create(code="bench-donor", defaults=defaults)
        Membership.objects.create(user=donor, organisation=organisation, role=Role.DONOR_VIEWER)
    return {"exact (manager)": exact, "published (donor)": donor}


def _times(client, urls: list[str]) -> tuple[list[float], list[float]]:
    """Seconds per page, and per chart fragment the page asked for (charts not drawn yet load lazily, as
    htmx fragments after the page: each is timed as the browser would fetch it)."""
    pages, fragments = [], []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        pages.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code}")
        for chart in re.findall(r'class="chart-loading"[^>]* hx-get="([^"]+)"', response.content.decode()):
            started = time.perf_counter()
            answer = client.get(html.unescape(chart))
            fragments.append(time.perf_counter() - started)
            if answer.status_code != 200:
                raise RuntimeError(f"{chart}: {answer.status_code}")
    return pages, fragments


def measure_dashboard(urls: list[str], repeat: int = 3) -> list[tuple[str, str, float, None]]:
    """p50/p95 of the dashboard over `urls` for each kind of reader, the page and the chart fragments it loads
    after itself (charts not drawn yet) apart, and all the requests together (what a reader waits for):

    * cold: nothing cached, no prewarm (the first reader of each filter state of a snapshot nobody prewarmed);
    * after prewarm: what a new snapshot gets (`dashboard.prewarm`, timed), then each filter state's first
      request — the way a reader meets the page after a refresh;
    * charts on disk: the in-memory caches emptied (another worker process of the same server);
    * warm: the same requests again (`repeat` passes)."""
    import tempfile

    from django.conf import settings
    from django.test import Client

    from kafaat.core.pages import charts
    from kafaat.observatory import dashboard

    settings.KAFAAT_DASHBOARD_PREWARM = False  # measured explicitly below, not in a background thread
    rows = []
    charts.render_svg({"mark": "point", "data": {"values": [{"x": 1}]}, "encoding": {"x": {"field": "x"}}})
    readers = _dashboard_readers()
    clients = {}
    for label, user in readers.items():
        clients[label] = Client()
        clients[label].force_login(user)

    def empty() -> None:
        dashboard.cache_clear()
        charts.cache_clear()
        settings.KAFAAT_MAP_CACHE = Path(tempfile.mkdtemp(prefix="kafaat-maps-"))

    results: dict[str, list[tuple[str, tuple[list[float], list[float]]]]] = {label: [] for label in readers}
    prewarms = []
    for label in readers:  # each reader alone: no chart drawn for the other on disk
        empty()
        results[label].append(("cold, no prewarm", _times(clients[label], urls)))
        empty()
        started = time.perf_counter()
        views = dashboard.prewarm()
        prewarms.append(time.perf_counter() - started)
        results[label].append(("after prewarm, first visit", _times(clients[label], urls)))
        dashboard.cache_clear()
        charts.cache_clear()
        results[label].append(("charts on disk (another process)", _times(clients[label], urls)))
        warm_runs = [_times(clients[label], urls) for _ in range(repeat)]
        warm = ([t for p, _f in warm_runs for t in p], [t for _p, f in warm_runs for t in f])
        results[label].append(("warm", warm))
    for label in readers:
        for name, (pages, fragments) in results[label]:
            size = f"{len(pages)} pages" + (f" + {len(fragments)} charts" if fragments else "")
            both = pages + fragments
            rows.append((f"**all requests**, {label}, {name}: p50", size, percentile(both, 50), None))
            rows.append((f"**all requests**, {label}, {name}: p95", size, percentile(both, 95), None))
            rows.append((f"page, {label}, {name}: p95", f"{len(pages)} pages", percentile(pages, 95), None))
            if fragments:
                rows.append((f"chart fragments, {label}, {name}: p95", f"{len(fragments)} charts",
                             percentile(fragments, 95), None))  # fmt: skip
            worst = _worst(pages, fragments, urls)
            rows.append((f"slowest page + slowest fragment, {label}, {name}", "", worst, None))
    prewarm = "dashboard.prewarm (default views x 3 languages x 2 forms; map templates)"
    rows.append((prewarm, f"{views} views, best of {len(prewarms)}", min(prewarms), None))
    return rows


def _worst(pages: list[float], fragments: list[float], urls: list[str]) -> float:
    """The slowest page plus the slowest fragment (a bound on the time until the last chart shows, fragments
    being fetched in parallel by the browser)."""
    return max(pages) + (max(fragments) if fragments else 0.0)


def full_gap_table(year: int) -> int:
    """The whole country at both levels, both dimensions (four gap tables); returns the number of rows."""
    from kafaat.observatory import gaps

    return sum(
        len(gaps.gap_table(year, level=level, dimension=dimension))
        for level in gaps.LEVELS
        for dimension in gaps.DIMENSIONS
    )


def orm_gap_table(year: int, level: str, dimension: str) -> int:
    """The baseline: the year's supply and demand by ORM aggregations, groups and indicators in Python."""
    from django.db.models import F, Sum

    from kafaat.labour.models import Vacancy
    from kafaat.observatory.warehouse.supply_demand import dominant_group, isic_to_training_sector
    from kafaat.training.models import ProgrammeOccupation, SupplyStatistic

    depth = 1 if level == "region" else 2

    def place(path: str) -> str:
        return path.split("/")[depth - 1]

    supply: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    if dimension == "occupation":
        codes = defaultdict(list)
        for programme, code in ProgrammeOccupation.objects.values_list("programme_id", "isco_code"):
            codes[programme].append(code)
        groups = {programme: dominant_group(c) for programme, c in codes.items()}
        rows = (
            SupplyStatistic.objects.filter(year=year - 1, age_band="", graduates__isnull=False)
            .values("programme_id", path=F("programme__establishment__territory__path"))
            .annotate(s=Sum("graduates"), w=Sum("graduates_women"))
        )
        for row in rows:
            cell = supply[(place(row["path"]), groups.get(row["programme_id"]))]
            cell[0] += row["s"]
            cell[1] += row["w"] or 0
        demand_rows = (
            Vacancy.objects.filter(posted_on__year=year, occupation__isnull=False)
            .values(path=F("territory__path"), code=F("occupation__code"))
            .annotate(d=Sum("positions"))
        )
        group_of = lambda row: row["code"][:2]  # noqa: E731
    else:
        rows = (
            SupplyStatistic.objects.filter(year=year - 1, age_band="", graduates__isnull=False)
            .values(path=F("programme__establishment__territory__path"), g=F("programme__sector__code"))
            .annotate(s=Sum("graduates"), w=Sum("graduates_women"))
        )
        for row in rows:
            cell = supply[(place(row["path"]), row["g"])]
            cell[0] += row["s"]
            cell[1] += row["w"] or 0
        demand_rows = (
            Vacancy.objects.filter(posted_on__year=year)
            .values(path=F("territory__path"), code=F("sector__code"))
            .annotate(d=Sum("positions"))
        )
        mapping = isic_to_training_sector()
        group_of = lambda row: mapping.get(row["code"] or "")  # noqa: E731
    demand: dict[tuple[str, str], int] = defaultdict(int)
    for row in demand_rows:
        group = group_of(row)
        if group:
            demand[(place(row["path"]), group)] += row["d"]
    by_territory, by_group = defaultdict(int), defaultdict(int)
    for (t, g), d in demand.items():
        by_territory[t] += d
        by_group[g] += d
    national = sum(demand.values())
    out = []
    for key in set(supply) | set(demand):
        s, d = supply.get(key, (0, 0))[0], demand.get(key, 0)
        t, g = key
        out.append((
            key, s / d if d else None, (s - d) / (s + d) if s + d else None,
            (d / by_territory[t]) / (by_group[g] / national) if by_territory[t] and by_group[g] else None,
        ))  # fmt: skip
    return len(out)


def orm_full_gap_table(year: int) -> int:
    return sum(
        orm_gap_table(year, level, dim)
        for level in ("region", "province")
        for dim in ("occupation", "sector")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--establishments", type=int, default=300)
    parser.add_argument("--programmes", type=int, default=2_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--vacancies", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="keep the data already in the scratch database")
    parser.add_argument("--page-only", action="store_true", help="time the dashboard page only")
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    if not any(word in url for word in ("gaps", "observatory", "bench")):
        raise SystemExit("use a scratch database whose name contains 'gaps', 'observatory' or 'bench'")
    if url.startswith("sqlite") and not args.reuse:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    import tempfile

    os.environ.setdefault(
        "KAFAAT_WAREHOUSE_PATH", str(Path(tempfile.gettempdir()) / "kafaat_gaps_bench.duckdb")
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from kafaat.core.models import Organisation
    from kafaat.observatory import disclosure, gaps, snapshot, warehouse
    from kafaat.synth.observatory import ORGANISATION, generate_national, load_national

    settings.KAFAAT_WAREHOUSE_PATH = os.environ["KAFAAT_WAREHOUSE_PATH"]
    print(f"{connection.vendor}, {_load()}")
    call_command("migrate", verbosity=0)
    present = Organisation.objects.filter(code=ORGANISATION).exists()
    rows = []
    if present and not args.reuse:
        raise SystemExit("the scratch database already holds synthetic data: drop it, or pass --reuse")
    if not present:
        started = time.perf_counter()
        tables = generate_national(
            establishments=args.establishments, programmes=args.programmes, years=args.years,
            vacancies=args.vacancies,
        )  # fmt: skip
        generated = time.perf_counter() - started
        started = time.perf_counter()
        counts = load_national(tables)
        loaded = time.perf_counter() - started
        size = ", ".join(f"{v:,} {k}" for k, v in counts.items())
        rows.append(("generate_national", size, generated, None))
        rows.append(("load_national (COPY on PostgreSQL)", f"{sum(counts.values()):,} rows", loaded, None))
    started = time.perf_counter()
    result = warehouse.refresh()
    rows.append(("warehouse.refresh", f"{result.read:,} rows read", time.perf_counter() - started, None))
    patterns = f"{result.rows.get('disclosure_patterns', 0)} year x dimension"
    rows.append(("of which: suppression patterns", patterns, result.stages.get("protecting", 0.0), None))
    snapshot.close_all()
    years = gaps.years_available()
    year = years[-2] if len(years) > 1 else years[-1]  # the last full year of vacancies
    regions = [code for (code,) in snapshot.cursor().execute(
        "SELECT code FROM territories WHERE level = 'region' ORDER BY code").fetchall()]  # fmt: skip
    if args.page_only:
        _print(rows + measure_dashboard(dashboard_urls(_dashboard_year(), regions), args.repeat))
        return
    started = time.perf_counter()
    cells = full_gap_table(year)
    cold = time.perf_counter() - started
    warm, _ = timed(lambda: full_gap_table(year), args.repeat)
    baseline, baseline_cells = timed(lambda: orm_full_gap_table(year), max(1, min(3, args.repeat)))
    base = statistics.median(baseline)
    what = f"{year}, {cells:,} rows (ORM: {baseline_cells:,})"
    rows.append(("full gap table, first call (opens the snapshot)", what, cold, cold / base))
    rows.append((f"full gap table, median of {args.repeat}", what, statistics.median(warm),
                 statistics.median(warm) / base))  # fmt: skip
    rows.append(("full gap table, worst", what, max(warm), max(warm) / base))
    rows.append(("baseline: the same through ORM aggregations", what, base, 1.0))
    per_region, _ = timed(
        lambda: [gaps.gap_table(year, level="province", region=r, dimension=d)
                 for r in regions for d in gaps.DIMENSIONS], 1)  # fmt: skip
    rows.append((f"each region's provinces ({len(regions)} regions x 2 dimensions)", "", per_region[0], None))
    table = gaps.gap_table(year, level="province")
    published, _ = timed(lambda: disclosure.published_table(table), 1)
    rows.append(("published_table (suppression), all provinces, occupation", f"{len(table):,} rows",
                 published[0], None))  # fmt: skip
    projection, _ = timed(
        lambda: gaps.projection(level="region", territory_code=regions[0], dimension="occupation",
                                group_code=table[0].group_code), args.repeat)  # fmt: skip
    rows.append(("projection of one cell", "", statistics.median(projection), None))
    for page in PAGES:
        address = page() if callable(page) else page
        timing = measure_page(address)
        rows.append((f"page {address} p50", f"n={timing['n']}", timing["p50"], None))
        rows.append((f"page {address} p95", f"n={timing['n']}", timing["p95"], None))
    rows += measure_dashboard(dashboard_urls(_dashboard_year(), regions), args.repeat)
    _print(rows)


def _print(rows: list) -> None:
    print("| step | size | seconds | ratio to baseline |\n| --- | --- | --- | --- |")
    for name, size, seconds, ratio in rows:
        print(f"| {name} | {size} | {seconds:.3f} | {'' if ratio is None else f'{ratio:.3f}'} |")
    print(_load())


if __name__ == "__main__":
    main()
