"""The person side of the warehouse snapshot: pseudonyms, and the coarse categories decrypted once.

A person is a pseudonym (`pid`: a keyed hash of the record's uid, never its database id or name). Sensitive
fields (migration status, Washington Group answers) are decrypted in bulk only to be reduced to coarse
categories; the decrypted values are never written. What was decrypted is cached by pseudonym and record
version (`person_cache` in the snapshot), so the next refresh decrypts only the records that changed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from kafaat.core import crypto

UNKNOWN = "unknown"
DISABILITY_CUTOFF = 3  # Washington Group "disability 3" (kafaat.registry.models.WashingtonGroup.CUTOFF)
MIGRATION_GROUPS = {
    "moroccan": "national",
    "regular_migrant": "migrant",
    "refugee": "refugee",
    "asylum_seeker": "refugee",  # asylum seekers and recognised refugees are reported together
}

# A person's pseudonym (the parameter is `pseudonym_key()`): the same expression wherever it is computed.
PID_SQL = "left(sha256(? || replace(CAST(uid AS VARCHAR), '-', '')), 16)"


def pseudonym_key() -> str:
    """The secret that keys the pseudonyms: derived from the look-up hash key, stable across refreshes."""
    return crypto.keyed_hash("observatory:pseudonym")


def migration_group(status: str | None, nationality: str | None) -> str:
    if status:
        return MIGRATION_GROUPS.get(status, UNKNOWN)
    return "national" if nationality == "MA" else UNKNOWN


def disability_group(answers: dict | None) -> str:
    if not answers:
        return UNKNOWN
    return "yes" if any(int(v) >= DISABILITY_CUTOFF for v in answers.values() if v) else "no"


DECRYPT_BATCH = 100_000  # tokens decrypted per call: bounds the memory the clear values take at a time


def _categories_of(tokens: list[str | None], reduce: Callable[[str | None], str]) -> list[str]:
    """The coarse category of each encrypted value (`reduce(None)` for an absent one), decrypted in batches.

    The clear values live only inside this function, a batch at a time. Categories are memoised by clear
    value: a field with few distinct values (a status, a set of Washington Group answers) is reduced once
    per distinct value rather than once per person.
    """
    out: list[str] = [reduce(None)] * len(tokens)
    present = [i for i, token in enumerate(tokens) if token]
    memo: dict[str, str] = {}
    for begin in range(0, len(present), DECRYPT_BATCH):
        chunk = present[begin : begin + DECRYPT_BATCH]
        for index, clear in zip(chunk, crypto.decrypt_many([tokens[i] for i in chunk]), strict=True):
            category = memo.get(clear)
            if category is None:
                category = memo[clear] = reduce(clear)
            out[index] = category
    return out


def _decrypt_categories(rows: pa.Table) -> pa.Table:
    """pid, stamp, migration, disability for records whose encrypted fields must be read (again)."""
    statuses = _categories_of(rows["migration_status"].to_pylist(), lambda clear: clear or "")
    nationalities = rows["nationality"].to_pylist()
    migration = [migration_group(s, n) for s, n in zip(statuses, nationalities, strict=True)]
    disability = _categories_of(
        rows["disability_answers"].to_pylist(),
        lambda clear: disability_group(json.loads(clear) if clear else None),
    )
    return pa.table(
        {
            "pid": rows["pid"],
            "stamp": rows["stamp"],
            "migration": pa.array(migration, pa.string()),
            "disability": pa.array(disability, pa.string()),
        }
    )


@dataclass
class Categories:
    """The person_cache rows of a refresh: what was reused, what was decrypted, and how long it took."""

    table: pa.Table  # pid, stamp, migration, disability — one row per surviving person
    decrypted: int
    seconds: float


def person_categories(people: pa.Table, previous: Path | None) -> Categories:
    """Reuse what the previous snapshot decrypted for unchanged records, decrypt the rest.

    Self-contained (its own in-memory DuckDB, no Django database access) so that `refresh` runs it in a
    thread while the other tables are still being read: the readers (ADBC, DuckDB) release the GIL, so the
    decryption — the one per-row Python step — overlaps the copy instead of following it.
    """
    started = time.monotonic()
    con = duckdb.connect()
    try:
        con.register("arrow_people", people)
        survivors = f"""SELECT {PID_SQL} AS pid, CAST(stamp AS VARCHAR) AS stamp,
            CAST(nationality AS VARCHAR) AS nationality,
            CAST(migration_status AS VARCHAR) AS migration_status,
            CAST(disability_answers AS VARCHAR) AS disability_answers
            FROM arrow_people WHERE merged_into_id IS NULL"""
        con.execute(f"CREATE TABLE survivors AS {survivors}", [pseudonym_key()])
        con.execute("CREATE TABLE reused (pid VARCHAR, stamp VARCHAR, migration VARCHAR, disability VARCHAR)")
        if previous is not None:
            # Through Arrow rather than ATTACH: the process may hold the file open already (readers' cache).
            reader = duckdb.connect(str(previous), read_only=True)
            try:
                cached = reader.sql(
                    "SELECT pid, stamp, migration, disability FROM person_cache"
                ).to_arrow_table()
            finally:
                reader.close()
            con.register("cached", cached)
            con.execute(
                """INSERT INTO reused SELECT c.pid, c.stamp, c.migration, c.disability
                   FROM survivors r JOIN cached c ON c.pid = r.pid AND c.stamp = r.stamp"""
            )
        todo = con.sql("SELECT * FROM survivors r ANTI JOIN reused c USING (pid)").to_arrow_table()
        table = con.sql("SELECT * FROM reused").to_arrow_table()
    finally:
        con.close()
    if todo.num_rows:
        table = pa.concat_tables([table, _decrypt_categories(todo)])
    return Categories(table=table, decrypted=todo.num_rows, seconds=time.monotonic() - started)


def store_categories(con: duckdb.DuckDBPyConnection, categories: Categories) -> None:
    con.execute(
        "CREATE TABLE person_cache (pid VARCHAR, stamp VARCHAR, migration VARCHAR, disability VARCHAR)"
    )
    con.register("categories", categories.table)
    con.execute("INSERT INTO person_cache SELECT pid, stamp, migration, disability FROM categories")
    con.unregister("categories")
