"""Charts as Vega-Lite specs, rendered on the server to SVG (or PNG for reports) with vl-convert.

vl-convert bundles Vega and Vega-Lite: rendering needs no browser and no network (external data is refused).
Specs are plain dicts, built here for the charts the apps share; any app may render its own spec. Arabic
charts read right to left: the category axis sits on the right, bars grow leftwards, steps run from the
right. Rendered images are cached by a hash of the spec, so the same numbers (the same warehouse snapshot)
are drawn once per process.

Values arrive already protected: a None value (a suppressed or unknown number) draws no bar and shows the
marker instead. This module depends on nothing else in Kafaat.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils import translation
from django.utils.html import escape
from django.utils.translation import pgettext

from kafaat.core.l10n import formatting
from kafaat.core.pages.memo import RecentMemo

VL_VERSION = "5.21"
SVG_REVISION = 4  # what `_finish` does to a drawing: a new one redraws every cached chart and map
CACHE_SIZE = 256
MARKER = "*"
FONT = "DejaVu Sans, Noto Sans Arabic, Arial, sans-serif"  # DejaVu Sans has Arabic glyphs
LABEL_SIZE = 11  # px, the value labels beside the bars
LABEL_GAP = 4  # px between a bar's end and its label
PALETTE = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#eeca3b", "#9d755d")
BIDI_CONTROLS = frozenset("\u200e\u200f\u2066\u2067\u2068\u2069")
_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")
FUNNEL_STEPS = ("orientation", "access", "retention", "certification", "insertion")


def _step_labels() -> dict[str, str]:
    return {
        "orientation": pgettext("equity funnel step", "Orientation"),
        "access": pgettext("equity funnel step", "Access"),
        "retention": pgettext("equity funnel step", "Retention"),
        "certification": pgettext("equity funnel step", "Certification"),
        "insertion": pgettext("equity funnel step", "Insertion"),
    }


@dataclass(frozen=True)
class ProgressBar:
    label: str  # e.g. the indicator's name, in the chart's language
    progress: float | None  # share of the target reached (0.8 = 80 %); None: suppressed or not measured
    note: str = ""  # e.g. "55 / 200", shown after the percentage


@dataclass(frozen=True)
class FunnelSeries:
    group: str  # e.g. "Women", in the chart's language
    shares: Mapping[str, float | None]  # step -> share of the group (0..1); None: suppressed or unknown


def _percent(value: float, language: str) -> str:
    return formatting.format_percent(value, language, 0)


def _ltr(text: str, rtl: bool) -> str:
    """A number or code inside Arabic text: one left-to-right unit (the formatter isolates its own)."""
    return formatting.isolate(text) if rtl and text and not text.startswith(formatting.FSI) else text


def _label(text: str, note: str, rtl: bool) -> str:
    """ "213 % (56,3 %)"; in Arabic a right-to-left isolate whose numbers are isolated too, so that it reads
    "(56,3 %) 213 %" from the bar outwards instead of the garbled "(% 56.3) 213%"."""
    text = _ltr(text, rtl)
    label = f"{text} ({_ltr(note, rtl)})" if note else text
    return f"{formatting.RLI}{label}{formatting.PDI}" if rtl and note else label


def text_width(text: str, font_size: float = LABEL_SIZE) -> float:
    """An estimate of a label's width in pixels (DejaVu Sans averages about 0.62 em a character); the
    invisible bidirectional controls take no room."""
    return sum(0 if ch in BIDI_CONTROLS else 1 for ch in text) * 0.62 * font_size


def _domain(rows: list[dict], width: int) -> list[float]:
    """The x domain: 0 to 100 % at least, every bar, and room beyond each bar's end for its label (a
    negative bar's label sits beyond its end on the other side, never over the bar)."""
    values = [r["pos"] for r in rows]
    low, high = min([0.0, *values]), max([100.0, *values])
    lo, hi = low, high
    for _ in range(25):  # a fixed point: the room a label needs in data units grows with the domain
        per_px = (hi - lo) / width
        room = {id(r): (text_width(r["text"]) + 2 * LABEL_GAP) * per_px for r in rows}
        new_hi = max([high, *(r["pos"] + room[id(r)] for r in rows if r["pos"] >= 0)])
        new_lo = min([low, *(r["pos"] - room[id(r)] for r in rows if r["pos"] < 0)])
        if abs(new_hi - hi) < 1e-6 and abs(new_lo - lo) < 1e-6:
            break
        lo, hi = new_lo, new_hi
    return [round(lo, 3), round(hi, 3)]


