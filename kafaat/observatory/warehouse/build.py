"""The analytics warehouse: a pseudonymised DuckDB snapshot of the operational database.

`refresh()` reads the operational tables in bulk (`source.py`: ADBC on PostgreSQL, in one
repeatable-read transaction so that every table is read as of the same instant; a cursor on SQLite) and
builds a new DuckDB file that atomically replaces the old one, so readers never see half a snapshot.
In the snapshot:

* a person is a pseudonym (`pid`: a keyed hash of the record's uid, never its database id or name); merged
  records are resolved to their survivor, so a person registered twice counts once;
* sensitive fields (migration status, Washington Group answers) are decrypted here, in bulk, only to be
  reduced to coarse categories; the decrypted values are never written. What was decrypted is cached by
  pseudonym and record version (`person_cache`), so the next refresh decrypts only the records that
  changed (`pseudonyms.py`); the decryption runs in a thread while the other tables are read;
* `people` (one row per surviving person: `pid`, and `pnum`, the person's number in this snapshot, given
  in the order of the pseudonyms), `events` (one per pathway step, by `pnum`, age band at the step's date),
  `journeys` (one per person and project: the date each stage was first reached, and the attributes the
  indicators are disaggregated by) and `meta` (when the data was read, row counts);
* the supply, demand, hires and territory tables of the gaps and prospects (`supply_demand.py`);
* the governance fact tables (`gov_attendance`, `gov_registrations`, `gov_events`, `gov_missions`,
  `gov_trainers`, `gov_actions`: `governance.py`), pseudonymised the same way.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
from django.db import connection

from kafaat.observatory.disclosure import store as disclosure_store
from kafaat.observatory.snapshot import warehouse_path
from kafaat.observatory.warehouse import governance, supply_demand
from kafaat.observatory.warehouse.pseudonyms import (
    PID_SQL,
    UNKNOWN,
    Categories,
    person_categories,
    pseudonym_key,
    store_categories,
)
from kafaat.observatory.warehouse.source import read_source
from kafaat.pathways.models import StepKind

VERSION = 1
Progress = Callable[[str, int], None]  # (stage, percent)
STAGES = ("reading", "pseudonymising", "decrypting", "building", "writing", "protecting")

# A person's region and province ("MA-02/MA-02-411", as people.region and people.province), the place the
# programme of an enrolment is looked up in.
PLACE_SQL = (
    f"coalesce(nullif(split_part(r.territory_path, '/', 1), ''), '{UNKNOWN}') || '/' || "
    f"coalesce(nullif(split_part(r.territory_path, '/', 2), ''), '{UNKNOWN}')"
)

# Portable SQL (SQLite and PostgreSQL): types are normalised in DuckDB afterwards.
SOURCES = {
    "people": """SELECT p.id, CAST(p.uid AS TEXT) AS uid, p.merged_into_id, p.sex, p.birth_date,
        p.nationality, p.migration_status, p.disability_answers, t.path AS territory_path,
        CAST(p.updated_at AS TEXT) AS stamp, CAST(p.created_at AS TEXT) AS created_at
        FROM registry_person p JOIN core_territory t ON t.id = p.territory_id""",
    "steps": """SELECT person_id, project_id, organisation_id, kind, date AS day, status, programme, sector,
        placement_type, follow_up_months, still_employed FROM pathways_step""",
    "participations": "SELECT person_id, project_id, joined_on FROM pathways_participation",
    "projects": "SELECT id, code FROM core_project",
    "organisations": "SELECT id, code FROM core_organisation",
}


@dataclass
class RefreshResult:
    path: Path
    taken_at: datetime
    rows: dict[str, int] = field(default_factory=dict)
    read: int = 0  # rows read from the operational database
    decrypted: int = 0
    seconds: float = 0.0
    read_seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage, for the benchmark
    decrypt_seconds: float = 0.0  # the decryption thread's time, mostly spent while the copy runs


# --- Building the snapshot --------------------------------------------------------------------------------


def _resolve_survivors(con: duckdb.DuckDBPyConnection) -> None:
    """survivor = the record a merged record was (transitively) merged into; itself when not merged."""
    con.execute("ALTER TABLE raw_people ADD COLUMN survivor BIGINT")
    con.execute("UPDATE raw_people SET survivor = coalesce(merged_into_id, id)")
    for _ in range(64):  # chains are short: a merge is always into a record that is not merged itself
        changed = con.execute(
            """UPDATE raw_people r SET survivor = p.merged_into_id FROM raw_people p
               WHERE p.id = r.survivor AND p.merged_into_id IS NOT NULL"""
        ).fetchone()[0]
        if not changed:
            break


def _load_raw(con: duckdb.DuckDBPyConnection, source: dict[str, pa.Table]) -> None:
    """raw_people and raw_participations from the Arrow tables; the steps stay in Arrow (`arrow_steps`,
    with `arrow_projects` and `arrow_organisations`) until `_load_events` reads them, once."""
    # An enum: the stage aggregations compare kinds as small integers, and the column stores compactly.
    con.execute(f"CREATE TYPE step_kind AS ENUM ({', '.join(repr(k) for k in StepKind.values)})")
    for name, table in source.items():
        con.register(f"arrow_{name}", table)
    con.execute(
        f"""CREATE TEMP TABLE raw_people AS SELECT CAST(id AS BIGINT) AS id,
            CAST(merged_into_id AS BIGINT) AS merged_into_id, CAST(sex AS VARCHAR) AS sex,
            CAST(birth_date AS DATE) AS birth_date, CAST(territory_path AS VARCHAR) AS territory_path,
            CAST(left(CAST(created_at AS VARCHAR), 10) AS DATE) AS created_on,
            {PID_SQL} AS pid
            FROM arrow_people""",
        [pseudonym_key()],
    )
    con.execute(
        """CREATE TEMP TABLE raw_participations AS SELECT CAST(a.person_id AS BIGINT) AS person_id,
            p.code AS project, CAST(a.joined_on AS DATE) AS joined_on
            FROM arrow_participations a JOIN arrow_projects p ON p.id = a.project_id"""
    )
    con.execute(  # the organisations' codes and ids, for matching enrolments to programmes
        # (here and in supply_demand)
        "CREATE TEMP TABLE organisation_ids AS SELECT CAST(id AS BIGINT) AS id, code FROM arrow_organisations"
    )


def _number_people(con: duckdb.DuckDBPyConnection) -> None:
    """numbers, person_map and births: every record (merged or not) → its survivor's number and birthdays."""
    # pnum: the person's number in this snapshot, numbered in the order of the pseudonyms (so it says nothing
    # of the database ids); events and journeys carry it — an integer is much cheaper to write 10M times than
    # the pseudonym, which people holds once per person.
    con.execute(
        """CREATE TEMP TABLE numbers AS SELECT pid, CAST(row_number() OVER (ORDER BY pid) AS INTEGER) AS pnum
            FROM raw_people WHERE merged_into_id IS NULL"""
    )
    # Each record (merged or not) → its survivor's integer id, number and 18th/25th/35th birthdays: the
    # heavy joins and groupings below work on integers.
    con.execute(
        """CREATE TEMP TABLE person_map AS SELECT r.id, s.id AS survivor, s.pid, n.pnum, s.birth_date,
            CAST(s.birth_date + INTERVAL 18 YEAR AS DATE) AS b18,
            CAST(s.birth_date + INTERVAL 25 YEAR AS DATE) AS b25,
            CAST(s.birth_date + INTERVAL 35 YEAR AS DATE) AS b35
            FROM raw_people r JOIN raw_people s ON s.id = r.survivor JOIN numbers n ON n.pid = s.pid"""
    )
    con.execute(  # each surviving person's birthdays and place, by number
        f"""CREATE TEMP TABLE births AS SELECT m.pnum, m.birth_date, m.b18, m.b25, m.b35,
            {PLACE_SQL} AS place
            FROM person_map m JOIN raw_people r ON r.id = m.id WHERE m.id = m.survivor"""
    )


