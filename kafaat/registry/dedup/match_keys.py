"""The registry's match keys: likely matches at registration found through the database, which every web
process shares (ADR "registration match keys", docs/deduplication.md "At registration").

Each live person has one row of `MatchKey`: for each blocking rule a registry record can feed (`KEY_RULES`),
the keyed hash (`crypto.keyed_int64s`) of the rule's prepared values (`linkage.prepare`), null when one of
them is missing. A record typed in the registration form gets its keys the same way; the people sharing one
come from one partial index per rule — at most `MAX_CANDIDATES` per rule, lowest ids first, then those
sharing the most keys first, as `matching.MatchIndex` chooses them — and their linkage fields are read in
the same statement, then prepared and scored by the same `matching.Scorer`. The term frequencies the scorer
needs are stored by keyed hash in `MatchFrequency` (with a few state rows: the totals, the people counted,
the keys' signature) and read in a second statement: they are those of the last rebuild (or batch
deduplication), not of every registration since. `key_upkeep` keeps the rows current.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection
from django.db.models import QuerySet

from kafaat.core import crypto
from kafaat.core.models import Territory
from kafaat.registry.dedup import linkage, matching
from kafaat.registry.dedup.keys import BLOCKING_RULES
from kafaat.registry.dedup.matching import TF_COLUMNS, Scorer, rank
from kafaat.registry.match_key_models import KEY_COUNT
from kafaat.registry.models import MatchFrequency, MatchKey, MatchKeyState, Person

# Address and postcode come only from spreadsheets: no registry record has them.
KEY_RULES = tuple(rule for rule in BLOCKING_RULES if not {"address", "postcode"} & set(rule))
KEY_COLUMNS = tuple(f"key_{number}" for number in range(KEY_COUNT))
TABLE = MatchKey._meta.db_table
VERSION = "match-keys v1"

REGISTRY_FIELDS = (
    "pk", "first_name_ar", "last_name_ar", "first_name_latin", "last_name_latin", "sex", "birth_date",
    "birth_date_estimated", "phone", "phone_alt", "id_number_hash", "territory__code",
    "territory__parent__code",
)  # fmt: skip
_RENAME = {
    "pk": "unique_id",
    "id_number_hash": "id_hash",
    "territory__code": "commune",
    "territory__parent__code": "province",
}
_TYPES = {"pk": pa.int64(), "birth_date": pa.date32(), "birth_date_estimated": pa.bool_()}
BATCH = 50_000
logger = logging.getLogger(__name__)


def records_from_columns(columns: dict[str, list]) -> pa.Table:
    """Linkage fields (one list per name of `REGISTRY_FIELDS`) as the table `linkage.prepare` reads."""
    return pa.table(
        {
            _RENAME.get(name, name): pa.array(columns[name], _TYPES.get(name, pa.string()))
            for name in REGISTRY_FIELDS
        }
    )


def registry_records(people: QuerySet[Person] | None = None, *, few: bool = False) -> pa.Table:
    """The registry's people (merged records excluded) as a table of linkage fields, read in batches (`few`:
    at once, without the server-side cursor that costs PostgreSQL two more round trips)."""
    people = people if people is not None else Person.objects.filter(merged_into__isnull=True)
    columns: dict[str, list] = {name: [] for name in REGISTRY_FIELDS}
    rows = people.order_by("pk").values_list(*REGISTRY_FIELDS)
    for row in rows if few else rows.iterator(chunk_size=BATCH):
        for name, value in zip(REGISTRY_FIELDS, row, strict=True):
            columns[name].append(value)
    return records_from_columns(columns)


# --- Keys and frequencies of prepared records ---------------------------------------------------------------


def _hashed(values: pa.Array | pa.ChunkedArray, prefix: str) -> pa.Array:
    """The keyed 64-bit hash of `prefix` + each value (null stays null), one hash per distinct value."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    encoded = pc.dictionary_encode(values)
    hashes = crypto.keyed_int64s([prefix + value for value in encoded.dictionary.to_pylist()])
    return pa.array(hashes, pa.int64()).take(encoded.indices)


def _rule_values(prepared: pa.Table, rule: tuple[str, ...]) -> pa.Array:
    """What a rule compares, one string a record (null when a value is missing), as `matching` joins it."""
    parts = [pc.cast(prepared[column], pa.string()) for column in rule]
    return pc.binary_join_element_wise(*parts, "\x1f") if len(parts) > 1 else parts[0]


