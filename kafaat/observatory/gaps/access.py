"""Who reads which gap tables: the API, the dashboard and the publication ask here (through the package).

Split from ``engine.py``; the package re-exports these functions as part of its contract.
"""

from __future__ import annotations


def may_read(user) -> bool:
    """Gap tables are aggregates: whoever may read aggregates (managers, analysts, donor viewers)."""
    from kafaat.core import access

    return access.has_permission(user, access.Permission.VIEW_AGGREGATES)


def sees_exact_figures(user) -> bool:
    """Those who may also refresh the warehouse (programme managers, national administrators) see exact
    figures; every other reader of aggregates sees the published (suppressed) form."""
    from kafaat.core import access
    from kafaat.observatory.permissions import REFRESH_WAREHOUSE

    return may_read(user) and access.has_permission(user, REFRESH_WAREHOUSE)


def visible_regions(user) -> set[str] | None:
    """The region codes whose gap tables `user` may read; None for the whole country."""
    from kafaat.core import access
    from kafaat.core.models import Territory

    regions = Territory.objects.filter(level=Territory.Level.REGION)
    codes = set(
        access.scoped(user, access.Permission.VIEW_AGGREGATES, regions).values_list("code", flat=True)
    )
    return None if codes == set(regions.values_list("code", flat=True)) else codes


def visible_provinces(user) -> set[str] | None:
    """Provinces whose figures `user` may read outside the regions of `visible_regions` (a membership scoped
    to a province); None for the whole country. Least privilege: such a reader sees the province alone:
    neither its region's figures (its territorial scope does not hold the region) nor the other provinces'."""
    from kafaat.core import access
    from kafaat.core.models import Territory

    regions = visible_regions(user)
    if regions is None:
        return None
    provinces = Territory.objects.filter(level=Territory.Level.PROVINCE)
    codes = access.scoped(user, access.Permission.VIEW_AGGREGATES, provinces).values_list("code", flat=True)
    return {code for code in codes if region_of(code) not in regions}


def region_of(province: str) -> str:
    """The region code of a province code (HCP codes start with the region's number: 02.411 -> MA-02)."""
    return f"MA-{province.split('.')[0]}"
