"""Importing spreadsheets: read CSV or XLSX, map the headers, validate every row, then write all or nothing.

Domain-free. An app describes its file with an `ImportSpec` (columns, the validation of one row, the checks
across rows and against the database, the bulk write) and `run_import` does the rest:

1. read CSV or XLSX (`kafaat.core.imports.spreadsheets`: delimiter and encoding detected);
2. map headers to fields through aliases (case, accents, spaces and punctuation ignored);
3. validate every row — in worker processes for large files when the spec allows it — collecting every
   error as (row number as seen in the file, column name as in the file, value, message);
4. write nothing when a row is bad, or, on request, only the good rows; the write is one transaction.

Specs write fast with `kafaat.core.imports.bulk` (`COPY` on PostgreSQL, `executemany` on SQLite).
"""

from __future__ import annotations

import csv
import io
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from kafaat.core.imports.spec import Column, ImportSpec, Outcome, RowError, fold
from kafaat.core.imports.spreadsheets import (
    ImportFileError,
    Table,
    read_table,
    safe_row,
    write_template,
    xlsx_row,
)
from kafaat.core.imports.workers import chunks, validated

CHUNK_ROWS = 2000
PARALLEL_MIN_ROWS = 20_000  # below this, starting worker processes costs more than it saves
ERRORS_KEPT = 1000  # errors kept on a job for display; reports always hold them all
Progress = Callable[[str, int, int], None]  # (stage "validating" | "writing", done, total)


@dataclass
class ImportResult:
    kind: str
    headers: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    rows_read: int = 0
    valid: int = 0
    imported: int = 0
    already_imported: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)  # the first KAFAAT_IMPORT_MAX_ERRORS
    rejected_rows: list[tuple[int, list]] = field(default_factory=list)  # the rows of those errors
    error_count: int = 0  # all of them
    stopped: bool = False  # checking stopped at the errors limit: nothing could be written anyway
    dry_run: bool = False
    written: bool = False

    @property
    def status(self) -> str:
        if self.written:
            return "done"
        return "rejected" if self.errors else "checked"


def map_headers(spec: ImportSpec, headers: list[str]) -> tuple[dict[str, int], list[str], list[RowError]]:
    """Field key → column index; the headers nobody asked for; errors for duplicated or missing columns."""
    by_name = {name: column.key for column in spec.columns for name in column.folded_names}
    mapping: dict[str, int] = {}
    unknown, errors = [], []
    for index, header in enumerate(headers):
        key = by_name.get(fold(header))
        if key is None:
            if header:
                unknown.append(header)
        elif key in mapping:
            errors.append(
                RowError(0, header, _("This column appears twice (as “%s”).") % headers[mapping[key]])
            )
        else:
            mapping[key] = index
    for group in spec.required_groups:
        if not any(key in mapping for key in group):
            names = " / ".join(spec.column(key).header(spec.language) for key in group)
            errors.append(RowError(0, names, _("This column is missing.")))
    return mapping, unknown, errors


# --- Running ------------------------------------------------------------------------------------------------


def _column_of(spec: ImportSpec, key: str, headers: list[str], mapping: dict[str, int]) -> tuple[str, int]:
    for candidate in (*spec.error_columns.get(key, ()), key):
        if candidate in mapping:
            return headers[mapping[candidate]], mapping[candidate]
    column = spec.column(key)
    return (column.header(spec.language) if column else key), -1


def default_workers(spec: ImportSpec | None = None) -> int:
    """KAFAAT_IMPORT_WORKERS, or: on SQLite one (the importing process validates, then writes); elsewhere one
    process per CPU (at most 8). With one, on PostgreSQL, a thread of the importing process validates while
    the database writes: less CPU in all, as fast as two processes on a loaded two-CPU machine, slower on a
    quiet one. On SQLite, sending every checked row back from worker processes costs more than checking it
    (100,000 people, 2 CPUs: 12,400 rows/s with one against 5,000 with two; docs/import.md)."""

    configured = getattr(settings, "KAFAAT_IMPORT_WORKERS", None)
    if configured is not None:
        return int(configured)
    if connection.vendor == "sqlite":
        return 1
    return min(os.cpu_count() or 1, 8)


