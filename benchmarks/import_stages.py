"""Where the people import spends its time: CPU a row by stage, and on PostgreSQL the cost of each table's
COPY and of the search table's upkeep, in one scratch database.

    .venv/bin/python benchmarks/import_stages.py --rows 100000 [--database postgresql|sqlite] [--profile]

The stages are run one after the other in this process (no validation thread or worker, so that each is timed
alone): reading the CSV, rows to columns, the rules and stored values (`validate_rows`), the duplicate and
existing-key checks, then the write in a transaction that is rolled back. Client CPU is `time.thread_time`,
database CPU the backend's from /proc (the server must run on this machine). On PostgreSQL the rows the
import wrote are then copied again, table by table, under several set-ups of the search table (each in a
rolled-back transaction, the tables vacuumed between). `--profile`: cProfile of `validate_rows`, top 30.
Scratch database: KAFAAT_BENCH_STAGES_DB (default kafaat_bench_stages), dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


class Clock:
    def __init__(self, connection) -> None:
        pid = 0
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pid = cursor.fetchone()[0]
        self.backend = Path(f"/proc/{pid}/stat") if pid else None

    def read(self) -> tuple[float, float, float]:
        database = 0.0
        if self.backend is not None:
            fields = self.backend.read_text().rsplit(")", 1)[1].split()
            database = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return time.thread_time(), database, time.perf_counter()


class Stages:
    def __init__(self, clock: Clock, rows: int) -> None:
        self.clock, self.rows, self.lines = clock, rows, []

    @contextmanager
    def __call__(self, name: str):
        before = self.clock.read()
        yield
        after = self.clock.read()
        client, database, wall = ((a - b) / self.rows * 1e6 for a, b in zip(after, before, strict=True))
        self.lines.append((name, client, database, wall))

    def print(self, title: str) -> None:
        print(f"\n{title}\n")
        print(f"| {'stage':<58} | client µs | database µs | wall µs |")
        print(f"|{'-' * 60}|-----------|-------------|---------|")
        for name, client, database, wall in self.lines:
            print(f"| {name:<58} | {client:9.1f} | {database:11.1f} | {wall:7.1f} |")
        total = [sum(line[i] for line in self.lines) for i in (1, 2, 3)]
        print(f"| {'total':<58} | {total[0]:9.1f} | {total[1]:11.1f} | {total[2]:7.1f} |")
        self.lines = []


def run(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from import_people import actors, make_file

    from kafaat.core.imports import BulkTable, copy_text
    from kafaat.core.imports import run as core
    from kafaat.core.imports import workers as import_workers
    from kafaat.registry.imports import PERSON_FIELDS, PeopleImport

    call_command("migrate", verbosity=0)
    (user, organisation), _other = actors()
    folder = Path(tempfile.mkdtemp(prefix="kafaat-stages-"))
    path = folder / "people.csv"
    make_file(path, args.rows, args.seed)
    clock = Clock(connection)
    stage = Stages(clock, args.rows)
    print(f"{args.rows:,} people, {connection.vendor}, load average {os.getloadavg()[0]:.2f}")

    spec = PeopleImport(user, organisation, file_name=path.name)
    with stage("read and split the CSV (read_table, chunks)"):
        table = core.read_table(path, path.name)
        mapping, _unknown, _errors = core.map_headers(spec, table.headers)
        chunks = list(import_workers.chunks(table.rows, core.CHUNK_ROWS))
    items = list(mapping.items())
    with stage("rows to columns (as_columns)"):
        shaped = [import_workers.as_columns(chunk, items) for chunk in chunks]
    state = spec.worker_state()
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    with stage("rules, keys, stored values, encryption (validate_rows)"):
        outcomes = [spec.validate_rows(state, rows) for rows in shaped]
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    with stage("duplicate and existing-key checks (check)"):
        for found in outcomes:
            spec.check(found)
    records = [outcome.record for found in outcomes for outcome in found]
    assert all(records), "every row must be valid"

    captured: dict[str, list] = {}
    real_write = BulkTable.write

    def capturing(self, rows, progress=None):
        rows = list(rows)
        captured.setdefault(self.model._meta.db_table, []).extend(rows)
        return real_write(self, rows, progress)

    real_write_lines = getattr(BulkTable, "write_lines", None)  # absent before 2026-11-29 (import3)

    def capturing_lines(self, ids, lines, progress=None):
        started = time.thread_time()
        text = "".join(f"{pk}\t{line}\n" for pk, line in zip(ids, lines, strict=True))
        texts.setdefault("seconds", []).append(time.thread_time() - started)
        captured.setdefault(self.model._meta.db_table + " text", []).append(text)
        return real_write_lines(self, ids, lines, progress)

    BulkTable.write = capturing
    if real_write_lines is not None:
        BulkTable.write_lines = capturing_lines
    texts: dict[str, list] = {}
    real_copy_text = copy_text

    def timed_copy_text(rows, width):
        started = time.thread_time()
        text = real_copy_text(rows, width)
        texts.setdefault("seconds", []).append(time.thread_time() - started)
        return text

    import kafaat.core.imports.bulk as bulk

    bulk.copy_text = timed_copy_text
    try:
        with stage("write person, access, consent (in a rolled-back transaction)"), transaction.atomic():
            for start in range(0, len(records), core.CHUNK_ROWS):
                spec.write(records[start : start + core.CHUNK_ROWS], lambda done: None)
            spec.finish()
            transaction.set_rollback(True)
    finally:
        BulkTable.write = real_write
        if real_write_lines is not None:
            BulkTable.write_lines = real_write_lines
        bulk.copy_text = real_copy_text
    if texts:
        copy_us = sum(texts["seconds"]) / args.rows * 1e6
        print(f"(of the write: COPY text built in the writing process {copy_us:.1f} µs a row)")
    stage.print(f"Stages of the import, one after the other ({connection.vendor}; µs a row)")
    if connection.vendor == "postgresql":
        copy_variants(args, connection, stage, captured, PERSON_FIELDS)
    else:
        sqlite_variants(args, connection, stage, captured)


def sqlite_variants(args, connection, stage, captured) -> None:
    """The rows the import wrote, inserted again table by table (executemany, as the import does) under
    several set-ups, each in a rolled-back transaction."""
    from django.db import transaction

    from kafaat.registry.imports.people import _tables

    tables = _tables("sqlite")
    order = [("registry_person", tables.person), ("registry_personaccess", tables.access),
             ("registry_consent", tables.consent)]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%insert'")
        triggers = cursor.fetchall()
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'registry_person'"
            " AND sql IS NOT NULL"
        )
        indexes = [row[0] for row in cursor.fetchall()]

    ids = [row[0] for row in captured["registry_person"]]

    def variant(name: str, setup: list[str], search: bool = False, pragmas: tuple = ()) -> None:
        with connection.cursor() as cursor:
            for pragma in pragmas:  # outside the transaction (temp_store cannot change inside one)
                cursor.execute(pragma)
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in setup:
                cursor.execute(statement)
            for table, bulk in order:
                names = ", ".join(f'"{c}"' for c in bulk.columns)
                marks = ", ".join(["%s"] * len(bulk.columns))
                sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608 — model names
                rows = captured[table]
                with stage(f"{name}: insert {table.removeprefix('registry_')}"):
                    for start in range(0, len(rows), 10_000):
                        cursor.executemany(sql, rows[start : start + 10_000])
            if search:
                with stage(f"{name}: search rows by INSERT … SELECT"):
                    cursor.execute(
                        "INSERT INTO registry_personsearch"
                        " (person_id, organisation_id, search_name, created_at)"
                        " SELECT id, registered_by_id, search_name, created_at FROM registry_person"
                        " WHERE id BETWEEN %s AND %s",
                        [min(ids), max(ids)],
                    )
            transaction.set_rollback(True)
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA temp_store = DEFAULT")
            cursor.execute("PRAGMA cache_size = -2000")
        stage.print(f"SQLite inserts: {name} (µs a row, rolled back)")

    drop_triggers = [f"DROP TRIGGER {name}" for name, _sql in triggers]
    big = "PRAGMA cache_size = -65536"
    for repeat in range(args.repeat):
        variant(f"as is #{repeat + 1}", [])
        variant(f"temp_store memory #{repeat + 1}", [], pragmas=("PRAGMA temp_store = MEMORY",))
        variant(f"cache 64 MB #{repeat + 1}", [big])
        variant(f"no search-table triggers #{repeat + 1}", drop_triggers)
        variant(f"no person indexes #{repeat + 1}", [f"DROP INDEX {name}" for name in indexes])
        variant(f"cache 64 MB, no search-table triggers #{repeat + 1}", [big, *drop_triggers])
        variant(f"search rows by INSERT SELECT #{repeat + 1}", drop_triggers, search=True)
        variant(
            f"cache 64 MB, search rows by INSERT SELECT #{repeat + 1}", [big, *drop_triggers], search=True
        )


def copy_variants(args, connection, stage, captured, person_fields) -> None:
    """The rows the import wrote, copied again table by table under several set-ups of the search table."""
    from django.db import transaction

    from kafaat.core.imports import copy_text
    from kafaat.registry.imports.people import _tables

    tables = _tables("postgresql")
    order = [("registry_person", tables.person), ("registry_personaccess", tables.access),
             ("registry_consent", tables.consent)]  # fmt: skip
    text = {
        name: "".join(captured[f"{name} text"])
        if f"{name} text" in captured
        else copy_text(captured[name], len(bulk.columns))
        for name, bulk in order
    }
    index = [person_fields.index(name) for name in ("id", "registered_by", "search_name", "created_at")]
    search_rows = [[line.split("\t")[i] for i in index] for line in text["registry_person"].splitlines()]
    search_text = "".join("\t".join(row) + "\n" for row in search_rows)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'registry_personsearch_' || i FROM generate_series(0, 15) i"
            " WHERE satisfies_hash_partition('registry_personsearch'::regclass, 16, i, %s::bigint)",
            [int(search_rows[0][1])],
        )
        partition = cursor.fetchone()[0]

    def copy(cursor, table, columns, data) -> None:
        with cursor.cursor.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as out:
            for start in range(0, len(data), 4_000_000):  # about 2,000 rows of person a write
                out.write(data[start : start + 4_000_000])

    def vacuum() -> None:
        with connection.cursor() as cursor:
            for name in ("person", "personaccess", "consent", "personsearch"):
                cursor.execute(f"VACUUM registry_{name}")

    search_columns = ("person_id", "organisation_id", "search_name", "created_at")
    triggers = ("registry_personsearch_person_insert",)

    def variant(
        name: str, setup: list[str], search: str = "", replica: bool = True, clean_pending: bool = False
    ) -> None:
        vacuum()
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in setup:
                cursor.execute(statement)
            if replica:
                cursor.execute("SET LOCAL session_replication_role = replica")
            for table, bulk in order:
                columns = [f'"{c}"' for c in bulk.columns]
                with stage(f"{name}: COPY {table.removeprefix('registry_')}"):
                    copy(cursor, table, columns, text[table])
            if search:
                with stage(f"{name}: search rows {search}"):
                    if search == "by COPY into the table":
                        copy(cursor, "registry_personsearch", search_columns, search_text)
                    elif search == "by COPY into its partition":
                        copy(cursor, partition, search_columns, search_text)
                    else:
                        cursor.execute(
                            "INSERT INTO registry_personsearch (person_id, organisation_id, search_name,"
                            " created_at) SELECT id, registered_by_id, search_name, created_at"
                            " FROM registry_person WHERE id = ANY(%s)",
                            [[int(row[0]) for row in search_rows]],
                        )
            if clean_pending:
                with stage(f"{name}: gin_clean_pending_list of both trigram indexes"):
                    cursor.execute("SELECT gin_clean_pending_list('registry_person_search_name_trgm')")
                    cursor.execute(f"SELECT gin_clean_pending_list('{partition}_search_name_idx')")
            with stage(f"{name}: commit-time work (SET CONSTRAINTS ALL IMMEDIATE)"):
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            transaction.set_rollback(True)
        stage.print(f"PostgreSQL COPY: {name} (µs a row, rolled back)")

    disable = [f"ALTER TABLE registry_person DISABLE TRIGGER {t}" for t in triggers]
    no_trgm = ["DROP INDEX registry_personsearch_trgm"]
    no_person_trgm = ["DROP INDEX registry_person_search_name_trgm"]
    one_batch = ["SET LOCAL gin_pending_list_limit = '2GB'", "SET LOCAL work_mem = '512MB'"]
    variants = {
        "as-is": lambda n: variant(f"as is #{n} (statement trigger)", []),
        "no-trigger": lambda n: variant(f"no search trigger #{n}", disable),
        "copy": lambda n: variant(f"search rows by COPY #{n}", disable, "by COPY into the table"),
        "copy-partition": lambda n: variant(
            f"search rows by COPY, partition #{n}", disable, "by COPY into its partition"
        ),
        "insert-select": lambda n: variant(
            f"search rows by INSERT SELECT #{n}", disable, "by INSERT … SELECT"
        ),
        "no-trgm": lambda n: variant(f"no search-table trigram index #{n}", no_trgm),
        "no-person-trgm": lambda n: variant(f"no person trigram index #{n}", no_person_trgm),
        "no-trgm-at-all": lambda n: variant(f"no trigram index at all #{n}", [*no_trgm, *no_person_trgm]),
        "gin-one-batch": lambda n: variant(
            f"GIN pending lists merged once at the end #{n}", one_batch, clean_pending=True
        ),
        "gin-no-fastupdate": lambda n: variant(
            f"GIN fastupdate off #{n}",
            ["ALTER INDEX registry_person_search_name_trgm SET (fastupdate = off)",
             f"ALTER INDEX {partition}_search_name_idx SET (fastupdate = off)"],
        ),
        "no-replica": lambda n: variant(
            f"foreign-key triggers per row (no replica role) #{n}", [], replica=False
        ),
    }  # fmt: skip
    chosen = args.variants.split(",") if args.variants else list(variants)
    for repeat in range(args.repeat):
        for name in chosen:
            variants[name](repeat + 1)


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database", default="postgresql", choices=("postgresql", "sqlite"))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--variants", default="", help="comma-separated COPY set-ups (default: all)")
    args = parser.parse_args()
    from import_people import PG_SERVER

    server = os.environ.get("KAFAAT_BENCH_SERVER", PG_SERVER)
    scratch = os.environ.get("KAFAAT_BENCH_STAGES_DB", "kafaat_bench_stages")
    os.environ["DJANGO_SETTINGS_MODULE"] = "kafaat.settings"
    if args.database == "sqlite":
        folder = tempfile.mkdtemp(prefix="kafaat-stages-db-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/stages.sqlite3"
        run(args)
        return
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {scratch} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {scratch}")
    os.environ["DATABASE_URL"] = f"{server}/{scratch}"
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {scratch} WITH (FORCE)")


if __name__ == "__main__":
    main()
