"""The panels of a dashboard: the ranked groups, the choropleth, supply and demand per sector and the
projection, each from the gap tables as the reader may see them (exact, or published), with their charts'
Vega-Lite specs (drawn now, or later as fragments).

Split from ``board.py``, which assembles a board from these.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _

from kafaat.core.l10n import formatting
from kafaat.observatory import disclosure, gaps, maps
from kafaat.observatory.dashboard.cache import table
from kafaat.observatory.dashboard.charts import projection_chart, sector_chart
from kafaat.observatory.dashboard.state import (
    INDICATORS,
    NATIONAL,
    Dashboard,
    Filters,
    RankedRow,
    SectorBar,
    provinces_of,
    territories,
    url,
)
from kafaat.results.suppression import MARKER

# --- Combining and publishing rows ------------------------------------------------------------------------


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def combine(
    rows: Iterable[gaps.GapRow],
    *,
    territory_code: str,
    territory_name: str,
    level: str,
    group_code: str,
    group_name: str,
) -> gaps.GapRow:
    """Rows added up (territories of a group, or groups of a territory), the indicators recomputed.

    The location quotient of a sum is not defined here (None): it compares a group with all groups.
    """
    rows = list(rows)
    s = sum(r.graduates for r in rows)
    d = sum(r.vacancies for r in rows)
    sw, h, hw = (
        sum(r.graduates_women for r in rows),
        sum(r.hires for r in rows),
        sum(r.hires_women for r in rows),
    )
    certified, placed = sum(r.certified for r in rows), sum(r.placed for r in rows)
    youth_rows = {r.territory_code: r.youth_population for r in rows if r.youth_population}
    youth = sum(youth_rows.values()) or None
    year = rows[0].year if rows else 0
    dimension = rows[0].dimension if rows else "occupation"
    return gaps.GapRow(
        year=year,
        level=level,
        territory_code=territory_code,
        territory_name=territory_name,  # type: ignore[arg-type]
        dimension=dimension,
        group_code=group_code,
        group_name=group_name,
        graduates=s,
        graduates_women=sw,
        vacancies=d,
        hires=h,
        hires_women=hw,
        ratio=s / d if d else None,
        mismatch=(s - d) / (s + d) if s + d else None,
        location_quotient=None,
        placement_rate=_share(placed, certified),
        women_share_graduates=_share(sw, s),
        women_share_hires=_share(hw, h),
        youth_population=youth,
        coverage=s * 1000 / youth if youth else None,
        certified=certified,
        placed=placed,
    )


@dataclass(frozen=True)
class Shown:
    """A row as the user may see it: values (None when hidden or undefined) and the names hidden."""

    row: object  # GapRow or PublishedGapRow
    hidden: frozenset[str]

    def value(self, name: str):
        return None if name in self.hidden else getattr(self.row, name)

    def text(self, name: str, language: str) -> str:
        if name in self.hidden:
            return MARKER
        return format_value(name, getattr(self.row, name), language)

    def figure(self, name: str):
        """The value for an export: the number, MARKER when hidden, None when undefined."""
        return MARKER if name in self.hidden else getattr(self.row, name)


# The figures of a ranked row (the page's columns), in the page's order.
RANKED_FIGURES = ("graduates", "vacancies", "hires", "ratio", "mismatch", "placement_rate")


def shown(rows: list[gaps.GapRow], exact: bool) -> list[Shown]:
    if exact:
        return [Shown(r, frozenset()) for r in rows]
    return [Shown(p, p.suppressed) for p in disclosure.published_table(rows)]


def format_value(name: str, value, language: str) -> str:
    """A figure of the gap table as every page writes numbers (kafaat.core.l10n.formatting)."""
    if name == "placement_rate" or name.startswith("women_share"):
        return formatting.format_percent(None if value is None else value * 100, language, 0)
    if name in ("graduates", "vacancies", "hires", "graduates_women", "hires_women", "youth_population"):
        return formatting.format_number(value, language, 0)
    return formatting.format_number(value, language, 1 if name == "coverage" else 2)


# --- Charts: drawn with the page, or afterwards as fragments (lazy) --------------------------------

CHARTS = ("map", "sector", "projection")


def lazy_charts() -> bool:
    """Setting KAFAAT_DASHBOARD_LAZY_CHARTS (default on): a chart not drawn yet (by any process: the disk
    cache) is not drawn while the page waits; the page asks for it as an htmx fragment (`chart`)."""
    from django.conf import settings

    return getattr(settings, "KAFAAT_DASHBOARD_LAZY_CHARTS", True)


def _draw(spec: dict) -> str:
    if lazy_charts():
        return maps.cached_svg(spec) or ""
    return maps.render_svg(spec)


def _stamp(board: Dashboard) -> str:
    """ "Snapshot of <time>", in the board's language: drawn into every chart, which may be saved alone."""
    if board.taken_at is None:
        return ""
    return _("Snapshot of %(when)s") % {"when": formatting.format_datetime(board.taken_at)}


