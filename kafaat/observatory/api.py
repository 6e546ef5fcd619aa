"""Observatory endpoints: the gap table and the projection of one cell — aggregates only, from the warehouse
snapshot; small cells suppressed for every reader but those who see exact figures (gaps.sees_exact_figures).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from kafaat.core import audit
from kafaat.core.api_schema import Error
from kafaat.observatory import disclosure, gaps, snapshot
from kafaat.observatory.disclosure import published_table

router = Router(tags=["observatory"])


class GapIn(Schema):
    year: int = Field(..., ge=1990, le=2100)
    level: Literal["region", "province"] = "region"
    region: str | None = Field(None, max_length=20, description="region code (e.g. MA-02); none: the country")
    dimension: Literal["occupation", "sector"] = "occupation"


class GapRowOut(Schema):
    territory_code: str
    territory_name: str
    group_code: str
    group_name: str
    graduates: int | None
    graduates_women: int | None
    vacancies: int | None
    hires: int | None
    hires_women: int | None
    ratio: float | None
    mismatch: float | None
    location_quotient: float | None
    placement_rate: float | None
    women_share_graduates: float | None
    women_share_hires: float | None
    youth_population: int | None
    coverage: float | None
    suppressed: list[str] = Field(description="fields hidden by small-cell suppression (shown as null)")


class GapTableOut(Schema):
    year: int
    level: str
    region: str | None
    dimension: str
    taken_at: datetime
    suppressed: bool = Field(description="whether small-cell suppression was applied for this reader")
    uncoded_vacancies: int = Field(description="positions of the year not coded to an occupation (left out)")
    rows: list[GapRowOut]


class ProjectionIn(Schema):
    level: Literal["national", "region", "province"] = "region"  # national: territory MA
    territory: str = Field(..., max_length=20)
    dimension: Literal["occupation", "sector"] = "occupation"
    group: str = Field(..., max_length=30)
    horizon: int = Field(3, ge=1, le=10)


class ProjectionRowOut(Schema):
    year: int
    supply: float | None
    supply_low: float | None
    supply_high: float | None
    demand: float | None
    demand_low: float | None
    demand_high: float | None
    observed: bool
    method: str


def _allow(user, region: str | None, province: str | None = None) -> set[str] | None:
    """PermissionDenied outside the user's territories; else the provinces the answer is limited to (a reader
    scoped to provinces of `region`: least privilege, not the region's nor its other provinces' figures), or
    None (no limit)."""
    if not gaps.may_read(user):
        raise PermissionDenied
    regions = gaps.visible_regions(user)
    if regions is None or (region is not None and region in regions):
        return None
    mine = {p for p in gaps.visible_provinces(user) or () if gaps.region_of(p) == region}
    if region is None or not mine or (province is not None and province not in mine):
        raise PermissionDenied
    return mine


def _region_of(level: str, code: str) -> str | None:
    if level == "national":
        return None  # the country: readers of the whole country only
    return code if level == "region" else f"MA-{code.split('.')[0]}"


def _no_snapshot() -> dict:
    return {"detail": _("The warehouse has not been refreshed yet: there are no figures to show.")}


@router.get("/observatory/years", response={200: list[int], 409: Error})
def years(request: HttpRequest):
    if not gaps.may_read(request.user):
        raise PermissionDenied
    try:
        return gaps.years_available()
    except gaps.NoSnapshot:
        return Status(409, _no_snapshot())


@router.get("/observatory/gaps", response={200: GapTableOut, 400: Error, 409: Error})
def gap_table(request: HttpRequest, params: Query[GapIn]):
    only = _allow(request.user, params.region)
    if only is not None and params.level != "province":
        raise PermissionDenied  # a reader scoped to provinces may not read their region's row
    try:
        rows = gaps.gap_table(
            params.year, level=params.level, region=params.region, dimension=params.dimension
        )
        if only is None:
            uncoded = gaps.coding_summary(params.year, level="region", region=params.region)
        else:
            rows = [r for r in rows if r.territory_code in only]
            summary = gaps.coding_summary(params.year, level="province", region=params.region)
            uncoded = {t: v for t, v in summary.items() if t in only}
        info = snapshot.info()
    except gaps.GapError as error:
        return Status(400, {"detail": str(error)})
    except gaps.NoSnapshot:
        return Status(409, _no_snapshot())
    exact = gaps.sees_exact_figures(request.user)
    shown = (
        [{**row.__dict__, "suppressed": []} for row in rows]
        if exact
        else [{**row.__dict__, "suppressed": sorted(row.suppressed)} for row in published_table(rows)]
    )
    audit.record(audit.Action.EXPORT, request.user, target_type="observatory.gaps", details={
        "api": "observatory.gaps", "year": params.year, "level": params.level, "region": params.region,
        "dimension": params.dimension, "exact": exact,
    })  # fmt: skip
    return {
        "year": params.year,
        "level": params.level,
        "region": params.region,
        "dimension": params.dimension,
        "taken_at": info.taken_at,
        "suppressed": not exact,
        "uncoded_vacancies": sum(t["uncoded"] for t in uncoded.values()),
        "rows": shown,
    }


@router.get("/observatory/projection", response={200: list[ProjectionRowOut], 400: Error, 409: Error})
def projection(request: HttpRequest, params: Query[ProjectionIn]):
    province = params.territory if params.level == "province" else None
    only = _allow(request.user, _region_of(params.level, params.territory), province)
    if only is not None and province is None:
        raise PermissionDenied
    try:
        rows = gaps.projection(
            level=params.level,
            territory_code=params.territory,
            dimension=params.dimension,
            group_code=params.group,
            horizon=params.horizon,
        )
    except gaps.GapError as error:
        return Status(400, {"detail": str(error)})
    except gaps.NoSnapshot:
        return Status(409, _no_snapshot())
    if not gaps.sees_exact_figures(request.user):
        rows = _suppress_projection(rows)
    return [row.__dict__ for row in rows]


def _suppress_projection(rows: list[gaps.ProjectionRow]) -> list[gaps.ProjectionRow]:
    """For aggregate-only readers: the published projection (disclosure.published_projection, the rule of the
    dashboard and the packages): small observed counts hidden, and the projected values that follow them."""
    return disclosure.published_projection(rows)[0]
