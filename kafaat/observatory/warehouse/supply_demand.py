"""The supply and demand tables of the warehouse snapshot, for the gaps and prospects (docs/observatory.md).

Built by `warehouse.refresh()` in the same DuckDB file and from the same read of the operational database,
pre-aggregated to province × group × year so that a gap table reads thousands of rows, not millions:

* `territories` — regions and provinces: names (fr/ar/en), the region of each province, and the estimated
  population aged 15-24 (`youth_population`, see YOUTH_SHARE_15_24);
* `supply` — graduates of the training statistics (all-ages rows): by gap year, the training year they end
  (`year` = training year + 1: a training year 2024-2025 graduates enter the labour market in 2025),
  establishment's region/province, programme sector and level, and the programme's ISCO sub-major group
  (docs/decisions/0009-observatory-supply-groups.md: a programme counts once, in its dominant group). For a
  programme and year, the published figures win over those derived from Kafaat's records;
* `demand` — vacancies by calendar year of posting, region/province, ISCO sub-major group (NULL when not
  coded), training sector (through `data/isic_training_sector.csv`, NULL when not mapped): ads and positions,
  a re-posted ad (same employer, title and territory within 30 days of the previous posting) counted once;
* `intentions` — positions that surveyed employers plan to fill, by the year the 12 months mostly fall in;
* `hires` — people placed (pathways placement steps) by calendar year, with women among them, by the
  person's region/province and the group of the training programme their latest enrolment in the project
  resolves to;
* `cohorts` — people certified in a calendar year, and those among them who have a placement in the project.
"""

from __future__ import annotations

import csv
from collections import Counter
from functools import cache
from pathlib import Path

import duckdb
import pyarrow as pa

DATA = Path(__file__).resolve().parents[1] / "data"  # the observatory's data folder
HCP_PROVINCES = Path(__file__).resolve().parents[2] / "core" / "data" / "morocco" / "provinces_hcp.csv"
REPOST_WINDOW_DAYS = 30  # kafaat.labour DUPLICATE_WINDOW_DAYS

# provinces_hcp.csv has no age split. Share of the 15-24 year-olds in the population, national, applied to
# every province: an ESTIMATE (HCP, RGPH 2024: about 6 million young people aged 15-24 out of 36.8 million,
# ~16 %). Replace by the census's provincial age tables when they are loaded.
YOUTH_SHARE_15_24 = 0.16

SOURCES = {
    "sd_territories": """SELECT code, level, path, name_fr, name_ar, name_en FROM core_territory
        WHERE level IN ('region', 'province')""",
    "sd_statistics": """SELECT s.programme_id, s.year, s.source, s.graduates, s.graduates_women,
        p.level, sec.code AS sector, t.path
        FROM training_supplystatistic s JOIN training_programme p ON p.id = s.programme_id
        JOIN training_sector sec ON sec.id = p.sector_id
        JOIN training_establishment e ON e.id = p.establishment_id
        JOIN core_territory t ON t.id = e.territory_id
        WHERE s.age_band = '' AND s.graduates IS NOT NULL""",
    "sd_programme_occupations": "SELECT programme_id, isco_code FROM training_programmeoccupation",
    "sd_programmes": """SELECT p.id AS programme_id, sec.code AS sector FROM training_programme p
        JOIN training_sector sec ON sec.id = p.sector_id""",
    "sd_vacancies": """SELECT v.id, v.employer_id, v.title_key, t.path, v.posted_on, v.positions,
        o.code AS isco, s.code AS isic
        FROM labour_vacancy v JOIN core_territory t ON t.id = v.territory_id
        LEFT JOIN labour_occupation o ON o.id = v.occupation_id
        LEFT JOIN labour_sector s ON s.id = v.sector_id""",
    "sd_needs": """SELECT n.positions, o.code AS isco, r.answered_on, s.code AS isic, t.path
        FROM labour_surveyneed n JOIN labour_surveyresponse r ON r.id = n.response_id
        JOIN labour_occupation o ON o.id = n.occupation_id
        JOIN labour_employer e ON e.id = r.employer_id
        JOIN core_territory t ON t.id = e.territory_id
        LEFT JOIN labour_sector s ON s.id = e.sector_id""",
}