def _load_events(con: duckdb.DuckDBPyConnection) -> None:
    """`events`: every step under its survivor's number, with the survivor's age band on the day of the step.

    Straight from the Arrow steps (the largest table, about ten rows a person), once: the conversion, the
    survivor look-up and the write are one pass, which DuckDB splits between its threads. (Converting the
    batches as they arrive from the database instead was measured slower: a stream is scanned by one
    thread, and the client's core is already busy decoding.)"""
    con.execute(
        f"""CREATE TABLE events AS SELECT m.pnum, p.code AS project, o.code AS organisation,
            CAST(s.kind AS step_kind) AS kind, CAST(s.day AS DATE) AS day,
            CAST(s.status AS VARCHAR) AS status,
            coalesce(CAST(s.programme AS VARCHAR), '') AS programme,
            coalesce(CAST(s.sector AS VARCHAR), '') AS sector,
            coalesce(CAST(s.placement_type AS VARCHAR), '') AS placement_type,
            CAST(s.follow_up_months AS INTEGER) AS follow_up_months,
            CAST(s.still_employed AS BOOLEAN) AS still_employed,
            {_band("m", "CAST(s.day AS DATE)")} AS age_band
            FROM arrow_steps s JOIN arrow_projects p ON p.id = s.project_id
            JOIN arrow_organisations o ON o.id = s.organisation_id
            JOIN person_map m ON m.id = CAST(s.person_id AS BIGINT)"""
    )