class _Rollback(Exception):
    pass


def run_import(
    spec: ImportSpec,
    source: str | Path | io.IOBase,
    name: str = "",
    *,
    dry_run: bool = False,
    good_rows_only: bool = False,
    progress: Progress | None = None,
    workers: int | None = None,
) -> ImportResult:
    """Validate every row of the file, then write the good rows unless any is bad (or `good_rows_only`).

    On PostgreSQL a streaming spec writes each chunk as soon as it is checked, inside the one transaction, so
    the database works while the next rows are validated; a bad row stops the writing and, unless
    `good_rows_only`, rolls everything back at the end. Elsewhere every row is validated before anything is
    written (SQLite would otherwise lock out other writers for the whole import).
    """
    progress = progress or (lambda stage, done, total: None)
    table = read_table(source, name)
    result = ImportResult(spec.kind, headers=table.headers, dry_run=dry_run)
    mapping, result.unknown_columns, result.errors = map_headers(spec, table.headers)
    result.error_count = len(result.errors)
    if result.errors:
        for error in result.errors:
            error.row = table.header_row
        table.rows.close()
        return result
    workers = default_workers(spec) if workers is None else workers
    if not spec.parallel or table.estimated_rows < PARALLEL_MIN_ROWS:
        workers = 1
    stream = spec.streaming and connection.vendor == "postgresql" and not dry_run
    kept = _Kept("none" if dry_run or stream else "spool" if spec.streaming else "memory")
    try:
        # Streaming validates inside the transaction it writes in; otherwise no transaction is open (and no
        # SQLite write lock held) until every row has been checked.
        with transaction.atomic() if stream else nullcontext():
            _validate_all(spec, table, mapping, result, workers, progress, stream, good_rows_only, kept)
            result.valid = result.valid or kept.count
            if dry_run or not result.valid or (result.errors and not good_rows_only):
                raise _Rollback
            with transaction.atomic():
                if kept.count:
                    progress("writing", 0, kept.count)
                    for batch in kept.batches():
                        done = result.imported
                        result.imported += spec.write(
                            batch, lambda n, done=done: progress("writing", done + n, kept.count)
                        )
                spec.finish()
            result.written = True
    except _Rollback:
        result.imported = 0
    finally:
        kept.close()
        table.rows.close()  # the file, when the errors limit stopped the reading
    progress("writing" if result.written else "validating", result.rows_read, result.rows_read)
    return result


class _Kept:
    """The records of the good rows until they are written: none for a dry run or a streamed import; on disk,
    pickled chunk by chunk, for a spec that writes chunk by chunk, so that an import's memory does not grow
    with its file; in memory otherwise. The spool is an anonymous temporary file (unlinked at once; the
    stored values of sensitive fields are already encrypted), closed when the import ends."""

    def __init__(self, mode: str):
        self.mode, self.count, self.items, self.file = mode, 0, [], None

    def add(self, records: list) -> None:
        self.count += len(records)
        if self.mode == "memory":
            self.items.extend(records)
        elif self.mode == "spool" and records:
            self.file = self.file or tempfile.TemporaryFile()  # noqa: SIM115 — closed by close()
            pickle.dump(records, self.file, protocol=pickle.HIGHEST_PROTOCOL)

    def batches(self) -> Iterator[list]:
        if self.items:
            yield self.items
        if self.file is not None:
            self.file.seek(0)
            while True:
                try:
                    yield pickle.load(self.file)  # noqa: S301 — written by this import
                except EOFError:
                    return

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


