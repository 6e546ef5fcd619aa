"""Gaps and prospects: training supply against labour demand, per territory × occupation group or sector.

Every number comes from the warehouse snapshot (`warehouse/supply_demand.py` builds its tables), in one DuckDB
query per call. Formulas, sources and assumptions: docs/observatory.md. The contract (shared with the
dashboard and the publication) is in the package's public names: `gap_table`, `projection`,
`years_available`; the published form of the rows is `disclosure.published_table`.

* ratio S/D = graduates / vacancies; mismatch = (S − D) / (S + D), in [−1, 1]: −1 all demand, +1 all supply;
* location quotient of demand = (D_tg / D_t) / (D_g / D_national): > 1 when the group weighs more in the
  territory's demand than in the country's (coded demand only, national reference at both levels);
* placement rate = people of the pathways cohort certified in the year who have a placement in the same
  project / people certified; women's shares of graduates and of hires;
* coverage = graduates per 1,000 young people (15-24, estimated: supply_demand.YOUTH_SHARE_15_24).

The engine's terms (levels, dimensions, row types, group names) are in ``rows.py`` and who reads what in
``access.py``; the package re-exports all three, the one module its callers (and the tests' stand-in) know.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from functools import cache
from pathlib import Path

import numpy as np
from django.utils.translation import gettext as _

from kafaat.observatory import snapshot
from kafaat.observatory.gaps.rows import (
    DIMENSIONS,
    LEVELS,
    NATIONAL,
    Dimension,
    GapError,
    GapRow,
    Level,
    ProjectionLevel,
    ProjectionRow,
    active_language,
    group_codes,
    group_name,
)

# --- Checking the request -----------------------------------------------------------------------------------

_GROUP = {"occupation": "isco2", "sector": "sector"}


def _check(level: str, dimension: str) -> None:
    if level not in LEVELS:
        raise GapError(_("Unknown level “%(value)s”: region or province.") % {"value": level})
    if dimension not in DIMENSIONS:
        raise GapError(_("Unknown dimension “%(value)s”: occupation or sector.") % {"value": dimension})


def _check_region(con, region: str | None) -> None:
    if region is None:
        return
    found = con.execute("SELECT 1 FROM territories WHERE code = ? AND level = 'region'", [region]).fetchall()
    if not found:
        raise GapError(_("Unknown region “%(value)s”.") % {"value": region})


def _taken_on(con) -> date:
    (value,) = con.execute("SELECT value FROM meta WHERE key = 'taken_at'").fetchall()[0]
    return datetime.fromisoformat(json.loads(value)).date()


def years_available(*, path: Path | None = None) -> list[int]:
    """Years up to the snapshot's with supply, demand or hires (NoSnapshot when there is no snapshot).

    The snapshot's own year is partial (vacancies and placements to date)."""
    con = snapshot.cursor(path)
    rows = con.execute(
        """SELECT DISTINCT year FROM (SELECT year FROM supply UNION ALL SELECT year FROM demand
           UNION ALL SELECT year FROM hires) WHERE year <= ? ORDER BY year""",
        [_taken_on(con).year],
    ).fetchall()
    return [year for (year,) in rows]


def latest_complete_year(*, path: Path | None = None) -> int | None:
    """The last year whose supply and demand are both complete (see `_complete_years`) and present: the year
    a dashboard or a publication shows by default. None when there is none."""
    con = snapshot.cursor(path)
    limits = _complete_years(con)
    rows = con.execute(
        """SELECT max(year) FROM (SELECT DISTINCT year FROM supply WHERE year <= $supply_until)
           JOIN (SELECT DISTINCT year FROM demand WHERE year <= $demand_until) USING (year)""",
        limits,
    ).fetchall()
    return rows[0][0]


# --- The gap table ------------------------------------------------------------------------------------------


