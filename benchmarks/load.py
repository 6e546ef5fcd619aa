"""Load test: Kafaat on PostgreSQL with a national-size registry, served by `kafaat serve`, 16 people working
at once while the job worker imports 100k people; the same run served by Django's `runserver` as the baseline.

    .venv/bin/pip install -e '.[bench]'                          # Locust
    .venv/bin/python benchmarks/load.py --prepare                # once: the database kafaat_load
    .venv/bin/python benchmarks/load.py --duration 180           # the table

`--prepare` loads the demo (its logframe, observatory data and log-ins) into the database `kafaat_load`, then
`--people` synthetic people (1M) imported with the people import by five of the demo's organisations, their
pathways (about 10 steps a person, ~10M, copied as `indicators_data.py` does) in the demo project and two
more, three case workers per organisation, and a full warehouse refresh.

A run, for each server (`serve`, then `runserver`): the server and one job worker start on a free port of
127.0.0.1 (nothing else is ever targeted); for `serve`, 100k people are first imported with nothing else
running (the quiet time); then Locust runs headless (benchmarks/load_users.py) with `--users` users (three
quarters case workers, the rest managers and analysts), a warm-up that is not counted, then `--duration`
seconds bounded by `--max-requests`, during which a case worker's import of 100k other people runs on the
worker. Each import is a new organisation's, so the registry grows by 100k people per import and a second run
starts from a larger one. The resident memory of every server process is sampled each second.

Printed: per page kind, requests, errors, p50/p95/p99 under each server, against the goal (p95 <= 150 ms, 0
errors); the imports' times (loaded / quiet, goal <= 1.5); resident memory per web worker; load averages.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
PYTHON = sys.executable
HOST = "127.0.0.1"  # the only address a run ever targets
ORGANISATIONS = ("amal-oujda", "tanmia-tanger", "nour-rabat", "atlas-beni-mellal", "anapec-oujda")
CASE_WORKERS_EACH = 3
PROJECT = "kafaat-emploi"
GOAL_P95_MS = 150
GOAL_IMPORT_RATIO = 1.5


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def environment(args) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{args.server_url}/{args.database}",
        KAFAAT_VAR_DIR=str(args.var_dir),
        DJANGO_SETTINGS_MODULE="kafaat.settings",
    )
    env.pop("KAFAAT_DEBUG", None)
    return env


def setup_django(args) -> None:
    os.environ.update(environment(args))
    import django

    django.setup()


# --- Preparing the database ---------------------------------------------------------------------------------


def prepare(args) -> None:
    import psycopg

    with psycopg.connect(f"{args.server_url}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.database]).fetchone()
        if exists and args.fresh:
            admin.execute(f"DROP DATABASE {args.database} WITH (FORCE)")
        if not exists or args.fresh:
            admin.execute(f"CREATE DATABASE {args.database}")
    log("the demo (migrations, log-ins, logframe, observatory data)")
    subprocess.run([PYTHON, "-m", "kafaat", "demo", "--no-serve"], env=environment(args), check=True)  # noqa: S603 — our own interpreter
    setup_django(args)
    from django.contrib.auth import get_user_model

    from kafaat.core.models import Membership, Organisation, Project, Role
    from kafaat.registry.models import Person
    from kafaat.synth.demo.accounts import DEMO_PASSWORD

    users = get_user_model()
    for code in ORGANISATIONS:
        organisation = Organisation.objects.get(code=code)
        for k in range(1, CASE_WORKERS_EACH + 1):
            user, created = users.objects.get_or_create(username=f"load.{code}.{k}")
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
                Membership.objects.create(user=user, organisation=organisation, role=Role.CASE_WORKER)
    bulk = Person.objects.exclude(external_id__startswith="DEMO-").count()
    if bulk >= args.people:
        log(f"{bulk:,} people already loaded")
    else:
        load_people(args)
        load_steps(args, Project.objects.get(code=PROJECT))
    log("full warehouse refresh")
    subprocess.run([PYTHON, "-m", "kafaat", "refresh-warehouse", "--full"], env=environment(args), check=True)  # noqa: S603 — our own interpreter


def load_people(args) -> None:
    from django.contrib.auth import get_user_model
    from search import split_files

    from kafaat.core.imports import run_import
    from kafaat.core.models import Organisation
    from kafaat.registry.imports import PeopleImport

    with tempfile.TemporaryDirectory() as folder:
        log(f"generating {args.people:,} people")
        paths = split_files(Path(folder), args.people, len(ORGANISATIONS), seed=31)
        for code, path in zip(ORGANISATIONS, paths, strict=True):
            organisation = Organisation.objects.get(code=code)
            user = get_user_model().objects.get(username=f"load.{code}.1")
            started = time.perf_counter()
            result = run_import(PeopleImport(user, organisation, file_name=path.name), path)
            assert not result.errors and result.imported, result.errors[:3]
            log(f"  {code}: {result.imported:,} people in {time.perf_counter() - started:.0f} s")


def load_steps(args, project) -> None:
    import numpy as np
    import psycopg
    from django.db import connection
    from indicators_data import load_pathways

    from kafaat.core.models import Organisation, Project
    from kafaat.registry.models import Person

    others = [
        Project.objects.get_or_create(
            code=f"load-{suffix}", defaults={"name_fr": f"Charge {suffix}", "start_date": date(2025, 1, 1)}
        )[0]
        for suffix in ("b", "c")
    ]
    connection.close()
    with (
        psycopg.connect(f"{args.server_url}/{args.database}", autocommit=True) as conn,
        conn.cursor() as cursor,
    ):
        cursor.execute("SET session_replication_role = replica")  # no FK trigger per copied row
        for code in ORGANISATIONS:
            organisation = Organisation.objects.get(code=code)
            mine = Person.objects.filter(registered_by=organisation).exclude(external_id__startswith="DEMO-")
            ids = np.array(list(mine.order_by("pk").values_list("pk", flat=True)))
            steps = load_pathways(
                cursor, ids, [project.pk, *(p.pk for p in others)], organisation.pk, args.share, log
            )
            log(f"  {code}: {steps:,} steps")
        cursor.execute("ANALYZE")


# --- The scenario: who logs in, what they open, search and type ---------------------------------------------


def scenario(args, out: Path) -> Path:
    from django.contrib.auth import get_user_model
    from search import queries

    from kafaat.core.models import Organisation, Project, Role
    from kafaat.registry.models import Person
    from kafaat.synth.demo.accounts import DEMO_PASSWORD

    rng = random.Random(7)
    project = Project.objects.get(code=PROJECT)
    caseworkers = []
    for code in ORGANISATIONS:
        organisation = Organisation.objects.get(code=code)
        typed = queries(organisation, 100, seed=3)
        searches = [text for texts in typed.values() for text in texts if text]
        mine = Person.objects.filter(registered_by=organisation, merged_into__isnull=True)
        ids = list(mine.values_list("pk", flat=True)[:200_000])
        people = rng.sample(ids, min(2_000, len(ids)))
        registrations = [
            registration(p) for p in mine.filter(pk__in=people[:100]).select_related("territory")
        ]
        registrations += new_registrations(100, seed=len(caseworkers) + 1)
        for k in range(1, CASE_WORKERS_EACH + 1):
            caseworkers.append(
                {
                    "username": f"load.{code}.{k}",
                    "language": "ar" if k % 2 else "fr",
                    "people": people,
                    "searches": searches,
                    "registrations": registrations,
                    "project": project.pk,
                }
            )
    rng.shuffle(caseworkers)
    users = get_user_model().objects
    managers = [
        {"username": m.username, "language": "ar" if i % 2 else "fr", "project_code": PROJECT}
        for i, m in enumerate(users.filter(memberships__role=Role.PROGRAMME_MANAGER).order_by("pk"))
    ]
    analysts = [
        {"username": a.username, "language": "ar" if i % 2 else "fr"}
        for i, a in enumerate(users.filter(memberships__role=Role.ANALYST).order_by("pk"))
    ]
    path = out / "scenario.json"
    path.write_text(
        json.dumps(
            {
                "password": DEMO_PASSWORD,
                "caseworkers": caseworkers,
                "managers": managers,
                "analysts": analysts,
            }
        ),
        encoding="utf-8",
    )
    return path


def registration(person) -> dict[str, str]:
    """A person already registered, typed again as a new registration (the panel should find them)."""
    territory = person.territory
    return {
        "first_name_ar": person.first_name_ar,
        "last_name_ar": person.last_name_ar,
        "first_name_latin": person.first_name_latin,
        "last_name_latin": person.last_name_latin,
        "sex": person.sex,
        "birth_date": person.birth_date.isoformat() if person.birth_date else "",
        "commune": f"{territory.name} ({territory.code})" if territory else "",
        "phone": person.phone,
    }


def new_registrations(count: int, seed: int) -> list[dict[str, str]]:
    """People nobody registered yet (another seed of the generator), as a case worker types them."""
    from kafaat.synth.people import generate_people

    table = next(iter(generate_people(count, seed=1000 + seed, chunk_size=count)))
    rows = table.to_pylist()
    return [
        {
            "first_name_ar": row["first_name_ar"] or "",
            "last_name_ar": row["last_name_ar"] or "",
            "first_name_latin": row["first_name_latin"] or "",
            "last_name_latin": row["last_name_latin"] or "",
            "sex": row["sex"] or "",
            "birth_date": str(row["birth_date"] or ""),
            "commune": row.get("commune_code") or "",
            "phone": row.get("phone") or "",
        }
        for row in rows
    ]


# --- Servers, the worker and their memory -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 — 127.0.0.1 only
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer in {seconds:.0f} s")


@contextmanager
def running(command: list[str], env: dict[str, str], log_path: Path):
    with open(log_path, "w", encoding="utf-8") as output:
        process = subprocess.Popen(  # noqa: S603 — our own interpreter
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield process
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(40)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def resident_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


class MemorySampler(threading.Thread):
    """Each second, the resident memory of the server's processes: the master and each web worker."""

    def __init__(self, pid: int, serve: bool):
        super().__init__(daemon=True)
        self.pid, self.serve, self.stop = pid, serve, threading.Event()
        self.peaks: dict[int, float] = {}

    def run(self) -> None:
        # `kafaat serve` runs gunicorn's master in its own process, the web workers its children; runserver
        # (no reloader) serves from its one process.
        while not self.stop.wait(1.0):
            for pid in [self.pid, *children(self.pid)] if self.serve else [self.pid]:
                self.peaks[pid] = max(self.peaks.get(pid, 0.0), resident_mb(pid))

    def workers(self) -> list[float]:
        return sorted(
            (mb for pid, mb in self.peaks.items() if pid != self.pid or not self.serve), reverse=True
        )


