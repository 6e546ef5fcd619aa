"""`python -m kafaat import` and `import_template`: summary, exit code, error report, templates."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from kafaat.core.models import Membership, Role
from kafaat.registry.imports import PEOPLE_COLUMNS, STEP_COLUMNS
from kafaat.registry.models import Person
from kafaat.registry.tests.test_import_people import GOOD, HEADER, write_csv


def test_the_command_imports_and_prints_a_summary(world, tmp_path, capsys):
    path = write_csv(tmp_path / "people.csv", HEADER, GOOD)
    call_command("import", str(path), kind="people", organisation="ngo-a-oujda", language="en")
    out = capsys.readouterr().out
    assert "rows read: 3\nvalid: 3\nimported: 3\nalready imported: 0\nrejected: 0" in out
    person = Person.objects.get(external_id="A-1")
    assert person.created_by == world["users"]["admin_a"]  # the organisation's first administrator
    call_command("import", str(path), kind="people", organisation="ngo-a-oujda", user="caseworker_a")
    assert "imported: 0\nalready imported: 3" in capsys.readouterr().out


def test_rejected_rows_make_the_command_exit_non_zero_and_write_the_report(world, tmp_path, capsys):
    bad = ["B-1", "Alaoui", "Fatima", "", "", "X", "12/03/2001", "Oujda", "", "", "05/01/2025", ""]
    path = write_csv(tmp_path / "people.csv", HEADER, [*GOOD, bad])
    report = tmp_path / "errors.xlsx"
    options = {"kind": "people", "organisation": "ngo-a-oujda", "errors_out": str(report), "language": "en"}
    with pytest.raises(CommandError) as error:
        call_command("import", str(path), **options)
    assert error.value.returncode == 1  # what `python -m kafaat import` exits with
    assert "nothing was imported" in str(error.value)
    out = capsys.readouterr().out
    assert "row 5, column 'Sexe': Write F or M." in out and "rejected: 1" in out
    assert not Person.objects.exists()
    sheet = load_workbook(report).worksheets[0]
    assert [c.value for c in sheet[2]] == [5, "Sexe", "X", "Write F or M."]
    with pytest.raises(CommandError) as error:
        call_command(
            "import", str(path), **options, good_rows_only=True, rejected_out=str(tmp_path / "rejected.xlsx")
        )
    assert error.value.returncode == 1 and Person.objects.count() == 3
    assert [c.value for c in load_workbook(tmp_path / "rejected.xlsx").active[2]][:2] == ["B-1", "Alaoui"]


def test_a_dry_run_writes_nothing_and_succeeds_on_a_good_file(world, tmp_path, capsys):
    path = write_csv(tmp_path / "people.csv", HEADER, GOOD)
    call_command("import", str(path), kind="people", organisation="ngo-a-oujda", dry_run=True)
    assert "valid: 3\nimported: 0" in capsys.readouterr().out and not Person.objects.exists()


def test_the_command_refuses_unknown_organisations_and_users_without_rights(world, tmp_path):
    path = write_csv(tmp_path / "people.csv", HEADER, GOOD)
    with pytest.raises(CommandError, match="no organisation"):
        call_command("import", str(path), kind="people", organisation="nope")
    with pytest.raises(CommandError, match="may not import"):
        call_command("import", str(path), kind="people", organisation="ngo-a-oujda", user="caseworker_b")
    Membership.objects.filter(role=Role.ADMINISTRATOR).delete()
    with pytest.raises(CommandError, match="give --user"):
        call_command("import", str(path), kind="people", organisation="ngo-a-oujda")


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
@pytest.mark.parametrize(("kind", "columns"), [("people", PEOPLE_COLUMNS), ("steps", STEP_COLUMNS)])
def test_templates_have_the_headers_of_their_language_and_a_documentation_sheet(
    db, tmp_path, language, kind, columns
):
    out = tmp_path / f"{kind}-{language}.xlsx"
    call_command("import_template", kind=kind, lang=language, out=str(out))
    data, documentation = load_workbook(out).worksheets
    headers = [cell.value for cell in data[1]]
    assert headers == [column.headers[language] for column in columns]
    assert data.max_row == 3  # the header and two example rows
    assert documentation.max_row == len(columns) + 1 and documentation.max_column == 5
    assert bool(documentation.sheet_view.rightToLeft) == (language == "ar")
    expected = {"fr": "Date du consentement", "ar": "تاريخ الموافقة", "en": "Consent date"}[language]
    assert kind == "steps" or expected in headers


def test_the_template_examples_import_cleanly(world, tmp_path):
    out = tmp_path / "people.xlsx"
    call_command("import_template", kind="people", lang="ar", out=str(out))
    call_command("import", str(out), kind="people", organisation="ngo-a-oujda")
    assert set(Person.objects.values_list("external_id", flat=True)) == {"P-0001", "P-0002"}


def test_python_m_kafaat_runs_the_template_command(tmp_path):
    out = tmp_path / "steps.xlsx"
    command = [
        sys.executable,
        "-m",
        "kafaat",
        "import_template",
        "--kind",
        "steps",
        "--lang",
        "ar",
        "--out",
        str(out),
    ]
    subprocess.run(command, check=True, capture_output=True, cwd=Path(__file__).resolve().parents[3])  # noqa: S603
    assert load_workbook(out).worksheets[0]["A1"].value == "معرف المرحلة"
