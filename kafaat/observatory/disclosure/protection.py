"""The country's protection for a year and dimension, computed once per snapshot and shared by every reader
(the dashboard, the API and the packages), and the gap rows in their published form (`published_table`).

Split from ``rule.py`` (the suppression rule itself); the patterns computed at refresh are read through
``store.py``.
"""

from __future__ import annotations

import hashlib
import importlib
import threading
from collections import OrderedDict
from dataclasses import fields

from kafaat.observatory import snapshot
from kafaat.observatory.disclosure import rule, store
from kafaat.observatory.disclosure.rule import PUBLISHED_COUNTS, Protection, published_fields
from kafaat.observatory.gaps import GapRow, PublishedGapRow
from kafaat.results import suppression
from kafaat.results.suppression import THRESHOLD

# --- one protection per (year, dimension, figures), shared by every reader ---------------------------------

_cache: OrderedDict[str, Protection] = OrderedDict()  # by a digest of the figures
_by_version: dict[tuple, Protection] = {}  # by snapshot version: no gap table read at all
_lock = threading.Lock()
CACHE_SIZE = 16


def _engine():
    # The gap engine as currently imported (tests may stand in for it).
    return importlib.import_module("kafaat.observatory.gaps")


def _snapshot_version() -> tuple[str, int] | None:
    path = snapshot.warehouse_path()
    try:
        return str(path), path.stat().st_mtime_ns
    except FileNotFoundError:
        return None


def protection(year: int, dimension: str, *, threshold: int = THRESHOLD) -> Protection:
    """The country's protection for a year and dimension, from the gap engine: computed once per snapshot
    (a refresh replaces the snapshot file, hence its version), and kept for the same figures."""
    engine = _engine()
    version = _snapshot_version()
    fast = (id(engine), version, int(year), dimension, threshold)
    with _lock:
        if version is not None and fast in _by_version:
            return _by_version[fast]
    real = store.is_real(engine)
    loaded = store.stored(year, dimension, threshold) if real and version is not None else None
    path = store.disk_path(version, year, dimension, threshold) if real and version is not None else None
    if loaded is None and path is not None:
        loaded = store.load(path)
    if loaded is not None:  # computed at refresh (in the snapshot), or by another process (on disk)
        with _lock:
            _by_version[fast] = loaded
        return loaded
    regions = engine.gap_table(year, level="region", region=None, dimension=dimension)
    provinces = engine.gap_table(year, level="province", region=None, dimension=dimension)
    digest = hashlib.sha256(repr((year, dimension, threshold)).encode())
    for row in (*regions, *provinces):
        counts = (row.territory_code, row.group_code, *(getattr(row, m) for m in PUBLISHED_COUNTS))
        digest.update(repr(counts).encode())
    key = digest.hexdigest()
    with _lock:
        built = _cache.get(key)
    if built is None:
        # Through the module (not a name imported from it): the tests count the calls of `rule.build`.
        built = rule.build(year, dimension, regions, provinces, threshold=threshold)
    with _lock:
        _cache[key] = built
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
        if version is not None:
            _by_version[fast] = built
            while len(_by_version) > CACHE_SIZE:
                _by_version.pop(next(iter(_by_version)))
    if path is not None:
        store.save(path, built)
    return built


def cache_clear() -> None:
    with _lock:
        _cache.clear()
        _by_version.clear()


# --- The published form -------------------------------------------------------------------------------------


def published_table(rows: list[GapRow], *, threshold: int = suppression.THRESHOLD) -> list[PublishedGapRow]:
    """The gap rows as the public sees them: the one rule of `rule.py` (moved from the gap engine, which the
    protection reads: the published form sits above both).

    The rows may be any rows of the year's gap tables (regions, provinces) or their sums that the dashboard
    shows: the country's figure of a group (territory_code "MA"), a territory's figure of all groups
    (group_code "*"). Each value is looked up in the protection computed once for the whole country (linked
    territory × group and group × sex tables, threshold 5 and secondary suppression), so a figure is shown
    or hidden as in every open-data package. Hidden fields are None and named in `suppressed`.
    """
    out: list[PublishedGapRow] = []
    protections: dict[tuple[int, str], Protection] = {}
    for r in rows:
        key = (r.year, r.dimension)
        if key not in protections:
            protections[key] = protection(r.year, r.dimension, threshold=threshold)
        published = published_fields(
            protections[key],
            r.territory_code,
            r.group_code,
            location_quotient=r.location_quotient,
            cohort=(r.placed, r.certified),
            youth=r.youth_population,
        )
        values = {f.name: getattr(r, f.name) for f in fields(PublishedGapRow) if f.name != "suppressed"}
        names = {name for name, value in published.items() if value == suppression.MARKER}
        for name in names:
            values[name] = None
        out.append(PublishedGapRow(**values, suppressed=frozenset(names)))
    return out