# --- Imports on the worker ----------------------------------------------------------------------------------


def import_file(rows: int, seed: int, folder: Path) -> Path:
    from import_people import make_file

    path = folder / f"import-{seed}.csv"
    if not path.exists():
        make_file(path, rows, seed)
    return path


def queue_import(path: Path, label: str):
    """What the import page does for a case worker of a new organisation: the file saved, the job queued."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from kafaat.core.models import ImportJob, Membership, Organisation, Role, Territory
    from kafaat.registry.imports import runs
    from kafaat.synth.demo.accounts import DEMO_PASSWORD

    stamp = time.strftime("%Y%m%d%H%M%S")
    organisation = Organisation.objects.create(
        code=f"load-{label}-{stamp}",
        type="ngo",
        territory=Territory.objects.get(code="02.411"),
        name_fr=f"Charge {label}",
    )
    user = get_user_model().objects.create_user(f"load.importer.{label}.{stamp}", password=DEMO_PASSWORD)
    Membership.objects.create(user=user, organisation=organisation, role=Role.CASE_WORKER)
    job = ImportJob(user=user, organisation=organisation, kind="people", file_name=path.name, language="fr")
    folder = Path("imports") / str(job.pk)
    (Path(settings.MEDIA_ROOT) / folder).mkdir(parents=True, exist_ok=True)
    job.file_path = str(folder / "upload.csv")
    (Path(settings.MEDIA_ROOT) / job.file_path).write_bytes(path.read_bytes())
    job.save()
    return runs.start(job)


def wait_import(job, limit: float = 3600) -> tuple[float, str, int]:
    """Seconds from the worker's start of the job to its end, its status and the people imported."""
    from kafaat.core.models import ImportJob

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished_at:
            break
        time.sleep(0.5)
    if not job.finished_at or job.status != ImportJob.Status.DONE:
        raise SystemExit(f"the import did not end well: {job.status} {job.message}")
    return (job.finished_at - job.started_at).total_seconds(), job.status, job.imported


