"""Benchmark of people search on PostgreSQL: a million people loaded with the import, then p50/p95 latency of
what a case worker types, through `registry.services.search_people` (first page, 25 rows; then the page as
the search page shows it, with its count of matches).

    .venv/bin/python benchmarks/search.py --people 1000000 --organisations 10 --queries 200 --keep
    .venv/bin/python benchmarks/search.py --reuse --heavy-referrals 20000 --explain

The people are spread over `--organisations` NGOs, each importing its own file (so that each person has the
PersonAccess row of its organisation); the searching user is a case worker of the first one, which also
received `--referrals` people of the others with consent (accepted referrals), and so sees a tenth of the
table plus those. `--heavy-referrals N` also searches as the second NGO after giving it N referred people.
Queries are drawn from the organisation's own people: Arabic and Latin partial names (3 to 5 letters of a
name word), phone numbers as people write them, CIN numbers. Each kind is measured twice in the same run:
"before" searches through the access rule on `registry_person` (the plan of migrations 0007 and 0008), "after"
the current code (a case worker's name search reads the search table of migration 0009). The scratch
database `kafaat_search_bench` is created, migrated, vacuumed and dropped (`--keep` keeps it; `--reuse`
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
from contextlib import contextmanager
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

    from kafaat.core.imports import run_import
    from kafaat.core.models import Membership, Organisation, Role, Territory
    from kafaat.registry.imports import PeopleImport

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


def refer(user, count: int, seed: int) -> int:
    """Give the user's organisation `count` people of the other organisations, referred with consent (as an
    accepted referral leaves them): the access rule's second arm. Idempotent: tops up to `count`."""
    import datetime

    from kafaat.registry.models import Consent, Person, PersonAccess

    organisation = user.memberships.get().organisation
    referred = PersonAccess.objects.filter(organisation=organisation, reason=PersonAccess.Reason.REFERRAL)
    missing = count - referred.count()
    if missing <= 0:
        return referred.count()
    others = Person.objects.exclude(registered_by=organisation).exclude(pk__in=referred.values("person_id"))
    ids = random.Random(seed).sample(list(others.values_list("pk", "registered_by_id")), missing)
    day, referral = datetime.date(2026, 1, 15), PersonAccess.Reason.REFERRAL
    consents = Consent.objects.bulk_create(
        [
            Consent(
                person_id=pid,
                purpose=Consent.Purpose.SHARING,
                shared_with=organisation,
                given_on=day,
                recorded_by=user,
                recorded_for_id=owner,
            )
            for pid, owner in ids
        ],
        batch_size=5000,
    )
    PersonAccess.objects.bulk_create(
        [
            PersonAccess(person_id=c.person_id, organisation=organisation, reason=referral, consent=c)
            for c in consents
        ],
        batch_size=5000,
    )
    return referred.count()


def queries(organisation, count: int, seed: int) -> dict[str, list[str]]:
    """What a case worker of this organisation types, drawn from its own people (as stored, so that a kept
    database gives the same queries again)."""
    from kafaat.registry.models import Person

    rng = random.Random(seed)
    mine = Person.objects.filter(registered_by=organisation)
    ids = sorted(rng.sample(list(mine.values_list("pk", flat=True)), count))
    rows = list(mine.filter(pk__in=ids).order_by("pk"))

    def partial(*names: str) -> str:
        """3 to 5 letters of a word of one of the names (a shorter word whole; never an empty query)."""
        words = [w for w in " ".join(names).split() if len(w) >= 3] or " ".join(names).split()
        word = rng.choice(words)
        return word[: rng.randint(3, min(5, len(word)))] if len(word) >= 3 else word

    def as_typed(phone: str) -> str:  # +212612345678 -> 06 12 34 56 78
        local = "0" + phone.removeprefix("+212")
        return " ".join(local[i : i + 2] for i in range(0, len(local), 2))

    return {
        "Arabic partial name": [partial(r.last_name_ar, r.first_name_ar) for r in rows if r.name_ar],
        "Latin partial name": [partial(r.last_name_latin, r.first_name_latin) for r in rows if r.name_latin],
        "phone look-up": [as_typed(r.phone) for r in rows],
        "identity-number look-up": [r.id_number for r in rows],
    }


