"""What the benchmarks on a scratch PostgreSQL database share: the load average printed beside each line, and
the database made (or kept, with --reuse, when it already holds the data)."""

from __future__ import annotations

import os
import time


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}  (load {load_average()})", flush=True)


def prepare(server: str, database: str, filled_table: str, reuse: bool) -> bool:
    """Point Django (DATABASE_URL) at `database` on `server`; True when it must be loaded: made afresh, unless
    `reuse` and `filled_table` already has rows."""
    import psycopg

    url = f"{server}/{database}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if exists and reuse:
            with psycopg.connect(url) as conn:
                try:
                    if conn.execute(f"SELECT count(*) FROM {filled_table}").fetchone()[0]:  # noqa: S608 — ours
                        os.environ["DATABASE_URL"] = url
                        return False
                except psycopg.Error:
                    pass
        admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {database}")
    os.environ["DATABASE_URL"] = url
    return True
