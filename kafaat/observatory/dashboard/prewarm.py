"""Prewarming: the views readers open first, and every map's template, computed ahead of them once per
snapshot: right after the refresh, or in the background on the first request of a process that sees a new
snapshot.

Split from ``cache.py`` (which keeps what this computes) so that the cache no longer imports the board that
fills it.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.utils import translation

from kafaat.core import jobs
from kafaat.core.models import Job
from kafaat.observatory import maps
from kafaat.observatory.dashboard.board import cached_board
from kafaat.observatory.dashboard.cache import default_year, snapshot_version, years
from kafaat.observatory.dashboard.panels import CHARTS, map_spec
from kafaat.observatory.dashboard.state import INDICATORS, Filters, territories
from kafaat.observatory.maps import template as map_template

logger = logging.getLogger(__name__)

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


PREWARM_JOB = "observatory.prewarm"


def prewarm_in_background(version: int) -> None:
    """Once per snapshot, on the first dashboard request that sees it (unless the setting
    KAFAAT_DASHBOARD_PREWARM is False): a job in the worker, queued once whichever server process asks."""
    if not getattr(settings, "KAFAAT_DASHBOARD_PREWARM", True):
        return
    with _prewarm_lock:
        if version in _prewarmed:
            return
        _prewarmed.add(version)
    queue_prewarm(version)


def queue_prewarm(version: int, user=None) -> None:
    if not Job.objects.filter(kind=PREWARM_JOB, params__version=version).exists():
        jobs.enqueue(PREWARM_JOB, user=user, params={"version": version})
