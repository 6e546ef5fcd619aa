"""Benchmark of people search on PostgreSQL: a million people loaded with the import, then p50/p95 latency of
what a case worker types, through `registry.services.search_people` (first page, 25 rows).

    .venv/bin/python benchmarks/search.py --people 1000000 --organisations 10 --queries 200 --explain

The people are spread over `--organisations` NGOs, each importing its own file (so that each person has the
PersonAccess row of its organisation); the searching user is a case worker of the first one, and so sees
1/`organisations` of the table. Queries are drawn from that organisation's own people: Arabic and Latin
partial names (3 to 5 letters of a name word), phone numbers as people write them, CIN numbers. The scratch
database `kafaat_search_bench` is created, migrated, analysed and dropped (`--keep` keeps it; `--reuse`
searches a kept one again, after applying any new migration, without loading it).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = "kafaat_search_bench"


def prepare_database(server: str, reuse: bool) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if reuse and not exists:
            raise SystemExit(f"--reuse: there is no database {DATABASE} (run once with --keep)")
        if not reuse:
            admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {DATABASE}")
    os.environ["DATABASE_URL"] = f"{server}/{DATABASE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kafaat.settings")


def split_files(folder: Path, people: int, organisations: int, seed: int) -> list[Path]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from import_people import make_file

    whole = folder / "people.csv"
    make_file(whole, people, seed)
    paths = [folder / f"org-{index}.csv" for index in range(organisations)]
    handles = [open(path, "w", encoding="utf-8") for path in paths]  # noqa: SIM115
    with open(whole, encoding="utf-8") as source:
        header = source.readline()
        for handle in handles:
            handle.write(header)
        for index, line in enumerate(source):
            handles[index % organisations].write(line)
    for handle in handles:
        handle.close()
    whole.unlink()
    return paths


def load(paths: list[Path], workers: int | None):
    from django.contrib.auth import get_user_model

    from kafaat.core.importing import run_import
    from kafaat.core.models import Membership, Organisation, Role, Territory
    from kafaat.registry.importing import PeopleImport

    territory = Territory.objects.get(code="02.411")
    users, total = [], 0.0
    for index, path in enumerate(paths):
        organisation = Organisation.objects.create(
            code=f"ngo-{index}", type="ngo", territory=territory, name_fr=f"ONG {index}"
        )
        user = get_user_model().objects.create_user(f"caseworker-{index}")
        Membership.objects.create(user=user, organisation=organisation, role=Role.CASE_WORKER)
        started = time.perf_counter()
        result = run_import(PeopleImport(user, organisation, file_name=path.name), path, workers=workers)
        seconds = time.perf_counter() - started
        total += seconds
        assert not result.errors and result.imported, result.errors[:3]
        print(f"  {organisation.code}: {result.imported:,} people in {seconds:.1f} s", flush=True)
        users.append(user)
    return users, total


def queries(organisation, count: int, seed: int) -> dict[str, list[str]]:
    """What a case worker of this organisation types, drawn from its own people (as stored, so that a kept
    database gives the same queries again)."""
    from kafaat.registry.models import Person

    rng = random.Random(seed)
    mine = Person.objects.filter(registered_by=organisation)
    ids = sorted(rng.sample(list(mine.values_list("pk", flat=True)), count))
    rows = list(mine.filter(pk__in=ids).order_by("pk"))

    def partial(name: str) -> str:
        words = [w for w in name.split() if len(w) >= 3] or [name]
        word = rng.choice(words)
        return word[: rng.randint(3, min(5, len(word)))]

    def as_typed(phone: str) -> str:  # +212612345678 -> 06 12 34 56 78
        local = "0" + phone.removeprefix("+212")
        return " ".join(local[i : i + 2] for i in range(0, len(local), 2))

    return {
        "Arabic partial name": [partial(rng.choice([r.last_name_ar, r.first_name_ar])) for r in rows],
        "Latin partial name": [partial(rng.choice([r.last_name_latin, r.first_name_latin])) for r in rows],
        "phone look-up": [as_typed(r.phone) for r in rows],
        "identity-number look-up": [r.id_number for r in rows],
    }


def prefiltered(user, text: str):
    """The proposed query shape (docs/import.md): the same search plus a cheap pre-filter, so that PostgreSQL
    drops other organisations' people before probing PersonAccess for each trigram match."""
    from django.db.models import Q

    from kafaat.registry.models import PersonAccess
    from kafaat.registry.services import search_people

    organisations = [m.organisation_id for m in user.memberships.all()]
    referred = PersonAccess.objects.filter(organisation__in=organisations, is_active=True, reason="referral")
    shared = list(referred.values_list("person_id", flat=True))
    return search_people(user, text).filter(Q(registered_by__in=organisations) | Q(pk__in=shared))


def measure(user, texts: list[str], search=None) -> tuple[list[float], list[int]]:
    from kafaat.registry.services import search_people

    search = search or search_people
    for text in texts[:5]:  # warm the caches a little, as a running server would be
        list(search(user, text)[:25])
    times, sizes = [], []
    for text in texts:
        started = time.perf_counter()
        page = list(search(user, text)[:25])
        times.append((time.perf_counter() - started) * 1000)
        sizes.append(len(page))
    return times, sizes


def explain(user, text: str) -> str:
    from django.db import connection

    from kafaat.registry.services import search_people

    sql, params = search_people(user, text)[:25].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--organisations", type=int, default=10)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--explain", action="store_true", help="print the plan of one query of each kind")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--reuse", action="store_true", help="search a kept database again (implies --keep)")
    args = parser.parse_args()
    server = os.environ.get("KAFAAT_BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")
    prepare_database(server, args.reuse)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    try:
        if args.reuse:
            users = list(get_user_model().objects.filter(username__startswith="caseworker-").order_by("pk"))
            print(f"reusing {DATABASE}: {len(users)} organisations", flush=True)
        else:
            with tempfile.TemporaryDirectory(prefix="kafaat-search-") as folder:
                paths = split_files(Path(folder), args.people, args.organisations, args.seed)
                print(f"loading {args.people:,} people for {args.organisations} organisations", flush=True)
                users, seconds = load(paths, args.workers)
                print(f"loaded in {seconds:.0f} s: {args.people / seconds:,.0f} rows/s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        texts = queries(users[0].memberships.get().organisation, args.queries, args.seed)
        titles = ("queries", "p50 ms", "p95 ms", "max ms")
        print(f"\n| {'search':<24} | " + " | ".join(f"{t:>7}" for t in titles) + f" | {'rows':>5} |")
        print(f"|{'-' * 26}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 7}|")
        runs = [(kind, values, None) for kind, values in texts.items()]
        runs += [
            (f"{kind.split()[0]} name, pre-filtered", texts[kind], prefiltered) for kind in list(texts)[:2]
        ]
        for kind, values, search in runs:
            times, sizes = measure(users[0], values, search)
            p95 = statistics.quantiles(times, n=20)[18]
            print(
                f"| {kind:<24} | {len(times):>7} | {statistics.median(times):>7.1f} | {p95:>7.1f} | "
                f"{max(times):>7.1f} | {statistics.mean(sizes):>5.1f} |"
            )
        print(
            "\nrows: mean number of people on the first page (at most 25). pre-filtered: the proposed query"
        )
        if args.explain:
            for kind, values in texts.items():
                print(f"\n-- {kind}: {values[0]!r}\n{explain(users[0], values[0])}")
    finally:
        connection.close()
        if not (args.keep or args.reuse):
            import psycopg

            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


if __name__ == "__main__":
    main()
