"""Choropleth maps of Morocco's regions, and of the provinces of one region, as server-rendered SVG.

The spec is Vega-Lite, drawn by `kafaat.core.pages.charts` (vl-convert: offline, Arabic labels as text) from
the simplified geometry of `geometry.py`. Each territory may carry a link (`href`): in the SVG it is a plain
`<a>` around the shape, so clicking a region drills down without any JavaScript. Territories without a value
(no data, or a suppressed figure) are grey and named in the legend; the map credits OpenStreetMap.

Rendered maps are cached on disk by the hash of their spec — the spec holds the numbers, so the cache is per
warehouse snapshot and parameters — under `$KAFAAT_VAR_DIR/cache/maps`, and in memory by `charts`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kafaat.core.l10n import formatting
from kafaat.core.pages import charts
from kafaat.observatory.maps import geometry
from kafaat.observatory.maps import template as map_template
from kafaat.observatory.maps.drawing import (
    LINK_ORIGIN,
    NO_DATA_COLOUR,
    SELECTED_STROKE,
    SELECTED_STROKE_WIDTH,
    cache_dir,
    count_hit,
    draw,
    write_atomically,
)

Level = str  # "region" (the 12 regions) or "province" (the provinces of one region)


@dataclass(frozen=True)
class Scale:
    """How an indicator is coloured: a diverging scheme around a neutral value, or a sequential one."""

    scheme: str
    domain: tuple[float, float] | None = None
    mid: float | None = None
    percent: bool = False


# The indicators of the observatory that a map shows (keys of `kafaat.observatory.gaps.GapRow`).
SCALES: dict[str, Scale] = {
    "ratio": Scale("redblue", (0.0, 2.0), 1.0),  # < 1: fewer graduates than vacancies (shortage, red)
    "mismatch": Scale("redblue", (-1.0, 1.0), 0.0),
    "location_quotient": Scale("purpleorange", (0.0, 2.0), 1.0),
    "placement_rate": Scale("blues", (0.0, 1.0), percent=True),
    "coverage": Scale("greens"),
}


@dataclass(frozen=True)
class MapValue:
    code: str  # core Territory code
    value: float | None  # None: no data or suppressed
    text: str = ""  # the value as the page shows it ("*" when suppressed), for tooltips and screen readers
    href: str = ""  # where a click on the territory leads (drill-down), empty for none


def level_features(level: Level, region: str | None = None) -> list[dict]:
    if level == "region":
        return geometry.features("regions")
    if region is None:
        raise ValueError("A province map is the map of one region: give its code.")
    chosen = [f for f in geometry.features("provinces") if f["properties"]["region"] == region]
    if not chosen:
        raise ValueError(f"No provinces for region {region!r}.")
    return chosen


def _topology(level: Level, region: str | None) -> tuple[dict, str]:
    name = "regions" if level == "region" else "provinces"
    topo = geometry.load(name)
    if level == "region":
        return topo, name
    return _subset(topo, name, level_features(level, region)), name


def _subset(topo: dict, name: str, wanted: list[dict]) -> dict:
    """The topology of some of its geometries, with only the arcs they use (renumbered): a region's provinces
    weigh a tenth of the country's, and the spec that vl-convert parses and the cache hashes shrinks alike."""
    used: dict[int, int] = {}

    def renumber(arcs):
        if isinstance(arcs, int):
            index = arcs if arcs >= 0 else ~arcs
            new = used.setdefault(index, len(used))
            return new if arcs >= 0 else ~new
        return [renumber(a) for a in arcs]

    geometries = [{**g, "arcs": renumber(g["arcs"])} for g in wanted]
    arcs = [None] * len(used)
    for old, new in used.items():
        arcs[new] = topo["arcs"][old]
    return {**topo, "arcs": arcs, "objects": {name: {**topo["objects"][name], "geometries": geometries}}}


