"""The registry's match keys: likely matches at registration found through the database, which every web
process shares (ADR "registration match keys", docs/deduplication.md "At registration").

Each live person has one row of `MatchKey`: for each blocking rule a registry record can feed (`KEY_RULES`),
the keyed hash (`crypto.keyed_int64s`) of the rule's prepared values (`linkage.prepare`), null when one of
them is missing. A record typed in the registration form gets its keys the same way; the people sharing one
come from one partial index per rule — at most `MAX_CANDIDATES` per rule, lowest ids first, then those
sharing the most keys first, as `matching.MatchIndex` chooses them — and only their linkage fields are
read back and scored by the same `matching.Scorer`. The term frequencies the scorer needs are stored by
keyed hash in `MatchFrequency`, with their totals in `MatchKeyState`: they are those of the last `rebuild`
(or batch deduplication), not of every registration since.

Kept current where people change: `refresh` from registration, changes, merges and their undoing;
`import_rows` + `write_imported` from the people import; `rebuild` for the rest (the demo loader, `migrate`
when the table was never built, `python -m kafaat match-keys`, the job `registry.match_keys`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace

import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kafaat.core import crypto, jobs
from kafaat.core.imports import BulkTable, copy_text
from kafaat.core.models import Job
from kafaat.registry.dedup import linkage, matching
from kafaat.registry.dedup.keys import BLOCKING_RULES
from kafaat.registry.dedup.matching import TF_COLUMNS, Scorer, rank
from kafaat.registry.match_key_models import KEY_COUNT
from kafaat.registry.models import MatchFrequency, MatchKey, MatchKeyState, Person

# Address and postcode come only from spreadsheets: no registry record has them.
KEY_RULES = tuple(rule for rule in BLOCKING_RULES if not {"address", "postcode"} & set(rule))
KEY_COLUMNS = tuple(f"key_{number}" for number in range(KEY_COUNT))
TABLE = MatchKey._meta.db_table
CHUNK = 100_000  # people prepared at once by `rebuild` (about 200 MB of Arrow and Python strings)
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


# --- Writing ------------------------------------------------------------------------------------------------

_NAMES = ", ".join(["person_id", *KEY_COLUMNS])
_UPSERT = (
    f"INSERT INTO {TABLE} ({_NAMES}) VALUES ({', '.join(['%s'] * (KEY_COUNT + 1))}) "  # noqa: S608 — constants
    f"ON CONFLICT (person_id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in KEY_COLUMNS)}"
)
_PG_BULK_FROM = 2_000  # from this many rows, PostgreSQL gets them by COPY into a temporary table


def _upsert(rows: Sequence[tuple]) -> None:
    """Insert or replace the rows of these people. A concurrent writer of the same person waits on its row
    (ON CONFLICT), so neither fails; `rebuild` rechecks the people changed meanwhile."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql" or len(rows) < _PG_BULK_FROM:
            cursor.executemany(_UPSERT, rows)
            return
        cursor.execute(
            f"CREATE TEMPORARY TABLE matchkey_incoming (LIKE {TABLE}) ON COMMIT DROP"  # noqa: S608
        )
        with cursor.cursor.copy(f"COPY matchkey_incoming ({_NAMES}) FROM STDIN") as copy:
            for start in range(0, len(rows), 50_000):
                copy.write(copy_text(rows[start : start + 50_000], KEY_COUNT + 1))
        cursor.execute(
            f"INSERT INTO {TABLE} ({_NAMES}) SELECT {_NAMES} FROM matchkey_incoming "  # noqa: S608
            f"ON CONFLICT (person_id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in KEY_COLUMNS)}"
        )
        cursor.execute("DROP TABLE matchkey_incoming")


def refresh(person_ids: Iterable[int]) -> None:
    """Recompute the keys of these people from their records (registered, changed, merged, unmerged): a
    merged or deleted person loses its row. Call it inside the transaction that changed them."""
    ids = sorted(set(person_ids))
    if not ids:
        return
    records = registry_records(
        Person.objects.filter(pk__in=ids, merged_into__isnull=True), few=len(ids) < BATCH
    )
    rows = key_rows(linkage.prepare(records)) if records.num_rows else []
    with transaction.atomic():
        gone = set(ids).difference(row[0] for row in rows)
        if gone:
            MatchKey.objects.filter(person_id__in=gone).delete()
        _upsert(rows)


