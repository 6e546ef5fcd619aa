"""Writing many rows fast: primary keys reserved first, then `COPY` on PostgreSQL, `executemany` on SQLite.

Values go through the same conversions as the ORM (`get_db_prep_save` for custom fields, so an encrypted field
is encrypted exactly as `save()` would), but without building model instances.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.db.utils import DatabaseError


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Primary keys for `count` new rows, known before writing (so that other tables can point at them)."""
    table, column = model._meta.db_table, model._meta.pk.column
    if count == 0:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor != "sqlite":
            raise NotImplementedError(f"bulk import is not implemented for {connection.vendor}")
        if not connection.in_atomic_block:
            raise RuntimeError("reserve ids inside the transaction that writes them")
        # The transaction holds SQLite's write lock (BEGIN IMMEDIATE): nobody else can take these ids.
        cursor.execute(f'SELECT max("{column}") FROM "{table}"')  # noqa: S608 — names from the model
        highest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(highest, row[0] if row else 0) + 1
    return list(range(start, start + count))


def _converter(model_field: models.Field, vendor: str) -> Callable | None:
    """How a Python value becomes what the database stores; None when it goes through as it is."""
    if not type(model_field).__module__.startswith("django."):
        return lambda value: model_field.get_db_prep_save(value, connection)  # e.g. encrypted fields
    if isinstance(model_field, models.JSONField):
        return json.dumps
    if vendor == "sqlite":
        if isinstance(model_field, models.UUIDField):
            return lambda value: value.hex
        if isinstance(model_field, models.DateTimeField):
            return lambda value: model_field.get_db_prep_save(value, connection)
        if isinstance(model_field, models.DateField):
            return lambda value: value.isoformat() if value is not None else None
    return None