def _base(language: str, title: str | None, width: int, description: str | None = None) -> dict:
    """What every chart shares: font, language, title, and the sentence a screen reader reads for it.

    Vega's own accessibility labels are English and field names ("Y-axis for a discrete scale with 12
    values", "pos: 0; sector: …"): what a page gets is one image whose label is `description` (default: the
    title), in the chart's language (`accessible`)."""
    spec: dict = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": width,
        "config": {
            "font": FONT,
            "view": {"stroke": None},
            "axis": {"labelFontSize": 11, "titleFontSize": 11},
        },
        "usermeta": {"language": language, "description": description or title or ""},
    }
    rtl = language == "ar"
    if rtl:  # a legend under the chart's right edge, its title at the right: where an Arabic reader starts
        spec["config"]["legend"] = {"layout": {"bottom": {"anchor": "end"}}, "titleAnchor": "end"}
        # The vertical axis title stands at the right edge; Arabic glyphs rise higher than Vega measures.
        spec["padding"] = {"top": 5, "bottom": 5, "left": 5, "right": 14}
    if title:
        spec["title"] = {"text": _rtl_text(title, rtl), "anchor": "end" if rtl else "start"}
    return spec


def _rtl_text(text: str, rtl: bool) -> str:
    """Arabic text drawn in the (left-to-right) SVG: a right-to-left isolate, so that "% من الهدف" keeps its %
    at the right (Chromium lays a first-strong isolate out left to right inside an SVG text, which put the %
    at the left and the words in reverse order); text without Arabic letters (a Latin name) keeps a
    first-strong isolate."""
    if not rtl or not text:
        return text
    if _ARABIC_LETTER.search(text):
        return f"{formatting.RLI}{text}{formatting.PDI}"
    return formatting.isolate(text)


def progress_chart(
    bars: Sequence[ProgressBar], *, language: str, title: str | None = None, width: int = 420
) -> dict:
    """Horizontal bars of progress towards target (%), with a dashed line at the target (100 %). Negative
    progress (worse than the baseline) draws leftwards from a zero line (rightwards in Arabic), inside the
    plot, its label beyond its end."""
    rtl = language == "ar"
    with translation.override(language):
        x_title = _rtl_text(pgettext("chart", "% of target reached"), rtl)
        target = pgettext("chart", "Target")
    if len({bar.label for bar in bars}) != len(bars):
        raise ValueError("Each bar of a progress chart needs its own label.")
    rows = []
    for bar in bars:
        pct = None if bar.progress is None else round(bar.progress * 100, 1)
        text = MARKER if pct is None else _percent(pct, language)
        rows.append({"label": bar.label, "pct": pct, "pos": pct or 0, "text": _label(text, bar.note, rtl)})
    x_scale = {"domain": _domain(rows, width), "reverse": rtl, "nice": False, "zero": False}
    y = {"field": "label", "type": "nominal", "sort": [bar.label for bar in bars], "title": None,
         "axis": {"orient": "right" if rtl else "left", "labelLimit": 260}}  # fmt: skip
    x = {"field": "pct", "type": "quantitative", "scale": x_scale, "title": x_title}

    def labels(sign: str, towards_end: bool) -> dict:
        # Beyond the bar's end: to its right for growing bars in French (left in Arabic), mirrored below zero.
        right = towards_end != rtl
        return {
            "transform": [{"filter": f"datum.pos {sign} 0"}],
            "mark": {"type": "text", "align": "left" if right else "right", "dx": LABEL_GAP if right else
                     -LABEL_GAP, "fontSize": LABEL_SIZE},
            "encoding": {"y": y, "x": {"field": "pos", "type": "quantitative"}, "text": {"field": "text"}},
        }  # fmt: skip

    spec = _base(language, title, width)
    spec["height"] = {"step": 26}
    spec["data"] = {"values": rows}
    spec["layer"] = [
        {"mark": {"type": "bar", "color": "#2f6f8f", "height": {"band": 0.7}}, "encoding": {"y": y, "x": x}},
        labels(">=", True),
        labels("<", False),
        {
            "data": {"values": [{"x": 0}]},
            "mark": {"type": "rule", "color": "#555"},
            "encoding": {"x": {"field": "x", "type": "quantitative"}},
        },
        {
            "data": {"values": [{"x": 100, "t": target}]},
            "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#b03a2e"},
            "encoding": {"x": {"field": "x", "type": "quantitative"}},
        },
    ]
    spec["resolve"] = {"scale": {"x": "shared"}}
    return spec


