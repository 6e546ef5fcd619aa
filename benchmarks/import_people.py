"""Benchmark of the people import against a naive per-row ORM import, on PostgreSQL and SQLite.

    .venv/bin/python benchmarks/import_people.py --rows 100000 --baseline-rows 5000

Synthetic people come from `kafaat.synth.people.write_people`; the benchmark adds the one column the generator
lacks (the consent date) and keeps its other columns, which the import reads through aliases (`status`,
`commune_code`, `province_code`; `region_code` and `rural` are ignored). Each database runs in a child process
against a scratch database it creates, migrates and drops: PostgreSQL `kafaat_bench_import` (DATABASE_URL's
server, or 127.0.0.1:5432) and a temporary SQLite file. The baseline registers a subset row by row through
`registry.services.register_person` (validation, Person, access, consent and audit, one transaction per row)
and its rate is extrapolated to the full size.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
# Dropped and created again by every run; KAFAAT_BENCH_DB names another (several people benchmarking at once).
SCRATCH_DB = os.environ.get("KAFAAT_BENCH_DB", "kafaat_bench_import")
CONSENT = "2025-01-15"


def make_file(path: Path, rows: int, seed: int) -> None:
    """Synthetic people as the import reads them: the generator's columns plus the consent date."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from kafaat.synth.people import SCHEMA, write_people

    raw = path.with_suffix(".synth.csv")
    write_people(raw, rows, seed)
    strings = pacsv.ConvertOptions(column_types={name: pa.string() for name in SCHEMA.names})
    table = pacsv.read_csv(raw, convert_options=strings)
    table = table.append_column("consent", pa.array([CONSENT] * table.num_rows))
    pacsv.write_csv(table, path)
    raw.unlink()


def head(path: Path, target: Path, rows: int) -> Path:
    with open(path, encoding="utf-8") as source, open(target, "w", encoding="utf-8") as out:
        for index, line in enumerate(source):
            if index > rows:
                break
            out.write(line)
    return target


# --- Child: one database ------------------------------------------------------------------------------------


def setup_database(vendor: str, server: str, scratch: Path) -> str:
    if vendor == "sqlite":
        return f"sqlite:///{scratch / 'bench.sqlite3'}"
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {SCRATCH_DB}")
    return f"{server}/{SCRATCH_DB}"


def drop_database(vendor: str, server: str) -> None:
    if vendor == "postgresql":
        import psycopg

        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB} WITH (FORCE)")


def actors():
    from django.contrib.auth import get_user_model

    from kafaat.core.models import Membership, Organisation, Role, Territory

    territory = Territory.objects.get(code="02.411")
    made = []
    for code in ("bench-import", "bench-baseline"):
        organisation = Organisation.objects.create(code=code, type="ngo", territory=territory, name_fr=code)
        user = get_user_model().objects.create_user(code)
        Membership.objects.create(user=user, organisation=organisation, role=Role.CASE_WORKER)
        made.append((user, organisation))
    return made


class CpuClock:
    """CPU seconds used by this process, its finished children (validation workers) and, when the server is
    on this machine, the database backend: unlike wall time, hardly changed by what else the machine runs."""

    def __init__(self, connection):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT 0")
            pid = cursor.fetchone()[0]
        self.backend = Path(f"/proc/{pid}/stat") if pid else None

    def read(self) -> tuple[float, float]:
        import resource

        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        client = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
        database = 0.0
        if self.backend is not None and self.backend.exists():
            fields = self.backend.read_text().rsplit(")", 1)[1].split()
            database = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return client, database