def _gap_sql(level: str, dimension: str, region: str | None) -> str:
    """The indicators over the snapshot's `gap_cells` (sums per year × territory × group, with the demand
    totals the location quotient needs: supply_demand.gap_cells_sql)."""
    return f"""
    SELECT t, g, s, sw, d, h, hw,
        CASE WHEN d > 0 THEN s / d END AS ratio,
        CASE WHEN s + d > 0 THEN (s - d) / (s + d) END AS mismatch,
        CASE WHEN dt > 0 AND dg > 0 THEN (d / dt) / (dg / dn) END AS lq,
        CASE WHEN c > 0 THEN p / c END AS placement_rate,
        CASE WHEN s > 0 THEN sw / s END AS women_share_graduates,
        CASE WHEN h > 0 THEN hw / h END AS women_share_hires,
        youth, CASE WHEN youth > 0 THEN 1000.0 * s / youth END AS coverage,
        c, p, name_fr, name_ar, name_en
    FROM gap_cells WHERE year = $year AND level = '{level}' AND dimension = '{dimension}'
        {"AND region = $region" if region else ""}
    ORDER BY t, g"""  # noqa: S608 (names from constants, values bound)


def gap_table(
    year: int,
    *,
    level: Level = "region",
    region: str | None = None,
    dimension: Dimension = "occupation",
    path: Path | None = None,
) -> list[GapRow]:
    """Supply, demand, hires and the indicators for every territory × group with any of them in `year`.

    region=None: every region (level="region") or every province of the country (level="province");
    a region's code: that region alone, or its provinces. Raises GapError on a bad request and NoSnapshot
    when the warehouse was never refreshed.
    """
    _check(level, dimension)
    con = snapshot.cursor(path)
    _check_region(con, region)
    if year not in years_available(path=path):
        raise GapError(_("No supply or demand figures for %(year)s.") % {"year": year})
    params: dict[str, object] = {"year": int(year)}
    if region:
        params["region"] = region
    rows = con.execute(_gap_sql(level, dimension, region), params).fetchall()
    language = active_language()
    result = []
    for (t, g, s, sw, d, h, hw, ratio, mismatch, lq, rate, wsg, wsh, youth, coverage, c, p,
         name_fr, name_ar, name_en) in rows:  # fmt: skip
        name = {"fr": name_fr, "ar": name_ar, "en": name_en}.get(language) or name_fr or t
        result.append(
            GapRow(
                year=int(year),
                level=level,
                territory_code=t,
                territory_name=name,
                dimension=dimension,
                group_code=g,
                group_name=group_name(dimension, g),
                graduates=int(s),
                graduates_women=int(sw),
                vacancies=int(d),
                hires=int(h),
                hires_women=int(hw),
                ratio=_f(ratio),
                mismatch=_f(mismatch),
                location_quotient=_f(lq),
                placement_rate=_f(rate),
                women_share_graduates=_f(wsg),
                women_share_hires=_f(wsh),
                youth_population=None if youth is None else int(youth),
                coverage=_f(coverage),
                certified=int(c),
                placed=int(p),
            )  # fmt: skip
        )
    return result


def _f(value) -> float | None:
    return None if value is None else float(value)


def coding_summary(year: int, *, level: Level = "region", region: str | None = None,
                   path: Path | None = None) -> dict[str, dict[str, int]]:  # fmt: skip
    """Per territory: positions posted in the year in all, not coded to an occupation, not mapped to a sector.

    The gap table's occupation rows count coded vacancies only; this says how much demand they leave out.
    """
    _check(level, "occupation")
    con = snapshot.cursor(path)
    _check_region(con, region)
    params: dict[str, object] = {"year": int(year)}
    if region:
        params["region"] = region
    rows = con.execute(
        f"""SELECT {level}, sum(positions), sum(positions) FILTER (WHERE isco2 IS NULL),
            sum(positions) FILTER (WHERE sector IS NULL)
        FROM demand WHERE year = $year AND {level} IS NOT NULL {"AND region = $region" if region else ""}
        GROUP BY 1 ORDER BY 1""",  # noqa: S608 — level is checked against LEVELS
        params,
    ).fetchall()
    return {
        t: {"positions": int(total or 0), "uncoded": int(uncoded or 0), "unmapped_sector": int(unmapped or 0)}
        for t, total, uncoded, unmapped in rows
    }