class BulkTable:
    """Rows of one table written in bulk: `row()` turns Python values into stored ones (it may run in a worker
    process, so encryption happens there), `write()` sends them with COPY or executemany."""

    def __init__(
        self,
        model: type[models.Model],
        fields: Sequence[str],
        vendor: str | None = None,
        raw: Sequence[str] = (),
    ):
        """`raw`: fields whose values are given as stored (constants converted once by the caller)."""
        self.model = model
        model_fields = [model._meta.get_field(name) for name in fields]
        self.columns = [f.column for f in model_fields]
        vendor = vendor or connection.vendor
        self.converters = [
            (i, c) for i, f in enumerate(model_fields) if f.name not in raw and (c := _converter(f, vendor))
        ]
        # Fields that convert a whole column at once (encrypted fields: one batch); their stored value is
        # what `get_db_prep_save` would give, as their prep value is already what the database stores.
        self.batched = {
            i: f.get_prep_values
            for i, f in enumerate(model_fields)
            if f.name not in raw and hasattr(f, "get_prep_values")
        }

    def row(self, values: Sequence) -> tuple:
        if not self.converters:
            return tuple(values)
        out = list(values)
        for index, convert in self.converters:
            if out[index] is not None:
                out[index] = convert(out[index])
        return tuple(out)

    def rows(self, rows: Sequence[Sequence]) -> list[tuple]:
        """`row()` of many rows: the same stored values, with batched fields converted column by column."""
        if not self.batched:
            return [self.row(values) for values in rows]
        return self.from_columns([list(column) for column in zip(*rows, strict=True)] if rows else [])

    def from_columns(self, columns: list[Sequence]) -> list[tuple]:
        """Rows of stored values from one list of Python values per field (the same values as `row()`)."""
        stored = self.stored_columns(columns)
        return list(zip(*stored, strict=True)) if stored else []

    def stored_columns(self, columns: list[Sequence]) -> list[Sequence]:
        """The stored values, still one list per field. A value object shared by several rows (a list or
        dict from a cache) is converted once."""
        if not columns:
            return []
        columns = list(columns)
        for index, convert in self.converters:
            column = columns[index]
            if index in self.batched:
                columns[index] = self.batched[index](list(column))
            else:
                done: dict[int, Any] = {}
                out = []
                for value in column:
                    if value is None:
                        out.append(None)
                        continue
                    key = id(value)  # the column holds every value: no id is reused meanwhile
                    stored = done.get(key)
                    if stored is None:
                        stored = done[key] = convert(value)
                    out.append(stored)
                columns[index] = out
        return columns

    def write_lines(
        self, ids: Sequence[int], lines: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> int:
        """COPY rows given as a primary key and the rest of the row already in COPY's text (`copy_lines` of
        the other columns): the text of a row is built where it was validated, not again here."""
        if not ids:
            return 0
        with connection.cursor() as cursor, cursor.cursor.copy(self._copy_sql()) as copy:
            for start in range(0, len(ids), 10_000):
                part = zip(map(str, ids[start : start + 10_000]), lines[start : start + 10_000], strict=True)
                copy.write("\n".join(map("\t".join, part)) + "\n")
                if progress:
                    progress(min(start + 10_000, len(ids)))
        return len(ids)

    def _copy_sql(self) -> str:
        names = ", ".join(f'"{c}"' for c in self.columns)
        return f'COPY "{self.model._meta.db_table}" ({names}) FROM STDIN'

    def write(self, rows: Iterable[tuple], progress: Callable[[int], None] | None = None) -> int:
        table = self.model._meta.db_table
        names = ", ".join(f'"{c}"' for c in self.columns)
        written = 0
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(self._copy_sql()) as copy:
                    batch = []
                    for row in rows:
                        batch.append(row)
                        if len(batch) >= 10_000:
                            copy.write(copy_text(batch, len(self.columns)))
                            written += len(batch)
                            batch = []
                            if progress:
                                progress(written)
                    if batch:
                        copy.write(copy_text(batch, len(self.columns)))
                        written += len(batch)
                return written
            sql = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join(["%s"] * len(self.columns))})'  # noqa: S608
            batch: list[tuple] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= 10_000:
                    cursor.executemany(sql, batch)
                    written += len(batch)
                    batch = []
                    if progress:
                        progress(written)
            if batch:
                cursor.executemany(sql, batch)
                written += len(batch)
        return written


@contextmanager
def larger_sqlite_cache(kibibytes: int = 65_536) -> Iterator[None]:
    """A larger page cache for the connection during a bulk write on SQLite: its default (2 MB) is smaller
    than the index pages a large import keeps touching (100,000 people: about 9 µs a person less with
    64 MB, benchmarks/import_stages.py). Pages are allocated as used; the setting is restored after."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-int(kibibytes)}")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


# --- COPY's text format, a column at a time -----------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})
_NULL = "\\N"
_SPECIAL = ("\\", "\n", "\r", "\t")


def _text_of(value: Any) -> str:
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, int | float | datetime.date | uuid.UUID | Decimal):
        return str(value)
    raise TypeError(f"no COPY text for {type(value).__name__}")


def _text_column(column: Sequence) -> list[str]:
    """One column of rows in COPY's text format: NULL as \\N; backslash, newline, carriage return and tab
    escaped; booleans t/f; dates, datetimes, numbers and UUIDs as PostgreSQL reads them from their str()."""
    kinds = set(map(type, column))
    if kinds <= {str, type(None)}:
        joined = "\0".join(filter(None, column))
        if any(special in joined for special in _SPECIAL):
            return [_NULL if value is None else value.translate(_ESCAPES) for value in column]
        return (
            [_NULL if value is None else value for value in column] if type(None) in kinds else list(column)
        )
    if len(kinds - {type(None)}) == 1:  # one type: a value is its own key (no 1 == True == 1.0 clash)
        texts: dict[Any, str] = {None: _NULL}
        for value in set(column).difference(texts):
            texts[value] = _text_of(value)
        return [texts[value] for value in column]
    return [_NULL if value is None else _text_of(value) for value in column]


def copy_lines(columns: Sequence[Sequence]) -> list[str]:
    """One line of COPY's text format a row (no newline), from one list of stored values per column."""
    texts = [_text_column(column) for column in columns]
    return list(map("\t".join, zip(*texts, strict=True))) if texts else []


