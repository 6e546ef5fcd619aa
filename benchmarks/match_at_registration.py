"""Benchmark of the registration-time matcher: likely matches of one new record against a large registry.

    .venv/bin/python benchmarks/match_at_registration.py --sizes 100000,1000000 --queries 1000
    .venv/bin/python benchmarks/match_at_registration.py --mode keys --size 100000 --queries 1000
    .venv/bin/python benchmarks/match_at_registration.py --mode keys --size 1000000 \\
        --database-url postgres://postgres@127.0.0.1:5432/kafaat_matchkeys [--reuse] [--serve 5]

The registry is a synthetic one with known people (`kafaat.synth.duplicates`, seed 7); `--queries` records are
held out and queried one at a time, typed as a case worker would (any script, any spelling). Measured per
query: the time from the raw values to the ranked matches (p50, p95, p99), and whether another record of the
same person is among the matches shown (probability ≥ 0.5): the recall at registration.

`--mode memory` (the default; the figures of docs/deduplication.md before issue 13): the in-memory index
built straight from the synthetic table, no database.

`--mode keys` (issue 13): the registry written as people into a database (`--database-url`, default a scratch
SQLite file; PostgreSQL's database is emptied first unless `--reuse` finds it loaded), the match keys
rebuilt (first fill, then again with nothing to change), then each path measured in a fresh child process
over the same database, one after the other:
  * `bare`: a web process that answered one trivial query (what every process holds anyway);
  * `index`: the previous code path — the in-memory `MatchIndex` built from the database on first use
    (`registry_records` → `prepare` → DuckDB key hashes), then the queries;
  * `keys`: `match_keys.matches` (the database's keys), then the queries through the panel's service
    (`dedup_services.likely_matches`, with its access look-ups and the count of other organisations' records).
Each child reports its resident memory after the queries (VmRSS) and its peak, so the memory a web worker
spends on matching is `index` or `keys` minus `bare`. `--serve N` then serves the database with `python -m
kafaat serve --workers N` and N clients at once, each a case worker typing people into the registration
form (its likely-matches panel) and searching the people list one request in five, and reports each gunicorn
worker's resident memory. The load average is printed with each row (the machine may be shared: compare rows
of one run only).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kafaat.settings")

RENAME = {"record_id": "unique_id", "commune_code": "commune", "province_code": "province"}
SEED, QUERY_SEED = 7, 0
SERVED_USERS, PASSWORD = 25, "A-long-bench-password-1"


def load_average() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def _status_mb(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    return 0.0


def resident_mb() -> float:
    return _status_mb("VmRSS:")


def peak_mb() -> float:
    """This process's peak resident set (VmHWM: reset by exec, unlike ru_maxrss, which a child started by
    a large parent inherits)."""
    return _status_mb("VmHWM:")


def percentiles(timings: list[float]) -> dict:
    import numpy as np

    ms = np.array(timings) * 1000
    return {f"p{q}_ms": float(np.percentile(ms, q)) for q in (50, 95, 99)}


# --- memory mode: the in-memory index over the synthetic table, no database ---------------------------------


def measure_memory(size: int, queries: int) -> dict:
    import numpy as np
    import pyarrow as pa

    from kafaat.registry.dedup import linkage, matching
    from kafaat.synth.duplicates import generate_registry

    table = generate_registry(size, seed=SEED)
    table = table.rename_columns([RENAME.get(c, c) for c in table.column_names])
    rng = np.random.default_rng(QUERY_SEED)
    held_out = np.sort(rng.choice(table.num_rows, queries, replace=False))
    keep = np.ones(table.num_rows, bool)
    keep[held_out] = False
    started = time.perf_counter()
    records = linkage.prepare(table.filter(pa.array(keep)).drop_columns(["cluster_id", "household_id"]))
    index = matching.MatchIndex(records)
    build = time.perf_counter() - started
    truth = dict(zip(table["unique_id"].to_pylist(), table["cluster_id"].to_pylist(), strict=True))
    indexed_people: dict[int, int] = {}
    for uid in records["unique_id"].to_pylist():
        indexed_people[truth[uid]] = indexed_people.get(truth[uid], 0) + 1
    timings, expected, found = [], 0, 0
    for position in held_out:
        raw = table.slice(int(position), 1).drop_columns(["cluster_id", "household_id"])
        start = time.perf_counter()
        query = linkage.prepare(raw, reference_year=2025)
        matches = index.matches(query, threshold=0.3, limit=5)
        timings.append(time.perf_counter() - start)
        person = truth[raw["unique_id"][0].as_py()]
        if indexed_people.get(person):
            expected += 1
            found += any(truth[m["unique_id"]] == person and m["probability"] >= 0.5 for m in matches)
    return {
        "records": records.num_rows,
        "build_s": build,
        **percentiles(timings),
        "recall": found / expected if expected else 1.0,
        "queries_with_a_duplicate": expected,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


# --- keys mode: the registry in a database ------------------------------------------------------------------


def typed(row: dict) -> dict:
    """A held-out record as the registration form sends it."""
    return {
        **{key: row[key] for key in ("first_name_ar", "last_name_ar", "first_name_latin", "last_name_latin")},
        "sex": row["sex"],
        "birth_date": row["birth_date"],
        "phone": row["phone"],
        "id_number": row["id_number"],
        "id_type": "cin",
        "commune": row["commune_code"] or row["province_code"],
    }


def setup_database(url: str | None, size: int, queries: int, reuse: bool, work: Path) -> dict:
    """Migrate, load the registry unless already there (`--reuse`), rebuild the keys twice; the truth and the
    queries are written to `work` for the children."""
    import django
    import numpy as np
    import pyarrow as pa
    from django.core.management import call_command

    django.setup()
    from django.db import connection

    from kafaat.core.models import Membership, Organisation, Role, Territory
    from kafaat.registry.dedup import match_keys
    from kafaat.registry.models import MatchKey, Person
    from kafaat.synth.duplicates import generate_registry
    from kafaat.synth.registry_people import write_people

    call_command("migrate", verbosity=0)
    table = generate_registry(size, seed=SEED)
    rng = np.random.default_rng(QUERY_SEED)
    held = np.zeros(table.num_rows, bool)
    held[rng.choice(table.num_rows, queries, replace=False)] = True
    kept = table.filter(pa.array(~held))
    figures: dict = {"vendor": connection.vendor, "records": kept.num_rows}
    loaded = Person.objects.filter(external_id__startswith="synthetic-").count()
    if not (reuse and loaded == kept.num_rows):
        if Person.objects.exists():  # an earlier run's registry (territories and the rest are kept)
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("TRUNCATE registry_person CASCADE")
                else:
                    raise SystemExit("the SQLite database already holds people: give a new file")
        organisation, _created = Organisation.objects.get_or_create(
            code="bench-matches",
            defaults={"type": "ngo", "name_fr": "Bench", "territory": Territory.objects.get(code="02.411")},
        )
        from django.contrib.auth import get_user_model

        for number in range(SERVED_USERS + 1):  # the panel's limit is per user: the served mix needs many
            username = "bench-case-worker" + (f"-{number}" if number else "")
            user, created = get_user_model().objects.get_or_create(username=username)
            if created:
                user.set_password(PASSWORD)
                user.save()
                Membership.objects.create(user=user, organisation=organisation, role=Role.CASE_WORKER)
        started = time.perf_counter()
        write_people(kept, organisation)
        figures["load_s"] = time.perf_counter() - started
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE registry_person")
    if reuse and "load_s" not in figures and MatchKey.objects.count() == kept.num_rows:
        figures["people"] = match_keys.state().people  # keys too: only the queries are measured again
    else:
        MatchKey.objects.all().delete()
        started = time.perf_counter()
        built = match_keys.rebuild()
        figures["rebuild_first_s"] = time.perf_counter() - started
        started = time.perf_counter()
        match_keys.rebuild()
        figures["rebuild_again_s"] = time.perf_counter() - started
        figures["people"] = built.people
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE registry_matchkey")
            sizes = "pg_total_relation_size('registry_matchkey'), pg_total_relation_size('registry_person')"
            cursor.execute(f"SELECT {sizes}")
            figures["keys_mb"], figures["people_mb"] = (value / 2**20 for value in cursor.fetchone())
    ids = dict(Person.objects.filter(external_id__startswith="synthetic-").values_list("external_id", "pk"))
    clusters = table["cluster_id"].to_pylist()
    queries_rows = table.filter(pa.array(held)).to_pylist()
    asked = {row["cluster_id"] for row in queries_rows}
    # Only the people of the queried persons: a child holds no more than a web process would.
    truth = {
        ids[f"synthetic-{record}"]: clusters[i]
        for i, record in enumerate(table["record_id"].to_pylist())
        if not held[i] and clusters[i] in asked
    }
    (work / "truth.json").write_text(json.dumps({str(k): v for k, v in truth.items()}))
    (work / "queries.json").write_text(
        json.dumps([{"raw": typed(row), "cluster": row["cluster_id"]} for row in queries_rows])
    )
    return figures


def child(path: str, work: Path) -> dict:
    """One path measured in this (fresh) process; prints its figures as JSON."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from kafaat.registry.dedup import linkage, match_keys, matching
    from kafaat.registry.dedup import services as dedup_services
    from kafaat.registry.models import Person

    Person.objects.exists()  # a web process that has answered a request
    out: dict = {"path": path}
    if path == "bare":
        return {**out, "rss_mb": resident_mb(), "peak_mb": peak_mb()}
    truth = {int(k): v for k, v in json.loads((work / "truth.json").read_text()).items()}
    queries = json.loads((work / "queries.json").read_text())
    clusters_with_records = set(truth.values())
    if path == "index":
        started = time.perf_counter()
        index = matching.MatchIndex(linkage.prepare(match_keys.registry_records()))
        out["build_s"] = time.perf_counter() - started

        def find(raw):
            return index.matches(dedup_services.query_record(raw), threshold=0.3, limit=50)
    else:

        def find(raw):
            return match_keys.matches(dedup_services.query_record(raw), threshold=0.3, limit=50)

    timings, expected, found = [], 0, 0
    for query in queries:
        start = time.perf_counter()
        matches = find(query["raw"])
        timings.append(time.perf_counter() - start)
        if query["cluster"] in clusters_with_records:
            expected += 1
            found += any(
                truth.get(m["unique_id"]) == query["cluster"] and m["probability"] >= 0.5 for m in matches[:5]
            )
    out.update(percentiles(timings), recall=found / expected if expected else 1.0, expected=expected)
    if path == "keys":  # the panel's service: the matcher, then who may see whom and the others' count
        actor = get_user_model().objects.get(username="bench-case-worker")
        panel = []
        for query in queries:
            start = time.perf_counter()
            dedup_services.likely_matches(actor, query["raw"])
            panel.append(time.perf_counter() - start)
        out["panel"] = percentiles(panel)
    return {**out, "rss_mb": resident_mb(), "peak_mb": peak_mb()}


