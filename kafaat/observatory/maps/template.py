"""Choropleths drawn fast: vl-convert draws a map's shapes, labels, legend and credit once per geometry,
language and indicator (a template, its territories without values); each view then only sets each shape's
colour, link and label and the map's note — a few milliseconds instead of a drawing (0.1–0.3 s).

The colours are the Vega scale's own: sampled once per scale (`SAMPLES` + 1 values across its domain, drawn
by vl-convert) and interpolated between neighbouring samples (at most one unit of an RGB channel apart from
Vega's). A scale without a fixed domain (its legend depends on the values) is not templated: `maps` draws
such a map whole. Templates and samples are kept in memory and on disk beside the drawn maps, shared by the
server's processes.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

from kafaat.core.pages import charts
from kafaat.observatory.maps import drawing  # `drawing.draw`: the functions below take a `draw` flag
from kafaat.observatory.maps.drawing import (
    LINK_ORIGIN,
    NO_DATA_COLOUR,
    SELECTED_STROKE,
    SELECTED_STROKE_WIDTH,
    cache_dir,
    write_atomically,
)

SAMPLES = 400
NOTE = "@@NOTE@@"  # stands for the map's note (the snapshot's time) in a template
_SLOT = "@@{}@@"  # stands for a territory's text and link in a template
_SHAPE = re.compile(
    r'(?:<a xlink:href="(?P<origin>[^"]*?)/@@(?P<code>[^@"]+)@@">)?'
    r'<path aria-label="(?P<label>[^"]*?): @@(?P=code)@@"(?P<rest>[^>]*?) fill="(?P<fill>[^"]*)"'
    r"(?P<tail>[^>]*)/>(?:</a>)?"
)


_STROKE = re.compile(r'stroke="[^"]*"')
_STROKE_WIDTH = re.compile(r'stroke-width="[^"]*"')


@dataclass(frozen=True)
class Template:
    parts: tuple[str, ...]  # the SVG between the shapes: len(codes) + 1 pieces
    codes: tuple[str, ...]
    shapes: tuple[tuple[str, str, str], ...]  # (name, attributes before the fill, after it) of each shape


_memory: dict[tuple, object] = {}  # by (cache directory, key)
_lock = threading.Lock()


def scale_of(spec: dict) -> dict | None:
    """The colour scale of a choropleth spec when it can be templated (a fixed domain), else None."""
    scale = spec["layer"][0]["encoding"]["color"].get("scale", {})
    return scale if "domain" in scale else None


def template_spec(spec: dict, note: str) -> dict:
    """The spec of the template: every territory without a value, its text and link placeholders, the note
    a placeholder, no territory outlined (`fill` outlines the selected one: one template for all)."""
    out = copy.deepcopy(spec)
    out["usermeta"]["map_note"] = NOTE
    out["usermeta"].pop("selected", None)
    for channel in ("stroke", "strokeWidth"):
        out["layer"][0]["encoding"].pop(channel, None)
    rows = out["layer"][0]["transform"][0]["from"]["data"]["values"]
    for row in rows:
        slot = _SLOT.format(row["code"])
        row.update(value=None, text=slot, href=f"{LINK_ORIGIN}/{slot}")
    out["layer"][1]["data"]["values"] = rows
    credit = out["layer"][4]["data"]["values"][0]
    if note:
        credit["label"] = credit["label"].replace(note, NOTE, 1)
    else:
        credit["label"] = f"{NOTE} · {credit['label']}"
    return out


def parse(svg: str) -> Template:
    parts, codes, shapes, last = [], [], [], 0
    for found in _SHAPE.finditer(svg):
        parts.append(svg[last : found.start()])
        codes.append(found["code"])
        shapes.append((found["label"], found["rest"], found["tail"]))
        last = found.end()
    parts.append(svg[last:])
    return Template(tuple(parts), tuple(codes), tuple(shapes))


def _stored(kind: str, key: str, make: Callable[[], str] | None, load: Callable[[str], object]):
    """`load` of the text that `make()` gives, once per key: in memory, else on disk (beside the drawn maps,
    for every process), else made now (None when `make` is None)."""
    root = cache_dir()
    with _lock:
        if (root, key) in _memory:
            return _memory[(root, key)]
    path = root / kind / key[:2] / f"{key}.txt"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if make is None:
            return None
        text = make()
        write_atomically(path, text)
    value = load(text)
    with _lock:
        _memory[(root, key)] = value
    return value


def cache_clear() -> None:
    with _lock:
        _memory.clear()


def template(spec: dict, note: str, *, draw: bool = True) -> Template | None:
    """The parsed template of a choropleth spec; drawn now when no process has (None if `draw` is False)."""
    shape = template_spec(spec, note)
    key = charts.spec_hash(shape, "map-template")
    make = (lambda: drawing.draw(shape)) if draw else None
    return _stored("templates", key, make, parse)  # type: ignore[return-value]


def samples(scale: dict, *, draw: bool = True) -> list[tuple[int, int, int]] | None:
    """The colours of `SAMPLES` + 1 values evenly across the scale's domain, as Vega draws them."""
    key = charts.spec_hash(scale, "map-scale-samples")
    make = (lambda: json.dumps(_sample(scale))) if draw else None
    return _stored("scales", key, make, _colours)  # type: ignore[return-value]