def import_rows(columns: dict[str, list]) -> list[tuple]:
    """The keys of people about to be imported (`REGISTRY_FIELDS` columns but the id): computed where the rows
    are validated, before their ids are known; `write_imported` pairs them with the ids."""
    count = len(columns["first_name_ar"])
    records = records_from_columns({**columns, "pk": list(range(count))})
    return [row[1:] for row in key_rows(linkage.prepare(records))]


def write_imported(ids: Sequence[int], keys: Sequence[tuple]) -> None:
    """The keys of people just written by an import (their reserved ids, their `import_rows` in the same
    order), in the import's transaction: new ids have no row yet, so a plain COPY / executemany."""
    table = BulkTable(MatchKey, ("person", *KEY_COLUMNS))
    table.write((pk, *row) for pk, row in zip(ids, keys, strict=True))


def _stored(low: int, high: int) -> dict[int, tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_NAMES} FROM {TABLE} WHERE person_id >= %s AND person_id < %s",  # noqa: S608
            [low, high],
        )
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


def _versions(low: int, high: int) -> set[tuple]:
    """Each person's id, last change and merge in [low, high): what `_rebuild_chunk` compares."""
    with connection.cursor() as cursor:  # as stored: no conversion of 100,000 timestamps
        cursor.execute(
            f"SELECT id, updated_at, merged_into_id FROM {Person._meta.db_table} "  # noqa: S608 — the model's
            "WHERE id >= %s AND id < %s",
            [low, high],
        )
        return set(cursor.fetchall())


def _rebuild_chunk(low: int, high: int, counts: dict[str, Counter], keys: bool) -> int:
    """Frequencies of the live people with ids in [low, high), and their keys made right: rows written only
    where they differ, rows of people no longer live removed. People changed while this ran (their last
    change or merge differs from before the read) are done again from their committed values: their own
    `refresh` may have been overtaken by this chunk's write."""
    with transaction.atomic():
        before = _versions(low, high) if keys else set()
        records = registry_records(Person.objects.filter(pk__gte=low, pk__lt=high, merged_into__isnull=True))
        prepared = linkage.prepare(records) if records.num_rows else None
        if prepared is not None:
            for column, found in value_counts(prepared).items():
                counts[column].update(found)
        if keys:
            rows = key_rows(prepared) if prepared is not None else []
            stored = _stored(low, high)
            live = {row[0] for row in rows}
            gone = [pk for pk in stored if pk not in live]
            if gone:
                MatchKey.objects.filter(person_id__in=gone).delete()
            _upsert([row for row in rows if stored.get(row[0]) != row[1:]])
            refresh({version[0] for version in before.symmetric_difference(_versions(low, high))})
    return records.num_rows


def rebuild(progress: Callable[[int, int], None] | None = None, *, keys: bool = True) -> MatchKeyState:
    """Make every live person's keys right and store the registry's term frequencies (`keys=False`: the
    frequencies only). Chunk by chunk, each in its own short transaction: registrations go on meanwhile."""
    started = time.monotonic()
    last = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    counts: dict[str, Counter] = {column: Counter() for column in TF_COLUMNS}
    people = 0
    first_fill = keys and last >= CHUNK and not MatchKey.objects.exists()
    with _indexes_built_after(first_fill):
        for low in range(0, last + 1, CHUNK):
            people += _rebuild_chunk(low, low + CHUNK, counts, keys)
            if progress:
                progress(min(low + CHUNK, last + 1), last + 1)
    if keys:
        ensure_indexes()  # and those an interrupted first fill left out
    return store_frequencies(counts, people, seconds=time.monotonic() - started)


def _index_sql(index, action: str) -> str:
    """The SQL that creates (as a migration does) or drops one of the key table's indexes. No schema editor
    is entered: SQLite refuses one inside a transaction, and the demo loader and the tests rebuild in one."""
    if action == "remove":
        return f"DROP INDEX IF EXISTS {connection.ops.quote_name(index.name)}"
    return str(index.create_sql(MatchKey, connection.schema_editor(atomic=False)))


