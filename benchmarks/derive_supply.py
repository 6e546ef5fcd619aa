"""What "Derive again" costs the person who clicks it: the request that queues the derivation as a job
(page POST and API POST, no worker running), against the baseline of the same run, the derivation done
inline as the request did before (`derivation.derive_supply`, what the worker now does); then the job
itself, run as a worker runs it, and the job page's poll.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kafaat_load KAFAAT_VAR_DIR=/work/loadvar \\
        .venv/bin/python benchmarks/derive_supply.py [--user establishment] [--repeat 3]

On a national-size database (benchmarks/load.py --prepare: people with pathways, enrolments and
certifications). Everything it writes is rolled back (one transaction, PostgreSQL), so the database is left as
it was. Prints the load average before and after: the machine may be shared.
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


class Rollback(Exception):
    pass


def seconds(function, repeat: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return times, result


def shown(times: list[float]) -> str:
    low, high = min(times) * 1000, max(times) * 1000
    return f"{statistics.median(times) * 1000:,.0f} ms (min {low:,.0f}, max {high:,.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user", default="establishment")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kafaat.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client

    from kafaat.core import jobs
    from kafaat.core.models import Job
    from kafaat.pathways.models import Step, StepKind
    from kafaat.training import derivation, derivation_jobs

    user = get_user_model().objects.get(username=args.user)
    enrolments = Step.objects.filter(kind=StepKind.ENROLMENT).count()
    certifications = Step.objects.filter(kind=StepKind.CERTIFICATION).count()
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}: {Step.objects.count():,} steps, "
        f"{enrolments:,} enrolments, {certifications:,} certifications"
    )
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    rows = []
    try:
        with transaction.atomic():
            first, report = seconds(lambda: derivation.derive_supply(user), 1)
            rows.append(("baseline: the request derived inline, first run (rows written)", first))
            again, _ = seconds(lambda: derivation.derive_supply(user), args.repeat)
            rows.append(("baseline: the request derived inline, again (nothing changed)", again))

            def page_post():
                Job.objects.filter(kind=derivation_jobs.DERIVE_JOB, status=Job.Status.QUEUED).delete()
                response = client.post("/training/derive/")
                assert response.status_code == 302, response.status_code
                return response

            def api_post():
                Job.objects.filter(kind=derivation_jobs.DERIVE_JOB, status=Job.Status.QUEUED).delete()
                response = client.post("/api/training/derive")
                assert response.status_code == 202, response.content
                return response

            page, _ = seconds(page_post, args.repeat)
            rows.append(("now: the page's POST (queues the job)", page))
            api, response = seconds(api_post, args.repeat)
            rows.append(("now: the API's POST (202, queues the job)", api))
            job_id = response.json()["id"]
            poll, _ = seconds(lambda: client.get(f"/training/derive/{job_id}/", HTTP_HX_REQUEST="true"), 5)
            rows.append(("now: the job page's poll (htmx, while queued)", poll))
            worker, status = seconds(lambda: jobs.execute(job_id, worker="benchmark"), 1)
            assert status == Job.Status.DONE, (status, Job.objects.get(pk=job_id).message)
            rows.append(("now: the job, run as the worker runs it (not in any request)", worker))
            raise Rollback
    except Rollback:
        pass
    print()
    print("| what | time (median, min, max) |")
    print("|---|---|")
    for what, times in rows:
        print(f"| {what} | {shown(times)} |")
    print()
    print(
        f"report: {report.enrolments_matched:,} enrolments matched, "
        f"{report.enrolments_unmatched:,} unmatched, {report.created:,} rows created"
    )
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