def run_leg(args) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kafaat.core.imports import run_import
    from kafaat.registry.imports import PeopleImport
    from kafaat.registry.models import Person
    from kafaat.registry.services import register_person
    from kafaat.registry.validation import TerritoryIndex

    call_command("migrate", verbosity=0)
    (user, organisation), (baseline_user, baseline_organisation) = actors()
    path = Path(args.file)
    out = {"vendor": connection.vendor, "rows": args.rows}

    clock = CpuClock(connection)
    cpu_before = clock.read()
    started = time.perf_counter()
    spec = PeopleImport(user, organisation, file_name=path.name)
    result = run_import(spec, path, path.name, workers=args.workers)
    out["import_s"] = time.perf_counter() - started
    out["import_cpu"] = [after - before for after, before in zip(clock.read(), cpu_before, strict=True)]
    out["load"] = os.getloadavg()[0]  # the machine is shared: print what else was running
    assert result.imported == args.rows and not result.errors, (result.imported, result.errors[:3])
    assert Person.objects.filter(registered_by=organisation).count() == args.rows

    started = time.perf_counter()
    again = run_import(
        PeopleImport(user, organisation, file_name=path.name), path, path.name, workers=args.workers
    )
    out["reimport_s"] = time.perf_counter() - started
    assert again.already_imported == args.rows and again.imported == 0

    subset = head(path, path.with_name("baseline.csv"), args.baseline_rows)
    started = time.perf_counter()
    check = run_import(PeopleImport(baseline_user, baseline_organisation), subset, dry_run=True, workers=1)
    out["dry_run_single_process_rate"] = check.valid / (time.perf_counter() - started)

    import csv

    territories = TerritoryIndex()
    with open(subset, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    cpu_before = clock.read()
    started = time.perf_counter()
    for row in rows:
        raw = {**row, "migration_status": row["status"], "commune": row["commune_code"]}
        raw["territory"] = row["province_code"]
        consent = date.fromisoformat(row["consent"])
        options = {
            "organisation": baseline_organisation,
            "consent_given_on": consent,
            "territories": territories,
        }
        register_person(baseline_user, raw, **options)
    out["baseline_s"] = time.perf_counter() - started
    out["baseline_cpu"] = [after - before for after, before in zip(clock.read(), cpu_before, strict=True)]
    out["baseline_rows"] = len(rows)
    return out


# --- Parent: the table --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--baseline-rows", type=int, default=5_000)
    parser.add_argument("--databases", default="postgresql,sqlite")
    parser.add_argument("--workers", type=int, default=None, help="validation processes (default: CPUs)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--leg", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    server = os.environ.get("KAFAAT_BENCH_SERVER", PG_SERVER)
    if args.leg:
        print(json.dumps(run_leg(args)))
        return

    with tempfile.TemporaryDirectory(prefix="kafaat-bench-") as folder:
        scratch = Path(folder)
        path = scratch / "people.csv"
        started = time.perf_counter()
        make_file(path, args.rows, args.seed)
        seconds = time.perf_counter() - started
        print(f"{args.rows:,} synthetic people written in {seconds:.1f} s; {os.cpu_count()} CPUs")
        results = []
        for vendor in args.databases.split(","):
            env = {**os.environ, "DATABASE_URL": setup_database(vendor, server, scratch),
                   "DJANGO_SETTINGS_MODULE": "kafaat.settings"}  # fmt: skip
            command = [sys.executable, __file__, "--leg", vendor, "--file", str(path)]
            command += ["--rows", str(args.rows), "--baseline-rows", str(args.baseline_rows)]
            if args.workers is not None:
                command += ["--workers", str(args.workers)]
            try:
                output = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout  # noqa: S603
            finally:
                drop_database(vendor, server)
            results.append(json.loads(output.strip().splitlines()[-1]))
        print_table(results)


def print_table(results: list[dict]) -> None:
    widths = (10, 50, 9, 8, 8, 8)

    def line(*cells) -> str:
        return "| " + " | ".join(f"{cell:<{w}}" if i < 2 else f"{cell:>{w}}" for i, (cell, w) in
                                 enumerate(zip(cells, widths, strict=True))) + " |"  # fmt: skip

    print("\n" + line("database", "method", "rows", "seconds", "rows/s", "× naive"))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in results:
        name = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}[r["vendor"]]
        naive = r["baseline_rows"] / r["baseline_s"]
        for method, seconds in (
            ("kafaat import (every row checked, then bulk write)", r["import_s"]),
            ("the same file again (all already imported)", r["reimport_s"]),
            (f"naive ORM: register_person per row ({r['baseline_rows']:,} rows)", r["rows"] / naive),
        ):
            rate = r["rows"] / seconds
            print(
                line(name, method, f"{r['rows']:,}", f"{seconds:.1f}", f"{rate:,.0f}", f"{rate / naive:.1f}×")
            )
        rate = r["dry_run_single_process_rate"]
        print(line(name, "validation alone, one process", "", "", f"{rate:,.0f}", ""))
        print(line(name, f"(load average after the import: {r['load']:.2f})", "", "", "", ""))
    print("\nCPU time a row (µs) of the client (with its validation processes) and of the database backend;")
    print("a quiet machine with 2 CPUs imports at most 2,000,000 / (client + database) rows/s.\n")
    print(line("database", "method", "client", "database", "total", "× naive"))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in results:
        name = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}[r["vendor"]]
        naive = sum(r["baseline_cpu"]) / r["baseline_rows"] * 1e6
        for method, (client, database), rows in (
            ("kafaat import", r["import_cpu"], r["rows"]),
            ("naive ORM: register_person per row", r["baseline_cpu"], r["baseline_rows"]),
        ):
            client, database = client / rows * 1e6, database / rows * 1e6
            total = client + database
            cells = (f"{client:.0f}", f"{database:.0f}", f"{total:.0f}", f"{naive / total:.1f}×")
            print(line(name, method, *cells))
    print("\nThe naive time is extrapolated from the rate on its subset.")


if __name__ == "__main__":
    main()