def rank(board: Dashboard, rows: list[Shown], language: str) -> None:
    ranked = []
    for item in rows:
        mismatch = item.value("mismatch")
        if mismatch is None:
            if "mismatch" in item.hidden:
                board.hidden_groups += 1
            continue
        ranked.append(
            RankedRow(
                group_code=item.row.group_code,
                group_name=item.row.group_name,
                graduates=item.text("graduates", language),
                vacancies=item.text("vacancies", language),
                hires=item.text("hires", language),
                ratio=item.text("ratio", language),
                mismatch=item.text("mismatch", language),
                placement_rate=item.text("placement_rate", language),
                mismatch_value=mismatch,
                values={name: item.figure(name) for name in RANKED_FIGURES},
            )
        )
    # Shortage: the most negative mismatch (lowest S/D) first, ties by group code; surplus: the reverse.
    ranked.sort(key=lambda r: (r.mismatch_value, r.group_code))
    board.shortage = [r for r in ranked if r.mismatch_value < 0]
    board.surplus = [r for r in reversed(ranked) if r.mismatch_value > 0]


def default_group(rows: list[Shown]) -> str | None:
    """The group a dashboard projects when the reader chose none: the one with the most graduates in the
    territory (as the reader sees them: a hidden count does not take part), ties to the lowest code; without
    graduates, the one with the most vacancies. (The worst shortage was often a group without a single
    graduate in any year: its projection was a flat zero.) None when no group has either."""
    for field in ("graduates", "vacancies"):
        counted = [(item.value(field), item.row.group_code) for item in rows if item.value(field)]
        if counted:
            return min(counted, key=lambda pair: (-pair[0], pair[1]))[1]
    return None


def _link(filters: Filters, **changes) -> str:
    return url(replace(filters, shortage_page=1, surplus_page=1, **changes))


def choropleth(
    board: Dashboard,
    rows: list[gaps.GapRow],
    level: str,
    language: str,
    exact: bool,
    only: frozenset[str] = frozenset(),
) -> None:
    """The choropleth; `only`: the provinces a reader scoped to provinces may see (the others stay grey,
    without figures or links)."""
    filters = board.filters
    if only:
        rows = [r for r in rows if r.territory_code in only]
    indicator = filters.indicator
    known = territories()
    codes = (
        provinces_of(filters.region)
        if level == "province"
        else [c for c, t in known.items() if t.level == "region"]
    )
    if indicator == "location_quotient":
        if not board.group:
            board.map_note = _("The location quotient compares one group with all: choose a group.")
            per_territory = []
        else:
            per_territory = [r for r in rows if r.group_code == board.group]
            board.map_note = _("Location quotient of “%(group)s”.") % {"group": board.group_name}
    else:
        per_territory = [
            combine(
                [r for r in rows if r.territory_code == code],
                territory_code=code,
                territory_name=known[code].name(language),
                level=level,
                group_code="*",
                group_name="",
            )
            for code in codes
            if any(r.territory_code == code for r in rows)
        ]
    values = []
    for item in shown(per_territory, exact):
        code = item.row.territory_code
        href = (
            _link(filters, region=code, province=None) if level == "region" else _link(filters, province=code)
        )
        values.append(maps.MapValue(code, item.value(indicator), item.text(indicator, language), href))
    present = {v.code for v in values}
    for code in codes:  # territories without figures still lead somewhere (unless out of the reader's reach)
        if only and code not in only:
            values.append(maps.MapValue(code, None, "–", ""))
        elif code not in present:
            href = (
                _link(filters, region=code, province=None)
                if level == "region"
                else _link(filters, province=code)
            )
            values.append(maps.MapValue(code, None, "–", href))
    selected = filters.province if level == "province" else None
    spec = map_spec(level, filters.region, indicator, language, values, note=_stamp(board), selected=selected)
    board.map_values = sorted(values, key=lambda v: codes.index(v.code) if v.code in codes else len(codes))
    board.map_spec, board.map_svg = spec, _draw(spec)