@cache
def isic_to_training_sector() -> dict[str, str]:
    """ISIC Rev.4 division (two digits) or section (letter) → training sector code; unmapped ones absent."""
    with (DATA / "isic_training_sector.csv").open(encoding="utf-8") as handle:
        return {
            row["isic"]: row["training_sector"] for row in csv.DictReader(handle) if row["training_sector"]
        }


def youth_by_province() -> dict[str, int]:
    """Estimated population aged 15-24 by HCP province code (2024 census × YOUTH_SHARE_15_24)."""
    with HCP_PROVINCES.open(encoding="utf-8") as handle:
        return {
            row["code"]: round(int(row["population_2024"]) * YOUTH_SHARE_15_24)
            for row in csv.DictReader(handle)
        }


def dominant_group(codes: list[str]) -> str | None:
    """The ISCO sub-major group holding most of a programme's unit groups; ties go to the lowest code."""
    if not codes:
        return None
    counts = Counter(code[:2] for code in codes)
    return min(counts, key=lambda group: (-counts[group], group))


def _path_part(column: str, n: int) -> str:
    return f"nullif(split_part(CAST({column} AS VARCHAR), '/', {n}), '')"


def _register(con: duckdb.DuckDBPyConnection, source: dict[str, pa.Table]) -> None:
    for name in SOURCES:
        con.register(f"arrow_{name}", source[name])
    isic = isic_to_training_sector()
    con.register(
        "arrow_isic",
        pa.table(
            {"isic": pa.array(list(isic), pa.string()), "sector": pa.array(list(isic.values()), pa.string())}
        ),
    )


def build(con: duckdb.DuckDBPyConnection, source: dict[str, pa.Table], resolve=None) -> dict[str, int]:
    """Create the observatory tables; `resolve(rows)` maps enrolments to programmes (see `_resolve`)."""
    _register(con, source)
    try:
        _territories(con)
        _programmes(con)
        _supply(con)
        _demand(con)
        _intentions(con)
        _pathways(con, resolve or _resolve)
        _gap_cells(con)
    finally:
        for name in [*SOURCES, "isic"]:
            con.unregister(f"arrow_{name}")
    return {
        table: con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]  # noqa: S608
        for table in ("supply", "demand", "hires", "gap_cells")
    }


def _territories(con: duckdb.DuckDBPyConnection) -> None:
    youth = youth_by_province()
    con.register(
        "arrow_youth",
        pa.table(
            {"code": pa.array(list(youth), pa.string()), "youth": pa.array(list(youth.values()), pa.int64())}
        ),
    )
    con.execute(
        f"""CREATE TABLE territories AS
        WITH t AS (SELECT CAST(code AS VARCHAR) AS code, CAST(level AS VARCHAR) AS level,
            {_path_part("path", 1)} AS region, CAST(name_fr AS VARCHAR) AS name_fr,
            CAST(name_ar AS VARCHAR) AS name_ar, CAST(name_en AS VARCHAR) AS name_en
            FROM arrow_sd_territories),
        p AS (SELECT t.*, y.youth FROM t LEFT JOIN arrow_youth y USING (code) WHERE t.level = 'province')
        SELECT * FROM p
        UNION ALL
        SELECT t.*, (SELECT sum(youth) FROM p WHERE p.region = t.code) FROM t WHERE t.level = 'region'"""  # noqa: S608 (names from constants, values bound)
    )
    con.unregister("arrow_youth")


