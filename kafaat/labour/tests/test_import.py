"""Importing vacancies: every bad row and field reported, all or nothing, idempotent, re-posted ads once."""

import csv

import pytest

from kafaat.core.imports import run_import
from kafaat.core.models import AuditEvent
from kafaat.labour.importing import VacancyImport
from kafaat.labour.models import CodingStatus, Employer, Vacancy
from kafaat.synth.vacancies import generate_vacancies, write_vacancies

HEADER = ["Référence", "Entreprise", "Secteur", "Ville", "Intitulé du poste", "Code ISCO", "Nombre de postes",
          "Type de contrat", "Date de publication", "Source"]  # fmt: skip
TEXTILE = "Oriental Textile SARL"
GOOD = [
    ["A-1", TEXTILE, "14", "Oujda-Angad", "Couturières (H/F)", "", "10", "CDD", "02/02/2026", "agency"],
    ["A-2", TEXTILE, "14", "02.411", "Contrôleuse qualité", "7543", "2", "cdi", "2026-02-03", ""],
    ["A-3", "Agrumes", "A", "Berkane", "Ouvrières de conditionnement", "", "40", "saisonnier", "05/02/2026"],
]  # fmt: skip


def _file(tmp_path, rows, name="offres.csv"):
    path = tmp_path / name
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _import(world, path, user="caseworker_a", **options):
    spec = VacancyImport(world["users"][user], file_name=path.name)
    return spec, run_import(spec, path, path.name, workers=1, **options)


def test_a_good_file_is_imported_with_employers_codes_and_one_audit_event(world, tmp_path):
    spec, result = _import(world, _file(tmp_path, GOOD))
    assert (result.written, result.imported, result.errors) == (True, 3, [])
    vacancies = {v.external_id: v for v in Vacancy.objects.select_related("occupation", "employer")}
    assert (
        vacancies["A-1"].occupation.code == "8153"
        and vacancies["A-1"].coding_status == CodingStatus.SUGGESTED
    )
    assert vacancies["A-2"].coding_status == CodingStatus.CONFIRMED and vacancies["A-2"].positions == 2
    assert vacancies["A-3"].contract_type == "seasonal" and vacancies["A-3"].sector.code == "A"
    assert vacancies["A-1"].employer == vacancies["A-2"].employer
    assert Employer.objects.count() == 2
    assert Vacancy.objects.filter(organisation=world["ngo_a"]).count() == 3
    event = AuditEvent.objects.get(action="bulk_create", target_type="labour.vacancy")
    assert event.count == 3 and event.details["import"] == "vacancies"


def test_bad_rows_are_all_reported_and_nothing_is_written(world, tmp_path):
    bad = [
        GOOD[0],
        ["B-1", "", "14", "Atlantide", "", "12345", "zéro", "pour toujours", "31/02/2026", "radio"],
        ["B-2", "X SARL", "ZZ", "Oujda-Angad", "Soudeur", "", "-3", "cdi", "02/02/2099", ""],
    ]
    spec, result = _import(world, _file(tmp_path, bad))
    assert not result.written and result.rejected == 2
    cells = {(e.row, e.column) for e in result.errors}
    assert cells == {
        (3, "Entreprise"), (3, "Ville"), (3, "Intitulé du poste"), (3, "Code ISCO"), (3, "Nombre de postes"),
        (3, "Type de contrat"), (3, "Date de publication"), (3, "Source"),
        (4, "Secteur"), (4, "Nombre de postes"), (4, "Date de publication"),
    }  # fmt: skip
    assert not Vacancy.objects.exists() and not Employer.objects.exists()
    _spec, partial = _import(world, _file(tmp_path, bad), good_rows_only=True)
    assert partial.written and partial.imported == 1 and Vacancy.objects.count() == 1


def test_a_missing_required_column_is_reported_before_any_row(world, tmp_path):
    path = tmp_path / "sans-titre.csv"
    path.write_text("Entreprise;Ville;Date\nX;Oujda-Angad;02/02/2026\n", encoding="utf-8")
    _spec, result = _import(world, path)
    assert [e.column for e in result.errors] == ["Intitulé du poste"] and result.rows_read == 0


def test_importing_the_same_file_again_changes_nothing(world, tmp_path):
    path = _file(tmp_path, GOOD + [["", "Rif Hôtel", "55", "Nador", "Serveur", "", "", "", "01/02/2026", ""]])
    _import(world, path)
    assert Vacancy.objects.count() == 4
    _spec, again = _import(world, path)
    assert (again.imported, again.already_imported, again.errors) == (0, 4, [])
    assert Vacancy.objects.count() == 4
    changed = [GOOD[0][:6] + ["11"] + GOOD[0][7:]]
    _spec, conflict = _import(world, _file(tmp_path, changed, "changed.csv"))
    assert conflict.errors and "other values" in conflict.errors[0].message


def test_dry_run_writes_nothing(world, tmp_path):
    _spec, result = _import(world, _file(tmp_path, GOOD), dry_run=True)
    assert result.valid == 3 and not result.written and not Vacancy.objects.exists()


def test_reposted_ads_are_recorded_once_in_the_file_and_across_organisations(world, tmp_path):
    reposted = GOOD + [
        ["A-9", "ORIENTAL TEXTILE", "14", "Oujda-Angad", "COUTURIERES", "", "10", "cdd", "20/02/2026"],
        ["A-10", "Oriental Textile", "14", "Oujda-Angad", "Couturières", "", "10", "cdd", "30/04/2026", ""],
    ]  # fmt: skip
    spec, result = _import(world, _file(tmp_path, reposted))
    assert result.imported == 4 and [row for row, _what in spec.reposted] == [5]
    # Another organisation's job-board export carries the same ad: it is not recorded twice.
    board = [["JB-77", "Oriental Textile S.A.R.L.", "14", "Oujda-Angad", "Couturière", "", "10", "cdd",
              "04/02/2026", "job_board"]]  # fmt: skip
    spec, result = _import(world, _file(tmp_path, board, "board.csv"), user="caseworker_b")
    assert result.imported == 0 and len(spec.reposted) == 1 and "vacancy no." in spec.reposted[0][1]


def test_an_analyst_may_not_import(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        VacancyImport(world["users"]["analyst_oriental"])


def test_generated_vacancies_import_and_their_reposts_are_found(world, tmp_path):
    table = generate_vacancies(300, seed=7, provinces=(("02.411", "Oujda", 1), ("02.381", "Nador", 1)))
    path = tmp_path / "generated.csv"
    write_vacancies(table, path)
    spec, result = _import(world, path)
    assert result.errors == [] and result.written
    assert result.imported + len(spec.reposted) == 300 and len(spec.reposted) >= 5
    # The truth column is ignored by the import but says how well the suggestions did.
    truth = dict(zip(table["external_id"].to_pylist(), table["true_isco"].to_pylist(), strict=True))
    suggested = Vacancy.objects.filter(coding_status=CodingStatus.SUGGESTED).values_list(
        "external_id", "occupation__code"
    )
    right = sum(truth[key] == code for key, code in suggested)
    assert right / len(suggested) > 0.8


@pytest.mark.django_db(transaction=True)
def test_the_command_imports_and_reports(world, tmp_path, settings):
    from django.core.management import call_command

    path = _file(tmp_path, GOOD)
    call_command(
        "import_vacancies", str(path), "--organisation", "ngo-a-oujda", "--user", "caseworker_a", "--dry-run"
    )
    assert not Vacancy.objects.exists()
    call_command("import_vacancies", str(path), "--organisation", "ngo-a-oujda", "--user", "caseworker_a")
    assert Vacancy.objects.count() == 3