def ensure_indexes() -> list[str]:
    """Create the key table's indexes that are missing (a first fill stopped before it built them again);
    returns their names."""
    with connection.cursor() as cursor:
        present = set(connection.introspection.get_constraints(cursor, TABLE))
        missing = [index for index in MatchKey._meta.indexes if index.name not in present]
        if missing and connection.vendor == "postgresql" and connection.in_atomic_block:
            # PostgreSQL indexes no table with foreign-key checks still pending in the transaction: run
            # them now (as Django's own check_constraints does), then defer again.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for index in missing:
            cursor.execute(_index_sql(index, "create"))
    return [index.name for index in missing]


@contextmanager
def _indexes_built_after(first_fill: bool) -> Iterator[None]:
    """A first fill of a large registry on PostgreSQL writes the rows without the ten key indexes and builds
    them at the end: sorting once is several times faster than inserting a million keys into each index.
    Queries meanwhile scan the table (it is new: only `migrate` or the first rebuild runs this)."""
    if not first_fill or connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        for index in MatchKey._meta.indexes:
            cursor.execute(_index_sql(index, "remove"))
    try:
        yield
    finally:
        ensure_indexes()
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}")


def store_frequencies(counts: dict[str, Counter], people: int, *, seconds: float = 0.0) -> MatchKeyState:
    """Replace the stored term frequencies (value counts over `people` live records), by keyed hash."""
    rows = []
    for column, found in counts.items():
        values = list(found)
        hashes = crypto.keyed_int64s([_frequency_prefix(column) + value for value in values])
        rows += [MatchFrequency(value=h, count=found[v]) for v, h in zip(values, hashes, strict=True)]
    totals = {column: sum(found.values()) for column, found in counts.items()}
    with transaction.atomic():
        MatchFrequency.objects.all().delete()
        MatchFrequency.objects.bulk_create(rows, batch_size=5_000)
        state = MatchKeyState.objects.select_for_update().order_by("pk").first() or MatchKeyState()
        state.people, state.totals, state.signature = people, totals, signature()
        state.built_at, state.seconds = timezone.now(), seconds
        state.save()
    return state


def store_frequencies_of(prepared: pa.Table) -> MatchKeyState:
    """The term frequencies of the whole live registry, prepared (the batch deduplication has it at hand)."""
    return store_frequencies(value_counts(prepared), prepared.num_rows)


def fill_if_never_built(using: str = "default", log: Callable[[str], None] | None = None) -> None:
    """After `migrate`: an existing registry whose keys were never rebuilt (the table is new) gets them, so an
    upgraded server finds matches at once. An empty registry needs nothing: registrations write their own."""
    if TABLE not in connection.introspection.table_names() or MatchKeyState.objects.using(using).exists():
        return
    if not Person.objects.using(using).exists():
        return
    built = rebuild()
    if log:
        log(f"Match keys of {built.people:,} people built in {built.seconds:.0f} s.")


# --- The rebuild as a background job ------------------------------------------------------------------------

JOB_KIND = "registry.match_keys"


def start_rebuild(*, frequencies_only: bool = False) -> Job:
    """Queue a rebuild for the worker, unless one is already waiting (a second would redo the same work)."""
    waiting = Job.objects.filter(kind=JOB_KIND, status=Job.Status.QUEUED).first()
    return waiting or jobs.enqueue(JOB_KIND, params={"frequencies_only": frequencies_only})


def rebuild_if_grown(added: int) -> Job | None:
    """After an import: the stored frequencies describe a registry a tenth smaller or more: refresh them."""
    stored = state()
    if added and added * 10 >= max(stored.people, 1):
        return start_rebuild(frequencies_only=True)
    return None


