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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import pgettext

from kafaat.core.pages.memo import RecentMemo

VL_VERSION = "5.21"
CACHE_SIZE = 256
MARKER = "*"
FONT = "DejaVu Sans, Noto Sans Arabic, Arial, sans-serif"  # DejaVu Sans has Arabic glyphs
FORMAT_LOCALE = {"fr": "fr-FR", "ar": "ar-MA", "en": "en-US"}  # ar-MA: Western digits, as used in Morocco
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
    return f"{value:.0f}\u202f%" if language == "fr" else f"{value:.0f}%"


def _base(language: str, title: str | None, width: int) -> dict:
    spec: dict = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": width,
        "config": {
            "font": FONT,
            "view": {"stroke": None},
            "axis": {"labelFontSize": 11, "titleFontSize": 11},
        },
        "usermeta": {"language": language},
    }
    if title:
        spec["title"] = {"text": title, "anchor": "end" if language == "ar" else "start"}
    return spec


def progress_chart(
    bars: Sequence[ProgressBar], *, language: str, title: str | None = None, width: int = 420
) -> dict:
    """Horizontal bars of progress towards target (%), with a dashed line at the target (100 %)."""
    rtl = language == "ar"
    with translation.override(language):
        x_title = pgettext("chart", "% of target reached")
        target = pgettext("chart", "Target")
    if len({bar.label for bar in bars}) != len(bars):
        raise ValueError("Each bar of a progress chart needs its own label.")
    rows = []
    for bar in bars:
        pct = None if bar.progress is None else round(bar.progress * 100, 1)
        text = MARKER if pct is None else _percent(pct, language)
        rows.append(
            {
                "label": bar.label,
                "pct": pct,
                "pos": pct or 0,
                "text": f"{text} ({bar.note})" if bar.note else text,
            }
        )
    top = max([100.0, *(r["pct"] for r in rows if r["pct"] is not None)])
    x_scale = {"domain": [0, top * 1.15], "reverse": rtl, "nice": False}
    y = {"field": "label", "type": "nominal", "sort": [bar.label for bar in bars], "title": None,
         "axis": {"orient": "right" if rtl else "left", "labelLimit": 260}}  # fmt: skip
    spec = _base(language, title, width)
    spec["height"] = {"step": 26}
    spec["data"] = {"values": rows}
    spec["layer"] = [
        {
            "mark": {"type": "bar", "color": "#2f6f8f", "height": {"band": 0.7}},
            "encoding": {
                "y": y,
                "x": {"field": "pct", "type": "quantitative", "scale": x_scale, "title": x_title},
            },  # fmt: skip
        },
        {
            "mark": {"type": "text", "align": "right" if rtl else "left", "dx": -4 if rtl else 4},
            "encoding": {"y": y, "x": {"field": "pos", "type": "quantitative"}, "text": {"field": "text"}},
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
        labels = {**_step_labels(), **(step_labels or {})}
        y_title = pgettext("chart", "% of the group")
        legend = pgettext("chart", "Group")
    unknown = [s for g in series for s in g.shares if s not in steps]
    if unknown:
        raise ValueError(f"Unknown funnel steps: {sorted(set(unknown))}; expected {', '.join(steps)}.")
    order = [labels.get(s, s) for s in steps]
    rows = []
    for g in series:
        for step in steps:
            share = g.shares.get(step)
            pct = None if share is None else round(share * 100, 1)
            rows.append({"group": g.group, "step": labels.get(step, step), "pct": pct, "pos": pct or 0,
                         "text": MARKER if pct is None else _percent(pct, language)})  # fmt: skip
    x = {"field": "step", "type": "nominal", "title": None, "sort": order[::-1] if rtl else order,
         "axis": {"labelAngle": 0}}  # fmt: skip
    color = {"field": "group", "type": "nominal", "title": legend, "sort": [g.group for g in series],
             "legend": {"orient": "bottom"}}  # fmt: skip
    spec = _base(language, title, width)
    spec["height"] = 240
    spec["data"] = {"values": rows}
    y_axis = {"orient": "right" if rtl else "left"}
    spec["encoding"] = {"x": x, "xOffset": {"field": "group", "sort": [g.group for g in series]}}
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
    return hashlib.sha256(f"{VL_VERSION}|{kind}|{text}".encode()).hexdigest()


def _render(spec: dict, kind: str, scale: float) -> str | bytes:
    import vl_convert as vlc

    def draw() -> str | bytes:
        language = spec.get("usermeta", {}).get("language", "fr")
        options = {"vl_version": VL_VERSION, "allowed_base_urls": [],  # never fetch anything
                   "format_locale": FORMAT_LOCALE.get(language, "fr-FR")}  # fmt: skip
        if kind == "svg":
            return vlc.vegalite_to_svg(spec, **options)
        return vlc.vegalite_to_png(spec, scale=scale, **options)

    return _rendered.get(spec_hash(spec, f"{kind}@{scale}"), draw)


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
