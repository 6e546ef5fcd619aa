"""What the choropleths (`choropleth.py`) and their templates (`template.py`) share: the disk cache beside the
drawn maps, vl-convert's drawing with its counters, and the constants both write into a map.

Moved down from ``choropleth.py`` so that the template no longer imports the module that uses it.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

from django.conf import settings

from kafaat.core.pages import charts

NO_DATA_COLOUR = "#c8c8c8"
# The outline of the territory the page is about (a selected province): dark and thick, on any fill.
SELECTED_STROKE, SELECTED_STROKE_WIDTH = "#1a1a1a", 2.5
# Vega resolves relative links against its own base URL: links go in under this origin, which is then cut off.
LINK_ORIGIN = "https://kafaat.invalid"

_stats = {"memory_or_disk_hits": 0, "renders": 0}
_lock = threading.Lock()


def cache_dir() -> Path:
    return Path(getattr(settings, "KAFAAT_MAP_CACHE", Path(settings.VAR_DIR) / "cache" / "maps"))


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, path)  # atomic: a reader never sees half a file


def draw(spec: dict) -> str:
    """A drawing by vl-convert (counted in `cache_info`)."""
    svg = charts.render_svg(spec)
    with _lock:
        _stats["renders"] += 1
    return svg


def count_hit() -> None:
    """One map served without drawing (from the disk cache, or its template)."""
    with _lock:
        _stats["memory_or_disk_hits"] += 1


def cache_info() -> dict[str, int]:
    with _lock:
        return dict(_stats)
