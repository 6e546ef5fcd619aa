"""The import framework, domain-free: reading files, mapping headers, all-or-nothing runs, bulk writing."""

from __future__ import annotations

import codecs
import io
import os
from datetime import UTC, datetime

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from kafaat.core.imports import (
    BulkTable,
    Column,
    ImportFileError,
    ImportSpec,
    Outcome,
    decode,
    map_headers,
    read_table,
    reserve_ids,
    run_import,
    xlsx_row,
)
from kafaat.core.imports import run as importing
from kafaat.core.models import AuditEvent


class Amounts(ImportSpec):
    """A toy import: a name and a whole amount per row; the name "known" counts as already imported."""

    kind = "amounts"
    columns = (
        Column("name", {"fr": "Nom", "ar": "الاسم", "en": "Name"}, ("Libellé",)),
        Column("amount", {"fr": "Montant", "ar": "المبلغ", "en": "Amount"}, ("Somme",)),
        Column("note", {"fr": "Remarque", "ar": "ملاحظة", "en": "Note"}),
    )
    required_groups = (("name",), ("amount",))
    parallel = True

    def __init__(self):
        self.written, self.finished = [], False

    def worker_state(self):
        return None

    @staticmethod
    def validate_rows(state, rows):
        out = []
        for number, raw in rows:
            try:
                out.append(Outcome(number, key=raw["name"], record=(raw["name"], int(str(raw["amount"])))))
            except ValueError:
                out.append(Outcome(number, {"amount": "Not a whole number."}))
        return out

    def check(self, outcomes):
        for outcome in outcomes:
            outcome.skipped = outcome.key == "known"

    def write(self, records, progress):
        self.written += records
        progress(len(records))
        return len(records)

    def finish(self):
        self.finished = True


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def csv_file(text: str, encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO(text.encode(encoding))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (codecs.BOM_UTF8 + "Prénom,الاسم".encode(), "Prénom,الاسم"),
        ("Prénom,الاسم".encode("utf-16"), "Prénom,الاسم"),
        ("الاسم العائلي;الجماعة\nالعلوي;وجدة".encode("cp1256"), "الاسم العائلي;الجماعة\nالعلوي;وجدة"),
        (
            "Prénom;Téléphone;ÉCOLE\nHélène;06;Collège".encode("cp1252"),
            "Prénom;Téléphone;ÉCOLE\nHélène;06;Collège",
        ),
    ],
)
def test_files_are_decoded_whatever_their_encoding(data, expected):
    assert decode(data) == expected


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_detected_and_rows_keep_their_numbers(delimiter):
    text = f"\nName{delimiter}Amount\nA{delimiter}1\n\nB{delimiter}2\n"
    table = read_table(csv_file(text), "file.csv")
    assert (table.headers, table.header_row) == (["Name", "Amount"], 2)
    assert list(table.rows) == [(3, ["A", "1"]), (5, ["B", "2"])]


def test_xlsx_reads_the_first_sheet_with_its_row_numbers(tmp_path):
    workbook = Workbook()
    workbook.active.append(["Name", "Amount", None])
    workbook.active.append(["A", 1])
    workbook.active.append([None, None])
    workbook.active.append(["B", 2.0])
    workbook.create_sheet("Other").append(["not", "read"])
    workbook.save(tmp_path / "file.xlsx")
    table = read_table(tmp_path / "file.xlsx")
    assert table.headers == ["Name", "Amount"]
    assert [(n, cells[:2]) for n, cells in table.rows] == [(2, ["A", 1]), (4, ["B", 2.0])]


def test_unreadable_files_are_refused():
    with pytest.raises(ImportFileError):
        read_table(io.BytesIO(b"x"), "file.pdf")
    with pytest.raises(ImportFileError):
        read_table(io.BytesIO(b"not a zip"), "file.xlsx")
    with pytest.raises(ImportFileError):
        read_table(io.BytesIO(b"\n\n"), "file.csv")


def test_headers_match_whatever_their_case_accents_spaces_or_language():
    spec = Amounts()
    mapping, unknown, errors = map_headers(spec, ["  NOM ", "sommé", "ملاحظة", "Colour"])
    assert (mapping, unknown, errors) == ({"name": 0, "amount": 1, "note": 2}, ["Colour"], [])
    _mapping, _unknown, errors = map_headers(spec, ["Name", "Libellé", "Note"])
    assert [(e.column, e.message) for e in errors] == [
        ("Libellé", "This column appears twice (as “Name”)."),
        ("Amount", "This column is missing."),
    ]