def key_columns(prepared: pa.Table) -> list[pa.Array]:
    """The keys of prepared records: one int64 column a rule of `KEY_RULES`."""
    return [_hashed(_rule_values(prepared, rule), f"{VERSION}:{','.join(rule)}\x1e") for rule in KEY_RULES]


def key_rows(prepared: pa.Table) -> list[tuple]:
    """(person id, key_0, …, key_9) of each prepared record."""
    columns = [prepared["unique_id"].to_pylist(), *(column.to_pylist() for column in key_columns(prepared))]
    return list(zip(*columns, strict=True))


def _frequency_prefix(column: str) -> str:
    return f"{VERSION}:tf:{column}\x1e"


def value_counts(prepared: pa.Table) -> dict[str, Counter]:
    """How many records have each value of the term-frequency columns (values in clear: in memory only)."""
    counts = {}
    for column in TF_COLUMNS:
        found = pc.value_counts(prepared[column].drop_null())
        counts[column] = Counter(
            dict(zip(found.field("values").to_pylist(), found.field("counts").to_pylist(), strict=True))
        )
    return counts


def signature() -> str:
    """The rules, columns and hash key the stored keys were made with: another one means a rebuild is due."""
    described = json.dumps([VERSION, KEY_RULES, TF_COLUMNS, crypto.key_fingerprints()["hash_key"]])
    return hashlib.sha256(described.encode()).hexdigest()


@functools.cache
def _current_signature() -> str:
    return signature()


def _signature_number(signed: str) -> int:
    return int(signed[:7], 16)  # 28 bits: fits the count column, and a changed signature changes them


# Rows of `MatchFrequency` under fixed negative values (a keyed hash is one of them once in 2^61): what a
# query needs beside the frequencies — people counted, each column's total, the keys' signature — at once.
STATE_ROWS = {
    "people": -1,
    "signature": -2,
    **{f"total:{column}": -3 - number for number, column in enumerate(TF_COLUMNS)},
}


def frequency_rows(counts: dict[str, Counter], people: int) -> list[tuple[int, int]]:
    """(value, count) rows of `MatchFrequency` for value counts over `people` live records: each value by the
    keyed hash of its column and itself, then the state rows."""
    rows = []
    for column, found in counts.items():
        values = list(found)
        hashes = crypto.keyed_int64s([_frequency_prefix(column) + value for value in values])
        rows += [(hashed, found[value]) for value, hashed in zip(values, hashes, strict=True)]
        rows.append((STATE_ROWS[f"total:{column}"], sum(found.values())))
    rows += [(STATE_ROWS["people"], people), (STATE_ROWS["signature"], _signature_number(signature()))]
    return rows


def state() -> MatchKeyState:
    """The last rebuild (an unsaved empty one when there was none: no frequencies, no people counted)."""
    return MatchKeyState.objects.order_by("pk").first() or MatchKeyState()


# --- Finding the likely matches of a record -----------------------------------------------------------------


def _found_sql(query: pa.Table) -> tuple[str, list[int]]:
    """SQL of (person id, keys shared) for the people sharing a key with `query`, at most `MAX_CANDIDATES`
    per rule (lowest ids first), and its parameters; empty when the query has no key."""
    cap = int(matching.MAX_CANDIDATES)
    parts, params = [], []
    for column, key in zip(KEY_COLUMNS, (c[0].as_py() for c in key_columns(query)), strict=True):
        if key is not None:
            parts.append(
                f"SELECT person_id FROM (SELECT person_id FROM {TABLE} WHERE {column} = %s "  # noqa: S608 — constants
                f"ORDER BY person_id LIMIT {cap}) AS {column}"
            )
            params.append(key)
    if not parts:
        return "", []
    union = " UNION ALL ".join(parts)
    return f"SELECT person_id, COUNT(*) AS hits FROM ({union}) AS k GROUP BY person_id", params  # noqa: S608


def _chosen(rows: list, total: int, hits: Callable) -> list:
    """In ascending id order when all are kept (rows come by id), else the most keys shared first."""
    return rows if total <= matching.MAX_CANDIDATES else sorted(rows, key=lambda row: -hits(row))


def candidates(query: pa.Table) -> list[int]:
    """Ids of the people sharing a key with `query` (a one-row prepared table), chosen as `MatchIndex` does:
    at most `MAX_CANDIDATES` per rule (lowest ids), then, beyond `MAX_CANDIDATES` in all, those sharing the
    most keys; in ascending id order unless cut, else most keys first."""
    sql, params = _found_sql(query)
    if not sql:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = sorted(cursor.fetchall())
    return [pk for pk, _hits in _chosen(found, len(found), lambda row: row[1])[: matching.MAX_CANDIDATES]]