def choropleth(
    level: Level,
    values: Sequence[MapValue],
    *,
    indicator: str,
    language: str,
    names: Mapping[str, str],
    region: str | None = None,
    title: str | None = None,
    legend_title: str = "",
    width: int = 460,
    height: int = 460,
    note: str = "",
    selected: str | None = None,
) -> dict:
    """The Vega-Lite spec of a choropleth: one level, one indicator, territory names in `language`; `note`
    (e.g. the snapshot's time) goes before the OpenStreetMap credit, so a saved map still says it;
    `selected`: a territory outlined (the province the page shows)."""
    if level not in ("region", "province"):
        raise ValueError("level must be 'region' or 'province'")
    if indicator not in SCALES:
        raise ValueError(f"indicator must be one of {', '.join(SCALES)}")
    scale_of = SCALES[indicator]
    rtl = language == "ar"
    topo, feature = _topology(level, region)
    features = topo["objects"][feature]["geometries"]
    known = {f["id"] for f in features}
    unknown = sorted({v.code for v in values} - known)
    if unknown:
        raise ValueError(f"Territories not on this map: {', '.join(unknown)}")
    with translation.override(language):
        no_data = pgettext("map legend", "No data, or too few to show (*)")
        attribution = pgettext("map", "Map: © OpenStreetMap contributors")
        territory = _("Region") if level == "region" else _("Province")
    rows = []
    by_code = {v.code: v for v in values}
    for f in features:
        v = by_code.get(f["id"])
        value = None if v is None else v.value
        rows.append({"code": f["id"], "name": names.get(f["id"], f["id"]), "value": value,
                     "text": v.text if v and v.text else formatting.format_number(value, language, 2),
                     "href": f"{LINK_ORIGIN}{v.href}" if v and v.href else "",
                     "lon": f["properties"]["lon"], "lat": f["properties"]["lat"]})  # fmt: skip
    scale: dict = {"scheme": scale_of.scheme, "clamp": True}
    if scale_of.domain:
        scale["domain"] = list(scale_of.domain)
    if scale_of.mid is not None:
        scale["domainMid"] = scale_of.mid
    legend: dict = {"orient": "bottom", "direction": "horizontal", "gradientLength": 220,
                    "title": legend_title or None, "titleAnchor": "end" if rtl else "start"}  # fmt: skip
    if scale_of.percent:
        legend["format"] = ".0%"
    # Named for assistive technology by its title, else by what it colours (never the generic "Chart").
    spec = charts._base(language, title, width, title or legend_title or None)  # noqa: SLF001 — font, locale
    spec["height"] = height
    spec["projection"] = {"type": "mercator"}
    spec["layer"] = [
        {
            "data": {"values": topo, "format": {"type": "topojson", "feature": feature}},
            "transform": [
                {
                    "lookup": "id",
                    "from": {
                        "data": {"values": rows},
                        "key": "code",
                        "fields": ["name", "value", "text", "href"],
                    },
                },
                {"calculate": "datum.name + ': ' + datum.text", "as": "label"},
            ],  # fmt: skip
            "mark": {"type": "geoshape", "stroke": "white", "strokeWidth": 0.8, "invalid": None},
            "encoding": {
                "color": {
                    "condition": {"test": "!isValid(datum.value)", "value": NO_DATA_COLOUR},
                    "field": "value",
                    "type": "quantitative",
                    "scale": scale,
                    "legend": legend,
                },  # fmt: skip
                **_outline(selected),
                "href": {"field": "href", "type": "nominal"},
                "description": {"field": "label", "type": "nominal"},  # aria-label, for screen readers
                "tooltip": {"field": "label", "type": "nominal"},
            },
        },
        {
            "data": {"values": rows},
            # Labels: not announced (the shape's aria-label names the territory and its value); the page's CSS
            # lets clicks through them to the shape's link.
            "mark": {
                "type": "text",
                "fontSize": 9 if level == "region" else 8,
                "color": "#1a1a1a",
                "aria": False,
            },
            "encoding": {
                "longitude": {"field": "lon", "type": "quantitative"},
                "latitude": {"field": "lat", "type": "quantitative"},
                "text": {"field": "name"},
            },
        },
        {
            "data": {"values": [{"label": no_data}]},
            # The key of the grey "no data" colour: the text beside it says it (a square with no name would
            # be an image without alternative text).
            "mark": {"type": "square", "size": 120, "color": NO_DATA_COLOUR, "opacity": 1, "aria": False},
            "encoding": {"x": {"value": width - 8 if rtl else 8}, "y": {"value": 8}},
        },
        {
            "data": {"values": [{"label": no_data}]},
            "mark": {
                "type": "text",
                "align": "right" if rtl else "left",
                "fontSize": 10,
                "dx": -10 if rtl else 10,
            },  # fmt: skip
            "encoding": {
                "x": {"value": width - 8 if rtl else 8},
                "y": {"value": 8},
                "text": {"field": "label"},
            },  # fmt: skip
        },
        {
            "data": {"values": [{"label": f"{note} · {attribution}" if note else attribution}]},
            "mark": {"type": "text", "align": "left" if rtl else "right", "fontSize": 9, "color": "#555"},
            "encoding": {
                "x": {"value": 0 if rtl else width},
                "y": {"value": height - 4},
                "text": {"field": "label"},
            },  # fmt: skip
        },
    ]
    spec["usermeta"]["territory"] = territory
    spec["usermeta"]["map_note"] = note  # a choropleth: drawn from its template (map_template)
    if selected:
        if selected not in known:
            raise ValueError(f"Territory not on this map: {selected}")
        spec["usermeta"]["selected"] = selected  # outlined by the template's fill too
    return spec


