"""Background jobs on django-tasks' database backend: latency from enqueue to start, and the worker's overhead
per job, measured with a real `python -m kafaat worker` process on a fresh database.

    .venv/bin/python benchmarks/jobs.py [--jobs 200] [--latency 30]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kafaat_jobs_bench .venv/bin/python benchmarks/jobs.py

SQLite by default (a new file in a temporary folder); with DATABASE_URL, that database is dropped and created
again. Prints the load average before and after (the machine is shared).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _fresh_postgres(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def _wait_all(job_ids, deadline: float):
    from kafaat.core.models import Job

    while time.monotonic() < deadline:
        jobs = list(Job.objects.filter(pk__in=job_ids))
        if all(job.finished for job in jobs):
            return jobs
        time.sleep(0.02)
    raise SystemExit("the worker did not finish the jobs in time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=200, help="jobs queued at once, for the overhead")
    parser.add_argument("--latency", type=int, default=30, help="jobs queued one by one, for the latency")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kafaat-jobs-bench-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite3'}"
    if url.startswith("postgres"):
        _fresh_postgres(url)
    env = dict(
        os.environ, DATABASE_URL=url, KAFAAT_VAR_DIR=str(folder), DJANGO_SETTINGS_MODULE="kafaat.settings"
    )
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    from kafaat.core import jobs

    call_command("migrate", verbosity=0)
    print(f"database: {url.split('@')[-1]}  load average before: {os.getloadavg()}")
    command = [sys.executable, "-m", "kafaat", "worker", "--no-startup-delay", "--verbosity", "0"]
    worker = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    try:
        warm = jobs.enqueue("core.probe")  # the first job: the worker has started and polls
        _wait_all([warm.pk], time.monotonic() + 60)
        waits = []
        for _ in range(args.latency):  # one at a time, the worker idle: what a user waits before "running"
            started = time.monotonic()
            job = jobs.enqueue("core.probe")
            (done,) = _wait_all([job.pk], time.monotonic() + 30)
            waits.append(((done.started_at - done.created_at).total_seconds(), time.monotonic() - started))
        start_lat = [w[0] * 1000 for w in waits]
        end_lat = [w[1] * 1000 for w in waits]
        print(
            f"enqueue → start: median {statistics.median(start_lat):.0f} ms, max {max(start_lat):.0f} ms; "
            f"enqueue → done seen by the page's query: median {statistics.median(end_lat):.0f} ms "
            f"({args.latency} jobs one by one; the worker polls every 0.5 s when idle)"
        )
        started = time.monotonic()
        ids = [jobs.enqueue("core.probe").pk for _ in range(args.jobs)]
        queued = time.monotonic() - started
        done = _wait_all(ids, time.monotonic() + 600)
        first = min(job.started_at for job in done)
        last = max(job.finished_at for job in done)
        per_job = (last - first).total_seconds() / args.jobs * 1000
        print(
            f"{args.jobs} jobs queued in {queued:.2f} s ({queued / args.jobs * 1000:.1f} ms each); "
            f"the worker ran them in {(last - first).total_seconds():.2f} s: "
            f"{per_job:.1f} ms of overhead per job"
        )
    finally:
        worker.terminate()
        worker.wait(30)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
