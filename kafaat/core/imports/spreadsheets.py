"""Spreadsheets in and out: reading CSV (delimiter and encoding detected) and XLSX, streamed and within the
upload limits (`upload_limits`), and writing CSV and XLSX safely (no formula runs, no control character).

CSV files come from Excel as often as from scripts: `,` `;` or tab; UTF-8 with or without BOM, UTF-16, or the
Windows code page of an Arabic (1256) or French (1252) system. XLSX files are read in read-only mode, first
sheet only, so that a large workbook streams.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext as _

from kafaat.core.imports.upload_limits import ImportFileError, Limits, check_archive


@dataclass
class Table:
    headers: list[str]
    header_row: int
    rows: Iterator[tuple[int, list]]  # (row number as the user sees it, cells)
    estimated_rows: int


_ARABIC = re.compile("[\u0600-\u06ff]")
_WORD = re.compile(r"\w+")


def _looks_arabic(text: str) -> bool:
    """Decoded as Windows-1256, Arabic text makes whole Arabic words; French text makes mixed ones (ةCOLE)."""
    whole = mixed = 0
    for word in _WORD.findall(text[:200_000]):
        if _ARABIC.search(word):
            if re.search(r"[A-Za-z]", word):
                mixed += 1
            else:
                whole += 1
    return whole > mixed


def decode(data: bytes) -> str:
    """Bytes of a CSV file as text, whatever the encoding (the same detection as `read_table`)."""
    return data.decode(_encoding(io.BytesIO(data))[0], errors="replace")


_CHUNK = 1 << 20
_SAMPLE = 200_000  # bytes judged to tell an Arabic code page from a French one


def _encoding(handle) -> tuple[str, int]:
    """The encoding of a CSV file, and how many lines it has, read chunk by chunk (never all at once)."""
    start = handle.read(4)
    handle.seek(0)
    if start.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        encoding = "utf-16"
    else:
        encoding = ""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines, sample = 0, b""
    while chunk := handle.read(_CHUNK):
        lines += chunk.count(b"\n")
        if len(sample) < _SAMPLE:
            sample += chunk[: _SAMPLE - len(sample)]
        if not encoding and decoder is not None:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                decoder = None
    handle.seek(0)
    if not encoding:
        try:
            if decoder is None:
                raise UnicodeDecodeError("utf-8", b"", 0, 1, "")
            decoder.decode(b"", final=True)
            encoding = "utf-8"
        except UnicodeDecodeError:
            arabic = sample.decode("cp1256", errors="replace")
            encoding = "cp1256" if _looks_arabic(arabic) else "cp1252"
    return encoding, lines


def _delimiter(first_line: str) -> str:
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _blank(cells: Sequence) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _csv_rows(text, reader, limits: Limits, owned: bool) -> Iterator[tuple[int, list]]:
    """The rows of a CSV file, limits checked as each is read; the file closed (or let go) at the end."""
    try:
        for number, cells in enumerate(reader, start=1):
            limits.check_row(number, cells, number)
            # csv gives text only: a row is blank when its cells joined are (one C call, not one per cell).
            joined = "".join(cells)
            if len(joined) > limits.cell_chars:
                limits.check_cells(number, cells)
            if joined.strip():
                yield number, [unquoted(cell) for cell in cells] if "'" in joined else cells
    except csv.Error as error:  # a field over csv's own limit (128 KiB), or a broken quote
        raise limits.cell_too_long(reader.line_num) from error
    finally:
        if owned:
            text.close()
        else:
            text.detach()  # the caller's file stays open


def _read_csv(source, limits: Limits) -> Table:
    owned = isinstance(source, str | Path)
    handle = open(source, "rb") if owned else getattr(source, "file", source)  # noqa: SIM115 — closed by rows
    encoding, lines = _encoding(handle)
    first = handle.read(64 * 1024).decode(encoding, errors="replace")
    handle.seek(0)
    first_line = next((line for line in first.splitlines() if line.strip()), "")
    text = io.TextIOWrapper(handle, encoding=encoding, errors="replace", newline="")
    reader = csv.reader(text, delimiter=_delimiter(first_line.lstrip("\ufeff")))
    numbered = _csv_rows(text, reader, limits, owned)
    header_row, headers = next(numbered, (0, []))
    return Table([h.strip() for h in headers], header_row, numbered, max(lines - header_row, 0))


def _xlsx_rows(workbook, sheet, limits: Limits) -> Iterator[tuple[int, list]]:
    try:
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if len(cells) > limits.columns:  # the declared width pads every row: judge the cells given
                cells = cells[: max((i for i, c in enumerate(cells) if c is not None), default=-1) + 1]
            limits.check_row(number, cells, number)
            if not _blank(cells):
                limits.check_cells(number, cells)
                yield number, [unquoted(cell) for cell in cells]
    finally:
        workbook.close()


def _read_xlsx(source, limits: Limits) -> Table:
    from openpyxl import load_workbook

    check_archive(source, limits)  # before anything is decompressed
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as error:  # noqa: BLE001 — openpyxl raises many kinds for a damaged file
        raise ImportFileError(_("This file is not a readable XLSX workbook.")) from error
    rows = _xlsx_rows(workbook, sheet, limits)
    header_row, headers = next(rows, (0, []))
    headers = ["" if h is None else str(h).strip() for h in headers]
    while headers and not headers[-1]:
        headers.pop()
    return Table(headers, header_row, rows, max((sheet.max_row or 0) - header_row, 0))


def read_table(source: str | Path | io.IOBase, name: str = "", limits: Limits | None = None) -> Table:
    """The header and the rows of the first sheet of an XLSX file or of a CSV file, streamed: the rows are
    read as they are consumed, and the limits (`upload_limits.Limits`, from the settings) are checked as they
    are read; a file over one raises `ImportFileError` there."""
    name = name or str(source)
    suffix = Path(name).suffix.lower()
    limits = limits or Limits.current()
    if suffix in (".xlsx", ".xlsm"):
        table = _read_xlsx(source, limits)
    elif suffix in (".csv", ".txt", ".tsv"):
        table = _read_csv(source, limits)
    else:
        raise ImportFileError(_("Upload a CSV or XLSX file."))
    if not any(table.headers):
        raise ImportFileError(_("The file is empty."))
    return table


# --- Writing ------------------------------------------------------------------------------------------------


# A spreadsheet runs text starting with one of these as a formula (OWASP "CSV injection"); a tab or a carriage
# return first is stripped by some, leaving the formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What an XLSX cannot hold (openpyxl refuses it: IllegalCharacterError); control characters of a damaged file.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def safe_cell(value, *, numeric: bool = False):
    """A value as a CSV or XLSX writer may write it: numbers, dates and booleans as they are; text that a
    spreadsheet would run as a formula prefixed with a single quote (OWASP), unless the column is `numeric`
    and the text is a plain number such as "-2"."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS) and not (numeric and _NUMBER.fullmatch(value)):
        return "'" + value
    return value