def copy_text(rows: Sequence[Sequence], width: int) -> str:
    """Rows (each of `width` values) as the text of `COPY … FROM STDIN` (text format): built column by column
    with C-level joins, instead of one Python call per row."""
    if not rows:
        return ""
    columns = [_text_column(column) for column in zip(*rows, strict=True)]
    if len(columns) != width:
        raise ValueError(f"rows of {len(columns)} values for {width} columns")
    return "\n".join(map("\t".join, zip(*columns, strict=True))) + "\n"


# --- Foreign keys checked once per batch --------------------------------------------------------------------


@contextmanager
def references_checked_once(
    tables: Sequence[type[models.Model]], references: Mapping[type[models.Model], Iterable[int]]
) -> Iterator[bool]:
    """Write rows of `tables` whose foreign keys point only at `references` or at rows written earlier in the
    same transaction, with one check of those references instead of one per row and key.

    On PostgreSQL every inserted row fires one trigger per foreign key, each a `SELECT … FOR KEY SHARE` of the
    referenced row: nine per imported person (its organisation, user and territory; the access row's and the
    consents' person, organisation, user), about 40 % of the database's work. Here the referenced rows are
    locked `FOR KEY SHARE` in one query per table — the lock those triggers take, held to the end of the
    transaction — checked to exist, and the triggers are skipped for the write (`session_replication_role =
    replica`). Only where the database allows it (a superuser, or `GRANT SET ON PARAMETER
    session_replication_role`), and only when the tables have no triggers of their own that the replica role
    would skip too (a trigger enabled ALWAYS, like those of the people search table, still fires).
    Otherwise, and on SQLite, the usual per-row checks run. Yields whether the triggers were skipped.
    """
    if connection.vendor != "postgresql" or not connection.in_atomic_block or not _can_skip(tables):
        yield False
        return
    with connection.cursor() as cursor:
        for model, ids in references.items():
            wanted = sorted({int(i) for i in ids})
            table, pk = model._meta.db_table, model._meta.pk.column
            cursor.execute(
                f'SELECT "{pk}" FROM "{table}" WHERE "{pk}" = ANY(%s) FOR KEY SHARE',  # noqa: S608 — model names
                [wanted],
            )
            missing = set(wanted) - {row[0] for row in cursor.fetchall()}
            if missing:
                raise IntegrityError(f"{table} has no row {sorted(missing)[:10]}: it was deleted meanwhile")
        cursor.execute("SET LOCAL session_replication_role = replica")
        try:
            yield True
        except BaseException:
            # The transaction may be aborted (its rollback resets the setting): keep the real error.
            with suppress(DatabaseError):
                cursor.execute("SET LOCAL session_replication_role = origin")
            raise
        cursor.execute("SET LOCAL session_replication_role = origin")


def _can_skip(tables: Sequence[type[models.Model]]) -> bool:
    """No trigger of the tables' own that the replica role skips (`tgenabled = 'O'`, the default; ALWAYS
    triggers fire anyway), and the role may set the replication role (asked in a savepoint)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger"
            " WHERE NOT tgisinternal AND tgenabled = 'O' AND tgrelid = ANY(%s::regclass[])",
            [[model._meta.db_table for model in tables]],
        )
        if cursor.fetchone()[0]:
            return False
        try:
            with transaction.atomic():  # a refusal rolls back the savepoint, not the caller's transaction
                cursor.execute("SET LOCAL session_replication_role = replica")
                cursor.execute("SET LOCAL session_replication_role = origin")
        except DatabaseError:
            return False
    return True