def _outline(selected: str | None) -> dict:
    """The selected territory's outline (the other shapes keep the mark's thin white border)."""
    if not selected:
        return {}
    test = f"datum.id === {json.dumps(selected)}"
    return {
        "stroke": {"condition": {"test": test, "value": SELECTED_STROKE}, "value": "white"},
        "strokeWidth": {"condition": {"test": test, "value": SELECTED_STROKE_WIDTH}, "value": 0.8},
    }


# --- rendering, cached on disk -------------------------------------------------------------------------


def cache_key(spec: dict) -> str:
    return charts.spec_hash(spec, "map-svg")


def cached_svg(spec: dict) -> str | None:
    """The SVG of `spec` if some process drew it already (the disk cache) or, for a choropleth, its template;
    else None; never draws."""
    key = cache_key(spec)
    try:
        svg = (cache_dir() / key[:2] / f"{key}.svg").read_text(encoding="utf-8")
    except FileNotFoundError:
        templated = _templated(spec, draw=False)
        return None if templated is None else charts.accessible(templated, spec)
    count_hit()
    return charts.accessible(svg, spec)


def render_svg(spec: dict) -> str:
    """The map (or any chart spec) as SVG: from the disk cache when this exact spec was drawn before, by any
    process; a choropleth from its template (`map_template`); else drawn by `charts` and written there."""
    key = cache_key(spec)
    path = cache_dir() / key[:2] / f"{key}.svg"
    try:
        svg = path.read_text(encoding="utf-8")
        count_hit()
        return charts.accessible(svg, spec)
    except FileNotFoundError:
        pass
    templated = _templated(spec, draw=True)
    if templated is not None:
        return charts.accessible(templated, spec)
    svg = _links(draw(spec))
    write_atomically(path, svg)
    return charts.accessible(svg, spec)


def _links(svg: str) -> str:
    # Plain SVG 2 `href` (every current browser; CSS and scripts find it without the xlink namespace).
    return svg.replace(f'xlink:href="{LINK_ORIGIN}/', 'href="/')


def _templated(spec: dict, *, draw: bool) -> str | None:
    """A choropleth with a fixed colour scale from its template and the scale's samples (None for any other
    spec, or when they are not drawn yet and `draw` is False)."""
    note = spec.get("usermeta", {}).get("map_note")
    scale = map_template.scale_of(spec) if note is not None else None
    if scale is None:
        return None
    shape = map_template.template(spec, note, draw=False)
    table = map_template.samples(scale, draw=False)
    if shape is None or table is None:
        if not draw:
            return None
        shape = shape or map_template.template(spec, note)
        table = table or map_template.samples(scale)
    else:
        count_hit()
    if not map_template.fits(spec, shape):  # type: ignore[arg-type]
        return None  # the drawing did not have the expected shapes (another vl-convert?): drawn whole
    return _links(map_template.fill(spec, note, shape, table))  # type: ignore[arg-type]


def fingerprint(*parts: object) -> str:
    """A short stable key of a few values (snapshot version, parameters) for callers' own caches."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:24]
