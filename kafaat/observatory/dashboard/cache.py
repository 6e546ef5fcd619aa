"""The dashboard's caches: everything computed from a warehouse snapshot is kept in memory under the
snapshot's version (the `CACHE_SIZE` most recent), and the views readers open first, and every map's
template, are computed ahead of them (`prewarm`), once per snapshot: right after the refresh, or in the
background on the first request of a process that sees a new snapshot.

Split from ``dashboard.py``, which computes one board.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from kafaat.core.memo import RecentMemo
from kafaat.observatory import gaps, maps, warehouse
from kafaat.observatory.dashboard_state import Filters, territories

logger = logging.getLogger(__name__)
CACHE_SIZE = 256

# --- Caching per snapshot ---------------------------------------------------------------------------------

_boards = RecentMemo(CACHE_SIZE)


def snapshot_version() -> int:
    """Changes with every refresh (the snapshot file is replaced): the key of everything computed from it."""
    try:
        return warehouse.warehouse_path().stat().st_mtime_ns
    except FileNotFoundError as error:
        raise gaps.NoSnapshot(str(warehouse.warehouse_path())) from error


def memo(key: tuple, compute: Callable[[], object]) -> object:
    return _boards.get(key, compute)


def cache_info() -> dict[str, int]:
    return _boards.info()


def cache_clear() -> None:
    from kafaat.observatory import disclosure, map_template

    _boards.clear()
    disclosure.cache_clear()  # the suppression patterns and map templates too: "nothing cached" means nothing
    map_template.cache_clear()


def table(version: int, language: str, year: int, level: str, region: str | None, dimension: str) -> list:
    key = ("table", version, language, year, level, region, dimension)
    return memo(key, lambda: gaps.gap_table(year, level=level, region=region, dimension=dimension))  # type: ignore[return-value]


def years() -> list[int]:
    version = snapshot_version()
    return memo(("years", version), gaps.years_available)  # type: ignore[return-value]


def default_year() -> int | None:
    """The year shown when none is asked for: the last whose supply and demand are both complete."""
    version = snapshot_version()
    return memo(("default year", version), gaps.latest_complete_year)  # type: ignore[return-value]


# --- Prewarming: the common views drawn once per snapshot, in the background ------------------------------

_prewarmed: set[int] = set()
_prewarm_lock = threading.Lock()  # guards _prewarmed


def default_views(
    available: list[int], dimension: str = "occupation", provinces: bool = False
) -> list[Filters]:
    """What readers open first: the country and each region (or, `provinces`, each province: the drill-down),
    default year, by `dimension`, S/D on the map."""
    year = default_year() or available[-1]
    if not provinces:
        return [Filters(year=year, region=code, dimension=dimension) for code in (None, *_regions())]
    return [
        Filters(year=year, region=t.parent, province=code, dimension=dimension)
        for code, t in territories().items()
        if t.level == "province"
    ]


def _regions() -> list[str]:
    return [code for code, t in territories().items() if t.level == "region"]


def prewarm(version: int | None = None) -> int:
    """Compute the default views (the country and regions by occupation, every map's template, the country
    and regions by sector, then each province by occupation) in every language, exact and published; their
    charts land in the disk cache, so other processes draw nothing either. The suppression patterns are in
    the snapshot already (computed at refresh). Returns the number of views."""
    from django.conf import settings

    from kafaat.observatory.dashboard import CHARTS, cached_board  # computes the boards this module caches

    version = version or snapshot_version()
    available = years()
    done = 0
    steps = (("occupation", False), ("maps", False), ("sector", False), ("occupation", True))
    for step, provinces in steps:
        if step == "maps":
            map_templates()
            continue
        for filters in default_views(available, step, provinces):
            if snapshot_version() != version:
                return done  # refreshed meanwhile: the next request prewarms the new snapshot
            for language, _name in settings.LANGUAGES:
                for exact in (True, False):
                    # Provinces: their charts on disk, their boards not kept (the memory is for the others).
                    board = cached_board(version, language, exact, filters, available, keep=not provinces)
                    for which in CHARTS:  # drawn here, so no reader waits for them
                        spec = getattr(board, f"{which}_spec")
                        if spec is not None:
                            maps.render_svg(spec)
                    done += 1
    return done


def map_templates() -> int:
    """Every choropleth's template (`map_template`: the country's regions and each region's provinces, every
    language, every indicator with a fixed colour scale), so that any view's map is only coloured. Returns
    how many were drawn (those already on disk are not drawn again)."""
    from django.conf import settings
    from django.utils import translation

    from kafaat.observatory import map_template
    from kafaat.observatory.dashboard_panels import map_spec
    from kafaat.observatory.dashboard_state import INDICATORS

    regions = _regions()
    drawn = maps.cache_info()["renders"]
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for indicator in INDICATORS:
                for level, region in [("region", None), *(("province", r) for r in regions)]:
                    spec = map_spec(level, region, indicator, language, [])
                    if map_template.scale_of(spec) is not None:
                        maps.render_svg(spec)
    return maps.cache_info()["renders"] - drawn


def prewarm_now() -> int:
    """`prewarm` of the current snapshot, here and now (after a refresh), unless this process did it."""
    version = snapshot_version()
    with _prewarm_lock:
        if version in _prewarmed:
            return 0
        _prewarmed.add(version)
    return prewarm(version)


def prewarm_in_background(version: int) -> None:
    """Once per snapshot and process, on the first dashboard request that sees it (unless the setting
    KAFAAT_DASHBOARD_PREWARM is False)."""
    from django.conf import settings

    if not getattr(settings, "KAFAAT_DASHBOARD_PREWARM", True):
        return
    with _prewarm_lock:
        if version in _prewarmed:
            return
        _prewarmed.add(version)

    def run() -> None:
        try:
            prewarm(version)
        except Exception:  # a cache filler: the pages compute what it could not; the log says why
            logger.exception("Prewarming the observatory dashboard failed")

    threading.Thread(target=run, name="dashboard-prewarm", daemon=True).start()
