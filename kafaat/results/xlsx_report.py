"""The donor report workbook: cover, logframe and a sheet per disaggregation; fr, ar (right to left) or en.

Plain dataclasses in, an XLSX out (openpyxl). Numbers come from the indicator engine; counts shown to donors
arrive already suppressed as :class:`~kafaat.results.suppression.Cell` (or plain numbers for values that
need no suppression, such as targets). A suppressed number is written as the marker ``*`` with a footnote
(primary and secondary alike), and anything derived from it — the progress of a suppressed actual — is
suppressed too. Text that starts like a formula is stored as text.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO

from django.utils import translation
from django.utils.translation import pgettext

from kafaat.core.imports import printable, safe_cell
from kafaat.core.l10n import formatting
from kafaat.results.suppression import MARKER, THRESHOLD, Cell, Status

Number = int | float | Decimal
Figure = Number | Cell | None  # None: no value (not yet measured, no target)
Names = Mapping[str, str]  # language code -> text
LEVELS = ("impact", "outcome", "output")
# Excel's number formats: "," and "." stand for the viewer's own separators (1 031 / 1,031).
INTEGER, DECIMAL, PERCENT = "#,##0", "#,##0.0", "0.0%"


@dataclass(frozen=True)
class PeriodValue:
    period: str  # the column heading, e.g. "2025" or "2025-S1"
    target: Figure = None
    actual: Figure = None


@dataclass(frozen=True)
class IndicatorLine:
    level: str  # impact | outcome | output
    code: str
    names: Names
    unit: Names  # e.g. {"fr": "personnes", "ar": "أشخاص", "en": "people"}
    baseline: Figure = None
    periods: Sequence[PeriodValue] = ()


@dataclass(frozen=True)
class Category:
    key: str
    names: Names
    code: str = ""  # a territory's code (MA-02, 02.411): written under its name


@dataclass(frozen=True)
class DisaggregatedLine:
    code: str  # an indicator code of the logframe
    values: Mapping[str, Figure]  # category key -> value
    total: Figure = None


@dataclass(frozen=True)
class Disaggregation:
    dimension: str  # e.g. "sex"
    names: Names  # the sheet's title, e.g. {"fr": "Sexe", "ar": "الجنس", "en": "Sex"}
    categories: Sequence[Category]
    lines: Sequence[DisaggregatedLine]
    period: str = ""  # the period the values belong to, shown above the table


@dataclass(frozen=True)
class DonorReport:
    project: Names
    period_label: str
    period_start: date
    period_end: date
    snapshot: datetime  # the warehouse snapshot every number comes from
    indicators: Sequence[IndicatorLine]
    disaggregations: Sequence[Disaggregation] = ()
    threshold: int = THRESHOLD
    donor: Names | None = None


def pick(names: Names, language: str) -> str:
    """The text in ``language``, else French, else English, else any."""
    for lang in (language, "fr", "en"):
        if names.get(lang):
            return names[lang]
    return next(iter(names.values()), "")


def _labels() -> dict[str, str]:
    return {
        "cover": pgettext("donor report", "Cover"),
        "logframe": pgettext("donor report", "Logframe"),
        "title": pgettext("donor report", "Donor report"),
        "project": pgettext("donor report", "Project"),
        "donor": pgettext("donor report", "Donor"),
        "period": pgettext("donor report", "Reporting period"),
        "snapshot": pgettext("donor report", "Data snapshot"),
        "suppression": pgettext("donor report", "Small numbers"),
        "level": pgettext("donor report", "Level"),
        "code": pgettext("donor report", "Code"),
        "indicator": pgettext("donor report", "Indicator"),
        "unit": pgettext("donor report", "Unit"),
        "baseline": pgettext("donor report", "Baseline"),
        "target": pgettext("donor report", "Target"),
        "actual": pgettext("donor report", "Actual"),
        "progress": pgettext("donor report", "Progress"),
        "total": pgettext("donor report", "Total"),
        "impact": pgettext("logframe level", "Impact"),
        "outcome": pgettext("logframe level", "Outcome"),
        "output": pgettext("logframe level", "Output"),
    }


def suppression_note(threshold: int) -> str:
    return pgettext(
        "donor report",
        "%(marker)s Not shown: counts from 1 to %(below)s people, and other numbers hidden so that totals "
        "cannot reveal them.",
    ) % {"marker": MARKER, "below": threshold - 1}


def _figure(value: Figure) -> tuple[Number | None, bool]:
    """(number, suppressed)."""
    if isinstance(value, Cell):
        return value.value, value.suppressed
    return value, False


def progress(baseline: Figure, target: Figure, actual: Figure) -> tuple[float | None, bool]:
    """Share of the way from baseline to target: (actual - baseline) / (target - baseline); suppressed with
    any of its inputs. With no baseline it is actual / target. None when it cannot be computed."""
    (b, bs), (t, ts), (a, as_) = _figure(baseline), _figure(target), _figure(actual)
    if bs or ts or as_:
        return None, True
    if a is None or t is None:
        return None, False
    start = b if b is not None else 0
    if t == start:
        return None, False
    return float((Decimal(str(a)) - Decimal(str(start))) / (Decimal(str(t)) - Decimal(str(start)))), False


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(text: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub("-", text).strip("'")[:31] or "-"
    title, n = base, 2
    while title.lower() in taken:
        title = f"{base[: 31 - len(str(n)) - 1]} {n}"
        n += 1
    taken.add(title.lower())
    return title


class _Sheet:
    def __init__(self, sheet, arabic: bool) -> None:
        self.sheet = sheet
        self.suppressed = False
        sheet.sheet_view.rightToLeft = arabic

    def put(self, row: int, col: int, value: object, *, bold: bool = False, number_format: str | None = None):
        from openpyxl.styles import Font

        if isinstance(value, Cell | int | float | Decimal) or value is None:
            number, hidden = _figure(value)  # type: ignore[arg-type]
            value = MARKER if hidden else number
            self.suppressed |= hidden
        value = printable(safe_cell(value)) if isinstance(value, str) else value
        cell = self.sheet.cell(row=row, column=col, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # text, never a formula
        if bold:
            cell.font = Font(bold=True)
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            # A number stays a number; the spreadsheet shows it with the reader's separators.
            cell.number_format = number_format or (INTEGER if value == int(value) else DECIMAL)
        return cell

    def footnote(self, row: int, threshold: int) -> None:
        if self.suppressed:
            self.put(row + 1, 1, suppression_note(threshold))


def _cover(
    book, report: DonorReport, language: str, labels: dict[str, str], arabic: bool, taken: set
) -> None:
    ws = _Sheet(book.active, arabic)
    ws.sheet.title = _sheet_title(labels["cover"], taken)
    ws.put(1, 1, labels["title"], bold=True)
    start, end = (
        formatting.format_date(d, language, isolated=False) for d in (report.period_start, report.period_end)
    )
    period = f"{report.period_label} ({start} – {end})"
    rows = [(labels["project"], pick(report.project, language))]
    if report.donor:
        rows.append((labels["donor"], pick(report.donor, language)))
    rows += [
        (labels["period"], period),
        (labels["snapshot"], formatting.format_datetime(report.snapshot, language, "long", isolated=False)),
        (labels["suppression"], suppression_note(report.threshold)),
    ]
    for i, (label, text) in enumerate(rows, start=3):
        ws.put(i, 1, label, bold=True)
        ws.put(i, 2, text)
    ws.sheet.column_dimensions["A"].width = 24
    ws.sheet.column_dimensions["B"].width = 90


def _logframe(book, report: DonorReport, language: str, labels: dict[str, str], arabic: bool, taken: set):
    ws = _Sheet(book.create_sheet(_sheet_title(labels["logframe"], taken)), arabic)
    periods: list[str] = []
    for ind in report.indicators:
        periods += [p.period for p in ind.periods if p.period not in periods]
    fixed = [labels["level"], labels["code"], labels["indicator"], labels["unit"], labels["baseline"]]
    for col, text in enumerate(fixed, start=1):
        ws.put(2, col, text, bold=True)
    for k, period in enumerate(periods):
        col = len(fixed) + 1 + 3 * k
        ws.put(1, col, period, bold=True)
        ws.sheet.merge_cells(start_row=1, start_column=col, end_row=1, end_column=col + 2)
        for j, key in enumerate(("target", "actual", "progress")):
            ws.put(2, col + j, labels[key], bold=True)
    order = {level: i for i, level in enumerate(LEVELS)}
    row = 2
    for ind in sorted(report.indicators, key=lambda i: order.get(i.level, len(LEVELS))):
        row += 1
        ws.put(row, 1, labels.get(ind.level, ind.level))
        ws.put(row, 2, ind.code)
        ws.put(row, 3, pick(ind.names, language))
        ws.put(row, 4, pick(ind.unit, language))
        ws.put(row, 5, ind.baseline)
        values = {p.period: p for p in ind.periods}
        for k, period in enumerate(periods):
            col = len(fixed) + 1 + 3 * k
            pv = values.get(period)
            if pv is None:
                continue
            ws.put(row, col, pv.target)
            ws.put(row, col + 1, pv.actual)
            share, hidden = progress(ind.baseline, pv.target, pv.actual)
            ws.put(row, col + 2, Cell(Status.SECONDARY, None) if hidden else share, number_format=PERCENT)
    ws.sheet.column_dimensions["C"].width = 60
    ws.sheet.freeze_panes = "D3"
    ws.footnote(row + 1, report.threshold)
    return {ind.code: pick(ind.names, language) for ind in report.indicators}


def _disaggregation(book, report, d: Disaggregation, names: dict, language, labels, arabic, taken) -> None:
    ws = _Sheet(book.create_sheet(_sheet_title(pick(d.names, language), taken)), arabic)
    ws.put(1, 1, pick(d.names, language), bold=True)
    if d.period:
        ws.put(1, 3, d.period)
    headers = [labels["code"], labels["indicator"], *(pick(c.names, language) for c in d.categories)]
    for col, text in enumerate([*headers, labels["total"]], start=1):
        ws.put(2, col, text, bold=True)
    row = 2
    if any(c.code for c in d.categories):  # territories: their codes under their names
        row = 3
        ws.put(row, 2, labels["code"], bold=True)
        for j, category in enumerate(d.categories, start=3):
            ws.put(row, j, category.code)
    for line in d.lines:
        row += 1
        ws.put(row, 1, line.code)
        ws.put(row, 2, names.get(line.code, line.code))
        for j, category in enumerate(d.categories, start=3):
            ws.put(row, j, line.values.get(category.key))
        ws.put(row, len(d.categories) + 3, line.total)
    ws.sheet.column_dimensions["B"].width = 60
    ws.footnote(row + 1, report.threshold)


def write_report(report: DonorReport, language: str, target: str | Path | IO[bytes]) -> None:
    """Write the workbook in ``language`` (fr, ar or en) to a path or a binary file."""
    from openpyxl import Workbook

    if language not in ("fr", "ar", "en"):
        raise ValueError(f"The report language must be fr, ar or en, not {language!r}.")
    unknown = [i.level for i in report.indicators if i.level not in LEVELS]
    if unknown:
        raise ValueError(f"Unknown logframe levels: {sorted(set(unknown))}; use {', '.join(LEVELS)}.")
    arabic = language == "ar"
    with translation.override(language):
        labels = _labels()
        book = Workbook()
        taken: set[str] = set()
        _cover(book, report, language, labels, arabic, taken)
        names = _logframe(book, report, language, labels, arabic, taken)
        for d in report.disaggregations:
            _disaggregation(book, report, d, names, language, labels, arabic, taken)
        book.save(target)


def report_bytes(report: DonorReport, language: str) -> bytes:
    buffer = io.BytesIO()
    write_report(report, language, buffer)
    return buffer.getvalue()