def safe_row(values: Iterable, numeric: Sequence[bool] = ()) -> list:
    """`safe_cell` of each value of a row (for csv.writer); `numeric` says which columns hold numbers."""
    return [safe_cell(v, numeric=i < len(numeric) and numeric[i]) for i, v in enumerate(values)]


def printable(text: str) -> str:
    """Text without the control characters an XLSX (and a PostgreSQL text) cannot hold; tab and newlines
    kept."""
    return _ILLEGAL_XML.sub("\ufffd", text) if _ILLEGAL_XML.search(text) else text


def xlsx_row(sheet, values: Iterable, numeric: Sequence[bool] = ()) -> list:
    """Cells for a write-only sheet: text never runs as a formula (`safe_cell`) and loses the control
    characters an XLSX cannot hold, so that a damaged upload cannot break its own error report."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in safe_row(values, numeric):
        if isinstance(value, str):
            value = printable(value)
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # openpyxl would otherwise take "=…" in a numeric column for a formula
        cells.append(cell)
    return cells


def unquoted(value):
    """What `safe_cell` wrote, read back: an exported file imports again as it was exported."""
    if isinstance(value, str) and value[:1] == "'" and value[1:2] and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def write_template(columns: Sequence, language: str, target) -> None:
    """An XLSX with the headers in `language`, two example rows, and a sheet documenting every column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    with translation.override(language):
        workbook = Workbook()
        data = workbook.active
        data.title = _("Data")
        data.append([column.header(language) for column in columns])
        for index in (0, 1):
            data.append([str(column.examples[index]) for column in columns])
        for cell in data[1]:
            cell.font = Font(bold=True)
        data.freeze_panes = "A2"
        documentation = workbook.create_sheet(_("Columns"))
        documentation.append([_("Column"), _("Meaning"), _("Required"), _("Accepted values"), _("Example")])
        for cell in documentation[1]:
            cell.font = Font(bold=True)
        for column in columns:
            documentation.append(
                [
                    column.header(language),
                    str(column.help),
                    _("yes") if column.required else _("no"),
                    str(column.accepted),
                    str(column.examples[0]),
                ]
            )
        if language == "ar":
            data.sheet_view.rightToLeft = documentation.sheet_view.rightToLeft = True
        workbook.save(target)