# --- Locust -------------------------------------------------------------------------------------------------


def locust(
    args, url: str, scenario_path: Path, seconds: int, prefix: Path, log_path: Path
) -> subprocess.Popen:
    managers = max(1, round(args.users / 8))
    env = dict(os.environ)
    env.update(
        KAFAAT_LOAD_SCENARIO=str(scenario_path),
        KAFAAT_LOAD_CASEWORKERS=str(args.users - 2 * managers),
        KAFAAT_LOAD_MANAGERS=str(managers),
        KAFAAT_LOAD_ANALYSTS=str(managers),
        KAFAAT_LOAD_MAX_REQUESTS=str(args.max_requests),
    )
    command = [
        PYTHON, "-m", "locust", "-f", str(ROOT / "benchmarks" / "load_users.py"), "--headless",
        "--host", url, "-u", str(args.users), "-r", str(args.users), "-t", f"{seconds}s",
        "--csv", str(prefix), "--only-summary", "--stop-timeout", "65",
        "--think-min", str(args.think_min), "--think-max", str(args.think_max),
    ]  # fmt: skip
    with open(log_path, "w", encoding="utf-8") as output:
        return subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603 — our own interpreter


def read_stats(prefix: Path) -> dict[str, dict[str, float]]:
    rows = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] in ("Aggregated", "log-in"):
                continue
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "errors": int(row["Failure Count"]),
                "p50": float(row["50%"]),
                "p95": float(row["95%"]),
                "p99": float(row["99%"]),
                "rps": float(row["Requests/s"]),
            }
    return rows