def run_child(path: str, work: Path, env: dict) -> dict:
    command = [sys.executable, __file__, "--child", path, "--work", str(work)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode:
        raise SystemExit(f"child {path} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure_keys(url: str | None, size: int, queries: int, reuse: bool, served: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="kafaat-match-bench-"))
    if url is None:
        url = f"sqlite:///{work / 'registry.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    env = {**os.environ, "DATABASE_URL": url}
    print(f"load average at the start: {load_average()}", flush=True)
    figures = setup_database(url, size, queries, reuse, work)
    print(
        f"{figures['vendor']}: {figures['people']:,} people"
        + (f" written in {figures['load_s']:.0f} s" if "load_s" in figures else " (reused)")
        + (
            f"; match keys rebuilt in {figures['rebuild_first_s']:.1f} s (empty table),"
            f" {figures['rebuild_again_s']:.1f} s (nothing to change)"
            if "rebuild_first_s" in figures
            else "; match keys reused"
        )
        + (
            f"; key table {figures['keys_mb']:.0f} MB on disk (people {figures['people_mb']:.0f} MB)"
            if "keys_mb" in figures
            else ""
        )
        + f"; load {load_average()}",
        flush=True,
    )
    print(
        "| path | first use s | p50 ms | p95 ms | p99 ms | recall | RSS after queries MB | peak MB | load |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for path in ("bare", "index", "keys"):
        r = run_child(path, work, env)
        if path == "bare":
            memory = f"{r['rss_mb']:.0f} | {r['peak_mb']:.0f}"
            print(f"| bare process | – | – | – | – | – | {memory} | {load_average()} |")
            continue
        label = "in-memory index (before)" if path == "index" else "match keys (database)"
        first = f"{r['build_s']:.1f}" if "build_s" in r else "0"
        print(
            f"| {label} | {first} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | "
            f"{r['recall']:.3f} ({r['expected']}) | {r['rss_mb']:.0f} | {r['peak_mb']:.0f} | "
            f"{load_average()} |",
            flush=True,
        )
        if "panel" in r:
            p = r["panel"]
            print(
                f"| panel service (keys + access + count) | – | {p['p50_ms']:.1f} | {p['p95_ms']:.1f} | "
                f"{p['p99_ms']:.1f} | – | – | – | {load_average()} |",
                flush=True,
            )
    if served:
        r = serve_mix(env, work, served, queries)
        workers = ", ".join(f"{mb:.0f}" for mb in r["workers_mb"])
        print(
            f"\nserved by {served} gunicorn workers, {served} clients at once, {r['requests']} requests "
            f"(the panel, and the people list one in five): panel p50 {r['panel']['p50_ms']:.0f} ms, "
            f"p95 {r['panel']['p95_ms']:.0f} ms; people list p50 {r['people']['p50_ms']:.0f} ms, "
            f"p95 {r['people']['p95_ms']:.0f} ms; resident memory per worker {workers} MB "
            f"(master {r['master_mb']:.0f} MB); load {load_average()}",
            flush=True,
        )


# --- served: gunicorn workers answering the registration panel among other pages --------------------------


def _children(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if f"\nPPid:\t{pid}\n" in text:
            found.append(int(status.parent.name))
    return found


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def serve_mix(env: dict, work: Path, workers: int, count: int) -> dict:
    """`python -m kafaat serve --workers N` on the benchmark's database; `workers` clients at once, each a
    case worker typing people into the registration form (the panel, as htmx asks for it) and, one request
    in five, the people list with a name search; then each worker's resident memory."""
    import socket
    from concurrent.futures import ThreadPoolExecutor

    import requests

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "kafaat", "serve", "--addr", f"127.0.0.1:{port}", "--workers", str(workers)],
        env={**env, "KAFAAT_CACHE_DIR": str(work / "cache")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    try:
        for _ in range(600):
            try:
                if requests.get(f"{base}/health/", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        queries = json.loads((work / "queries.json").read_text())[:count]

        def client(number: int) -> dict[str, list[float]]:
            session = requests.Session()
            login = session.get(f"{base}/login/", timeout=30)
            session.post(
                f"{base}/login/",
                data={
                    "username": f"bench-case-worker-{number + 1}",
                    "password": PASSWORD,
                    "csrfmiddlewaretoken": login.cookies.get("csrftoken", ""),
                },  # fmt: skip
                headers={"Referer": f"{base}/login/"},
                timeout=30,
            )
            times: dict[str, list[float]] = {"panel": [], "people": []}
            for i, query in enumerate(queries[number::workers]):
                kind, url, params = "panel", f"{base}/people/new/matches/", query["raw"]
                if i % 5 == 4:
                    kind, url, params = (
                        "people",
                        f"{base}/people/",
                        {"q": query["raw"]["last_name_latin"] or "a"},
                    )
                start = time.perf_counter()
                answer = session.get(url, params=params, headers={"HX-Request": "true"}, timeout=120)
                times[kind].append(time.perf_counter() - start)
                if answer.status_code != 200 or "/login/" in answer.url:
                    raise SystemExit(f"{url} answered {answer.status_code} ({answer.url})")
            return times

        with ThreadPoolExecutor(workers) as pool:
            results = list(pool.map(client, range(workers)))
        pids = _children(server.pid)
        return {
            "panel": percentiles([t for r in results for t in r["panel"]]),
            "people": percentiles([t for r in results for t in r["people"]]),
            "requests": sum(len(r["panel"]) + len(r["people"]) for r in results),
            "workers_mb": sorted(_rss_mb(pid) for pid in pids),
            "master_mb": _rss_mb(server.pid),
        }
    finally:
        server.terminate()
        server.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("memory", "keys"), default="memory")
    parser.add_argument("--sizes", default="100000", help="memory mode: registry sizes")
    parser.add_argument("--size", type=int, default=100_000, help="keys mode: registry size")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--database-url", help="keys mode: default a scratch SQLite file")
    parser.add_argument("--reuse", action="store_true", help="keys mode: keep a registry already loaded")
    parser.add_argument(
        "--serve", type=int, default=0, metavar="N", help="keys mode: then N gunicorn workers"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, Path(args.work))))
        return
    if args.mode == "keys":
        measure_keys(args.database_url, args.size, args.queries, args.reuse, args.serve)
        return
    import django

    django.setup()
    print("| registry | index build s | p50 ms | p95 ms | p99 ms | recall (dup. shown ≥ 0.5) | peak MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size in (int(s) for s in args.sizes.split(",")):
        r = measure_memory(size, args.queries)
        print(
            f"| {r['records']:,} | {r['build_s']:.1f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
            f"{r['p99_ms']:.1f} | {r['recall']:.3f} ({r['queries_with_a_duplicate']} queries) | "
            f"{r['peak_rss_mb']:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
