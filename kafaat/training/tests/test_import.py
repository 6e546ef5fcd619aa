"""Importing a supply table: every row checked, all or nothing, idempotent, Arabic headers, the command."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from kafaat.core.imports import run_import, write_error_report
from kafaat.core.models import AuditEvent
from kafaat.training.importing import SupplyImport, parse_year
from kafaat.training.models import SupplyStatistic

HEADER = [
    "Code établissement",
    "Établissement",
    "Code filière",
    "Année de formation",
    "Places offertes",
    "Candidats",
    "Candidats dont filles",
    "Inscrits",
    "Inscrits dont filles",
    "Lauréats",
    "Lauréats dont filles",
]
GOOD = [
    ["ista-nador", "ISTA Nador", "Q-EB", "2023-2024", 60, 140, 10, 58, 4, 25, 2],
    ["ista-nador", "ISTA Nador", "Q-EB", "2024-2025", 60, 150, 12, 59, 5, 27, 2],
    ["ista-nador", "ISTA Nador", "TS-GE", "2024/25", 40, "1 020", 700, 40, 29, 18, 14],
]


def csv_file(rows, header=HEADER):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return io.BytesIO(buffer.getvalue().encode("utf-8"))


def run(supply, rows, header=HEADER, user="establishment", organisation="provider", **options):
    spec = SupplyImport(supply["users"][user], supply[organisation], language="fr", file_name="t.csv")
    return run_import(spec, csv_file(rows, header), "t.csv", workers=1, **options)


def test_a_good_table_is_imported_with_one_audit_event(supply):
    result = run(supply, GOOD)
    assert (result.status, result.imported, result.rejected) == ("done", 3, 0)
    row = SupplyStatistic.objects.get(programme=supply["management"], year=2024)
    assert (row.applicants, row.enrolled, row.enrolled_women, row.source) == (1020, 40, 29, "published")
    event = AuditEvent.objects.get(target_type="training.supplystatistic")
    assert (
        event.action == "bulk_create"
        and event.count == 3
        and event.details["organisation"] == "provider-nador"
    )


def test_importing_the_same_file_again_changes_nothing(supply):
    run(supply, GOOD)
    before = list(SupplyStatistic.objects.values())
    again = run(supply, GOOD)
    assert (again.imported, again.already_imported, again.errors) == (0, 3, [])
    assert list(SupplyStatistic.objects.values()) == before
    assert AuditEvent.objects.filter(target_type="training.supplystatistic").count() == 1


def test_a_revised_table_replaces_the_figures_it_changes_and_audits_both_values(supply):
    run(supply, GOOD)
    revised = [list(GOOD[0]), *GOOD[1:]]
    revised[0][9] = 26
    result = run(supply, revised)
    assert (result.imported, result.already_imported) == (1, 2)
    assert SupplyStatistic.objects.get(programme=supply["electricity"], year=2023).graduates == 26
    event = AuditEvent.objects.get(action="bulk_update")
    assert list(event.details["changes"].values()) == [{"graduates": [25, 26]}]


def test_bad_rows_are_all_reported_and_nothing_is_written(supply):
    bad = [
        GOOD[0],
        ["ista-nador", "", "Q-EB", "2024", 60, 150, 12, 59, 61, 27, 2],  # more women than enrolled
        ["ista-nador", "", "TS-GE", "2024", 40, 100, 70, 40, 29, 41, 14],  # more graduates than enrolled
        ["ista-nador", "", "TS-GE", "2023-2025", "", "", "", "x", "", "", ""],  # year and a word for a number
        ["ita-tanger", "", "T-IRR", "2024", 20, 40, 5, 20, 5, 10, 1],  # not the provider's establishment
        ["ista-nador", "", "NOPE", "2024", 20, 40, 5, 20, 5, 10, 1],  # unknown programme
        ["ista-nador", "", "Q-EB", "2023", 60, 140, 10, 58, 4, 25, 2],  # the same key as the first row
        ["ista-nador", "", "Q-EB", "2022", "", "", "", "", "", "", ""],  # no figure
    ]
    result = run(supply, bad)
    assert result.status == "rejected" and result.rejected == 7 and not SupplyStatistic.objects.exists()
    errors = {(e.row, e.column) for e in result.errors}
    assert errors == {
        (3, "Inscrits dont filles"),
        (4, "Lauréats"),
        (5, "Année de formation"),
        (5, "Inscrits"),
        (6, "Code établissement"),
        (7, "Code filière"),
        (8, "Code filière"),
        (9, "Inscrits"),
    }
    assert any("row 2" in e.message or "ligne 2" in e.message for e in result.errors if e.row == 8)
    report = io.BytesIO()
    write_error_report(result, report, "fr")
    sheet = load_workbook(report).worksheets[0]
    assert sheet.max_row == 1 + len(result.errors)


def test_a_dry_run_checks_everything_and_writes_nothing(supply):
    result = run(supply, GOOD, dry_run=True)
    assert (result.status, result.valid) == ("checked", 3) and not SupplyStatistic.objects.exists()


def test_arabic_headers_women_and_men_apart_and_age_bands_in_xlsx(supply):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "رمز المؤسسة",
            "رمز الشعبة",
            "السنة التكوينية",
            "الفئة العمرية",
            "المسجلون منهم إناث",
            "المسجلون ذكور",
            "الخريجون",
        ]
    )
    sheet.append(["ista-nador", "TS-GE", 2024, "", 30, 12, 20])
    sheet.append(["ista-nador", "TS-GE", 2024, "18-24 ans", 20, 8, 15])
    sheet.append(["ista-nador", "TS-GE", 2024, "25-34", 10, 4, 5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    spec = SupplyImport(supply["users"]["establishment"], supply["provider"], language="ar")
    result = run_import(spec, buffer, "جدول.xlsx", workers=1)
    assert result.status == "done", result.errors
    rows = {s.age_band: (s.enrolled, s.enrolled_women, s.graduates) for s in SupplyStatistic.objects.all()}
    assert rows == {"": (42, 30, 20), "18-24": (28, 20, 15), "25-34": (14, 10, 5)}


def test_age_bands_may_not_add_up_to_more_than_all_ages(supply):
    header = ["Code établissement", "Code filière", "Année", "Tranche d'âge", "Inscrits"]
    rows = [
        ["ista-nador", "Q-EB", 2024, "18-24", 30],
        ["ista-nador", "Q-EB", 2024, "25-34", 25],
        ["ista-nador", "Q-EB", 2024, "", 50],
    ]
    result = run(supply, rows, header)
    assert result.status == "rejected" and [(e.row, e.column) for e in result.errors] == [(4, "Inscrits")]


def test_totals_that_are_not_women_plus_men_are_refused(supply):
    header = [
        "Code établissement",
        "Code filière",
        "Année",
        "Inscrits",
        "Inscrits dont filles",
        "Inscrits garçons",
    ]
    result = run(supply, [["ista-nador", "Q-EB", 2024, 50, 20, 20]], header)
    assert [e.column for e in result.errors] == ["Inscrits"]


def test_missing_columns_are_reported_before_any_row(supply):
    result = run(supply, [["ista-nador", 2024]], ["Code établissement", "Année"])
    assert result.status == "rejected" and {e.column for e in result.errors} >= {"Code filière"}


def test_only_members_who_edit_establishments_may_import(supply):
    with pytest.raises(PermissionDenied):
        SupplyImport(supply["users"]["analyst_oriental"], supply["agency"])
    # OFPPT's administrator imports for the establishments OFPPT operates
    result = run(supply, GOOD, user="ofppt_admin", organisation="ofppt")
    assert result.imported == 3


@pytest.mark.parametrize(
    ("text", "year"), [("2024", 2024), ("2024-2025", 2024), ("2024/25", 2024), (2023.0, 2023)]
)
def test_training_years_as_tables_write_them(text, year):
    assert parse_year(text) == year


def test_the_command_imports_dry_runs_and_fails_on_bad_rows(supply, tmp_path, make_member):
    from kafaat.core.models import Role

    make_member("provider_admin", supply["provider"], Role.ADMINISTRATOR)
    good = tmp_path / "supply.csv"
    good.write_bytes(csv_file(GOOD).getvalue())
    out = io.StringIO()
    call_command("import_supply", str(good), "--organisation", "provider-nador", "--dry-run", stdout=out)
    assert "dry run" in out.getvalue() and not SupplyStatistic.objects.exists()
    call_command("import_supply", str(good), "--organisation", "provider-nador", stdout=out)
    assert SupplyStatistic.objects.count() == 3
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_file([[*GOOD[0][:7], 10, 11, 1, 1]]).getvalue())
    with pytest.raises(CommandError) as raised:
        call_command(
            "import_supply",
            str(bad),
            "--organisation",
            "provider-nador",
            "--errors-out",
            str(tmp_path / "errors.xlsx"),
            stdout=out,
        )
    assert raised.value.returncode == 1 and (tmp_path / "errors.xlsx").exists()
    with pytest.raises(CommandError):
        call_command("import_supply", str(good), "--organisation", "nope", stdout=out)
