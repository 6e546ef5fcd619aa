"""Peak memory of the people import against the size of the file: it must not grow with the file.

    .venv/bin/python benchmarks/import_memory.py --rows 10000,100000,1000000

People files come from the synthetic generator (`benchmarks/import_people.make_file`: `kafaat.synth` plus the
consent date). Every measure runs in a child process of its own, which prints its own maximum resident set
(VmHWM of /proc/self/status) as it ends. The baseline, measured in the same run:
a child that sets Django up and reads every row of the largest file with `csv` (what any import costs
before checking anything). The import runs against a scratch SQLite database (migrated once, copied for
every run), or PostgreSQL with --database postgresql (`kafaat_bench_memory` on DATABASE_URL's server).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
SCRATCH_DB = os.environ.get("KAFAAT_BENCH_DB", "kafaat_bench_memory")

# VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over exec, so a child would report the peak of
# the parent that forked it (this one, after generating a million people with pyarrow).
PEAK = """
import re
print("peak_kb", re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1))
"""
CHILD = {
    "read": """
import csv, sys
import django
django.setup()
with open(sys.argv[1], encoding="utf-8", newline="") as handle:
    print(sum(1 for _row in csv.reader(handle)) - 1)
""",
    "migrate": """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
""",
    "import": """
import sys
import django
django.setup()
from django.contrib.auth import get_user_model
from kafaat.core.imports.run import run_import
from kafaat.core.models import Membership, Organisation, Role, Territory
from kafaat.registry.imports.people import PeopleImport
code = "bench-memory-" + sys.argv[2]
oujda = Territory.objects.get(code="02.411")
organisation = Organisation.objects.create(code=code, type="ngo", territory=oujda, name_fr=code)
user = get_user_model().objects.create_user(code)
Membership.objects.create(user=user, organisation=organisation, role=Role.CASE_WORKER)
result = run_import(PeopleImport(user, organisation), sys.argv[1], workers=1)
assert not result.errors and result.imported == int(sys.argv[2]), (result.imported, result.errors[:3])
print(result.imported)
""",
}


def child(kind: str, env: dict, *args: str) -> tuple[float, float, str]:
    """(peak RSS in MB, seconds, output) of one child process running CHILD[kind]: the child's own maximum
    resident set as it ends, so that each run is measured alone."""
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 — this interpreter, this file's own code
        [sys.executable, "-c", CHILD[kind] + PEAK, *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"{kind} failed:\n{done.stderr[-3000:]}")
    lines = done.stdout.strip().splitlines()
    peak_kb = int(lines[-1].split()[1])
    return peak_kb / 1024, seconds, "\n".join(lines[:-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", default="10000,100000,1000000", help="file sizes, comma-separated")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--files", help="folder to keep the generated files in (default: a temporary one)")
    args = parser.parse_args()
    sizes = sorted(int(n) for n in args.rows.split(","))
    from benchmarks.import_people import make_file

    scratch = Path(tempfile.mkdtemp(prefix="kafaat-memory-"))
    files = Path(args.files) if args.files else scratch
    files.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kafaat.settings", "KAFAAT_IMPORT_WORKERS": "1"}
    try:
        paths = {}
        for rows in sizes:
            paths[rows] = files / f"people-{rows}.csv"
            if not paths[rows].exists():
                print(f"generating {rows:,} people…", file=sys.stderr)
                make_file(paths[rows], rows, args.seed)
        results = []
        peak, seconds, _out = child("read", env, str(paths[sizes[-1]]))
        results.append((f"baseline: csv read of {sizes[-1]:,} rows", sizes[-1], peak, seconds))
        if args.database == "sqlite":
            template = scratch / "template.sqlite3"
            child("migrate", {**env, "DATABASE_URL": f"sqlite:///{template}"})
        else:
            import psycopg

            server = os.environ.get("KAFAAT_BENCH_SERVER", PG_SERVER)
        for rows in sizes:
            if args.database == "sqlite":
                database = scratch / f"run-{rows}.sqlite3"
                shutil.copy(template, database)
                url = f"sqlite:///{database}"
            else:
                with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                    admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB} WITH (FORCE)")
                    admin.execute(f"CREATE DATABASE {SCRATCH_DB}")
                url = f"{server}/{SCRATCH_DB}"
                child("migrate", {**env, "DATABASE_URL": url})
            peak, seconds, _out = child("import", {**env, "DATABASE_URL": url}, str(paths[rows]), str(rows))
            results.append((f"import ({args.database})", rows, peak, seconds))
            if args.database == "sqlite":
                database.unlink()
        print(f"\nload average: {' '.join(f'{n:.2f}' for n in os.getloadavg())} on {os.cpu_count()} CPUs")
        print(f"{'what':<36} {'rows':>10} {'peak RSS MB':>12} {'seconds':>9} {'rows/s':>9}")
        for what, rows, peak, seconds in results:
            print(f"{what:<36} {rows:>10,} {peak:>12.0f} {seconds:>9.1f} {rows / seconds:>9,.0f}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if args.database == "postgresql":
            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB} WITH (FORCE)")


if __name__ == "__main__":
    main()
