"""The regional dashboard of the observatory: what the page shows for a year, a territory and a dimension.

Everything comes from `gaps` (the warehouse snapshot): the choropleth of one indicator over the regions (or
the provinces of one region), the occupations or sectors ranked from the worst shortage to the largest
surplus, supply against demand per training sector, and the projection of one group. No HTTP here: the view
parses the request and renders.

Who sees what is decided in `gaps` (the same rules as the API and the publication): readers of aggregates
see the dashboard, limited to their regions when their membership is scoped; those who may refresh the
warehouse see exact figures, the others the published form (`gaps.published_table`: small counts, and the
ratios that would reveal them, hidden as `*`).

A dashboard is computed once per warehouse snapshot, parameters, language and form (exact or published) and
kept in memory (`CACHE_SIZE` most recent); its maps are kept on disk by `maps`. A refresh makes a new
snapshot file, so nothing computed from the old one is shown again.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from kafaat.core.territories import reference_rows
from kafaat.observatory import gaps, maps, snapshot, warehouse
from kafaat.observatory.dashboard_charts import projection_chart, sector_chart
from kafaat.results.suppression import MARKER

logger = logging.getLogger(__name__)
PAGE_SIZE = 10
CACHE_SIZE = 256
NATIONAL = "MA"

INDICATORS = {
    "ratio": gettext_lazy("Graduates per vacancy (S/D)"),
    "mismatch": gettext_lazy("Mismatch (S−D)/(S+D)"),
    "location_quotient": gettext_lazy("Location quotient of demand"),
    "placement_rate": gettext_lazy("Placement rate of graduates"),
    "coverage": gettext_lazy("Graduates per 1,000 young people"),
}
DIMENSIONS = {
    "occupation": gettext_lazy("Occupation (ISCO-08, 2 digits)"),
    "sector": gettext_lazy("Training sector"),
}


class DashboardError(ValueError):
    """A request the dashboard cannot answer (bad parameter): the page says why, with a 400."""


def may_view(user) -> bool:
    return gaps.may_read(user)


def sees_exact_figures(user) -> bool:
    return gaps.sees_exact_figures(user)


def allowed(user, filters: Filters, regions: set[str] | None, provinces: set[str] | None = None) -> Filters:
    """The filters within the user's territories (`gaps.visible_regions`, `gaps.visible_provinces`; None: the
    whole country): a user scoped to regions starts at (the first of) theirs and may not open another; one
    scoped to a province starts at it and may open neither its region's figures nor another province's
    (PermissionDenied)."""
    if regions is None:
        return filters
    provinces = provinces or set()
    if filters.region is None:
        if regions:
            return replace(filters, region=sorted(regions)[0], province=None)
        if provinces:
            first = sorted(provinces)[0]
            return replace(filters, region=gaps.region_of(first), province=first)
        raise PermissionDenied
    if filters.region in regions:
        return filters
    mine = sorted(p for p in provinces if gaps.region_of(p) == filters.region)
    if not mine:
        raise PermissionDenied
    if filters.province is None:
        return replace(filters, province=mine[0])
    if filters.province not in mine:
        raise PermissionDenied
    return filters


def only_provinces(filters: Filters, regions: set[str] | None, provinces: set[str] | None) -> frozenset[str]:
    """The provinces a reader scoped to provinces sees on the map of `filters.region` (empty: every one)."""
    if regions is None or filters.region is None or filters.region in regions:
        return frozenset()
    return frozenset(p for p in provinces or () if gaps.region_of(p) == filters.region)


@dataclass(frozen=True)
class Filters:
    year: int | None = None  # None: the latest year of the snapshot
    region: str | None = None  # None: the national view (map of regions)
    province: str | None = None  # a province of `region`: its figures in the table and charts
    dimension: str = "occupation"
    indicator: str = "ratio"
    group: str | None = None  # the group of the projection (and of the map for the location quotient)
    shortage_page: int = 1
    surplus_page: int = 1


@dataclass(frozen=True)
class Territorial:
    code: str
    level: str
    parent: str | None
    names: dict[str, str]

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["fr"]


@cache
def territories() -> dict[str, Territorial]:
    """Regions and provinces of the reference tree (the same rows as core's Territory table)."""
    return {
        r.code: Territorial(
            r.code, r.level, r.parent_code, {"fr": r.name_fr, "ar": r.name_ar, "en": r.name_en}
        )
        for r in reference_rows()
        if r.level in ("region", "province")
    }


def provinces_of(region: str) -> list[str]:
    return [t.code for t in territories().values() if t.level == "province" and t.parent == region]


@dataclass(frozen=True)
class RankedRow:
    group_code: str
    group_name: str
    graduates: str
    vacancies: str
    hires: str
    ratio: str
    mismatch: str
    placement_rate: str
    mismatch_value: float  # the ranking key


@dataclass(frozen=True)
class SectorBar:
    sector: str
    graduates: int | None
    vacancies: int | None


@dataclass
class Dashboard:
    filters: Filters
    language: str
    exact: bool
    years: list[int]
    taken_at: datetime | None
    level: str  # of the map: "region" or "province"
    territory_code: str  # what the table and charts are about: MA, a region or a province
    territory_name: str
    trail: list[tuple[str, Filters]]  # national › region › province, each with the filters that show it
    national: bool = True  # whether the user may see the whole country (else their regions only)
    map_svg: str = ""  # drawn when the board was computed, or "" (lazy: the page loads it as a fragment)
    map_spec: dict | None = None  # the Vega-Lite spec of each chart (None: no chart)
    sector_spec: dict | None = None
    projection_spec: dict | None = None
    map_note: str = ""
    shortage: list[RankedRow] = field(default_factory=list)
    surplus: list[RankedRow] = field(default_factory=list)
    hidden_groups: int = 0  # groups whose mismatch is suppressed: in neither list
    groups: list[tuple[str, str]] = field(default_factory=list)  # (code, name) of the dimension
    group: str | None = None
    group_name: str = ""
    sector_svg: str = ""
    projection_svg: str = ""
    projection: list[gaps.ProjectionRow] = field(default_factory=list)
    projection_method: str = ""
    projection_note: str = ""
    suppressed_projection: bool = False

    def shortage_page(self) -> Page:
        return Paginator(self.shortage, PAGE_SIZE).get_page(self.filters.shortage_page)

    def surplus_page(self) -> Page:
        return Paginator(self.surplus, PAGE_SIZE).get_page(self.filters.surplus_page)


_DEFAULTS = Filters()
_PARAMS = {
    "year": "year",
    "region": "region",
    "province": "province",
    "dimension": "dimension",
    "indicator": "indicator",
    "group": "group",
    "shortage_page": "sp",
    "surplus_page": "up",
}


def url(filters: Filters) -> str:
    """The dashboard's URL for a filter state: only what differs from the defaults, in a stable order."""
    query = {
        name: getattr(filters, attr)
        for attr, name in _PARAMS.items()
        if getattr(filters, attr) is not None and getattr(filters, attr) != getattr(_DEFAULTS, attr)
    }
    path = reverse("observatory:dashboard")
    return f"{path}?{urlencode(query)}" if query else path


# --- Checking the parameters ------------------------------------------------------------------------------


def check(filters: Filters, years: Sequence[int], default_year: int | None = None) -> Filters:
    """The filters with the year filled in (`default_year`, else the latest); DashboardError on any value the
    snapshot does not know."""
    if not years:
        raise DashboardError(_("The snapshot holds no supply or demand figures yet."))
    year = filters.year if filters.year is not None else (default_year or years[-1])
    if year not in years:
        raise DashboardError(
            _("No figures for %(year)s: choose one of %(years)s.")
            % {"year": year, "years": ", ".join(map(str, years))}
        )
    known = territories()
    if filters.region is not None and (
        filters.region not in known or known[filters.region].level != "region"
    ):
        raise DashboardError(_("Unknown region “%(value)s”.") % {"value": filters.region})
    if filters.province is not None:
        if filters.region is None:
            raise DashboardError(_("Choose the region of the province first."))
        if filters.province not in provinces_of(filters.region):
            raise DashboardError(
                _("“%(value)s” is not a province of this region.") % {"value": filters.province}
            )
    if filters.dimension not in DIMENSIONS:
        raise DashboardError(_("Unknown dimension “%(value)s”.") % {"value": filters.dimension})
    if filters.indicator not in INDICATORS:
        raise DashboardError(_("Unknown indicator “%(value)s”.") % {"value": filters.indicator})
    if filters.group is not None and filters.group not in gaps.group_codes(filters.dimension):
        raise DashboardError(_("Unknown group “%(value)s”.") % {"value": filters.group})
    if filters.shortage_page < 1 or filters.surplus_page < 1:
        raise DashboardError(_("Pages are numbered from 1."))
    return replace(filters, year=year)


# --- Caching per snapshot ---------------------------------------------------------------------------------

_cache: OrderedDict[tuple, object] = OrderedDict()
_lock = threading.Lock()
_stats = {"hits": 0, "misses": 0}


def snapshot_version() -> int:
    """Changes with every refresh (the snapshot file is replaced): the key of everything computed from it."""
    try:
        return warehouse.warehouse_path().stat().st_mtime_ns
    except FileNotFoundError as error:
        raise gaps.NoSnapshot(str(warehouse.warehouse_path())) from error


def _memo(key: tuple, compute: Callable[[], object]) -> object:
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            _stats["hits"] += 1
            return _cache[key]
    value = compute()
    with _lock:
        _stats["misses"] += 1
        _cache[key] = value
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def cache_info() -> dict[str, int]:
    with _lock:
        return {**_stats, "size": len(_cache)}


def cache_clear() -> None:
    from kafaat.observatory import disclosure

    with _lock:
        _cache.clear()
        _stats.update(hits=0, misses=0)
    disclosure.cache_clear()  # the suppression pattern too: "nothing cached" means nothing


def _table(version: int, language: str, year: int, level: str, region: str | None, dimension: str) -> list:
    key = ("table", version, language, year, level, region, dimension)
    return _memo(key, lambda: gaps.gap_table(year, level=level, region=region, dimension=dimension))  # type: ignore[return-value]


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


def shown(rows: list[gaps.GapRow], exact: bool) -> list[Shown]:
    if exact:
        return [Shown(r, frozenset()) for r in rows]
    return [Shown(p, p.suppressed) for p in gaps.published_table(rows)]


def format_value(name: str, value, language: str) -> str:
    if value is None:
        return "–"
    with translation.override(language):
        if name == "placement_rate" or name.startswith("women_share"):
            return f"{formats.number_format(round(value * 100), 0)}\u00a0%"
        if name in ("graduates", "vacancies", "hires", "graduates_women", "hires_women", "youth_population"):
            return formats.number_format(value, 0, force_grouping=True)
        if name == "coverage":
            return formats.number_format(round(value, 1), 1)
        return formats.number_format(round(value, 2), 2)  # number_format cuts digits off: round first


# --- The dashboard ----------------------------------------------------------------------------------------


def years() -> list[int]:
    version = snapshot_version()
    return _memo(("years", version), gaps.years_available)  # type: ignore[return-value]


def default_year() -> int | None:
    """The year shown when none is asked for: the last whose supply and demand are both complete."""
    version = snapshot_version()
    return _memo(("default year", version), gaps.latest_complete_year)  # type: ignore[return-value]


def build(user, filters: Filters, language: str) -> Dashboard:
    """The dashboard for these filters (raises DashboardError on bad ones, NoSnapshot without a snapshot)."""
    exact = sees_exact_figures(user)
    version = snapshot_version()
    available = years()
    visible = gaps.visible_regions(user)
    provinces = gaps.visible_provinces(user)
    filters = allowed(user, check(filters, available, default_year()), visible, provinces)
    _prewarm_in_background(version)
    only = only_provinces(filters, visible, provinces)
    board = _board(version, language, exact, filters, available, only)
    if visible is None:
        return board
    # A reader scoped to regions: no way back to the national map; to a province: nor to its region.
    return replace(board, national=False, trail=board.trail[2:] if only else board.trail[1:])


def _board(
    version: int,
    language: str,
    exact: bool,
    filters: Filters,
    available: list[int],
    only: frozenset[str] = frozenset(),
) -> Dashboard:
    key = ("dashboard", version, language, exact, filters, only)
    compute = lambda: _compute(filters, language, exact, version, available, only)  # noqa: E731
    return _memo(key, compute)  # type: ignore[return-value]


# --- Prewarming: the common views drawn once per snapshot, in the background ------------------------------

_prewarmed: set[int] = set()


def default_views(available: list[int]) -> list[Filters]:
    """What readers open first: the country and each region, default year, by occupation, S/D on the map."""
    year = default_year() or available[-1]
    regions = [code for code, t in territories().items() if t.level == "region"]
    return [Filters(year=year)] + [Filters(year=year, region=code) for code in regions]


def prewarm(version: int | None = None) -> int:
    """Compute the default views in every language, exact and published; their charts land in the disk
    cache, so other processes draw nothing either. Returns the number of views computed."""
    from django.conf import settings

    from kafaat.observatory import disclosure

    version = version or snapshot_version()
    available = years()
    done = 0
    year = default_year() or (available[-1] if available else None)
    if year is not None:  # the published form's suppression pattern first: every published view needs it
        for dimension in DIMENSIONS:
            disclosure.protection(year, dimension)
    for filters in default_views(available):
        if snapshot_version() != version:
            break  # refreshed meanwhile: the next request prewarms the new snapshot
        for language, _name in settings.LANGUAGES:
            for exact in (True, False):
                board = _board(version, language, exact, filters, available)
                for which in CHARTS:  # drawn here, so no reader waits for them
                    spec = getattr(board, f"{which}_spec")
                    if spec is not None:
                        maps.render_svg(spec)
                done += 1
    return done


def _prewarm_in_background(version: int) -> None:
    """Once per snapshot and process, on the first dashboard request that sees it (unless the setting
    KAFAAT_DASHBOARD_PREWARM is False)."""
    from django.conf import settings

    if not getattr(settings, "KAFAAT_DASHBOARD_PREWARM", True):
        return
    with _lock:
        if version in _prewarmed:
            return
        _prewarmed.add(version)

    def run() -> None:
        try:
            prewarm(version)
        except Exception:  # a cache filler: the pages compute what it could not; the log says why
            logger.exception("Prewarming the observatory dashboard failed")

    threading.Thread(target=run, name="dashboard-prewarm", daemon=True).start()


def _trail(filters: Filters, language: str) -> list[tuple[str, Filters]]:
    known = territories()
    base = replace(filters, region=None, province=None, shortage_page=1, surplus_page=1)
    trail = [(pgettext("territory", "Morocco"), base)]
    if filters.region:
        trail.append((known[filters.region].name(language), replace(base, region=filters.region)))
    if filters.province:
        trail.append(
            (
                known[filters.province].name(language),
                replace(base, region=filters.region, province=filters.province),
            )
        )
    return trail


def _compute(
    filters: Filters,
    language: str,
    exact: bool,
    version: int,
    available: list[int],
    only: frozenset[str] = frozenset(),
) -> Dashboard:
    with translation.override(language):
        return _compute_in_language(filters, language, exact, version, available, only)


def _compute_in_language(
    filters: Filters,
    language: str,
    exact: bool,
    version: int,
    available: list[int],
    only: frozenset[str] = frozenset(),
) -> Dashboard:
    known = territories()
    year, dimension = filters.year, filters.dimension
    assert year is not None
    level = "province" if filters.region else "region"
    territory_code = filters.province or filters.region or NATIONAL
    territory_name = (
        known[territory_code].name(language) if territory_code in known else pgettext("territory", "Morocco")
    )
    info = snapshot.info()
    board = Dashboard(
        filters=filters,
        language=language,
        exact=exact,
        years=available,
        taken_at=info.taken_at if info else None,
        level=level,
        territory_code=territory_code,
        territory_name=territory_name,
        trail=_trail(filters, language),
    )
    board.groups = [(code, gaps.group_name(dimension, code)) for code in gaps.group_codes(dimension)]

    regions = _table(version, language, year, "region", None, dimension)
    provinces = (
        _table(version, language, year, "province", filters.region, dimension) if filters.region else []
    )

    # The rows of the selected territory, one per group (national: the regions added up).
    if filters.province:
        mine = [r for r in provinces if r.territory_code == filters.province]
    elif filters.region:
        mine = [r for r in regions if r.territory_code == filters.region]
    else:
        mine = [
            combine(
                [r for r in regions if r.group_code == code],
                territory_code=NATIONAL,
                territory_name=territory_name,
                level="region",
                group_code=code,
                group_name=gaps.group_name(dimension, code),
            )
            for code in sorted({r.group_code for r in regions})
        ]
    _rank(board, shown(mine, exact), language)

    group = filters.group
    if group is None and (board.shortage or board.surplus):
        group = (board.shortage or board.surplus)[
            0
        ].group_code  # the worst shortage, else the largest surplus
    board.group = group
    board.group_name = gaps.group_name(dimension, group) if group else ""

    _map(board, regions if level == "region" else provinces, level, language, exact, only)
    _sectors(board, version, language, year, exact)
    _projection(board, language, exact)
    return board


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


def svgs(board: Dashboard) -> dict[str, str]:
    """Each chart's SVG when it is drawn already (in the board, or on disk by any process), else ""."""
    out = {}
    for which in CHARTS:
        svg = getattr(board, f"{which}_svg")
        spec = getattr(board, f"{which}_spec")
        out[which] = svg or (maps.cached_svg(spec) if spec is not None else "") or ""
    return out


def chart(user, filters: Filters, language: str, which: str) -> str:
    """One chart of a dashboard as SVG, drawn now if no process drew it before (the page's lazy fragments).
    DashboardError for an unknown chart; "" when the board has none (e.g. no group to project)."""
    if which not in CHARTS:
        raise DashboardError(_("Unknown chart “%(value)s”.") % {"value": which[:20]})
    board = build(user, filters, language)
    spec = getattr(board, f"{which}_spec")
    return "" if spec is None else maps.render_svg(spec)


def _stamp(board: Dashboard) -> str:
    """ "Snapshot of <time>", in the board's language: drawn into every chart, which may be saved alone."""
    if board.taken_at is None:
        return ""
    when = formats.date_format(timezone.localtime(board.taken_at), "SHORT_DATETIME_FORMAT")
    return _("Snapshot of %(when)s") % {"when": when}


def _rank(board: Dashboard, rows: list[Shown], language: str) -> None:
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
            )
        )
    # Shortage: the most negative mismatch (lowest S/D) first, ties by group code; surplus: the reverse.
    ranked.sort(key=lambda r: (r.mismatch_value, r.group_code))
    board.shortage = [r for r in ranked if r.mismatch_value < 0]
    board.surplus = [r for r in reversed(ranked) if r.mismatch_value > 0]