def _training_sectors(con: duckdb.DuckDBPyConnection) -> None:
    """`training_sectors`: the training sector of the programme each enrolment names (organisation, label,
    person's province), matched the way the training supply is (`training.derivation.Resolver`: the
    organisation's mappings, then its own or operated establishments' programmes); unmatched labels have
    none. Resolved once per distinct label and place, not per step."""
    from kafaat.training.derivation import Resolver
    from kafaat.training.models import Programme

    con.execute(
        "CREATE TEMP TABLE training_sectors (organisation VARCHAR, label VARCHAR, place VARCHAR, "
        "training_sector VARCHAR)"
    )
    sectors = dict(Programme.objects.values_list("pk", "sector__code"))
    if not sectors:
        return
    labels = con.execute(  # the place of the person the steps count under (the survivor of a merge)
        """SELECT DISTINCT o.id, e.organisation, e.programme, b.place
           FROM events e JOIN births b USING (pnum) JOIN organisation_ids o ON o.code = e.organisation
           WHERE e.kind = 'enrolment' AND e.programme <> ''"""
    ).fetchall()
    resolver = Resolver()
    found = []
    for organisation_id, organisation, label, place in labels:
        sector = sectors.get(resolver.programme(organisation_id, label, place))
        if sector is not None:
            found.append((organisation, label, place, sector))
    if found:
        columns = list(zip(*found, strict=True))
        con.register(
            "resolved",
            pa.table(
                {
                    "organisation": pa.array(columns[0], pa.string()),
                    "label": pa.array(columns[1], pa.string()),
                    "place": pa.array(columns[2], pa.string()),
                    "training_sector": pa.array(columns[3], pa.string()),
                }
            ),
        )
        con.execute("INSERT INTO training_sectors SELECT * FROM resolved")
        con.unregister("resolved")


def _band(m: str, day: str) -> str:
    """Age band on `day` from the person map's precomputed birthdays (cheaper than an age per row)."""
    return (
        f"CASE WHEN {m}.birth_date IS NULL OR {day} IS NULL THEN '{UNKNOWN}' "
        f"WHEN {day} < {m}.b18 THEN '15-17' WHEN {day} < {m}.b25 THEN '18-24' "
        f"WHEN {day} < {m}.b35 THEN '25-34' ELSE '35+' END"
    )


