"""Formula injection: text a spreadsheet would run (=, +, -, @, tab, carriage return first) is written with a
single quote first (OWASP) in the people export (CSV and XLSX) and in an import's error report; numbers stay
numbers; an exported file imports back as it was."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kafaat.core.imports import read_table, safe_cell, safe_row
from kafaat.core.imports import run as importing
from kafaat.registry.imports import PeopleImport
from kafaat.registry.services import register_person
from kafaat.registry.tests.test_import_people import GOOD, HEADER, write_csv

PAYLOADS = ("+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)", "\t=1", "\r=1", "=1+1")


def _exported(client, fmt: str) -> list[list]:
    response = client.get(reverse("registry:export"), {"format": fmt})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if fmt == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    return [[c.value for c in row] for row in load_workbook(io.BytesIO(content)).active.iter_rows()]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_people_export_quotes_every_payload(client, world, fmt):
    for number, payload in enumerate(PAYLOADS):
        raw = {"external_id": f"P-{number}", "first_name_latin": "Fatima", "sex": "F", "commune": "Oujda",
               "birth_date": "2001-03-12", "phone": "+212612345678"}  # fmt: skip
        person = register_person(
            world["users"]["admin_a"], raw, organisation=world["ngo_a"], consent_given_on=date(2025, 1, 1)
        )
        type(person).objects.filter(pk=person.pk).update(external_id=payload)  # what a bad import could store
    client.force_login(world["users"]["admin_a"])
    rows = _exported(client, fmt)[1:]
    assert sorted(row[0] for row in rows) == sorted("'" + payload for payload in PAYLOADS)
    assert all(row[10] == "'+212612345678" for row in rows)  # a phone is text: quoted too
    if fmt == "xlsx":
        assert all(isinstance(row[6], date) for row in rows)  # the birth date stays a date


def test_an_import_error_report_quotes_every_payload(world, tmp_path):
    bad = [[p, p, p, "", "", "X", "12/03/2001", "Oujda", "", "", "", ""] for p in PAYLOADS]
    path = write_csv(tmp_path / "people.csv", HEADER, [*GOOD, *bad])
    spec = PeopleImport(world["users"]["admin_a"], world["ngo_a"], language="en")
    result = importing.run_import(spec, path, dry_run=True)
    report = tmp_path / "errors.xlsx"
    importing.write_error_report(result, report, "en")
    errors, rejected = load_workbook(report).worksheets
    values = [row[2] for row in errors.iter_rows(min_row=2, values_only=True) if row[1] == "Sexe"]
    assert values == ["X"] * len(PAYLOADS)
    cells = [row[1] for row in rejected.iter_rows(min_row=2, values_only=True)]
    assert cells == ["'" + payload for payload in PAYLOADS]
    assert all(isinstance(row[0], int) for row in rejected.iter_rows(min_row=2, values_only=True))
    importing.write_rejected_rows(result, tmp_path / "rejected.csv")
    with open(tmp_path / "rejected.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    assert [row[0] for row in rows] == ["'" + payload for payload in PAYLOADS]


def test_numbers_stay_numbers_and_quoted_text_reads_back(tmp_path):
    assert safe_cell(-2) == -2 and safe_cell(-2.5) == -2.5
    assert safe_row(["-2", "-2", "+3.5", "-2+3"], numeric=[True, False, True, True]) == [
        "-2", "'-2", "+3.5", "'-2+3"
    ]  # fmt: skip
    path = tmp_path / "back.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        rows = [["Name", "Phone"], *([safe_cell(p), "'+212612345678"] for p in PAYLOADS)]
        csv.writer(handle).writerows(rows)
    rows = [cells for _number, cells in read_table(path).rows]
    assert [row[1] for row in rows] == ["+212612345678"] * len(PAYLOADS)
    assert [row[0] for row in rows][:3] == list(PAYLOADS[:3])