def test_nothing_is_written_while_any_row_is_bad(db):
    spec = Amounts()
    text = "Name;Amount;Note\nA;1;x\nB;two;y\nknown;3;\nC;4;z\n"
    result = run_import(spec, csv_file(text), "file.csv")
    assert [(e.row, e.column, e.value, e.message) for e in result.errors] == [
        (3, "Amount", "two", "Not a whole number.")
    ]
    assert (result.rows_read, result.valid, result.already_imported, result.rejected) == (4, 2, 1, 1)
    assert result.status == "rejected" and spec.written == [] and not spec.finished
    assert result.rejected_rows == [(3, ["B", "two", "y"])]


def test_good_rows_only_writes_the_good_rows_with_progress(db):
    spec, seen = Amounts(), []
    text = "Name,Amount\nA,1\nB,two\nC,3\n"
    result = run_import(
        spec, csv_file(text), "file.csv", good_rows_only=True, progress=lambda *a: seen.append(a)
    )
    assert spec.written == [("A", 1), ("C", 3)] and spec.finished
    assert (result.imported, result.rejected, result.status) == (2, 1, "done")
    assert ("validating", 3, 3) in seen and ("writing", 2, 2) in seen


def test_a_dry_run_checks_and_writes_nothing(db):
    spec = Amounts()
    result = run_import(spec, csv_file("Name,Amount\nA,1\n"), "file.csv", dry_run=True)
    assert (result.valid, result.imported, result.status, spec.written) == (1, 0, "checked", [])


def test_a_missing_column_stops_before_the_rows(db):
    result = run_import(Amounts(), csv_file("\nName,Colour\nA,1\n"), "file.csv")
    assert [(e.row, e.column) for e in result.errors] == [(2, "Amount")] and result.rows_read == 0


def test_worker_processes_validate_in_file_order(db, monkeypatch):
    monkeypatch.setattr(importing, "PARALLEL_MIN_ROWS", 0)
    monkeypatch.setattr(importing, "CHUNK_ROWS", 7)
    lines = ["Name,Amount"] + [f"N{i},{i if i % 10 else 'x'}" for i in range(1, 101)]
    spec = Amounts()
    result = run_import(spec, csv_file("\n".join(lines)), "file.csv", workers=2, good_rows_only=True)
    assert [e.row for e in result.errors] == [11 + 10 * i for i in range(10)]
    assert spec.written == [(f"N{i}", i) for i in range(1, 101) if i % 10]


def test_bulk_tables_write_with_reserved_ids_as_the_orm_would_store_them(db):
    at = datetime(2025, 1, 5, 9, 30, tzinfo=UTC)
    blank = ("actor_username", "target_type", "target_id", "target_repr", "path")
    table = BulkTable(AuditEvent, ("id", "at", "action", "details", "count", *blank))
    with importing.transaction.atomic():
        ids = reserve_ids(AuditEvent, 3)
        details = {"text": "العلوي"}
        rows = [
            table.row((pk, at, "bulk_create", {**details, "n": pk}, pk, *[""] * len(blank))) for pk in ids
        ]
        assert table.write(rows) == 3
    events = AuditEvent.objects.filter(pk__in=ids).order_by("pk")
    assert [(e.pk, e.at, e.details["n"], e.details["text"]) for e in events] == [
        (pk, at, pk, "العلوي") for pk in ids
    ]
    assert AuditEvent.objects.create(action="view").pk > max(ids)  # the sequence moved past them


def test_xlsx_cells_never_become_formulas(tmp_path):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(xlsx_row(sheet, ["=1+1", "+212612345678", 3]))
    workbook.save(tmp_path / "out.xlsx")
    cells = list(load_workbook(tmp_path / "out.xlsx").active.iter_rows(values_only=False))[0]
    assert [(c.value, c.data_type) for c in cells] == [("'=1+1", "s"), ("'+212612345678", "s"), (3, "n")]


def test_a_process_running_native_threads_validates_in_spawned_workers_not_forked():
    import duckdb

    from kafaat.core.imports import workers as import_workers

    connection = duckdb.connect()
    connection.execute("SELECT 1").fetchall()  # DuckDB starts its native thread pool
    try:
        # Forking now would copy a process whose other threads hold locks: workers must be spawned.
        assert import_workers._no_threads_since_start() is False
    finally:
        connection.close()


def test_blank_csv_rows_are_skipped_and_numbers_stay_those_of_the_file(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("name,amount\n\nAmina,3\n , \t,\n,\nSara, 4\n", encoding="utf-8")
    table = read_table(path)
    assert table.headers == ["name", "amount"]
    assert list(table.rows) == [(3, ["Amina", "3"]), (6, ["Sara", " 4"])]


def test_default_workers_are_the_setting_else_one_on_sqlite(settings):
    from django.db import connection

    settings.KAFAAT_IMPORT_WORKERS = None
    expected = 1 if connection.vendor == "sqlite" else min(os.cpu_count() or 1, 8)
    assert importing.default_workers() == expected
    settings.KAFAAT_IMPORT_WORKERS = 3
    assert importing.default_workers() == 3