_FIELDS = ", ".join(f"p.{name}" for name in REGISTRY_FIELDS[1:-2])
_RECORDS = f"""WITH found AS ({{found}}),
    chosen AS (SELECT person_id, hits, COUNT(*) OVER () AS total FROM found
               ORDER BY hits DESC, person_id LIMIT {{cap}})
    SELECT c.total, c.hits, p.id, {_FIELDS}, t.code, parent.code
      FROM chosen c JOIN {Person._meta.db_table} p ON p.id = c.person_id
      JOIN {Territory._meta.db_table} t ON t.id = p.territory_id
      LEFT JOIN {Territory._meta.db_table} parent ON parent.id = t.parent_id
     WHERE p.merged_into_id IS NULL ORDER BY p.id"""  # noqa: S608 — model names


def candidate_records(query: pa.Table) -> pa.Table:
    """The linkage fields of `candidates(query)`, in that order, read in the same statement (merged records
    left out: a stale key never brings one back)."""
    sql, params = _found_sql(query)
    columns: dict[str, list] = {name: [] for name in REGISTRY_FIELDS}
    if sql:
        with connection.cursor() as cursor:
            cursor.execute(_RECORDS.format(found=sql, cap=int(matching.MAX_CANDIDATES)), params)
            rows = cursor.fetchall()
        for row in _chosen(rows, rows[0][0] if rows else 0, lambda row: row[1]):
            for name, value in zip(REGISTRY_FIELDS, row[2:], strict=True):
                columns[name].append(value)
        # Raw SQL on SQLite: dates as text, booleans as 0/1 (the ORM converts them; here, once a candidate).
        columns["birth_date"] = [
            date.fromisoformat(v) if isinstance(v, str) else v for v in columns["birth_date"]
        ]
        columns["birth_date_estimated"] = [bool(v) for v in columns["birth_date_estimated"]]
    return records_from_columns(columns)


@functools.cache
def _base_scorer(with_frequencies: bool) -> Scorer:
    model = linkage.load_model()
    if not with_frequencies:
        model = linkage.without_small_sample_frequencies(model, 0)
    return Scorer.from_model(model)


@dataclass(frozen=True)
class Frequencies:
    """What a query reads of the last rebuild: the frequencies of its values, the people counted, and whether
    the keys were made with the code's rules and hash key."""

    values: dict[str, dict[str, float]]
    people: int
    current: bool


def frequencies(prepared: Sequence[pa.Table]) -> Frequencies:
    """The stored term frequencies of the values these prepared records hold (a value unseen at the last
    rebuild has none, as a value absent from `MatchIndex`'s records), with the rows beside them, in one
    query."""
    values = sorted(
        {
            (column, value)
            for table in prepared
            for column in TF_COLUMNS
            for value in table[column].drop_null().unique().to_pylist()
        }
    )
    hashes = crypto.keyed_int64s([_frequency_prefix(column) + value for column, value in values])
    counts = dict(
        MatchFrequency.objects.filter(value__in=[*hashes, *STATE_ROWS.values()]).values_list("value", "count")
    )
    totals = {column: counts.get(STATE_ROWS[f"total:{column}"], 0) for column in TF_COLUMNS}
    found: dict[str, dict[str, float]] = {column: {} for column in TF_COLUMNS}
    for (column, value), hashed in zip(values, hashes, strict=True):
        if hashed in counts and totals[column]:
            found[column][value] = counts[hashed] / totals[column]
    stored_signature = counts.get(STATE_ROWS["signature"])
    current = stored_signature is None or stored_signature == _signature_number(_current_signature())
    return Frequencies(found, counts.get(STATE_ROWS["people"], 0), current)


def matches(query: pa.Table, *, threshold: float = 0.2, limit: int = 10) -> list[dict]:
    """The likely matches of a one-row prepared table among live people, best first: unique_id (the person's
    id), probability, agreed — what `MatchIndex.matches` gives over the same registry."""
    records = candidate_records(query)
    if not records.num_rows:
        return []
    prepared = linkage.prepare(records)
    stored = frequencies([query, prepared])
    if not stored.current:
        logger.warning("match keys were built with other blocking rules or another hash key: rebuild them")
    with_frequencies = stored.people >= linkage.MIN_RECORDS_FOR_FREQUENCIES
    scorer = _base_scorer(with_frequencies)
    if with_frequencies:
        scorer = replace(scorer, frequencies=stored.values)
    return rank(scorer, query.to_pylist()[0], prepared.to_pylist(), threshold=threshold, limit=limit)
