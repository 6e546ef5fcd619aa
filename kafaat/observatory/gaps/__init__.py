"""Gaps and prospects: training supply against labour demand, per territory × occupation group or sector.

The contract the dashboard, the API, the publication and the tests' stand-in (tests/fake_gaps.py) share is
the names below; `engine` computes the rows from the warehouse snapshot, `rows` holds the engine's terms and
row types, `access` who reads which tables. The published form of the rows is `disclosure.published_table`.
"""

from kafaat.observatory.gaps.access import (
    may_read,
    region_of,
    sees_exact_figures,
    visible_provinces,
    visible_regions,
)
from kafaat.observatory.gaps.engine import (
    CONFIDENCE,
    FEW_POINTS,
    coding_summary,
    gap_table,
    latest_complete_year,
    projection,
    trend,
    years_available,
)
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
    PublishedGapRow,
    active_language,
    group_codes,
    group_name,
)
from kafaat.observatory.snapshot import NoSnapshot

__all__ = [
    "CONFIDENCE",
    "DIMENSIONS",
    "FEW_POINTS",
    "LEVELS",
    "NATIONAL",
    "Dimension",
    "GapError",
    "GapRow",
    "Level",
    "NoSnapshot",
    "ProjectionLevel",
    "ProjectionRow",
    "PublishedGapRow",
    "active_language",
    "coding_summary",
    "gap_table",
    "group_codes",
    "group_name",
    "latest_complete_year",
    "may_read",
    "projection",
    "region_of",
    "sees_exact_figures",
    "trend",
    "visible_provinces",
    "visible_regions",
    "years_available",
]
