"""The search table's rows of a bulk write on SQLite: written set-based, not by row triggers.

On SQLite an INSERT into a table that has a trigger runs with a statement journal (the trigger makes the
statement write two tables and a constraint may abort it): every row of an `executemany` first copies the
pages it changes to that journal. For the people import that was about 55 µs a person and 9 µs an access row
— more than the rest of the write (benchmarks/import_stages.py, docs/import.md) — whether or not the trigger
then writes anything. `insert_triggers_paused` drops the two insert triggers of the search table inside the
import's transaction (which holds SQLite's write lock), lets the caller write, inserts the rows those triggers
would have written with one INSERT … SELECT each (their own conditions, set-based), and creates the triggers
again from their stored SQL. All of it in one savepoint: a failure rolls the triggers back with the rows.
Readers (WAL) never see the table without its triggers, as nothing is committed before they are back.

PostgreSQL's triggers are statement-level already (registry migration 0009): there the set-based insert
would save about 2–3 µs of the 16 a person that the table costs (measured), not worth a second writer.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import connection, transaction

PAUSED = ("registry_personsearch_person_insert", "registry_personsearch_access_insert")
_COLUMNS = "(person_id, organisation_id, search_name, created_at)"
# What the two triggers insert (registry migration 0009), for the people whose ids lie in a range.
_PERSON_ROWS = f"""INSERT OR IGNORE INTO registry_personsearch {_COLUMNS}
    SELECT id, registered_by_id, search_name, created_at FROM registry_person
     WHERE id BETWEEN %s AND %s AND merged_into_id IS NULL"""  # noqa: S608 — no input in the SQL
_ACCESS_ROWS = f"""INSERT OR IGNORE INTO registry_personsearch {_COLUMNS}
    SELECT p.id, a.organisation_id, p.search_name, p.created_at
      FROM registry_personaccess a JOIN registry_person p ON p.id = a.person_id
     WHERE a.person_id BETWEEN %s AND %s AND a.is_active AND a.reason <> 'registered'
       AND p.merged_into_id IS NULL"""  # noqa: S608


def runs(ids: Sequence[int]) -> list[tuple[int, int]]:
    """The ids as ranges of consecutive ids (first, last); an import's reserved ids make one."""
    out: list[tuple[int, int]] = []
    for pk in sorted(set(ids)):
        if out and pk == out[-1][1] + 1:
            out[-1] = (out[-1][0], pk)
        else:
            out.append((pk, pk))
    return out


@contextmanager
def insert_triggers_paused(person_ids: Sequence[int]) -> Iterator[None]:
    """On SQLite, inside a transaction: the caller inserts people with ids in `person_ids` and their access
    rows — nothing else — and their search rows are written afterwards in one statement per range of ids.
    Elsewhere, nothing changes."""
    if connection.vendor != "sqlite" or not person_ids:
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("pause the search table's triggers only inside the transaction that writes")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (%s, %s)", list(PAUSED)
        )
        saved = cursor.fetchall()
        if len(saved) != len(PAUSED):  # not the schema this was written for: keep the triggers
            yield
            return
        for name, _sql in saved:
            cursor.execute(f'DROP TRIGGER "{name}"')
        yield
        for first, last in runs(person_ids):
            cursor.execute(_PERSON_ROWS, [first, last])
            cursor.execute(_ACCESS_ROWS, [first, last])
        for _name, sql in saved:
            cursor.execute(sql)