def map_spec(
    level: str,
    region: str | None,
    indicator: str,
    language: str,
    values: list[maps.MapValue],
    note: str = "",
    selected: str | None = None,
) -> dict:
    """The choropleth's spec (in the active language: `language` names the territories and the legend);
    `selected`: the province outlined."""
    known = territories()
    codes = provinces_of(region) if region else [c for c, t in known.items() if t.level == "region"]
    return maps.choropleth(
        level,
        values,
        indicator=indicator,
        language=language,
        names={code: known[code].name(language) for code in codes},
        region=region,
        legend_title=str(INDICATORS[indicator]),
        note=note,
        selected=selected,
    )


def sectors(board: Dashboard, version: int, language: str, year: int, exact: bool) -> None:
    filters = board.filters
    if filters.province:
        rows = [
            r
            for r in table(version, language, year, "province", filters.region, "sector")
            if r.territory_code == filters.province
        ]
    elif filters.region:
        rows = [
            r
            for r in table(version, language, year, "region", None, "sector")
            if r.territory_code == filters.region
        ]
    else:
        regions = table(version, language, year, "region", None, "sector")
        rows = [
            combine(
                [r for r in regions if r.group_code == code],
                territory_code=NATIONAL,
                territory_name="",
                level="region",
                group_code=code,
                group_name=gaps.group_name("sector", code),
            )
            for code in sorted({r.group_code for r in regions})
        ]
    bars = [
        SectorBar(item.row.group_name, item.value("graduates"), item.value("vacancies"))
        for item in shown(rows, exact)
        if item.row.graduates or item.row.vacancies
    ]
    board.sector_bars = bars
    if bars:
        spec = sector_chart(bars, language=language, title=board.territory_name, subtitle=_stamp(board))
        board.sector_spec, board.sector_svg = spec, _draw(spec)


def projection(board: Dashboard, language: str, exact: bool) -> None:
    filters = board.filters
    if not board.group:
        return
    level = "province" if filters.province else "region" if filters.region else "national"
    try:
        rows = gaps.projection(
            level=level,
            territory_code=board.territory_code,
            dimension=filters.dimension,  # type: ignore[arg-type]
            group_code=board.group,
        )
    except gaps.GapError as error:
        board.projection_note = str(error)
        return
    if not exact:  # observed counts below the threshold are hidden; projections are rounded estimates
        rows, board.suppressed_projection = _published_projection(rows, board)
    board.projection = rows
    board.projection_method = next((r.method for r in rows if not r.observed), "")
    title = f"{board.group_name} · {board.territory_name}"
    spec = projection_chart(rows, language=language, title=title, subtitle=_stamp(board))
    board.projection_spec, board.projection_svg = spec, _draw(spec)


def _published_projection(
    rows: list[gaps.ProjectionRow], board: Dashboard
) -> tuple[list[gaps.ProjectionRow], bool]:
    """The projection as published (disclosure.published_projection: the rule of the open-data packages, the
    board's year as in its gap table), projected values rounded."""
    year, dimension = board.filters.year, board.filters.dimension
    protection = disclosure.protection(year, dimension) if year is not None else None  # type: ignore[arg-type]
    shown, hidden = disclosure.published_projection(
        rows, protection=protection, territory=board.territory_code, group=board.group
    )
    names = ("supply", "supply_low", "supply_high", "demand", "demand_low", "demand_high")
    out = [
        r
        if r.observed
        else replace(r, **{k: None if getattr(r, k) is None else round(getattr(r, k)) for k in names})
        for r in shown
    ]
    return out, bool(hidden)
