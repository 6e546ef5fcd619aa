"""A published package at a glance, for its public page: a chart of its territory's supply and demand per
training sector, and the first rows of its main table, read back from the stored (immutable) files.

Nothing here is computed again: the figures are the package's own CSV resources, suppressed cells included
(`*` stays `*`), so the preview shows exactly what the files hold. The chart is drawn once per package and
language (maps' disk cache, shared by the server's processes).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kafaat.core.l10n import formatting
from kafaat.core.pages import charts
from kafaat.observatory import maps
from kafaat.observatory.publication.models import Publication
from kafaat.observatory.publication.service import file_path
from kafaat.results.suppression import MARKER

MAIN_TABLE = "gaps_by_occupation.csv"  # the package's main table: the first rows shown
CHART_TABLE = "gaps_by_sector.csv"  # the chart: the territory's graduates and vacancies per sector
ROWS = 10
MAX_BYTES = 5 * 1024 * 1024  # a stored resource is a few hundred kilobytes; never read a huge file whole
COLUMNS = (  # (field, digits): the columns of the preview table after the territory and the group
    ("graduates", 0),
    ("vacancies", 0),
    ("ratio", 2),
    ("mismatch", 2),
)


@dataclass(frozen=True)
class Preview:
    file: str  # the main table's file name
    headers: list[str]
    rows: list[list[str]]  # formatted for the reader; "*" where suppressed, "–" where undefined
    total: int  # rows in the whole table
    chart_svg: str  # "" when the package has no sector figures for its territory


def _rows(publication: Publication, name: str) -> list[dict]:
    try:
        path = file_path(publication, name)
    except FileNotFoundError:
        return []
    if path.stat().st_size > MAX_BYTES:
        return []
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _name(row: dict, field: str, language: str) -> str:
    return row.get(f"{field}_name_{language}") or row.get(f"{field}_name_fr") or row.get(f"{field}_code", "")


def _group(row: dict, language: str) -> str:
    return f"{row.get('group_code', '')} · {_name(row, 'group', language)}"


def _number(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _cell(text: str, digits: int, language: str) -> str:
    if text == MARKER:
        return MARKER
    value = _number(text)
    return "–" if value is None else formatting.format_number(value, language, digits)


def preview(publication: Publication, language: str) -> Preview | None:
    """The preview of a package in `language`; None when its main table cannot be read."""
    rows = _rows(publication, MAIN_TABLE)
    if not rows:
        return None
    with translation.override(language):
        headers = [_("Territory"), _("Group"), _("Graduates"), _("Vacancies"), _("S/D"), _("Mismatch")]
        shown = [
            [_name(row, "territory", language), _group(row, language)]
            + [_cell(row.get(field, ""), digits, language) for field, digits in COLUMNS]
            for row in rows[:ROWS]
        ]
        chart = _chart(publication, language)
    return Preview(MAIN_TABLE, headers, shown, len(rows), chart)


def _chart(publication: Publication, language: str) -> str:
    code = publication.scope_code
    mine = [row for row in _rows(publication, CHART_TABLE) if row.get("territory_code") == code]
    if not mine:
        return ""
    return maps.render_svg(chart_spec(mine, language, title=_name(mine[0], "territory", language)))


def chart_spec(rows: list[dict], language: str, *, title: str, width: int = 360) -> dict:
    """Graduates and vacancies of each training sector (bars side by side), a hidden count drawn as `*`."""
    rtl = formatting.is_rtl(language)
    supply, demand = pgettext("chart", "Graduates (supply)"), pgettext("chart", "Vacancies (demand)")
    values = []
    for row in rows:
        for series, field in ((supply, "graduates"), (demand, "vacancies")):
            value = _number(row.get(field, ""))
            text = MARKER if value is None else formatting.format_number(value, language)
            values.append({"sector": _name(row, "group", language), "series": series, "value": value,
                           "pos": value or 0, "text": text})  # fmt: skip
    spec = charts._base(language, title, width)  # noqa: SLF001 — the shared font, locale and title
    spec["description"] = pgettext("chart", "Graduates and vacancies by training sector: %(place)s") % {
        "place": title
    }
    spec["height"] = {"step": 10}
    spec["data"] = {"values": values}
    spec["encoding"] = {
        "y": {"field": "sector", "type": "nominal", "title": None,
              "axis": {"orient": "right" if rtl else "left", "labelLimit": 170}},
        "yOffset": {"field": "series", "sort": [supply, demand]},
    }  # fmt: skip
    spec["layer"] = [
        {
            "mark": {"type": "bar"},
            "encoding": {
                "x": {"field": "value", "type": "quantitative", "title": None, "scale": {"reverse": rtl}},
                "color": {
                    "field": "series",
                    "type": "nominal",
                    "title": None,
                    "sort": [supply, demand],
                    "scale": {"range": ["#2f6f8f", "#d08c2e"]},
                    "legend": {"orient": "bottom"},
                },
            },
        },  # fmt: skip
        {
            "mark": {
                "type": "text",
                "align": "right" if rtl else "left",
                "dx": -3 if rtl else 3,
                "fontSize": 8,
            },
            "encoding": {"x": {"field": "pos", "type": "quantitative"}, "text": {"field": "text"}},
        },
    ]
    return spec