# --- Projection ---------------------------------------------------------------------------------------------

FEW_POINTS = 3
CONFIDENCE = 0.95


# Student's t 97.5 % quantile for 1–30 degrees of freedom (scipy.special.stdtrit's values): a projection has
# a few yearly points, and importing scipy took 0.4–2 s on a process's first projection (a reader's request).
_T_975 = (
    12.706204736174694, 4.302652729749462, 3.1824463052837078, 2.7764451051977934, 2.5705818356363146,
    2.4469118511449786, 2.364624251592784, 2.306004135204166, 2.262157162798205, 2.228138851986274,
    2.200985160091639, 2.1788128296672284, 2.1603686564627913, 2.144786687917804, 2.131449545559776,
    2.1199052992212546, 2.1098155778333156, 2.1009220402410382, 2.0930240544083087, 2.085963447265864,
    2.0796138447276795, 2.0738730679040254, 2.0686576104190486, 2.0638985616280245, 2.0595385527532972,
    2.0555294386428735, 2.0518305164802846, 2.0484071417952454, 2.045229642132703, 2.0422724563012378,
)  # fmt: skip


@cache
def _t_quantile(df: int) -> float:
    if CONFIDENCE == 0.95 and 1 <= df <= len(_T_975):
        return _T_975[df - 1]
    from scipy.special import stdtrit

    return float(stdtrit(df, 0.5 + CONFIDENCE / 2))


def trend(xs: list[int], ys: list[float], future: list[int]) -> tuple[list[tuple[float, float, float]], str]:
    """Point, low, high for each future year, and the method: OLS line with a 95 % prediction interval;
    with fewer than 3 points a flat line at the mean, from 0 to twice the largest value (no trend claimed)."""
    n = len(xs)
    if n == 0:
        return [(math.nan, math.nan, math.nan) for _ in future], _("no data")
    y = np.asarray(ys, dtype=float)
    if n < FEW_POINTS:
        level = float(y.mean())
        high = 2 * float(y.max()) if y.max() > 0 else 1.0
        method = _(
            "flat at the mean of %(n)s yearly value(s): too few points for a trend; wide interval "
            "(0 to twice the largest value)"
        ) % {"n": n}
        return [(level, 0.0, high) for _ in future], method
    x = np.asarray(xs, dtype=float)
    slope, intercept = np.polyfit(x, y, 1)
    residuals = y - (intercept + slope * x)
    s = math.sqrt(float(residuals @ residuals) / (n - 2))
    sxx = float(((x - x.mean()) ** 2).sum())
    q = _t_quantile(n - 2)
    out = []
    for year in future:
        point = intercept + slope * year
        half = q * s * math.sqrt(1 + 1 / n + (year - x.mean()) ** 2 / sxx)
        out.append((max(point, 0.0), max(point - half, 0.0), max(point + half, 0.0)))
    method = _("linear trend (least squares) on %(n)s yearly points, %(p)s %% prediction interval") % {
        "n": n,
        "p": round(CONFIDENCE * 100),
    }
    return out, method


