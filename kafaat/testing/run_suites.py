"""Run the test suite on SQLite and, when a server answers (DATABASE_URL or 127.0.0.1:5432), on PostgreSQL.

`make test` and CI call this. With KAFAAT_REQUIRE_POSTGRES=1 (set by .ci/run) a missing server is a failure,
so CI can never pass on SQLite alone.

The two legs run at the same time (most of a leg's time is one Python process waiting on its database or its
browser, so two legs share two cores well); KAFAAT_SUITES_IN_SERIES=1 runs them one after the other. Each leg
gets its own var directory (file cache, media, warehouse), so neither clears or overwrites the other's files.
The PostgreSQL leg's output is printed when it ends, after the SQLite leg's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/kafaat"


def postgres_url() -> str | None:
    """The PostgreSQL URL to test on, if a server answers."""
    url = os.environ.get("DATABASE_URL", "")
    candidate = url if url.startswith(("postgres://", "postgresql://")) else LOCAL_POSTGRES
    try:
        import psycopg

        # Connect to the maintenance database: the test database is created by pytest-django.
        base = candidate.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(base, connect_timeout=3):
            return candidate
    except Exception as error:  # noqa: BLE001 — any failure means "no server to test on"
        print(f"PostgreSQL not reachable at {candidate.split('@')[-1]}: {error}".strip(), file=sys.stderr)
        return None


def leg_environment(database_url: str | None, var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    for inherited in ("KAFAAT_WAREHOUSE_PATH", "KAFAAT_CACHE_DIR", "KAFAAT_OPEN_DATA_DIR"):
        env.pop(inherited, None)  # they would point both legs at the same files
    env["KAFAAT_VAR_DIR"] = str(var_dir)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def start_leg(database_url: str | None, args: list[str], var_dir: Path, log=None):
    command = [sys.executable, "-m", "pytest", *args]
    env = leg_environment(database_url, var_dir)
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT if log else None)  # noqa: S603


def run_in_series(url: str | None, args: list[str], root: Path) -> dict[str, int]:
    results = {}
    for label, database_url in (("SQLite", None), ("PostgreSQL", url)):
        if label == "PostgreSQL" and not url:
            break
        print(f"\n=== pytest on {label} ===", flush=True)
        started = time.monotonic()
        results[label] = start_leg(database_url, args, root / label).wait()
        print(f"=== {label}: {time.monotonic() - started:.0f} s ===", flush=True)
    return results


def run_together(url: str, args: list[str], root: Path) -> dict[str, int]:
    log_path = root / "postgresql.log"
    started = time.monotonic()
    with log_path.open("wb") as log:
        postgres = start_leg(url, args, root / "PostgreSQL", log)
        print("\n=== pytest on SQLite (PostgreSQL runs beside it; its output follows) ===", flush=True)
        sqlite = start_leg(None, args, root / "SQLite").wait()
        print(f"=== SQLite: {time.monotonic() - started:.0f} s ===", flush=True)
        postgres_code = postgres.wait()
    print("\n=== pytest on PostgreSQL ===", flush=True)
    sys.stdout.buffer.write(log_path.read_bytes())
    print(f"=== PostgreSQL: {time.monotonic() - started:.0f} s ===", flush=True)
    return {"SQLite": sqlite, "PostgreSQL": postgres_code}


def main(args: list[str]) -> int:
    url = postgres_url()
    with tempfile.TemporaryDirectory(prefix="kafaat-suites-") as scratch:
        root = Path(scratch)
        if url and os.environ.get("KAFAAT_SUITES_IN_SERIES") != "1":
            results = run_together(url, args, root)
        else:
            results = run_in_series(url, args, root)
    if not url:
        if os.environ.get("KAFAAT_REQUIRE_POSTGRES") == "1":
            print("KAFAAT_REQUIRE_POSTGRES=1 but no PostgreSQL server answers: failing.", file=sys.stderr)
            results["PostgreSQL"] = 1
        else:
            print("PostgreSQL leg skipped: no server answers (set DATABASE_URL to test on one).")
    print("\n=== summary ===")
    for label, code in results.items():
        print(f"{label}: {'passed' if code == 0 else f'FAILED (exit {code})'}")
    return 0 if all(code == 0 for code in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