def _sample(scale: dict) -> list[str]:
    low, high = scale["domain"][0], scale["domain"][-1]
    values = [{"i": i, "v": low + (high - low) * i / SAMPLES} for i in range(SAMPLES + 1)]
    spec = {
        "data": {"values": values},
        "mark": "rect",
        "width": SAMPLES + 1,
        "encoding": {
            "x": {"field": "i", "type": "ordinal", "axis": None},
            "color": {"field": "v", "type": "quantitative", "scale": scale, "legend": None},
        },
    }
    svg = drawing.draw(spec)
    # The rects in the order of their data (Vega's labels are taken out of every drawing: charts.accessible).
    marks = re.search(r'<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)</g>', svg, re.S)
    found = re.findall(r'<path[^>]*? fill="([^"]+)"', marks.group(1)) if marks else []
    if len(found) != SAMPLES + 1:
        raise ValueError(f"A colour scale's samples: {len(found)} drawn, {SAMPLES + 1} expected.")
    return found


def _colours(text: str) -> list[tuple[int, int, int]]:
    return [_rgb(c) for c in json.loads(text)]


def _rgb(colour: str) -> tuple[int, int, int]:
    if colour.startswith("#"):
        return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)
    r, g, b = (int(round(float(x))) for x in colour[colour.index("(") + 1 : -1].split(",")[:3])
    return r, g, b


def colour(value: float, scale: dict, table: list[tuple[int, int, int]]) -> str:
    """The fill of `value` (clamped to the domain, as the scale is), between the two nearest samples."""
    low, high = scale["domain"][0], scale["domain"][-1]
    position = min(max((value - low) / (high - low), 0.0), 1.0) * SAMPLES
    i = min(int(position), SAMPLES - 1)
    share = position - i
    r, g, b = (round(a + (z - a) * share) for a, z in zip(table[i], table[i + 1], strict=True))
    return f"rgb({r}, {g}, {b})"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def fits(spec: dict, shape: Template) -> bool:
    """Whether the template has one shape per territory of the spec, and a place for the note."""
    rows = spec["layer"][0]["transform"][0]["from"]["data"]["values"]
    return sorted(shape.codes) == sorted(r["code"] for r in rows) and any(NOTE in p for p in shape.parts)


def fill(spec: dict, note: str, shape: Template, table: list[tuple[int, int, int]]) -> str:
    """The map of `spec` from its template: each shape's colour, link and label, and the note."""
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    rows = {r["code"]: r for r in spec["layer"][0]["transform"][0]["from"]["data"]["values"]}
    selected = spec["usermeta"].get("selected")
    out = [shape.parts[0]]
    for code, (name, rest, tail), after in zip(shape.codes, shape.shapes, shape.parts[1:], strict=True):
        row = rows[code]
        value = row["value"]
        paint = NO_DATA_COLOUR if value is None else colour(value, scale, table)
        if code == selected:  # as Vega draws the spec's outline condition
            tail = _STROKE.sub(f'stroke="{SELECTED_STROKE}"', tail)
            tail = _STROKE_WIDTH.sub(f'stroke-width="{SELECTED_STROKE_WIDTH}"', tail)
        path = f'<path aria-label="{name}: {_escape(row["text"])}"{rest} fill="{paint}"{tail}/>'
        if row["href"]:
            out.append(f'<a xlink:href="{_escape(row["href"])}">{path}</a>')
        else:
            out.append(path)
        out.append(after)
    svg = "".join(out)
    return svg.replace(f"{NOTE} · ", f"{_escape(note)} · " if note else "")
