"""What an analyst waits for when publishing a package: the request that queues the publication as a job
(page POST and API POST, no worker running), against the baseline of the same run, the publication done inline
as the request did before (`publication.publish`, what the worker now does).

    .venv/bin/python benchmarks/publish_request.py [--region MA-02] [--year 2025] [--repeat 5]

On the demo data (`python -m kafaat demo --no-serve` in a temporary folder, SQLite: a minute or two first).
Prints the load average before and after (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _median_ms(times: list[float]) -> str:
    low, high = min(times) * 1000, max(times) * 1000
    return f"{statistics.median(times) * 1000:,.0f} ms (min {low:,.0f}, max {high:,.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--region", default="MA-02")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kafaat-publish-bench-"))
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{folder / 'kafaat.sqlite3'}",
        KAFAAT_VAR_DIR=str(folder),
        DJANGO_SETTINGS_MODULE="kafaat.settings",
    )
    env.pop("KAFAAT_WAREHOUSE_PATH", None)
    env.pop("KAFAAT_OPEN_DATA_DIR", None)
    print(f"demo data in {folder}: python -m kafaat demo --no-serve …", flush=True)
    demo = subprocess.run([sys.executable, "-m", "kafaat", "demo", "--no-serve"], env=env, cwd=ROOT,  # noqa: S603
                          capture_output=True, text=True)  # fmt: skip
    if demo.returncode:
        raise SystemExit(demo.stderr[-3000:])
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from kafaat.observatory import publication

    # The database queue and no worker: the requests only queue (what the analyst waits for now).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.ALLOWED_HOSTS = ["*"]
    user = get_user_model().objects.create_superuser("bench-publisher")  # force_login: no password
    client = Client()
    client.force_login(user)
    body = json.dumps({"region": args.region, "year": args.year})
    print(f"load average before: {os.getloadavg()}")
    client.get("/open-data/publish/")  # warm: the snapshot opened, templates compiled

    def timed(call) -> list[float]:
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            response = call()
            times.append(time.perf_counter() - started)
            assert response.status_code in (202, 302), (response.status_code, response.content[:500])
        return times

    page = timed(lambda: client.post("/open-data/publish/", {"region": args.region, "year": args.year}))
    api = timed(lambda: client.post("/api/open-data/packages", body, content_type="application/json"))
    inline = []
    for _ in range(max(2, args.repeat // 2)):  # the baseline: the publication itself, in this process
        started = time.perf_counter()
        publication.publish(user, args.region, args.year)
        inline.append(time.perf_counter() - started)
    print(f"load average after: {os.getloadavg()}")
    print(f"\n{args.region} {args.year}, demo data, SQLite, {args.repeat} requests each")
    print("| what the analyst waits for | time |\n| --- | --- |")
    print(f"| page: POST /open-data/publish/ (queues the job) | {_median_ms(page)} |")
    print(f"| API: POST /api/open-data/packages (202) | {_median_ms(api)} |")
    print(f"| baseline: the publication inline, as the request did before | {_median_ms(inline)} |")


if __name__ == "__main__":
    main()