def one_server(args, which: str, scenario_path: Path, out: Path, files: Path, quiet: dict) -> dict:
    env = environment(args)
    port = free_port()
    url = f"http://{HOST}:{port}"
    if which == "serve":
        command = [PYTHON, "-m", "kafaat", "serve", "--addr", f"{HOST}:{port}"]
        if args.workers:
            command += ["--workers", str(args.workers)]
    else:
        command = [PYTHON, "-m", "kafaat", "runserver", f"{HOST}:{port}", "--noreload"]
    result: dict = {"server": which}
    with (
        running(command, env, out / f"{which}.log") as server,
        running([PYTHON, "-m", "kafaat", "worker"], env, out / f"{which}-worker.log") as worker,
    ):
        wait_for(f"{url}/health/")
        sampler = MemorySampler(server.pid, serve=which == "serve")
        sampler.start()
        if which == "serve" and "seconds" not in quiet:
            log(f"quiet import of {args.import_rows:,} people (load {load_average()})")
            seconds, _status, imported = wait_import(
                queue_import(import_file(args.import_rows, 41, files), "quiet")
            )
            quiet.update(seconds=seconds, imported=imported)
            log(f"  {seconds:.1f} s, {imported:,} people")
        log(f"{which}: warm-up {args.warmup} s")
        warm = locust(
            args, url, scenario_path, args.warmup, out / f"{which}-warmup", out / f"{which}-warmup.log"
        )
        warm.wait()
        sampler.peaks.clear()
        result["load_before"] = load_average()
        log(f"{which}: {args.users} users for {args.duration} s (load {result['load_before']})")
        measured = locust(args, url, scenario_path, args.duration, out / which, out / f"{which}-locust.log")
        time.sleep(min(10, args.duration / 10))
        seed = 42 if which == "serve" else 43
        job = queue_import(import_file(args.import_rows, seed, files), which)
        result["import_seconds"], _status, result["imported"] = wait_import(job)
        log(f"  loaded import: {result['import_seconds']:.1f} s")
        measured.wait()
        result["load_after"] = load_average()
        sampler.stop.set()
        result["rss_workers"] = sampler.workers()
        result["rss_job_worker"] = resident_mb(worker.pid)
        result["stats"] = read_stats(out / which)
    return result


