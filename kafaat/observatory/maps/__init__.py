"""Choropleth maps of Morocco's regions and provinces as server-rendered SVG, cached on disk.

Public entry points: `choropleth` (a map's Vega-Lite spec), `render_svg` / `cached_svg` (any chart spec as
SVG, from the disk cache shared by the server's processes), `cache_dir`, `cache_info`, `fingerprint`. The
parts: `choropleth` (specs and rendering), `template` (a choropleth coloured from its drawn template),
`drawing` (what both share: the disk cache, vl-convert's drawing), `geometry` (the simplified TopoJSON,
built by the `build_map_geometry` command).
"""

from kafaat.observatory.maps.choropleth import (
    Level,
    MapValue,
    Scale,
    cache_key,
    cached_svg,
    choropleth,
    fingerprint,
    level_features,
    render_svg,
)
from kafaat.observatory.maps.drawing import (
    LINK_ORIGIN,
    NO_DATA_COLOUR,
    SELECTED_STROKE,
    cache_dir,
    cache_info,
    draw,
    write_atomically,
)

__all__ = [
    "LINK_ORIGIN",
    "NO_DATA_COLOUR",
    "SELECTED_STROKE",
    "Level",
    "MapValue",
    "Scale",
    "cache_dir",
    "cache_info",
    "cache_key",
    "cached_svg",
    "choropleth",
    "draw",
    "fingerprint",
    "level_features",
    "render_svg",
    "write_atomically",
]
