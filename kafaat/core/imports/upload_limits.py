"""Limits on an uploaded spreadsheet, so that no file can take the memory or the time of the process reading
it: rows, columns, the length of a cell, and for an XLSX (a zip archive) the size its members declare once
uncompressed, checked before anything is decompressed.

Every limit is a setting (environment variable of the same name, kafaat/settings.py); a file over one is
refused with a message in the user's language (`ImportFileError`), while it is read: an import never holds
more than one chunk of rows to find out.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _

# Spreadsheet XML compresses 5 to 20 times; far more is a zip bomb (1 GB of zeros is 1 MB deflated). Only
# members large enough to matter are judged by their ratio.
MAX_RATIO = 100
RATIO_FROM_BYTES = 10 * 1024 * 1024


def _number(value: int) -> str:
    return formats.number_format(value, force_grouping=True)  # 1,000,000 / 1 000 000


class ImportFileError(ValueError):
    """The file cannot be read at all (wrong type, empty, damaged, over a limit)."""


CSV_FIELD_LIMIT = 131_072  # csv.field_size_limit() as Python starts


@dataclass(frozen=True)
class Limits:
    rows: int
    columns: int
    cell_chars: int
    uncompressed_bytes: int

    @classmethod
    def current(cls) -> Limits:
        return cls(
            settings.KAFAAT_IMPORT_MAX_ROWS,
            settings.KAFAAT_IMPORT_MAX_COLUMNS,
            # Never above csv's default field limit: importing frictionless's CSV parser (publications) raises
            # that process-wide limit, so csv alone cannot be relied on to refuse a longer field.
            min(settings.KAFAAT_IMPORT_MAX_CELL_CHARS, CSV_FIELD_LIMIT),
            settings.KAFAAT_IMPORT_MAX_UNCOMPRESSED_MB * 1024 * 1024,
        )

    def too_many_rows(self) -> ImportFileError:
        return ImportFileError(
            _("The file has more than %(count)s rows: split it.") % {"count": _number(self.rows)}
        )

    def too_many_columns(self, row: int) -> ImportFileError:
        return ImportFileError(
            _("Row %(row)s has more than %(count)s columns: is this the right file?")
            % {"row": row, "count": self.columns}
        )

    def cell_too_long(self, row: int) -> ImportFileError:
        return ImportFileError(
            _("Row %(row)s has a cell longer than %(count)s characters: is this the right file?")
            % {"row": row, "count": _number(self.cell_chars)}
        )

    def check_row(self, number: int, cells, read: int) -> None:
        """`read`: rows read so far, this one included (blank rows count: a file declaring a million empty
        rows is as long to read as a million full ones)."""
        if read > self.rows + 1:  # the header is not a row of data
            raise self.too_many_rows()
        if len(cells) > self.columns:
            raise self.too_many_columns(number)

    def check_cells(self, number: int, cells) -> None:
        for cell in cells:
            if type(cell) is str and len(cell) > self.cell_chars:
                raise self.cell_too_long(number)


def check_archive(source, limits: Limits) -> None:
    """Refuse an XLSX whose members declare, once uncompressed, more than the limit, or compress far more
    than spreadsheets do. Declared sizes bound what is decompressed: Python's zipfile stops a member at its
    declared size and then fails on its checksum, so a member cannot lie its way past this check."""
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ImportFileError(_("This file is not a readable XLSX workbook.")) from error
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    total = sum(member.file_size for member in members)
    if total > limits.uncompressed_bytes:
        raise ImportFileError(
            _("This workbook holds more than %(mb)s MB once uncompressed: save it as CSV, or split it.")
            % {"mb": limits.uncompressed_bytes // (1024 * 1024)}
        )
    for member in members:
        size = member.file_size
        if size > RATIO_FROM_BYTES and size > MAX_RATIO * max(member.compress_size, 1):
            raise ImportFileError(
                _("This workbook is compressed far more than a spreadsheet can be: refused.")
            )
