"""Run the test suite on SQLite, then on PostgreSQL when a server answers (DATABASE_URL or 127.0.0.1:5432).

`make test` and CI call this. With KAFAAT_REQUIRE_POSTGRES=1 (set by .ci/run) a missing server is a failure,
so CI can never pass on SQLite alone.
"""

from __future__ import annotations

import os
import subprocess
import sys

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


def run_pytest(label: str, database_url: str | None, args: list[str]) -> int:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    print(f"\n=== pytest on {label} ===", flush=True)
    return subprocess.call([sys.executable, "-m", "pytest", *args], env=env)  # noqa: S603


def main(args: list[str]) -> int:
    results = {"SQLite": run_pytest("SQLite", None, args)}
    url = postgres_url()
    if url:
        results["PostgreSQL"] = run_pytest("PostgreSQL", url, args)
    elif os.environ.get("KAFAAT_REQUIRE_POSTGRES") == "1":
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