def _programmes(con: duckdb.DuckDBPyConnection) -> None:
    """Each programme's dominant ISCO sub-major group (ADR 0009), in SQL: most unit groups, then lowest."""
    con.execute(
        """CREATE TEMP TABLE programme_groups AS
        WITH dominant AS (SELECT programme_id, arg_min(isco2, (-n, isco2)) AS isco2 FROM (
            SELECT CAST(programme_id AS BIGINT) AS programme_id, left(CAST(isco_code AS VARCHAR), 2) AS isco2,
                count(*) AS n
            FROM arrow_sd_programme_occupations GROUP BY ALL)
        GROUP BY programme_id)
        SELECT CAST(p.programme_id AS BIGINT) AS programme_id, CAST(p.sector AS VARCHAR) AS sector, d.isco2
        FROM arrow_sd_programmes p LEFT JOIN dominant d ON d.programme_id = CAST(p.programme_id AS BIGINT)"""
    )


def _supply(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"""CREATE TABLE supply AS
        WITH s AS (SELECT CAST(programme_id AS BIGINT) AS programme_id,
            CAST(year AS INTEGER) AS training_year,
            CAST(source AS VARCHAR) AS source, CAST(graduates AS BIGINT) AS graduates,
            CAST(coalesce(graduates_women, 0) AS BIGINT) AS graduates_women, CAST(level AS VARCHAR) AS level,
            CAST(sector AS VARCHAR) AS sector, {_path_part("path", 1)} AS region,
            {_path_part("path", 2)} AS province FROM arrow_sd_statistics),
        -- One source per programme and year: the published table wins over Kafaat's own records.
        chosen AS (SELECT * FROM s QUALIFY row_number() OVER (PARTITION BY programme_id, training_year
            ORDER BY CASE source WHEN 'published' THEN 0 ELSE 1 END) = 1)
        SELECT training_year + 1 AS year, training_year, region, province, c.sector, c.level, g.isco2,
            c.source, sum(graduates) AS graduates, sum(graduates_women) AS graduates_women,
            count(*) AS programmes
        FROM chosen c LEFT JOIN programme_groups g USING (programme_id) GROUP BY ALL"""  # noqa: S608 (names from constants, values bound)
    )


def _demand(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"""CREATE TABLE demand AS
        WITH v AS (SELECT CAST(id AS BIGINT) AS id, CAST(employer_id AS BIGINT) AS employer_id,
            CAST(title_key AS VARCHAR) AS title_key, CAST(path AS VARCHAR) AS path,
            CAST(posted_on AS DATE) AS posted_on, CAST(positions AS BIGINT) AS positions,
            left(CAST(isco AS VARCHAR), 2) AS isco2, CAST(isic AS VARCHAR) AS isic FROM arrow_sd_vacancies),
        marked AS (SELECT *, posted_on - lag(posted_on) OVER (PARTITION BY employer_id, title_key, path
            ORDER BY posted_on, id) AS since_previous FROM v)
        SELECT CAST(year(posted_on) AS INTEGER) AS year, {_path_part("m.path", 1)} AS region,
            {_path_part("m.path", 2)} AS province, m.isco2, x.sector, count(*) AS ads,
            sum(positions) AS positions
        FROM marked m LEFT JOIN arrow_isic x ON x.isic = m.isic
        WHERE since_previous IS NULL OR since_previous > {REPOST_WINDOW_DAYS}
        GROUP BY ALL"""  # noqa: S608 (names from constants, values bound)
    )


def _intentions(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"""CREATE TABLE intentions AS
        SELECT CAST(year(CAST(n.answered_on AS DATE) + INTERVAL 6 MONTH) AS INTEGER) AS year,
            CAST(year(CAST(n.answered_on AS DATE)) AS INTEGER) AS surveyed,
            {_path_part("n.path", 1)} AS region, {_path_part("n.path", 2)} AS province,
            left(CAST(n.isco AS VARCHAR), 2) AS isco2, x.sector, sum(CAST(n.positions AS BIGINT)) AS positions
        FROM arrow_sd_needs n LEFT JOIN arrow_isic x ON x.isic = CAST(n.isic AS VARCHAR)
        GROUP BY ALL"""  # noqa: S608 (names from constants, values bound)
    )


