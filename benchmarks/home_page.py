"""The home page of each demo role: time to answer and number of queries, against that role's busiest page
it summarises (the baseline, measured in the same run): the caseload, the results dashboard, the observatory
dashboard, the jobs page.

    .venv/bin/python -m kafaat demo --no-serve      # the demo data, once (SQLite under var/)
    .venv/bin/python benchmarks/home_page.py [--repeat 20]
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/home_page.py   # a database holding the demo data

Each page is asked once to warm the caches (charts drawn, the analyst's counts memoised), then `--repeat`
times; the median and the 90th percentile are printed with the queries of one answer. Prints the load average
before and after (the machine may be shared).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROLES = {  # demo log-in -> the page its home summarises
    "caseworker.oujda": "/caseload/",
    "manager": "/results/{project}/",
    "analyst.oriental": "/observatory/",
    "admin.oujda": "/jobs/",
    "admin": "/jobs/",
}


def _measure(client, url: str, repeat: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    count = len(queries)  # now: the log is emptied by the next request
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        times.append(1000 * (time.perf_counter() - started))
    times.sort()
    return statistics.median(times), times[int(0.9 * (len(times) - 1))], count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kafaat.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from kafaat.core.models import Project

    project = Project.objects.filter(is_active=True).order_by("code").first()
    if project is None:
        raise SystemExit("no demo data: run `python -m kafaat demo --no-serve` first")
    print(f"database: {connection.vendor}; load average before: {os.getloadavg()}")
    print(f"{'log-in':18} {'page':28} {'median ms':>9} {'p90 ms':>8} {'queries':>7}")
    for username, baseline in ROLES.items():
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            continue
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        for url in ("/", baseline.format(project=project.code)):
            median, p90, queries = _measure(client, url, args.repeat)
            print(f"{username:18} {url:28} {median:9.1f} {p90:8.1f} {queries:7d}")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
