"""Did dropping the single-column index on `registry_person.registered_by` (registry migration 0008) change
the plan of the access rule? On the kept benchmark database (`benchmarks/search.py --keep`), times the
searches that still go through the access rule (a partial name searched by someone who is not a single
organisation's case worker, the list without text, phone and identity-number look-ups) with the indexes of
0008, then with the single-column index added back inside a transaction that is rolled back.

    .venv/bin/python benchmarks/search_registered_by.py --queries 50
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
sys.path.insert(0, str(ROOT / "benchmarks"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--queries", type=int, default=50)
    args = parser.parse_args()
    server = os.environ.get("KAFAAT_BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")
    os.environ["DATABASE_URL"] = f"{server}/kafaat_search_bench"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kafaat.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from search import explain, previous_rule, queries

    from kafaat.registry.services import search_people

    user = get_user_model().objects.filter(username__startswith="caseworker-").order_by("pk").first()
    texts = queries(user.memberships.get().organisation, args.queries, 7)

    def run(label: str) -> None:
        with previous_rule():
            for kind, values in texts.items():
                times = []
                for text in values:
                    started = time.perf_counter()
                    list(search_people(user, text)[:25])
                    times.append((time.perf_counter() - started) * 1000)
                p95 = statistics.quantiles(times, n=20)[18]
                print(
                    f"| {label:<34} | {kind:<24} | {statistics.median(times):>6.1f} | {p95:>6.1f} |",
                    flush=True,
                )
            started = time.perf_counter()
            list(search_people(user, "")[:25])
            print(
                f"| {label:<34} | {'list, no text':<24} | {(time.perf_counter() - started) * 1000:>6.1f} | |"
            )
            name = texts["Latin partial name"][0]
            print(f"\n-- {label}: {name!r}\n{explain(user, name)}\n", flush=True)

    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("| indexes | search | p50 ms | p95 ms |\n|---|---|---:|---:|")
    run("0008 (composite only)")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("CREATE INDEX tmp_person_registered_by ON registry_person (registered_by_id)")
            cursor.execute("ANALYZE registry_person")
        run("+ single-column registered_by")
        transaction.set_rollback(True)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
