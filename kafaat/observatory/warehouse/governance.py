"""The governance fact tables of the snapshot: events, their attendance, registrations with their knowledge
test scores, expert missions, trainers professionalised, and the working groups' actions.

Built in the same refresh as the journeys, from the same read of the database, under the same rules: no
name and no database id of a person — a participant is a pseudonym (the registry person's `pid` when the
participant is a beneficiary or a contact linked to one, else a keyed hash of the contact's uid, after
merges), numbered in this snapshot in the order of the pseudonyms (`participant`, like the journeys' `pnum`),
and only coarse attributes (sex, organisation type, role, region) travel with it.
Every table has `project` (the project's code) and `day` (the date a row counts on in a period); the
measures of kafaat/results/measures.py ("Governance") count over them (ADR "measures over fact tables").

* `gov_attendance`: one row per attendance (a registrant at a session), on the session's day;
* `gov_registrations`: one row per registrant (registered, attended or did not come) on the event's last
  day, with the sessions of the event, those attended, the pre- and post-test scores and a study visit's days;
* `gov_events`: one row per event that is not part of another and not cancelled, on its first day;
* `gov_missions`: one row per done expert mission, on its last day (expert pseudonym, country, person-days);
* `gov_trainers`: one row per certified completion of a training module by a trainer, on its date;
* `gov_actions`: one row per working group's action that was not dropped, on its due date (`on_time`: done
  on or before it).
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from kafaat.observatory.warehouse.pseudonyms import UNKNOWN, pseudonym_key

SOURCES = {
    "gov_contacts": """SELECT c.id, CAST(c.uid AS TEXT) AS uid, c.merged_into_id, c.person_id, c.sex,
        c.organisation_type, c.is_trainer, c.country, t.path AS territory_path
        FROM contacts_contact c JOIN core_territory t ON t.id = c.territory_id""",
    "gov_events": """SELECT e.id, e.parent_id, p.code AS project, e.type, e.start_date, e.end_date,
        e.is_cancelled, t.path AS territory_path, s.code AS sector
        FROM events_event e JOIN core_territory t ON t.id = e.territory_id
        LEFT JOIN core_project p ON p.id = e.project_id LEFT JOIN training_sector s ON s.id = e.sector_id""",
    "gov_sessions": "SELECT id, event_id, CAST(starts_at AS TEXT) AS starts_at FROM events_session",
    "gov_registrations": """SELECT id, event_id, contact_id, person_id, status, role, completion_certified,
        completion_date FROM events_registration""",
    "gov_attendance": "SELECT registration_id, session_id FROM events_attendance",
    "gov_scores": """SELECT registration_id, phase, CAST(score AS DOUBLE PRECISION) AS score
        FROM events_knowledgescore""",
    "gov_missions": """SELECT m.expert_id, p.code AS project, m.end_date, m.status,
        CAST(m.person_days AS DOUBLE PRECISION) AS person_days, r.code AS component, t.path AS territory_path
        FROM missions_expertmission m JOIN core_project p ON p.id = m.project_id
        JOIN core_territory t ON t.id = m.territory_id
        LEFT JOIN results_logframenode r ON r.id = m.result_id""",
    "gov_actions": """SELECT p.code AS project, a.due_date, a.status, a.closed_on, t.path AS territory_path
        FROM governance_action a JOIN governance_workinggroup g ON g.id = a.group_id
        JOIN core_project p ON p.id = g.project_id JOIN core_territory t ON t.id = g.territory_id""",
}
TABLES = ("gov_attendance", "gov_registrations", "gov_events", "gov_missions", "gov_trainers", "gov_actions")
REGISTRANTS = ("registered", "attended", "no_show")


def _region(column: str) -> str:
    return f"coalesce(nullif(split_part(CAST({column} AS VARCHAR), '/', 1), ''), '{UNKNOWN}')"


def _day(column: str) -> str:
    # Dates arrive as dates (PostgreSQL) or ISO text (SQLite): the first ten characters are the day anyway.
    return f"CAST(left(CAST({column} AS VARCHAR), 10) AS DATE)"


def _contacts(con: duckdb.DuckDBPyConnection) -> None:
    """g_people: each contact (merged or not) → its surviving entry's pseudonym and attributes."""
    con.execute(
        f"""CREATE TEMP TABLE g_contacts AS SELECT CAST(id AS BIGINT) AS id,
            CAST(merged_into_id AS BIGINT) AS merged_into_id, CAST(person_id AS BIGINT) AS person_id,
            coalesce(CAST(sex AS VARCHAR), '{UNKNOWN}') AS sex,
            coalesce(CAST(organisation_type AS VARCHAR), '{UNKNOWN}') AS organisation_type,
            coalesce(CAST(is_trainer AS BOOLEAN), false) AS is_trainer,
            coalesce(CAST(country AS VARCHAR), '{UNKNOWN}') AS country, {_region("territory_path")} AS region,
            'c' || left(sha256(? || replace(CAST(uid AS VARCHAR), '-', '')), 16) AS cid,
            CAST(coalesce(merged_into_id, id) AS BIGINT) AS survivor
            FROM arrow_gov_contacts""",
        [pseudonym_key()],
    )
    for _ in range(16):  # merge chains are short: a contact is merged into one that is not merged itself
        changed = con.execute(
            """UPDATE g_contacts c SET survivor = s.merged_into_id FROM g_contacts s
               WHERE s.id = c.survivor AND s.merged_into_id IS NOT NULL"""
        ).fetchone()[0]
        if not changed:
            break
    con.execute(
        """CREATE TEMP TABLE g_people AS SELECT c.id, coalesce('p' || m.pid, s.cid) AS participant, s.sex,
            s.organisation_type, s.is_trainer, s.country, s.region
            FROM g_contacts c JOIN g_contacts s ON s.id = c.survivor
            LEFT JOIN person_map m ON m.id = s.person_id"""
    )