def _build_tables(con: duckdb.DuckDBPyConnection) -> None:
    """people and journeys, once the decrypted categories are in person_cache."""
    con.execute(
        f"""CREATE TEMP TABLE people_full AS SELECT r.id, m.pnum, r.pid, r.sex, c.disability, c.migration,
            coalesce(nullif(split_part(r.territory_path, '/', 1), ''), '{UNKNOWN}') AS region,
            coalesce(nullif(split_part(r.territory_path, '/', 2), ''), '{UNKNOWN}') AS province,
            r.created_on AS registered_on, {_band("m", "r.created_on")} AS age_band
            FROM raw_people r JOIN person_cache c USING (pid) JOIN person_map m ON m.id = r.id
            WHERE r.merged_into_id IS NULL"""
    )
    con.execute("CREATE TABLE people AS SELECT * EXCLUDE (id) FROM people_full")
    con.execute(
        f"""CREATE TABLE journeys AS
        WITH joined AS (
            SELECT m.pnum, a.project, min(a.joined_on) AS joined_on
            FROM raw_participations a JOIN person_map m ON m.id = a.person_id GROUP BY ALL),
        stages AS (  -- from events: the steps already under their survivor's number
            SELECT pnum, project,
              min(day) FILTER (WHERE kind = 'intake') AS intake_on,
              min(day) FILTER (WHERE kind = 'assessment') AS assessed_on,
              min(day) FILTER (WHERE kind = 'referral') AS referred_on,
              min(day) FILTER (WHERE kind = 'enrolment') AS enrolled_on,
              min(day) FILTER (WHERE kind = 'dropout') AS dropout_on,
              min(day) FILTER (WHERE kind = 'completion') AS completed_on,
              min(day) FILTER (WHERE kind = 'certification') AS certified_on,
              min(day) FILTER (WHERE kind = 'placement') AS placed_on,
              min(day) FILTER (WHERE kind = 'follow_up' AND follow_up_months = 12) AS followed_12_on,
              min(day) FILTER (WHERE kind = 'follow_up' AND follow_up_months = 12 AND still_employed)
                AS employed_12_on
            FROM events GROUP BY pnum, project),
        -- The attributes of a step kind's first step, over that kind's rows only: cheaper than arg_min
        -- with a FILTER over every event (measured: a fifth less CPU for the whole journeys table).
        placed AS (  -- the first placement's type and sector
            SELECT pnum, project, arg_min(placement_type, day) AS placement_type,
                arg_min(sector, day) AS placement_sector
            FROM events WHERE kind = 'placement' GROUP BY pnum, project),
        trained AS (  -- the first enrolment's programme and the training sector it resolves to
            SELECT e.pnum, e.project, arg_min(e.programme, e.day) AS programme,
                arg_min(coalesce(t.training_sector, ''), e.day) AS training_sector
            FROM events e JOIN people_full p ON p.pnum = e.pnum
            LEFT JOIN training_sectors t ON t.organisation = e.organisation AND t.label = e.programme
                AND t.place = p.region || '/' || p.province
            WHERE e.kind = 'enrolment' GROUP BY e.pnum, e.project),
        both_ AS (
            SELECT pnum, project, coalesce(j.joined_on, s.intake_on) AS registered_on,
                s.* EXCLUDE (pnum, project), t.programme, t.training_sector, d.placement_type,
                d.placement_sector
            FROM joined j FULL JOIN stages s USING (pnum, project)
            LEFT JOIN trained t USING (pnum, project) LEFT JOIN placed d USING (pnum, project))
        SELECT p.pnum, b.project, p.sex, p.disability, p.migration, p.region, p.province, b.registered_on,
            {_band("m", "b.registered_on")} AS age_band,
            coalesce(nullif(b.programme, ''), '{UNKNOWN}') AS programme,
            coalesce(nullif(b.placement_sector, ''), '{UNKNOWN}') AS sector,
            coalesce(nullif(b.training_sector, ''), '{UNKNOWN}') AS training_sector,
            coalesce(nullif(b.placement_type, ''), '{UNKNOWN}') AS placement_type,
            b.assessed_on, b.referred_on, b.enrolled_on, b.dropout_on, b.completed_on, b.certified_on,
            b.placed_on, b.followed_12_on, b.employed_12_on
        FROM both_ b JOIN people_full p ON p.pnum = b.pnum JOIN births m ON m.pnum = b.pnum
        ORDER BY b.project"""
    )


