"""The dashboard's Vega-Lite chart specs (supply and demand per sector, projection), drawn by core.charts.

Split from ``board.py``, which assembles the page and decides when each chart is drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import pgettext

from kafaat.core.l10n import formatting
from kafaat.core.pages import charts
from kafaat.observatory import gaps
from kafaat.results.suppression import MARKER

if TYPE_CHECKING:
    from kafaat.observatory.dashboard.state import SectorBar


def _series_colour(legend: str, supply: str, demand: str, rtl: bool = False) -> dict:
    """The colour encoding of the supply and demand series, the same in every chart that shows both (in
    Arabic the legend lists them from the right: supply first for a reader starting there)."""
    order, colours = [supply, demand], ["#2f6f8f", "#d08c2e"]
    return {
        "field": "series",
        "type": "nominal",
        "title": charts._rtl_text(legend, rtl),  # noqa: SLF001 — the shared isolate of Arabic chart text
        "sort": order[::-1] if rtl else order,
        "scale": {"range": colours[::-1] if rtl else colours},
        "legend": {"orient": "bottom"},
    }


def _subtitle(spec: dict, subtitle: str) -> dict:
    if subtitle and isinstance(spec.get("title"), dict):
        spec["title"]["subtitle"] = subtitle
        spec["title"]["subtitleColor"] = "#555"
    return spec


def sector_chart(
    bars: Sequence[SectorBar], *, language: str, title: str = "", subtitle: str = "", width: int = 420
) -> dict:
    """Graduates (supply) and vacancies (demand) side by side for each training sector."""
    rtl = language == "ar"
    with translation.override(language):
        supply, demand = pgettext("chart", "Graduates (supply)"), pgettext("chart", "Vacancies (demand)")
        x_title, legend = pgettext("chart", "Number in the year"), pgettext("chart", "Series")
        description = pgettext("chart", "Graduates and vacancies by training sector: %(place)s") % {
            "place": title
        }
    rows = []
    for bar in bars:
        for series, value in ((supply, bar.graduates), (demand, bar.vacancies)):
            rows.append(
                {
                    "sector": bar.sector,
                    "series": series,
                    "value": value,
                    "pos": value or 0,
                    "text": MARKER if value is None else formatting.format_number(value, language),
                }
            )
    spec = charts._base(language, title or None, width, description)  # noqa: SLF001 — shared font, locale, title
    y = {
        "field": "sector",
        "type": "nominal",
        "title": None,
        "sort": [b.sector for b in bars],
        "axis": {"orient": "right" if rtl else "left", "labelLimit": 200},
    }
    colour = _series_colour(legend, supply, demand, rtl)
    spec["height"] = {"step": 12}
    spec["data"] = {"values": rows}
    spec["encoding"] = {"y": y, "yOffset": {"field": "series", "sort": [supply, demand]}}
    spec["layer"] = [
        {
            "mark": {"type": "bar"},
            "encoding": {
                "x": {"field": "value", "type": "quantitative", "title": x_title, "scale": {"reverse": rtl}},
                "color": colour,
            },
        },
        {
            "mark": {
                "type": "text",
                "align": "right" if rtl else "left",
                "dx": -3 if rtl else 3,
                "fontSize": 9,
            },
            "encoding": {"x": {"field": "pos", "type": "quantitative"}, "text": {"field": "text"}},
        },
    ]
    return _subtitle(spec, subtitle)


def projection_chart(
    rows: Sequence[gaps.ProjectionRow],
    *,
    language: str,
    title: str = "",
    subtitle: str = "",
    width: int = 420,
) -> dict:
    """Supply and demand by year: observed as solid lines with dots, projected dashed in a shaded interval."""
    with translation.override(language):
        supply, demand = pgettext("chart", "Graduates (supply)"), pgettext("chart", "Vacancies (demand)")
        observed, projected = pgettext("chart", "observed"), pgettext("chart", "projected")
        y_title, legend = pgettext("chart", "Number in the year"), pgettext("chart", "Series")
        description = pgettext(
            "chart", "Graduates and vacancies by year, observed and projected: %(place)s"
        ) % {"place": title}
    data = []
    last_observed = max((r.year for r in rows if r.observed), default=None)
    for r in rows:
        for series, point, low, high in (
            (supply, r.supply, r.supply_low, r.supply_high),
            (demand, r.demand, r.demand_low, r.demand_high),
        ):
            kinds = [observed if r.observed else projected]
            if r.year == last_observed:
                kinds.append(projected)  # the projected line starts at the last observed point
            for kind in kinds:
                data.append(
                    {
                        "year": str(r.year),
                        "series": series,
                        "kind": kind,
                        "value": point,
                        "low": low if kind == projected else None,
                        "high": high if kind == projected else None,
                    }
                )
    years_ = sorted({d["year"] for d in data})
    x = {
        "field": "year",
        "type": "ordinal",
        "title": None,
        "sort": years_[::-1] if language == "ar" else years_,
        "axis": {"labelAngle": 0},
    }
    colour = _series_colour(legend, supply, demand, language == "ar")
    spec = charts._base(language, title or None, width, description)  # noqa: SLF001
    spec["height"] = 220
    spec["data"] = {"values": data}
    y_axis = {"orient": "right" if language == "ar" else "left"}
    spec["layer"] = [
        {
            "transform": [{"filter": f"datum.kind === '{projected}' && isValid(datum.low)"}],
            "mark": {"type": "area", "opacity": 0.18},
            "encoding": {
                "x": x,
                "y": {"field": "low", "type": "quantitative", "title": y_title, "axis": y_axis},
                "y2": {"field": "high"},
                "color": colour,
            },
        },
        {
            "transform": [{"filter": f"datum.kind === '{observed}'"}],
            "mark": {"type": "line", "point": True},
            "encoding": {"x": x, "y": {"field": "value", "type": "quantitative"}, "color": colour},
        },
        {
            "transform": [{"filter": f"datum.kind === '{projected}'"}],
            "mark": {"type": "line", "strokeDash": [5, 4], "point": {"filled": False}},
            "encoding": {"x": x, "y": {"field": "value", "type": "quantitative"}, "color": colour},
        },
    ]
    if last_observed is not None:
        spec["layer"].append(
            {
                "data": {"values": [{"year": str(last_observed), "t": f"← {observed} · {projected} →"}]},
                "mark": {"type": "rule", "color": "#888", "strokeDash": [2, 2]},
                "encoding": {"x": {"field": "year", "type": "ordinal", "sort": x["sort"]}},
            }
        )
    return _subtitle(spec, subtitle)