def funnel_chart(
    series: Sequence[FunnelSeries],
    *,
    language: str,
    steps: Sequence[str] = FUNNEL_STEPS,
    step_labels: Mapping[str, str] | None = None,
    title: str | None = None,
    width: int = 480,
) -> dict:
    """The equity funnel: for each step, the share of each group still on the pathway (grouped bars)."""
    rtl = language == "ar"
    with translation.override(language):
        labels = {s: _rtl_text(t, rtl) for s, t in {**_step_labels(), **(step_labels or {})}.items()}
        y_title = _rtl_text(pgettext("chart", "% of the group"), rtl)
        legend = _rtl_text(pgettext("chart", "Group"), rtl)
    unknown = [s for g in series for s in g.shares if s not in steps]
    if unknown:
        raise ValueError(f"Unknown funnel steps: {sorted(set(unknown))}; expected {', '.join(steps)}.")
    order = [labels.get(s, s) for s in steps]
    groups = [_rtl_text(g.group, rtl) for g in series]
    rows = []
    for g, group in zip(series, groups, strict=True):
        for step in steps:
            share = g.shares.get(step)
            pct = None if share is None else round(share * 100, 1)
            rows.append({"group": group, "step": labels.get(step, step), "pct": pct, "pos": pct or 0,
                         "text": MARKER if pct is None else _percent(pct, language)})  # fmt: skip
    # Arabic reads from the right: the first step, and the first group of each step, on the right.
    x = {"field": "step", "type": "nominal", "title": None, "sort": order[::-1] if rtl else order,
         "axis": {"labelAngle": 0}}  # fmt: skip
    # Each group keeps its colour in every language; in Arabic the legend lists them from the right.
    colours = {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(groups)}
    legend_order = groups[::-1] if rtl else groups
    key = {"orient": "bottom", "direction": "horizontal", "symbolType": "square",
           "titleAnchor": "end" if rtl else "start", "labelFontSize": 11, "titleFontSize": 11}  # fmt: skip
    color = {"field": "group", "type": "nominal", "title": legend, "legend": key,
             "scale": {"domain": legend_order, "range": [colours[g] for g in legend_order]}}  # fmt: skip
    spec = _base(language, title, width)
    spec["height"] = 240
    spec["data"] = {"values": rows}
    y_axis = {"orient": "right" if rtl else "left"}
    spec["encoding"] = {"x": x, "xOffset": {"field": "group", "sort": groups[::-1] if rtl else groups}}
    spec["layer"] = [
        {
            "mark": {"type": "bar"},
            "encoding": {
                "y": {
                    "field": "pct",
                    "type": "quantitative",
                    "title": y_title,
                    "axis": y_axis,
                    "scale": {"domain": [0, 100]},
                },
                "color": color,
            },  # fmt: skip
        },
        {
            "mark": {"type": "text", "baseline": "bottom", "dy": -2, "fontSize": 9},
            "encoding": {"y": {"field": "pos", "type": "quantitative"}, "text": {"field": "text"}},
        },
    ]
    return spec


# --- rendering, with a small cache ----------------------------------------------------------------------

_rendered = RecentMemo(CACHE_SIZE)


def spec_hash(spec: dict, kind: str = "svg") -> str:
    text = json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{VL_VERSION}|{SVG_REVISION}|{kind}|{text}".encode()).hexdigest()


def _render(spec: dict, kind: str, scale: float) -> str | bytes:
    import vl_convert as vlc

    def draw() -> str | bytes:
        language = formatting.language_of(spec.get("usermeta", {}).get("language", "fr"))
        # Axis ticks, legends and dates that Vega formats itself follow the pages' conventions.
        options = {"vl_version": VL_VERSION, "allowed_base_urls": [],  # never fetch anything
                   "format_locale": formatting.d3_format_locale(language),
                   "time_format_locale": formatting.d3_time_locale(language)}  # fmt: skip
        if kind == "svg":
            svg = _left_to_right(vlc.vegalite_to_svg(spec, **options), formatting.is_rtl(language))
            return accessible(svg, spec)
        return vlc.vegalite_to_png(spec, scale=scale, **options)

    return _rendered.get(spec_hash(spec, f"{kind}@{scale}"), draw)


