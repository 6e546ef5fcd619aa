"""The one suppression rule of the observatory's published figures (dashboard, API and open-data packages).

Public entry points: `protection` (the country's pattern for a year and dimension, computed once per
snapshot), `published_table`, `published_fields` and `published_projection` (figures as the public sees
them), `build` and the rule's constants. The parts: `rule` (the rule: linked tables, threshold, secondary
suppression), `protection` (the pattern shared by every reader, and the published gap rows) and `store`
(the patterns kept in the snapshot at refresh, and on disk for the server's other processes).
"""

from kafaat.observatory.disclosure.protection import (
    CACHE_SIZE,
    cache_clear,
    protection,
    published_table,
)
from kafaat.observatory.disclosure.rule import (
    ALL,
    COUNTS,
    NATIONAL,
    PUBLISHED_COUNTS,
    SEXED,
    THRESHOLD,
    UNALLOCATED,
    Protection,
    build,
    published_fields,
    published_projection,
    region_of,
    unallocated_code,
)

__all__ = [
    "ALL",
    "CACHE_SIZE",
    "COUNTS",
    "NATIONAL",
    "PUBLISHED_COUNTS",
    "SEXED",
    "THRESHOLD",
    "UNALLOCATED",
    "Protection",
    "build",
    "cache_clear",
    "protection",
    "published_fields",
    "published_projection",
    "published_table",
    "region_of",
    "unallocated_code",
]