def _events(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"""CREATE TEMP TABLE g_events AS SELECT CAST(id AS BIGINT) AS id,
            CAST(parent_id AS BIGINT) AS parent_id,
            CAST(project AS VARCHAR) AS project, CAST(type AS VARCHAR) AS event_type,
            {_day("start_date")} AS start_date, {_day("end_date")} AS end_date,
            coalesce(CAST(is_cancelled AS BOOLEAN), false) AS is_cancelled,
            {_region("territory_path")} AS region,
            coalesce(CAST(sector AS VARCHAR), '{UNKNOWN}') AS sector
            FROM arrow_gov_events"""
    )
    con.execute(
        f"""CREATE TEMP TABLE g_sessions AS SELECT CAST(id AS BIGINT) AS id,
            CAST(event_id AS BIGINT) AS event_id,
            {_day("starts_at")} AS day FROM arrow_gov_sessions"""
    )
    con.execute(
        """CREATE TEMP TABLE g_attended AS SELECT CAST(registration_id AS BIGINT) AS registration_id,
            CAST(session_id AS BIGINT) AS session_id FROM arrow_gov_attendance"""
    )
    # Each registrant as a participant: a beneficiary (registry person, after merges) or a contact.
    con.execute(
        f"""CREATE TEMP TABLE g_registrations AS SELECT CAST(r.id AS BIGINT) AS id,
            CAST(r.event_id AS BIGINT) AS event_id, CAST(r.status AS VARCHAR) AS status,
            coalesce(CAST(r.role AS VARCHAR), '{UNKNOWN}') AS participant_role,
            coalesce(CAST(r.completion_certified AS BOOLEAN), false) AS completion_certified,
            {_day("r.completion_date")} AS completion_date,
            coalesce('p' || m.pid, g.participant) AS participant,
            coalesce(pp.sex, g.sex, '{UNKNOWN}') AS sex,
            coalesce(g.organisation_type, '{UNKNOWN}') AS organisation_type,
            coalesce(g.is_trainer, false) AS is_trainer, coalesce(g.region, '{UNKNOWN}') AS home_region
            FROM arrow_gov_registrations r LEFT JOIN g_people g ON g.id = CAST(r.contact_id AS BIGINT)
            LEFT JOIN person_map m ON m.id = CAST(r.person_id AS BIGINT)
            LEFT JOIN people pp ON pp.pnum = m.pnum"""
    )


