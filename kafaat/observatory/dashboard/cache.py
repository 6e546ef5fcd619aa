"""The dashboard's cache: everything computed from a warehouse snapshot is kept in memory under the
snapshot's version (the `CACHE_SIZE` most recent). `prewarm.py` fills it ahead of the readers.

Split from ``board.py``, which computes one board.
"""

from __future__ import annotations

from collections.abc import Callable

from kafaat.core.pages import RecentMemo
from kafaat.observatory import disclosure, gaps, snapshot
from kafaat.observatory.maps import template as map_template

CACHE_SIZE = 256

# --- Caching per snapshot ---------------------------------------------------------------------------------

_boards = RecentMemo(CACHE_SIZE)


def snapshot_version() -> int:
    """Changes with every refresh (the snapshot file is replaced): the key of everything computed from it."""
    try:
        return snapshot.warehouse_path().stat().st_mtime_ns
    except FileNotFoundError as error:
        raise gaps.NoSnapshot(str(snapshot.warehouse_path())) from error


def memo(key: tuple, compute: Callable[[], object]) -> object:
    return _boards.get(key, compute)


def cache_info() -> dict[str, int]:
    return _boards.info()


def cache_clear() -> None:
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
