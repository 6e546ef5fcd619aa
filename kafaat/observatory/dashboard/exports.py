"""The dashboard's tables (XLSX, CSV) and charts (SVG, PNG) as files, without publishing anything.

An export is exactly what the page shows the reader: the same board (`page.build`: the reader's territories,
exact figures or the published form with its suppressed cells as `*`), so a download tells nothing the page
does not. Numbers stay numbers (a spreadsheet can add them up); text goes through `safe_cell` so that no cell
runs as a formula; every export is in the audit log, as the results' exports are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kafaat.core import audit
from kafaat.core.imports import safe_cell, safe_row
from kafaat.core.l10n import formatting
from kafaat.core.pages import charts
from kafaat.observatory import maps
from kafaat.observatory.dashboard.page import build
from kafaat.observatory.dashboard.panels import CHARTS, RANKED_FIGURES
from kafaat.observatory.dashboard.state import (
    DIMENSIONS,
    INDICATORS,
    Dashboard,
    DashboardError,
    Filters,
    territories,
    url,
)
from kafaat.results.suppression import MARKER

TABLES = ("shortages", "surpluses", "sectors", "projection", "map")
WORKBOOK = "tables"  # the name of the XLSX export: every table, one sheet each
FORMATS = {"csv": TABLES, "xlsx": (WORKBOOK,), "svg": CHARTS, "png": CHARTS}
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "svg": "image/svg+xml",
    "png": "image/png",
}


@dataclass(frozen=True)
class Table:
    title: str
    headers: list[str]
    rows: list[list]
    numeric: list[bool]  # which columns hold numbers (a "-2" there is a number, not a formula)


@dataclass(frozen=True)
class Export:
    content: bytes
    media_type: str
    filename: str


def export(user, filters: Filters, language: str, name: str, fmt: str) -> Export:
    """One export of the reader's dashboard: `name` a table (csv), `tables` (xlsx) or a chart (svg, png).

    The same checks as the page (DashboardError on a bad filter or name, PermissionDenied outside the
    reader's territories, NoSnapshot before the first refresh); recorded in the audit log."""
    if name not in FORMATS.get(fmt, ()):
        raise DashboardError(_("Unknown export “%(value)s”.") % {"value": f"{name}.{fmt}"[:30]})
    board = build(user, filters, language)
    with translation.override(language):
        if fmt in ("svg", "png"):
            content = _chart(board, name, fmt)
        elif fmt == "csv":
            content = csv_bytes(tables(board)[name])
        else:
            content = xlsx_bytes(board)
    audit.record(
        audit.Action.EXPORT,
        user,
        target_type="observatory.dashboard",
        target_id=board.territory_code,
        details={"export": name, "format": fmt, "year": board.filters.year,
                 "dimension": board.filters.dimension, "exact": board.exact, "language": language},
    )  # fmt: skip
    return Export(content, MEDIA_TYPES[fmt], filename(board, name, fmt))


def filename(board: Dashboard, name: str, fmt: str) -> str:
    return f"kafaat-observatory-{board.territory_code.lower()}-{board.filters.year}-{name}.{fmt}"


def _chart(board: Dashboard, which: str, fmt: str) -> bytes:
    spec = getattr(board, f"{which}_spec")
    if spec is None:
        raise DashboardError(_("This dashboard has no such chart (no figures to draw)."))
    if fmt == "svg":
        return maps.render_svg(spec).encode("utf-8")
    return charts.render_png(spec)


# --- The tables, as the page shows them --------------------------------------------------------------------


def _figure(value):
    """A figure as a cell: numbers as they are (rates as fractions), MARKER when hidden, "" when undefined."""
    return "" if value is None else value


def tables(board: Dashboard) -> dict[str, Table]:
    """Every table of the board, headers in the active language."""
    figure_headers = [_("Graduates"), _("Vacancies"), pgettext("dashboard export", "Placements"), _("S/D"),
                      _("Mismatch"), _("Placement rate")]  # fmt: skip
    ranked_headers = [pgettext("dashboard export", "Code"), _("Group"), *figure_headers]
    ranked_numeric = [False, False] + [True] * len(RANKED_FIGURES)

    def ranked(rows) -> list[list]:
        return [[r.group_code, r.group_name, *(_figure(r.values.get(f)) for f in RANKED_FIGURES)]
                for r in rows]  # fmt: skip

    def hidden_or_blank(value):
        return MARKER if value is None else value

    indicator = str(INDICATORS[board.filters.indicator])
    map_rows = [[v.code, _territory_name(board, v.code), _map_value(v)] for v in board.map_values]
    return {
        "shortages": Table(_("Shortages: fewer graduates than vacancies"), ranked_headers,
                           ranked(board.shortage), ranked_numeric),
        "surpluses": Table(_("Surpluses: more graduates than vacancies"), ranked_headers,
                           ranked(board.surplus), ranked_numeric),
        "sectors": Table(_("Supply and demand per training sector"),
                         [_("Training sector"), _("Graduates"), _("Vacancies")],
                         [[b.sector, hidden_or_blank(b.graduates), hidden_or_blank(b.vacancies)]
                          for b in board.sector_bars], [False, True, True]),
        "projection": Table(_("Projection") + (f": {board.group_name}" if board.group_name else ""),
                            _projection_headers(), _projection_rows(board), [True, False] + [True] * 6),
        "map": Table(indicator, [pgettext("dashboard export", "Code"), _("Territory"), indicator], map_rows,
                     [False, False, True]),
    }  # fmt: skip


def _map_value(value: maps.MapValue):
    """A territory's figure on the map: MARKER when hidden (its text says so), "" without figures."""
    if value.value is not None:
        return value.value
    return MARKER if value.text == MARKER else ""


def _territory_name(board: Dashboard, code: str) -> str:
    known = territories().get(code)
    return known.name(board.language) if known else code


def _projection_headers() -> list[str]:
    return [_("Year"), pgettext("dashboard export", "Observed or projected"), _("Graduates"),
            pgettext("dashboard export", "Graduates, low"), pgettext("dashboard export", "Graduates, high"),
            _("Vacancies"), pgettext("dashboard export", "Vacancies, low"),
            pgettext("dashboard export", "Vacancies, high")]  # fmt: skip


def _projection_rows(board: Dashboard) -> list[list]:
    rows = []
    for r in board.projection:
        cells = [r.year, _("observed") if r.observed else _("projected")]
        for name in ("supply", "supply_low", "supply_high", "demand", "demand_low", "demand_high"):
            value = getattr(r, name)
            bound = name.endswith(("_low", "_high"))
            if value is not None:
                cells.append(value)
            elif board.suppressed_projection and not (r.observed and bound):
                cells.append(MARKER)  # hidden as on the page
            else:
                cells.append("")  # an observed year has no interval
        rows.append(cells)
    return rows


# --- Writing them -----------------------------------------------------------------------------------------


def csv_bytes(table: Table) -> bytes:
    """UTF-8 with a byte-order mark (spreadsheets then read Arabic names right), commas, "." decimals."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(safe_row(table.headers))
    for row in table.rows:
        writer.writerow(safe_row(row, table.numeric))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _about(board: Dashboard) -> list[tuple[str, object]]:
    filters = board.filters
    rows: list[tuple[str, object]] = [
        (_("Territory"), board.territory_name),
        (_("Year"), filters.year),
        (_("By"), str(DIMENSIONS[filters.dimension])),
        (_("Map of"), str(INDICATORS[filters.indicator])),
        (_("Projection"), board.group_name or "—"),
        (
            pgettext("dashboard export", "Snapshot"),
            formatting.format_datetime(board.taken_at, board.language) if board.taken_at else "—",
        ),  # fmt: skip
        (pgettext("dashboard export", "Address"), url(filters)),
    ]
    if not board.exact:
        rows.append(
            (_("Figures"), _("Numbers below 5 people, and those that would reveal them, are shown as *."))
        )
    return rows


def xlsx_bytes(board: Dashboard) -> bytes:
    """Every table on its own sheet, after a sheet saying what the figures are (territory, year, snapshot,
    suppression); right to left in Arabic."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    about = workbook.active
    about.title = _sheet_title(pgettext("dashboard export", "About"))
    for label, value in _about(board):
        about.append([safe_cell(label), safe_cell(value)])
        about.cell(about.max_row, 1).font = Font(bold=True)
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 90
    sheets: dict[str, Callable[[], str]] = {
        "shortages": lambda: pgettext("dashboard export", "Shortages"),
        "surpluses": lambda: pgettext("dashboard export", "Surpluses"),
        "sectors": lambda: pgettext("dashboard export", "Sectors"),
        "projection": lambda: _("Projection"),
        "map": lambda: pgettext("dashboard export", "Map"),
    }
    for name, table in tables(board).items():
        sheet = workbook.create_sheet(_sheet_title(sheets[name]()))
        sheet.append([safe_cell(table.title)])
        sheet.cell(1, 1).font = Font(bold=True)
        sheet.append(safe_row(table.headers))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(safe_row(row, table.numeric))
        sheet.freeze_panes = "A3"
    for sheet in workbook.worksheets:
        sheet.sheet_view.rightToLeft = formatting.is_rtl(board.language)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_title(text: str) -> str:
    return "".join("-" if ch in "[]:*?/\\" else ch for ch in text)[:31]
