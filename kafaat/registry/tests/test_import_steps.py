"""Importing pathway steps: check_step against the database and the earlier rows of the same file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.utils import translation

from kafaat.core.imports import run as importing
from kafaat.core.models import AuditEvent, Project
from kafaat.pathways.models import Participation, Step, StepStatus
from kafaat.registry.imports import StepsImport, step_kind
from kafaat.registry.services import register_person
from kafaat.registry.tests.test_import_people import write_csv, write_xlsx

HEADER = ["Identifiant étape", "Identifiant bénéficiaire", "Étape", "Date", "Étape précédente",
          "Programme de formation", "Motif d'abandon"]  # fmt: skip


@pytest.fixture
def project(world):
    project = Project.objects.create(code="tahfiz", name_fr="Tahfiz", start_date=date(2024, 1, 1))
    project.participants.add(world["ngo_a"])
    return project


@pytest.fixture
def people(world):
    admin = world["users"]["admin_a"]
    made = {}
    for external_id, first, number in (("P-1", "Fatima", "AB123456"), ("P-2", "Youssef", "")):
        raw = {"external_id": external_id, "first_name_latin": first, "last_name_latin": "Alaoui", "sex": "F",
               "birth_date": "2001-03-12", "commune": "Oujda", "id_number": number}  # fmt: skip
        made[external_id] = register_person(
            admin, raw, organisation=world["ngo_a"], consent_given_on=date(2025, 1, 1)
        )
    return made


def import_steps(world, path, project=None, **options):
    with translation.override("en"):
        spec = StepsImport(world["users"]["admin_a"], world["ngo_a"], project=project, language="en",
                           file_name=Path(path).name)  # fmt: skip
        return importing.run_import(spec, path, **options)


def test_an_enrolment_and_its_dropout_in_the_same_file(world, project, people, tmp_path):
    rows = [
        ["S-1", "P-1", "inscription", "06/01/2025", "", "Soudure", ""],
        ["S-2", "P-1", "Dropout", "20/03/2025", "S-1", "", "family"],
        ["S-3", "P-2", "enrolment", "2025-02-01", "", "Couture", ""],
    ]
    result = import_steps(world, write_csv(tmp_path / "steps.csv", HEADER, rows), project)
    assert (result.errors, result.imported) == ([], 3)
    enrolment, dropout = Step.objects.get(external_id="S-1"), Step.objects.get(external_id="S-2")
    assert (enrolment.status, enrolment.end_date) == (StepStatus.DROPPED_OUT, date(2025, 3, 20))
    assert dropout.parent == enrolment and dropout.dropout_reason == "family"
    assert Step.objects.get(external_id="S-3").status == StepStatus.ONGOING
    participation = Participation.objects.get(person=people["P-1"], project=project)
    assert participation.joined_on == date(2025, 1, 6) and participation.organisation == world["ngo_a"]
    assert AuditEvent.objects.get(target_type="pathways.step").count == 3
    again = import_steps(world, write_csv(tmp_path / "steps.csv", HEADER, rows), project)
    assert (again.imported, again.already_imported, again.errors) == (0, 3, [])
    assert Step.objects.count() == 3


def test_a_rule_violation_is_reported_on_its_row_and_nothing_is_written(world, project, people, tmp_path):
    rows = [
        ["S-1", "P-1", "enrolment", "06/01/2025", "", "Soudure", ""],
        ["S-2", "P-1", "dropout", "01/01/2025", "S-1", "", "family"],  # before the enrolment
        ["S-3", "P-1", "dropout", "01/04/2025", "S-9", "", "family"],  # no such step
        ["S-4", "P-9", "intake", "01/04/2025", "", "", ""],  # no such person
        ["S-5", "P-2", "completion", "01/04/2025", "", "", ""],  # needs its enrolment
    ]
    result = import_steps(world, write_csv(tmp_path / "steps.csv", HEADER, rows), project)
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "Date"),
        (4, "Étape précédente"),
        (5, "Identifiant bénéficiaire"),
        (6, "Étape précédente"),
    ]
    assert "2025-01-06" in result.errors[0].message
    assert not Step.objects.exists() and not Participation.objects.exists()
    partial = import_steps(
        world, write_csv(tmp_path / "steps.csv", HEADER, rows), project, good_rows_only=True
    )
    assert partial.imported == 1 and Step.objects.get().status == StepStatus.ONGOING


def test_a_dropout_can_answer_an_enrolment_imported_earlier_and_a_person_found_by_cin(
    world, project, people, tmp_path
):
    first = [["S-1", "P-1", "enrolment", "06/01/2025", "", "Soudure", ""]]
    import_steps(world, write_csv(tmp_path / "one.csv", HEADER, first), project)
    header = ["Step id", "CIN", "Step", "Date", "Previous step", "Dropout reason", "Project"]
    second = [["S-2", "ab 123456", "التسجيل", "07/01/2025", "", "", "tahfiz"],
              ["S-3", "AB123456", "Dropout", "20/03/2025", "S-1", "family", "tahfiz"],
              ["S-4", "AB123456", "Dropout", "21/03/2025", "S-1", "family", "tahfiz"]]  # fmt: skip
    result = import_steps(world, write_xlsx(tmp_path / "two.xlsx", header, second))
    assert [(e.row, e.column) for e in result.errors] == [(2, "Training programme"), (4, "Previous step")]
    assert "ended" in result.errors[1].message
    result = import_steps(world, write_xlsx(tmp_path / "two.xlsx", header, second[1:2]))
    assert result.imported == 1
    assert Step.objects.get(external_id="S-1").status == StepStatus.DROPPED_OUT


def test_fields_of_another_kind_and_unknown_projects_are_errors(world, project, people, tmp_path):
    rows = [["S-1", "P-1", "intake", "06/01/2025", "", "Soudure", ""]]
    result = import_steps(world, write_csv(tmp_path / "steps.csv", HEADER, rows), project)
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "Programme de formation", "Not a field of this step.")
    ]
    rows = [["S-1", "P-1", "intake", "06/01/2025", "", "", ""]]
    result = import_steps(world, write_csv(tmp_path / "steps.csv", HEADER, rows))
    assert [(e.row, e.column) for e in result.errors] == [(2, "Project")]


@pytest.mark.parametrize(
    ("text", "kind"),
    [("enrolment", "enrolment"), ("Enrolment in training", "enrolment"), ("Inscription", "enrolment"),
     ("abandon", "dropout"), ("الانقطاع", "dropout"), ("Suivi", "follow_up"), ("placement", "placement")],
)  # fmt: skip
def test_step_kinds_are_read_in_french_arabic_and_english(text, kind):
    assert step_kind(text) == kind