def _run_job(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    only = bool(job.params.get("frequencies_only"))
    built = rebuild(lambda done, total: progress(done, total, "people"), keys=not only)
    message = (
        _("Term frequencies of %(people)s people in %(seconds)s s.")
        if only
        else _("Match keys and term frequencies of %(people)s people in %(seconds)s s.")
    )
    return jobs.Outcome(message=message % {"people": built.people, "seconds": round(built.seconds)})


def register_jobs() -> None:
    jobs.register(
        jobs.JobKind(
            name=JOB_KIND,
            label=gettext_lazy("Match keys of the registry"),
            run=_run_job,
            retry=lambda job: None,  # a rebuild starts from the registry as it is: nothing to ready
        )
    )


def state() -> MatchKeyState:
    """The last rebuild (an unsaved empty one when there was none: no frequencies, no people counted)."""
    return MatchKeyState.objects.order_by("pk").first() or MatchKeyState()


# --- Finding the likely matches of a record -----------------------------------------------------------------


def candidates(query: pa.Table) -> list[int]:
    """Ids of the people sharing a key with `query` (a one-row prepared table), chosen as `MatchIndex` does:
    at most `MAX_CANDIDATES` per rule (lowest ids), then, beyond `MAX_CANDIDATES` in all, those sharing the
    most keys; in ascending id order unless cut, else most keys first."""
    cap = matching.MAX_CANDIDATES
    parts, params = [], []
    for column, key in zip(KEY_COLUMNS, (c[0].as_py() for c in key_columns(query)), strict=True):
        if key is None:
            continue
        parts.append(
            f"SELECT person_id FROM (SELECT person_id FROM {TABLE} WHERE {column} = %s "  # noqa: S608 — constants
            f"ORDER BY person_id LIMIT {int(cap)}) AS {column}"
        )
        params.append(key)
    if not parts:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT person_id, COUNT(*) FROM ({' UNION ALL '.join(parts)}) AS found GROUP BY person_id",  # noqa: S608
            params,
        )
        hits = sorted(cursor.fetchall())
    if len(hits) <= cap:
        return [pk for pk, _count in hits]
    return [pk for pk, _count in sorted(hits, key=lambda row: -row[1])[:cap]]


@functools.cache
def _current_signature() -> str:
    return signature()


@functools.cache
def _base_scorer(with_frequencies: bool) -> Scorer:
    model = linkage.load_model()
    if not with_frequencies:
        model = linkage.without_small_sample_frequencies(model, 0)
    return Scorer.from_model(model)


def frequencies(prepared: Sequence[pa.Table], stored: MatchKeyState) -> dict[str, dict[str, float]]:
    """The stored term frequencies of the values these prepared records hold (a value unseen at the last
    rebuild has none, as a value absent from `MatchIndex`'s records)."""
    values = {
        (column, value)
        for table in prepared
        for column in TF_COLUMNS
        for value in table[column].drop_null().unique().to_pylist()
    }
    if not values or not stored.totals:
        return {}
    ordered = sorted(values)
    hashes = crypto.keyed_int64s([_frequency_prefix(column) + value for column, value in ordered])
    counts = dict(MatchFrequency.objects.filter(value__in=hashes).values_list("value", "count"))
    found: dict[str, dict[str, float]] = {column: {} for column in TF_COLUMNS}
    for (column, value), hashed in zip(ordered, hashes, strict=True):
        if hashed in counts and stored.totals.get(column):
            found[column][value] = counts[hashed] / stored.totals[column]
    return found


def matches(query: pa.Table, *, threshold: float = 0.2, limit: int = 10) -> list[dict]:
    """The likely matches of a one-row prepared table among live people, best first: unique_id (the person's
    id), probability, agreed — what `MatchIndex.matches` gives over the same registry."""
    ids = candidates(query)
    if not ids:
        return []
    records = registry_records(Person.objects.filter(pk__in=ids, merged_into__isnull=True), few=True)
    if not records.num_rows:
        return []
    prepared = linkage.prepare(records)
    position = {pk: i for i, pk in enumerate(prepared["unique_id"].to_pylist())}
    prepared = prepared.take(pa.array([position[pk] for pk in ids if pk in position], pa.int64()))
    stored = state()
    if stored.signature and stored.signature != _current_signature():
        logger.warning("match keys were built with other blocking rules or another hash key: rebuild them")
    with_frequencies = stored.people >= linkage.MIN_RECORDS_FOR_FREQUENCIES
    scorer = _base_scorer(with_frequencies)
    if with_frequencies:
        scorer = replace(scorer, frequencies=frequencies([query, prepared], stored))
    return rank(scorer, query.to_pylist()[0], prepared.to_pylist(), threshold=threshold, limit=limit)