def _number_participants(con: duckdb.DuckDBPyConnection) -> None:
    """Pseudonyms → numbers, given in the order of the pseudonyms (so they say nothing of the database ids):
    the fact tables carry the number, which a distinct count reads several times faster than a string."""
    con.execute(
        """CREATE TEMP TABLE g_keys AS SELECT key, CAST(row_number() OVER (ORDER BY key) AS INTEGER) AS n
           FROM (SELECT participant AS key FROM g_registrations UNION SELECT participant FROM g_people)
           WHERE key IS NOT NULL"""
    )
    for table in ("g_registrations", "g_people"):
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE {table} AS SELECT t.* REPLACE (k.n AS participant)
                FROM {table} t LEFT JOIN g_keys k ON k.key = t.participant"""
        )


def _facts(con: duckdb.DuckDBPyConnection) -> None:
    live = "NOT e.is_cancelled AND e.project IS NOT NULL"
    con.execute(
        f"""CREATE TABLE gov_attendance AS SELECT e.project, s.day, r.participant, r.sex, r.organisation_type,
            r.participant_role, e.event_type, e.region
            FROM g_attended a JOIN g_registrations r ON r.id = a.registration_id
            JOIN g_sessions s ON s.id = a.session_id JOIN g_events e ON e.id = r.event_id WHERE {live}"""
    )
    registrants = ", ".join(f"'{status}'" for status in REGISTRANTS)
    con.execute(
        f"""CREATE TABLE gov_registrations AS
        WITH sessions AS (SELECT event_id, count(*) AS n FROM g_sessions GROUP BY event_id),
        attended AS (SELECT registration_id, count(DISTINCT session_id) AS n FROM g_attended GROUP BY ALL),
        scores AS (SELECT CAST(registration_id AS BIGINT) AS registration_id,
                          max(score) FILTER (WHERE phase = 'pre') AS pre,
                          max(score) FILTER (WHERE phase = 'post') AS post
                   FROM arrow_gov_scores GROUP BY ALL)
        SELECT e.project, e.end_date AS day, r.participant, r.sex, r.organisation_type, r.participant_role,
            e.event_type, e.region, CAST(coalesce(n.n, 0) AS INTEGER) AS sessions,
            CAST(coalesce(a.n, 0) AS INTEGER) AS attended, CAST(sc.pre AS DOUBLE) AS pre,
            CAST(sc.post AS DOUBLE) AS post, CAST(e.end_date - e.start_date + 1 AS INTEGER) AS visit_days
        FROM g_registrations r JOIN g_events e ON e.id = r.event_id LEFT JOIN sessions n ON n.event_id = e.id
        LEFT JOIN attended a ON a.registration_id = r.id LEFT JOIN scores sc ON sc.registration_id = r.id
        WHERE {live} AND (r.status IN ({registrants}) OR a.n > 0)"""
    )
    con.execute(
        f"""CREATE TABLE gov_events AS SELECT e.project, e.start_date AS day, e.event_type, e.region
            FROM g_events e WHERE {live} AND e.parent_id IS NULL"""
    )
    con.execute(
        f"""CREATE TABLE gov_missions AS SELECT CAST(m.project AS VARCHAR) AS project,
            {_day("m.end_date")} AS day,
            g.participant AS expert, g.sex, g.country, coalesce(CAST(m.component AS VARCHAR), '{UNKNOWN}')
            AS component, {_region("m.territory_path")} AS region,
            CAST(m.person_days AS DOUBLE) AS person_days
            FROM arrow_gov_missions m JOIN g_people g ON g.id = CAST(m.expert_id AS BIGINT)
            WHERE CAST(m.status AS VARCHAR) = 'done'"""
    )
    con.execute(
        f"""CREATE TABLE gov_trainers AS SELECT e.project, coalesce(r.completion_date, e.end_date) AS day,
            r.participant, r.sex, e.sector, r.home_region AS region
            FROM g_registrations r JOIN g_events e ON e.id = r.event_id
            WHERE {live} AND e.event_type = 'training_module' AND r.completion_certified AND r.is_trainer"""
    )
    con.execute(
        f"""CREATE TABLE gov_actions AS SELECT CAST(project AS VARCHAR) AS project, {_day("due_date")} AS day,
            coalesce(CAST(status AS VARCHAR) = 'done' AND {_day("closed_on")} <= {_day("due_date")}, false)
            AS on_time, {_region("territory_path")} AS region
            FROM arrow_gov_actions WHERE CAST(status AS VARCHAR) <> 'dropped'"""
    )


def build(con: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table]) -> dict[str, int]:
    """The governance fact tables from the Arrow tables of `SOURCES`; needs `person_map` and `people` (the
    registry's pseudonyms) already built. Returns their row counts."""
    for name, table in tables.items():
        con.register(f"arrow_{name}", table)
    try:
        _contacts(con)
        _events(con)
        _number_participants(con)
        _facts(con)
    finally:
        for name in tables:
            con.unregister(f"arrow_{name}")
    return {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}