def _resolve(rows: list[tuple[int, str, str]]) -> list[int | None]:
    """(organisation id, programme as written, person's territory path) → training programme id or None."""
    from kafaat.training.derivation import Resolver

    resolver = Resolver()
    return [resolver.programme(organisation, label, path) for organisation, label, path in rows]


def _pathways(con: duckdb.DuckDBPyConnection, resolve) -> None:
    """Hires and certified cohorts, by the person's territory and their enrolment's programme group.

    Needs the refresh's `events` and its temporary tables people_full and organisation_ids (the organisations
    the warehouse read once)."""
    labels = con.execute(
        """SELECT DISTINCT o.id AS organisation_id, s.organisation, s.programme, p.region, p.province
        FROM events s JOIN people_full p ON p.pnum = s.pnum
        JOIN organisation_ids o ON o.code = s.organisation
        WHERE s.kind = 'enrolment'"""
    ).fetchall()
    programmes = resolve(
        [(org, label, f"{region}/{province}/") for org, _, label, region, province in labels]
    )
    con.register(
        "arrow_resolved",
        pa.table(
            {
                "organisation": pa.array([row[1] for row in labels], pa.string()),
                "programme": pa.array([row[2] for row in labels], pa.string()),
                "region": pa.array([row[3] for row in labels], pa.string()),
                "province": pa.array([row[4] for row in labels], pa.string()),
                "programme_id": pa.array(programmes, pa.int64()),
            }
        ),
    )
    # Each person's enrolments in a project, with the programme they resolve to and its groups.
    con.execute(
        """CREATE TEMP TABLE enrolments AS
        SELECT s.pnum, s.project, s.day, r.programme_id, g.isco2, g.sector
        FROM events s JOIN people_full p ON p.pnum = s.pnum
        JOIN arrow_resolved r ON r.organisation = s.organisation AND r.programme = s.programme
            AND r.region IS NOT DISTINCT FROM p.region AND r.province IS NOT DISTINCT FROM p.province
        LEFT JOIN programme_groups g USING (programme_id)
        WHERE s.kind = 'enrolment' AND r.programme_id IS NOT NULL"""
    )
    con.unregister("arrow_resolved")
    # A step's programme: that of the person's latest resolved enrolment in the project.
    con.execute(
        """CREATE TEMP TABLE outcome_steps AS
        WITH programmes AS (SELECT pnum, project, arg_max(isco2, day) AS isco2, arg_max(sector, day) AS sector
            FROM enrolments GROUP BY pnum, project)
        SELECT s.kind, s.day, s.pnum, s.project, e.isco2, e.sector, p.sex,
            nullif(p.region, 'unknown') AS region, nullif(p.province, 'unknown') AS province
        FROM events s JOIN people_full p ON p.pnum = s.pnum
        LEFT JOIN programmes e ON e.pnum = s.pnum AND e.project = s.project
        WHERE s.kind IN ('placement', 'certification')"""
    )
    # Hires: a person placed in a year counts once in it (their first placement of the year).
    con.execute(
        """CREATE TABLE hires AS
        WITH firsts AS (SELECT * FROM outcome_steps WHERE kind = 'placement'
            QUALIFY row_number() OVER (PARTITION BY pnum, year(day) ORDER BY day) = 1)
        SELECT CAST(year(day) AS INTEGER) AS year, region, province, isco2, sector, count(*) AS hires,
            count(*) FILTER (WHERE sex = 'F') AS hires_women
        FROM firsts GROUP BY ALL"""
    )
    # Cohorts: people certified in a year (first certification of the project), placed = any placement in
    # the same project, before or after the certification.
    con.execute(
        """CREATE TABLE cohorts AS
        WITH certified AS (SELECT * FROM outcome_steps WHERE kind = 'certification'
            QUALIFY row_number() OVER (PARTITION BY pnum, project ORDER BY day) = 1),
        placed AS (SELECT DISTINCT pnum, project FROM outcome_steps WHERE kind = 'placement')
        SELECT CAST(year(c.day) AS INTEGER) AS year, c.region, c.province, c.isco2, c.sector,
            count(*) AS certified, count(p.pnum) AS placed
        FROM certified c LEFT JOIN placed p USING (pnum, project) GROUP BY ALL"""
    )


