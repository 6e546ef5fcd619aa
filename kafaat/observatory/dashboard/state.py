"""The dashboard's state: its filters (checked against the snapshot and the reader's territories), the
territories it names, and the computed board that the page renders.

Split from ``board.py`` (which computes a board); no HTTP here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kafaat.core.territories import reference_rows
from kafaat.observatory import gaps

PAGE_SIZE = 10
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
    # The figures for exports: numbers as numbers, MARKER where hidden, None where undefined (e.g. S/D of 0).
    values: dict = field(default_factory=dict, compare=False)


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
    map_values: list = field(default_factory=list)  # maps.MapValue of each territory on the map, in order
    shortage: list[RankedRow] = field(default_factory=list)
    surplus: list[RankedRow] = field(default_factory=list)
    hidden_groups: int = 0  # groups whose mismatch is suppressed: in neither list
    groups: list[tuple[str, str]] = field(default_factory=list)  # (code, name) of the dimension
    group: str | None = None
    group_name: str = ""
    sector_svg: str = ""
    sector_bars: list[SectorBar] = field(default_factory=list)
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