def _link(filters: Filters, **changes) -> str:
    return url(replace(filters, shortage_page=1, surplus_page=1, **changes))


def _map(
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
    names = {code: known[code].name(language) for code in codes}
    title = str(INDICATORS[indicator])
    spec = maps.choropleth(
        level,
        values,
        indicator=indicator,
        language=language,
        names=names,
        region=filters.region,
        legend_title=title,
        note=_stamp(board),
    )
    board.map_spec, board.map_svg = spec, _draw(spec)


def _sectors(board: Dashboard, version: int, language: str, year: int, exact: bool) -> None:
    filters = board.filters
    if filters.province:
        rows = [
            r
            for r in _table(version, language, year, "province", filters.region, "sector")
            if r.territory_code == filters.province
        ]
    elif filters.region:
        rows = [
            r
            for r in _table(version, language, year, "region", None, "sector")
            if r.territory_code == filters.region
        ]
    else:
        regions = _table(version, language, year, "region", None, "sector")
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
    if bars:
        spec = sector_chart(bars, language=language, title=board.territory_name, subtitle=_stamp(board))
        board.sector_spec, board.sector_svg = spec, _draw(spec)


def _projection(board: Dashboard, language: str, exact: bool) -> None:
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
    from kafaat.observatory import disclosure

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
