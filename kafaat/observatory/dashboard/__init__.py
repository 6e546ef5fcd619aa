"""The regional dashboard of the observatory: what the page shows for a year, a territory and a dimension.

Public entry points (the view, the refresh and the tests use these): `build` and `chart` (a reader's board
and one of its charts), `export` (its tables and charts as files), `svgs`, the filters and the board's types
(`Filters`, `Dashboard`, `DashboardError`, `INDICATORS`, `DIMENSIONS`, `CHARTS`, `url`, `territories`,
`provinces_of`, `may_view`), the caches (`cache_clear`, `cache_info`, `years`, `default_year`) and `prewarm` /
`prewarm_now`. The parts: `page` (a reader's request), `board` (computing one board), `panels` and `charts`
(its panels and their Vega-Lite specs), `state` (filters, territories, the board), `cache` (per snapshot),
`prewarm` (the common views ahead of the readers), `exports` (files of a reader's board), `views` (the HTTP
side, which `observatory/urls.py` routes to).
"""

from kafaat.observatory.dashboard.board import cached_board, svgs
from kafaat.observatory.dashboard.cache import (
    cache_clear,
    cache_info,
    default_year,
    memo,
    snapshot_version,
    table,
    years,
)
from kafaat.observatory.dashboard.exports import FORMATS, Export, export
from kafaat.observatory.dashboard.page import build, chart
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
from kafaat.observatory.dashboard.prewarm import prewarm, prewarm_in_background, prewarm_now
from kafaat.observatory.dashboard.state import (
    DIMENSIONS,
    INDICATORS,
    NATIONAL,
    Dashboard,
    DashboardError,
    Filters,
    allowed,
    check,
    may_view,
    only_provinces,
    provinces_of,
    sees_exact_figures,
    territories,
    url,
)

__all__ = [
    "CHARTS",
    "DIMENSIONS",
    "INDICATORS",
    "NATIONAL",
    "Dashboard",
    "DashboardError",
    "Export",
    "FORMATS",
    "Filters",
    "allowed",
    "build",
    "cache_clear",
    "cache_info",
    "cached_board",
    "chart",
    "check",
    "choropleth",
    "combine",
    "default_group",
    "default_year",
    "export",
    "may_view",
    "memo",
    "only_provinces",
    "prewarm",
    "prewarm_in_background",
    "prewarm_now",
    "projection",
    "provinces_of",
    "rank",
    "sectors",
    "sees_exact_figures",
    "shown",
    "snapshot_version",
    "svgs",
    "table",
    "territories",
    "url",
    "years",
]
