"""Reading the operational database for the warehouse: every table in bulk, as Arrow.

ADBC on PostgreSQL (binary COPY straight into Arrow, in one repeatable-read transaction so that every table
is read as of the same instant), a plain cursor on SQLite (and inside a transaction, where ADBC cannot see
uncommitted data).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import pyarrow as pa
from django.db import connection


def _postgres_uri() -> str:
    s = connection.settings_dict
    user = quote(s.get("USER") or "", safe="")
    password = f":{quote(str(s['PASSWORD']), safe='')}" if s.get("PASSWORD") else ""
    host = s.get("HOST") or "localhost"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    credentials = f"{user}{password}@" if user else ""
    return f"postgresql://{credentials}{host}{port}/{quote(s['NAME'], safe='')}"


Arrived = Callable[[str, pa.Table], None]  # called with each table as soon as it is read


def _read_adbc(queries: dict[str, str], arrived: Arrived) -> dict[str, pa.Table]:
    import adbc_driver_postgresql.dbapi as adbc

    tables = {}
    with adbc.connect(_postgres_uri()) as conn, conn.cursor() as cursor:
        # Every table as of one instant: the snapshot is consistent even while case workers keep writing.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        for name, sql in queries.items():
            cursor.execute(sql)
            tables[name] = cursor.fetch_arrow_table()
            arrived(name, tables[name])
        conn.rollback()
    return tables


def _read_cursor(queries: dict[str, str], arrived: Arrived, batch: int = 50_000) -> dict[str, pa.Table]:
    tables = {}
    with connection.cursor() as cursor:
        for name, sql in queries.items():
            cursor.execute(sql)
            names = [column[0] for column in cursor.description]
            batches = []
            while rows := cursor.fetchmany(batch):
                columns = list(zip(*rows, strict=True))
                batches.append(pa.table({n: pa.array(list(c)) for n, c in zip(names, columns, strict=True)}))
            if not batches:
                tables[name] = pa.table({n: pa.array([], pa.null()) for n in names})
            else:
                tables[name] = pa.concat_tables(batches, promote_options="permissive")
            arrived(name, tables[name])
    return tables


def read_source(queries: dict[str, str], arrived: Arrived | None = None) -> dict[str, pa.Table]:
    """The operational tables as Arrow, in the order of `queries`; `arrived(name, table)` is called as each
    one is read. ADBC needs committed data: inside a transaction (tests), a cursor."""
    arrived = arrived or (lambda name, table: None)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        try:
            import adbc_driver_postgresql.dbapi  # noqa: F401 — optional at run time
        except ImportError:  # the cursor path gives the same tables
            pass
        else:
            return _read_adbc(queries, arrived)
    return _read_cursor(queries, arrived)