_ARABIC_TEXT = re.compile(r"(<text\b[^>]*>)([^<]*[\u0600-\u06ff][^<]*)(</text>)")


def _left_to_right(svg: str, rtl: bool) -> str:
    """Vega lays every chart out left to right (an Arabic chart is mirrored in its spec); inside an Arabic
    page the SVG would inherit `direction: rtl` and every text-anchor would flip, labels sliding under the
    bars. So the SVG is left to right, and in an Arabic chart each text holding Arabic becomes a right-to-left
    isolate (unless it is isolated already), so that "لا بيانات (*)" or a caption with a date and
    "OpenStreetMap" reads from the right."""
    svg = svg.replace("<svg ", '<svg style="direction: ltr; unicode-bidi: isolate" ', 1)
    if not rtl:
        return svg

    def wrap(match: re.Match) -> str:
        start, text, end = match.groups()
        if text[:1] == formatting.RLI:
            return match.group(0)
        return f"{start}{formatting.RLI}{text}{formatting.PDI}{end}"

    return _ARABIC_TEXT.sub(wrap, svg)


_LINK = re.compile(r"<a[\s>]")
_TAG = re.compile(r"<[^>]*>")
_VEGA_ARIA = re.compile(r' (?:role="graphics-[a-z-]*"|aria-roledescription="[^"]*")')
_ARIA_LABEL = re.compile(r' aria-label="[^"]*"')
_ROLE_DESCRIPTION = re.compile(r'aria-roledescription="([^"]*)"')


def accessible(svg: str, spec: dict) -> str:
    """The drawing as a page shows it: one image for assistive technology (`role="img"`), labelled in the
    chart's language (the spec's description, else "Chart").

    Vega writes its own accessibility attributes into every element, in English and with field names: role
    descriptions ("bar", "axis", "group mark container") and labels ("X-axis titled … for a linear scale with
    values from 0 to 100", "Title text '…'", "pos: 0; sector: …"). They are taken out, so that no word of
    a chart is in another language than the page, even where a screen reader does not go. The territories
    of a map keep their labels (the name and the value, in the map's language, from the spec's
    `description`): the maps' templates find their shapes by them (observatory/maps/template.py).

    A map whose territories are links is a labelled group instead (`role="group"`): an image's content is
    not operable, its links would be controls nested in it (axe's nested-interactive); its territories'
    labels are then what a screen reader announces."""
    if not svg.startswith("<svg role="):  # else a map filled from its template, whose drawing had it already
        meta = spec.get("usermeta", {})
        with translation.override(formatting.language_of(meta.get("language"))):
            description = formatting.strip_isolates(meta.get("description", ""))
            label = description or pgettext("accessibility", "Chart")
        svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    svg = _without_vega_aria(svg)
    return svg.replace('<svg role="img" ', '<svg role="group" ', 1) if _LINK.search(svg) else svg


def _without_vega_aria(svg: str) -> str:
    """Every element but the root without Vega's roles, role descriptions and labels, except the labels of a
    map's territories (the same when done again)."""
    out, position = [], 0
    for match in _TAG.finditer(svg):
        tag = match.group()
        out.append(svg[position : match.start()])
        position = match.end()
        if not tag.startswith(("<svg", "</")):
            described = _ROLE_DESCRIPTION.search(tag)
            territory = tag.startswith("<path") and (described is None or described.group(1) == "geoshape")
            tag = _VEGA_ARIA.sub("", tag if territory else _ARIA_LABEL.sub("", tag))
        out.append(tag)
    out.append(svg[position:])
    return "".join(out)


def render_svg(spec: dict) -> str:
    """The chart as an SVG document (text stays text, so labels are searchable and translatable)."""
    return _render(spec, "svg", 1.0)  # type: ignore[return-value]


def render_png(spec: dict, scale: float = 2.0) -> bytes:
    """The chart as a PNG, e.g. for a workbook or a PDF."""
    return _render(spec, "png", scale)  # type: ignore[return-value]


def cache_info() -> dict[str, int]:
    return _rendered.info()


def cache_clear() -> None:
    _rendered.clear()
