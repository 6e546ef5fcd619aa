"""The spreadsheet import framework: read CSV or XLSX, map the headers, validate every row, write all or
nothing.

Public entry points: an app describes its file with an `ImportSpec` (`Column`s, `Outcome`s, `RowError`s) and
`run_import` does the rest; `read_table` and the `safe_*` writers read and write spreadsheets within the
upload limits (`ImportFileError`); `bulk` writes many rows fast (`BulkTable`, `reserve_ids`, `copy_text`); the
`record_result` … `unexpected_failure` helpers keep an import page's `ImportJob` up to date. The parts: `spec`
(the types), `run` (read, map, write), `workers` (rows validated in threads or processes), `spreadsheets` and
`upload_limits` (files in and out), `bulk`, `jobs` (an `ImportJob`'s bookkeeping) and `command` (the base of
the import commands; it reads `core.models`, so it is imported from `kafaat.core.imports.command` by the
commands only: a spawned validation worker imports this package before Django is set up).
"""

from kafaat.core.imports.bulk import (
    BulkTable,
    copy_lines,
    copy_text,
    larger_sqlite_cache,
    references_checked_once,
    reserve_ids,
)
from kafaat.core.imports.jobs import mark_failed, record_result, save_finished, unexpected_failure
from kafaat.core.imports.run import (
    ImportResult,
    errors_not_listed,
    map_headers,
    run_import,
    write_error_report,
    write_rejected_rows,
)
from kafaat.core.imports.spec import Column, ImportSpec, Outcome, RowError, fold
from kafaat.core.imports.spreadsheets import (
    Table,
    decode,
    printable,
    read_table,
    safe_cell,
    safe_row,
    write_template,
    xlsx_row,
)
from kafaat.core.imports.upload_limits import ImportFileError, Limits
from kafaat.core.imports.workers import Columns

__all__ = [
    "BulkTable",
    "Column",
    "Columns",
    "ImportFileError",
    "ImportResult",
    "ImportSpec",
    "Limits",
    "Outcome",
    "RowError",
    "Table",
    "copy_lines",
    "copy_text",
    "decode",
    "errors_not_listed",
    "fold",
    "larger_sqlite_cache",
    "map_headers",
    "mark_failed",
    "printable",
    "read_table",
    "record_result",
    "references_checked_once",
    "reserve_ids",
    "run_import",
    "safe_cell",
    "safe_row",
    "save_finished",
    "unexpected_failure",
    "write_error_report",
    "write_rejected_rows",
    "write_template",
    "xlsx_row",
]