_GROUP = {"occupation": "isco2", "sector": "sector"}


def gap_cells_sql(level: str, dimension: str) -> str:
    """Per year × territory of `level` × group of `dimension`: graduates (s, sw), coded positions (d),
    hires (h, hw), certified and placed (c, p), and the demand totals of the territory (dt), of the group
    nationally (dg) and of the country (dn) — what gaps.gap_table turns into indicators."""
    t, g = level, _GROUP[dimension]
    return f"""
    WITH sup AS (SELECT year, {t} AS t, {g} AS g, sum(graduates) AS s, sum(graduates_women) AS sw
        FROM supply WHERE {t} IS NOT NULL AND {g} IS NOT NULL GROUP BY ALL),
    dem_all AS MATERIALIZED (SELECT year, {t} AS t, {g} AS g, positions FROM demand WHERE {g} IS NOT NULL),
    dem AS (SELECT year, t, g, sum(positions) AS d FROM dem_all WHERE t IS NOT NULL GROUP BY ALL),
    dem_t AS (SELECT year, t, sum(positions) AS dt FROM dem_all WHERE t IS NOT NULL GROUP BY ALL),
    dem_g AS (SELECT year, g, sum(positions) AS dg FROM dem_all GROUP BY ALL),
    dem_n AS (SELECT year, sum(positions) AS dn FROM dem_all GROUP BY ALL),
    hir AS (SELECT year, {t} AS t, {g} AS g, sum(hires) AS h, sum(hires_women) AS hw
        FROM hires WHERE {t} IS NOT NULL AND {g} IS NOT NULL GROUP BY ALL),
    coh AS (SELECT year, {t} AS t, {g} AS g, sum(certified) AS c, sum(placed) AS p
        FROM cohorts WHERE {t} IS NOT NULL AND {g} IS NOT NULL GROUP BY ALL),
    keys AS (SELECT year, t, g FROM sup UNION SELECT year, t, g FROM dem
        UNION SELECT year, t, g FROM hir UNION SELECT year, t, g FROM coh)
    SELECT k.year, '{level}' AS level, '{dimension}' AS dimension, tt.region, k.t, k.g,
        coalesce(s, 0) AS s, coalesce(sw, 0) AS sw, coalesce(d, 0) AS d, coalesce(h, 0) AS h,
        coalesce(hw, 0) AS hw, coalesce(c, 0) AS c, coalesce(p, 0) AS p, coalesce(dt, 0) AS dt,
        coalesce(dg, 0) AS dg, coalesce(dn, 0) AS dn, tt.youth, tt.name_fr, tt.name_ar, tt.name_en
    FROM keys k LEFT JOIN sup USING (year, t, g) LEFT JOIN dem USING (year, t, g)
    LEFT JOIN hir USING (year, t, g) LEFT JOIN coh USING (year, t, g) LEFT JOIN dem_t USING (year, t)
    LEFT JOIN dem_g USING (year, g) LEFT JOIN dem_n USING (year)
    JOIN territories tt ON tt.code = k.t AND tt.level = '{level}'"""  # noqa: S608 (names from constants)


def _gap_cells(con: duckdb.DuckDBPyConnection) -> None:
    """Every gap cell of every year, level and dimension, sorted so that a gap table reads one run of rows."""
    union = " UNION ALL ".join(
        f"({gap_cells_sql(level, dimension)})"
        for level in ("region", "province")
        for dimension in ("occupation", "sector")
    )
    con.execute(
        f"CREATE TABLE gap_cells AS SELECT * FROM ({union}) ORDER BY year, level, dimension, region, t, g"  # noqa: S608
    )
