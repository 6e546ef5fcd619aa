"""The regional dashboard of the observatory: what the page shows for a year, a territory and a dimension.

Everything comes from `gaps` (the warehouse snapshot): the choropleth of one indicator over the regions (or
the provinces of one region), the occupations or sectors ranked from the worst shortage to the largest
surplus, supply against demand per training sector, and the projection of one group. No HTTP here: the view
parses the request and renders.

Who sees what is decided in `gaps` (the same rules as the API and the publication): readers of aggregates
see the dashboard, limited to their regions when their membership is scoped; those who may refresh the
warehouse see exact figures, the others the published form (`disclosure.published_table`: small counts, and
the ratios that would reveal them, hidden as `*`).

A dashboard is computed once per warehouse snapshot, parameters, language and form (exact or published) and
kept in memory (`cache`); its maps are kept on disk by `maps`. A refresh makes a new snapshot
file, so nothing computed from the old one is shown again.

The parts: `state` (filters, territories, the board), `panels` (ranked groups, map, sectors, projection),
`charts` (their Vega-Lite specs), `cache` (the boards and tables per snapshot), `prewarm` (the common views
computed ahead); this module assembles a board, `page` answers a reader (with the reader's rights), and the
package's `__init__` names the interface the view and the tests use.
"""

from __future__ import annotations

from dataclasses import replace

from django.utils import translation
from django.utils.translation import pgettext

from kafaat.observatory import gaps, maps, snapshot
from kafaat.observatory.dashboard.cache import memo, table
from kafaat.observatory.dashboard.panels import (
    CHARTS,
    choropleth,
    combine,
    default_group,
    projection,
    rank,
    sectors,
    shown,
)
from kafaat.observatory.dashboard.state import NATIONAL, Dashboard, Filters, territories

# --- The dashboard ----------------------------------------------------------------------------------------


def cached_board(
    version: int,
    language: str,
    exact: bool,
    filters: Filters,
    available: list[int],
    only: frozenset[str] = frozenset(),
    *,
    keep: bool = True,
) -> Dashboard:
    """The board, computed once and kept in memory; `keep` False: computed without being kept (prewarming
    many views for their charts on disk, without pushing the common ones out of memory)."""
    key = ("dashboard", version, language, exact, filters, only)
    compute = lambda: _compute(filters, language, exact, version, available, only)  # noqa: E731
    return memo(key, compute) if keep else compute()  # type: ignore[return-value]


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

    regions = table(version, language, year, "region", None, dimension)
    provinces = (
        table(version, language, year, "province", filters.region, dimension) if filters.region else []
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
    visible = shown(mine, exact)
    rank(board, visible, language)

    group = filters.group or default_group(visible)
    board.group = group
    board.group_name = gaps.group_name(dimension, group) if group else ""

    choropleth(board, regions if level == "region" else provinces, level, language, exact, only)
    sectors(board, version, language, year, exact)
    projection(board, language, exact)
    return board


def svgs(board: Dashboard) -> dict[str, str]:
    """Each chart's SVG when it is drawn already (in the board, or on disk by any process), else ""."""
    out = {}
    for which in CHARTS:
        svg = getattr(board, f"{which}_svg")
        spec = getattr(board, f"{which}_spec")
        out[which] = svg or (maps.cached_svg(spec) if spec is not None else "") or ""
    return out