def _validate_all(spec, table, mapping, result, workers, progress, stream, good_rows_only, kept) -> None:
    """Validate every row into `result` (errors kept up to the limit, all counted) and the good rows' records
    into `kept` (or, streamed, write them). Without `good_rows_only`, checking stops at the errors limit."""
    total = table.estimated_rows
    items = list(mapping.items())
    most = settings.KAFAAT_IMPORT_MAX_ERRORS
    progress("validating", 0, total)
    for chunk, outcomes in validated(spec, chunks(table.rows, CHUNK_ROWS), items, workers, ahead=stream):
        spec.check(outcomes)
        good = []
        for (number, cells), outcome in zip(chunk, outcomes, strict=True):
            if outcome.errors:
                result.rejected += 1
                result.error_count += len(outcome.errors)
                if len(result.errors) >= most:
                    continue
                result.rejected_rows.append((number, cells))
                for key, message in outcome.errors.items():
                    header, index = _column_of(spec, key, table.headers, mapping)
                    value = cells[index] if 0 <= index < len(cells) else ""
                    result.errors.append(RowError(number, header, str(message), value))
            elif outcome.skipped:
                result.already_imported += 1
            else:
                good.append(outcome.record)
        result.rows_read += len(chunk)
        if stream:
            result.valid += len(good)
            if good and (good_rows_only or not result.errors):
                result.imported += spec.write(good, lambda done: None)
        else:
            kept.add(good)
        progress("validating", result.rows_read, max(total, result.rows_read))
        if result.error_count >= most and not good_rows_only:
            result.stopped = True
            break


# --- Files for people: error reports, rejected rows, templates ----------------------------------------------


def write_error_report(result: ImportResult, target, language: str) -> None:
    """An XLSX of every error (row, column, value, message) and a second sheet with the rejected rows."""
    from openpyxl import Workbook

    with translation.override(language):
        workbook = Workbook(write_only=True)
        errors = workbook.create_sheet(_("Errors"))
        errors.append(xlsx_row(errors, [_("Row"), _("Column"), _("Value"), _("Message")]))
        for error in result.errors:
            value = (
                error.value
                if isinstance(error.value, int | float | str) or error.value is None
                else str(error.value)
            )
            errors.append(xlsx_row(errors, [error.row, error.column, value, error.message]))
        if result.error_count > len(result.errors):
            errors.append(xlsx_row(errors, ["", "", "", errors_not_listed(result)]))
        rejected = workbook.create_sheet(_("Rejected rows"))
        rejected.append(xlsx_row(rejected, [_("Row"), *result.headers]))
        for number, cells in result.rejected_rows:
            rejected.append(xlsx_row(rejected, [number, *cells]))
        workbook.save(target)


def errors_not_listed(result: ImportResult) -> str:
    """What the error report says of the errors it does not list (beyond KAFAAT_IMPORT_MAX_ERRORS)."""
    if result.stopped:
        return _("Checking stopped after %(count)s errors: correct these rows and import the file again.") % {
            "count": len(result.errors)
        }
    return _("%(count)s more errors are not listed.") % {"count": result.error_count - len(result.errors)}


def write_rejected_rows(result: ImportResult, target: str | Path) -> None:
    """The rejected rows with the file's own headers, to correct and import again (CSV or XLSX by suffix)."""
    if str(target).lower().endswith(".csv"):
        with open(target, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(safe_row(result.headers))
            writer.writerows(safe_row(cells) for _n, cells in result.rejected_rows)
        return
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(xlsx_row(sheet, result.headers))
    for _number, cells in result.rejected_rows:
        sheet.append(xlsx_row(sheet, cells))
    workbook.save(target)


__all__ = [
    "Column", "ImportFileError", "ImportResult", "ImportSpec", "Outcome", "RowError", "Table",
    "errors_not_listed", "read_table", "run_import", "write_error_report", "write_rejected_rows",
    "write_template", "xlsx_row",
]  # fmt: skip