@contextmanager
def previous_rule():
    """Search as it was before the search table (migration 0009): every search through the access rule on
    `registry_person` (the list of shared ids, migrations 0007 and 0008), measured in the same run."""
    from kafaat.registry import services

    searching_organisation = services._searching_organisation
    services._searching_organisation = lambda actor: None
    try:
        yield
    finally:
        services._searching_organisation = searching_organisation


def measure(
    user, texts: list[str], counted: bool = False, before: bool = False
) -> tuple[list[float], list[int]]:
    """Milliseconds per query for the first page of 25 rows; `counted`: the page as the search page shows
    it, with the number of matches (exact before, at most 1,000 now)."""
    from kafaat.registry.services import search_people
    from kafaat.registry.views.people import people_page

    paginate = people_page

    def first_page(text: str) -> list:
        if counted:
            page = paginate(_FirstPage(), search_people(user, text))
            page.paginator.count  # noqa: B018  (the template shows it)
            return list(page)
        return list(search_people(user, text)[:25])

    for text in texts[:5]:  # warm the caches a little, as a running server would be
        first_page(text)
    times, sizes = [], []
    for text in texts:
        started = time.perf_counter()
        page = first_page(text)
        times.append((time.perf_counter() - started) * 1000)
        sizes.append(len(page))
    return times, sizes


class _FirstPage:
    GET: dict = {}


def explain(user, text: str) -> str:
    from django.db import connection

    from kafaat.registry.services import search_people

    sql, params = search_people(user, text)[:25].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def quantiles(times: list[float]) -> tuple[float, float]:
    return statistics.median(times), statistics.quantiles(times, n=20)[18]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--organisations", type=int, default=10)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--referrals", type=int, default=2000, help="people referred to the searcher's NGO")
    parser.add_argument(
        "--heavy-referrals", type=int, default=0, help="also search as a second NGO that received this many"
    )
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
            # What autovacuum does after a large import: statistics, and the trigram index's pending list
            # (rows inserted with `fastupdate`) merged, which every search would otherwise scan.
            cursor.execute("VACUUM ANALYZE")
        referred = refer(users[0], args.referrals, args.seed)
        print(f"{referred:,} people of other organisations referred to {users[0].username}'s", flush=True)
        runs = [(users[0], "", queries(users[0].memberships.get().organisation, args.queries, args.seed))]
        if args.heavy_referrals:
            heavy = refer(users[1], args.heavy_referrals, args.seed + 1)
            print(f"{heavy:,} people of other organisations referred to {users[1].username}'s", flush=True)
            texts = queries(users[1].memberships.get().organisation, args.queries, args.seed + 1)
            names = {kind: texts[kind] for kind in list(texts)[:2]}
            runs.append((users[1], f", {heavy // 1000}k referred", names))
        print(f"\nload average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
        head = ("before p50", "before p95", "after p50", "after p95", "p95 ×")
        print(f"\n| {'search':<46} | {'queries':>7} | " + " | ".join(f"{t:>10}" for t in head) + " | rows |")
        print(f"|{'-' * 48}|{'-' * 9}|" + f"{'-' * 12}|" * len(head) + f"{'-' * 6}|")
        for counted in (False, True):
            for user, suffix, texts in runs:
                for kind, values in texts.items():
                    with previous_rule():
                        before, _sizes = measure(user, values, counted, before=True)
                    after, sizes = measure(user, values, counted)
                    figures = [*quantiles(before), *quantiles(after)]
                    label = f"{kind}{suffix}{', with count' if counted else ''}"
                    print(
                        f"| {label:<46} | {len(values):>7} | "
                        + " | ".join(f"{f:>10.1f}" for f in figures)
                        + f" | {figures[1] / figures[3]:>10.1f} | {statistics.mean(sizes):>4.1f} |",
                        flush=True,
                    )
        print(f"\nload average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
        print(
            "milliseconds; before: every search through the access rule on registry_person, as before the"
            " search table of migration 0009 (same run, same database); rows: mean people on the first page"
            " (at most 25); with count: the page as the search page shows it, with the number of matches"
            " (at most 1,000)"
        )
        if args.explain:
            for user, suffix, texts in runs:
                for kind, values in texts.items():
                    print(f"\n-- {kind}{suffix}: {values[0]!r}\n{explain(user, values[0])}")
    finally:
        connection.close()
        if not (args.keep or args.reuse):
            import psycopg

            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


if __name__ == "__main__":
    main()