# --- The table ----------------------------------------------------------------------------------------------


def table(results: list[dict], quiet: dict, args) -> str:
    lines = [
        f"Load test: {args.users} users, {args.duration} s measured after a {args.warmup} s warm-up, "
        f"think time {args.think_min:g}–{args.think_max:g} s; PostgreSQL `{args.database}`; "
        f"CPUs: {os.cpu_count()}",
        "",
    ]
    kinds = sorted({name for r in results for name in r["stats"]})
    header = "| page kind | " + " | ".join(
        f"{r['server']} requests | errors | p50 ms | p95 ms | p99 ms" for r in results
    )
    lines += [header + " | goal p95 ≤ 150 ms |", "|---|" + "---:|" * (5 * len(results)) + "---|"]
    for kind in kinds:
        cells = []
        for r in results:
            s = r["stats"].get(kind)
            cells.append(
                f"{s['requests']:,} | {s['errors']} | {s['p50']:.0f} | {s['p95']:.0f} | {s['p99']:.0f}"
                if s
                else "– | – | – | – | –"
            )
        first = results[0]["stats"].get(kind)
        met = "met" if first and first["p95"] <= GOAL_P95_MS and first["errors"] == 0 else "**not met**"
        lines.append(f"| {kind} | " + " | ".join(cells) + f" | {met} |")
    lines += [
        "",
        "| import of people on the worker | seconds | × quiet | goal ≤ 1.5× |",
        "|---|---:|---:|---|",
    ]
    lines.append(f"| quiet (no users) | {quiet['seconds']:.1f} | 1.00 | |")
    for r in results:
        ratio = r["import_seconds"] / quiet["seconds"]
        met = "met" if ratio <= GOAL_IMPORT_RATIO else "**not met**"
        lines.append(
            f"| while {r['server']} serves {args.users} users | {r['import_seconds']:.1f} "
            f"| {ratio:.2f} | {met} |"
        )
    lines += [
        "",
        "| server | web processes | resident MB per web process (peak) | job worker MB "
        "| load before → after |",
    ]
    lines.append("|---|---:|---|---:|---|")
    for r in results:
        rss = ", ".join(f"{mb:.0f}" for mb in r["rss_workers"])
        lines.append(
            f"| {r['server']} | {len(r['rss_workers'])} | {rss} | {r['rss_job_worker']:.0f} | "
            f"{r['load_before']} → {r['load_after']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--server-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="kafaat_load")
    parser.add_argument("--var-dir", type=Path, default=ROOT / "var" / "load")
    parser.add_argument("--prepare", action="store_true", help="load the database (once)")
    parser.add_argument("--fresh", action="store_true", help="with --prepare: drop the database first")
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument(
        "--share", type=float, default=0.75, help="people with a journey in the other projects"
    )
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--duration", type=int, default=180)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--think-min", type=float, default=1.0)
    parser.add_argument("--think-max", type=float, default=3.0)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=0, help="web workers of serve (default: serve's own)")
    parser.add_argument("--servers", default="serve,runserver")
    args = parser.parse_args()
    args.var_dir = args.var_dir.resolve()
    args.var_dir.mkdir(parents=True, exist_ok=True)
    if args.prepare:
        started = time.perf_counter()
        prepare(args)
        log(f"prepared in {time.perf_counter() - started:.0f} s")
        return
    setup_django(args)
    from kafaat.pathways.models import Step
    from kafaat.registry.models import Person

    out = args.var_dir / f"run-{time.strftime('%Y%m%d-%H%M%S')}"
    files = args.var_dir / "files"
    out.mkdir(parents=True)
    files.mkdir(exist_ok=True)
    log(f"{Person.objects.count():,} people, {Step.objects.count():,} steps; load {load_average()}")
    scenario_path = scenario(args, out)
    quiet: dict = {}
    results = [one_server(args, which, scenario_path, out, files, quiet) for which in args.servers.split(",")]
    text = table(results, quiet, args)
    (out / "table.md").write_text(text + "\n", encoding="utf-8")
    print(text)
    log(f"written to {out}")


if __name__ == "__main__":
    main()