def refresh(
    progress: Progress | None = None, *, path: Path | None = None, full: bool = False
) -> RefreshResult:
    """Rebuild the snapshot from the operational database; `full` decrypts every record again."""
    report = progress or (lambda stage, percent: None)
    path = Path(path or warehouse_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    taken_at = datetime.now(UTC)
    clock = [started]
    stages: dict[str, float] = {}

    def stage(name: str, percent: int) -> None:
        """Close the running stage's clock and report the next one."""
        now = time.monotonic()
        if stages or name != "reading":
            stages[list(STAGES)[len(stages)]] = round(now - clock[0], 3)
        clock[0] = now
        report(name, percent)

    stage("reading", 5)
    previous = path if path.exists() and not full and _is_current(path) else None
    # Decryption starts in a thread as soon as the people are read, while the other tables are still read.
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warehouse-decrypt")
    pending: list[Future[Categories]] = []

    def arrived(name: str, table: pa.Table) -> None:
        if name == "people":
            pending.append(pool.submit(person_categories, table, previous))

    try:
        source = read_source({**SOURCES, **supply_demand.SOURCES, **governance.SOURCES}, arrived=arrived)
        result = RefreshResult(path=path, taken_at=taken_at, read=sum(t.num_rows for t in source.values()))
        observatory = {name: source.pop(name) for name in supply_demand.SOURCES}
        governance_tables = {name: source.pop(name) for name in governance.SOURCES}
        building = path.with_name(path.name + ".building")
        building.unlink(missing_ok=True)
        stage("pseudonymising", 40)
        result.read_seconds = stages["reading"]
        con = duckdb.connect(str(building))
    except BaseException:
        pool.shutdown(cancel_futures=True)
        raise
    con.execute("SET preserve_insertion_order = false")  # lets DuckDB write the big tables in parallel
    try:
        _load_raw(con, source)
        _resolve_survivors(con)
        _number_people(con)
        _load_events(con)  # while the decryption thread may still work
        for name in source:
            con.unregister(f"arrow_{name}")
        del source
        _training_sectors(con)
        stage("decrypting", 55)  # what is left of the decryption once the copy is done
        categories = pending[0].result()
        result.decrypted, result.decrypt_seconds = categories.decrypted, categories.seconds
        store_categories(con, categories)
        del categories
        stage("building", 75)
        _build_tables(con)
        for table in ("people", "events", "journeys"):
            result.rows[table] = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]  # noqa: S608
        # Supply, demand, hires and cohorts for the gaps and prospects (supply_demand.py).
        result.rows.update(supply_demand.build(con, observatory))
        del observatory
        # Events, attendance, missions, trainers and actions for the governance measures (governance.py).
        result.rows.update(governance.build(con, governance_tables))
        del governance_tables
        stage("writing", 90)
        meta = {
            "version": VERSION,
            "taken_at": taken_at.isoformat(),
            "source": connection.vendor,
            "rows": result.rows,
            "decrypted": result.decrypted,
        }
        con.execute("CREATE TABLE meta (key VARCHAR, value VARCHAR)")
        con.executemany("INSERT INTO meta VALUES (?, ?)", [(k, json.dumps(v)) for k, v in meta.items()])
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        building.unlink(missing_ok=True)
        raise
    finally:
        pool.shutdown(cancel_futures=True)
    con.close()
    stage("protecting", 95)  # the published form's suppression patterns, so that no reader computes one
    try:
        result.rows[disclosure_store.PATTERNS] = disclosure_store.store_patterns(building)
    except BaseException:
        building.unlink(missing_ok=True)
        raise
    os.replace(building, path)  # readers holding the old file keep it until they reopen
    stage("done", 100)
    result.stages, result.seconds = stages, time.monotonic() - started
    return result


def _is_current(path: Path) -> bool:
    try:
        return read_meta(path).get("version") == VERSION
    except (duckdb.Error, OSError):
        return False


def read_meta(path: Path | None = None) -> dict:
    """The snapshot's metadata (taken_at, rows…); empty when there is no snapshot yet."""
    path = Path(path or warehouse_path())
    if not path.exists():
        return {}
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            key: json.loads(value) for key, value in con.execute("SELECT key, value FROM meta").fetchall()
        }
    finally:
        con.close()