def projection(
    *,
    level: ProjectionLevel,
    territory_code: str,
    dimension: Dimension,
    group_code: str,
    horizon: int = 3,
    path: Path | None = None,
) -> list[ProjectionRow]:
    """The observed yearly supply and demand of one territory × group, then `horizon` projected years.

    Supply is observed in the complete years with published figures (with derived ones when nothing is
    published), demand in the complete calendar years with vacancies (a cell without figures in such a year
    is 0); see `_complete_years`. The demand of a projected year that surveyed
    employers' hiring intentions cover is the mean of the trend and the intentions, its interval widened to
    hold both.

    level="national" (territory_code "MA"): the country's series, the sum of the regions' (figures placed in
    no region are left out, as in the gap tables).
    """
    national = level == "national"
    _check("region" if national else level, dimension)
    if not 1 <= horizon <= 10:
        raise GapError(_("The horizon must be between 1 and 10 years."))
    con = snapshot.cursor(path)
    known = (
        [(1,)]
        if national and territory_code == NATIONAL
        else con.execute(
            "SELECT 1 FROM territories WHERE code = ? AND level = ?", [territory_code, level]
        ).fetchall()
    )
    if not known:
        raise GapError(_("Unknown territory “%(value)s” at this level.") % {"value": territory_code})
    if group_code not in group_codes(dimension):
        raise GapError(_("Unknown group “%(value)s”.") % {"value": group_code})
    g = _GROUP[dimension]
    where = "region IS NOT NULL" if national else f"{level} = $t"
    rows = con.execute(
        f"""WITH any_published AS (SELECT count(*) > 0 AS yes FROM supply WHERE source = 'published'),
        sy AS (SELECT DISTINCT year FROM supply WHERE year <= $supply_until
            AND (source = 'published' OR NOT (SELECT yes FROM any_published))),
        dy AS (SELECT DISTINCT year FROM demand WHERE year <= $demand_until),
        s AS (SELECT year, sum(graduates) AS v FROM supply WHERE {where} AND {g} = $g GROUP BY year),
        d AS (SELECT year, sum(positions) AS v FROM demand WHERE {where} AND {g} = $g GROUP BY year),
        i AS (SELECT year, sum(positions) AS v FROM intentions WHERE {where} AND {g} = $g GROUP BY year)
        SELECT 'supply', sy.year, coalesce(s.v, 0) FROM sy LEFT JOIN s USING (year)
        UNION ALL SELECT 'demand', dy.year, coalesce(d.v, 0) FROM dy LEFT JOIN d USING (year)
        UNION ALL SELECT 'intentions', year, v FROM i
        ORDER BY 1, 2""",  # noqa: S608 — level and group column come from LEVELS and _GROUP
        {"g": group_code, **({} if national else {"t": territory_code}), **_complete_years(con)},
    ).fetchall()
    series: dict[str, dict[int, float]] = {"supply": {}, "demand": {}, "intentions": {}}
    for kind, year, value in rows:
        series[kind][int(year)] = float(value)
    observed_years = sorted(set(series["supply"]) | set(series["demand"]))
    if not observed_years:
        raise GapError(_("No supply or demand figures yet."))
    last = observed_years[-1]
    future = list(range(last + 1, last + 1 + horizon))
    out = [
        ProjectionRow(
            year,
            series["supply"].get(year),
            series["supply"].get(year),
            series["supply"].get(year),
            series["demand"].get(year),
            series["demand"].get(year),
            series["demand"].get(year),
            True,
            "",
        )  # fmt: skip
        for year in observed_years
    ]
    supply, supply_method = trend(list(series["supply"]), list(series["supply"].values()), future)
    demand, demand_method = trend(list(series["demand"]), list(series["demand"].values()), future)
    used_intentions = False
    for k, year in enumerate(future):
        planned = series["intentions"].get(year)
        if planned is not None and series["demand"]:
            point, low, high = demand[k]
            demand[k] = ((point + planned) / 2, min(low, planned), max(high, planned))
            used_intentions = True
    method = _("supply: %(supply)s; demand: %(demand)s") % {"supply": supply_method, "demand": demand_method}
    if used_intentions:
        method += _("; demand combined with employers' hiring intentions (surveys) where they cover the year")
    for k, year in enumerate(future):
        s, d = supply[k] if series["supply"] else (None,) * 3, demand[k] if series["demand"] else (None,) * 3
        out.append(ProjectionRow(year, *map(_round, s), *map(_round, d), False, method))
    return out


def _complete_years(con) -> dict[str, int]:
    """The last complete years as of the snapshot: a gap year's supply is complete once its training year
    ended (31 August), its demand once the calendar year ended (the running year would bend the trend)."""
    taken = _taken_on(con)
    demand_until = taken.year - 1
    if not con.execute("SELECT 1 FROM demand WHERE year <= ? LIMIT 1", [demand_until]).fetchall():
        demand_until = taken.year  # nothing but the running year: use it rather than nothing
    return {"supply_until": taken.year if taken.month >= 9 else taken.year - 1, "demand_until": demand_until}


def _round(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 2)
