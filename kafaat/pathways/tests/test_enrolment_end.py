"""An enrolment ends when a step that answers to it says so: a dropout (dropped out), a completion, a
certification or a placement (completed) — but an internship, often done during training, leaves it open.
Enrolments left "ongoing" by a certification before this rule are ended by a data migration."""

from __future__ import annotations

from datetime import date
from importlib import import_module

import pytest
from django.apps import apps

from kafaat.pathways import services
from kafaat.pathways.models import Step, StepStatus
from kafaat.registry.tests.test_import_people import write_csv
from kafaat.registry.tests.test_import_steps import import_steps

HEADER = ["Identifiant étape", "Identifiant bénéficiaire", "Étape", "Date", "Étape précédente",
          "Programme de formation", "Type d'insertion", "Certification obtenue"]  # fmt: skip


@pytest.fixture
def worker(world):
    return world["users"]["caseworker_a"]


@pytest.fixture
def enrolment(worker, fatima, project):
    return services.record_step(
        worker, fatima, "enrolment", project=project, on=date(2026, 1, 10), programme="Couture"
    )


def _step(worker, fatima, project, kind, on, **fields):
    return services.record_step(worker, fatima, kind, project=project, on=on, **fields)


def test_a_certification_that_answers_to_the_enrolment_ends_it_completed(worker, fatima, project, enrolment):
    _step(worker, fatima, project, "certification", date(2026, 6, 30), parent=enrolment, credential="diploma")
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.end_date) == (StepStatus.COMPLETED, date(2026, 6, 30))


def test_a_placement_that_answers_to_the_enrolment_ends_it_unless_it_is_an_internship(
    worker, fatima, project, enrolment
):
    _step(
        worker, fatima, project, "placement", date(2026, 3, 1), parent=enrolment, placement_type="internship"
    )
    enrolment.refresh_from_db()
    assert enrolment.status == StepStatus.ONGOING and enrolment.end_date is None
    _step(
        worker,
        fatima,
        project,
        "placement",
        date(2026, 7, 1),
        parent=enrolment,
        placement_type="salaried_job",
    )
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.end_date) == (StepStatus.COMPLETED, date(2026, 7, 1))


def test_a_step_after_the_end_changes_nothing_and_placements_may_answer_to_certifications(
    worker, fatima, project, enrolment
):
    completion = _step(worker, fatima, project, "completion", date(2026, 6, 1), parent=enrolment)
    certification = _step(
        worker, fatima, project, "certification", date(2026, 6, 20), parent=completion, credential="diploma"
    )
    placement = _step(
        worker, fatima, project, "placement", date(2026, 7, 1), parent=certification,
        placement_type="salaried_job",
    )  # fmt: skip
    assert placement.parent == certification
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.end_date) == (StepStatus.COMPLETED, date(2026, 6, 1))
    late = _step(
        worker, fatima, project, "certification", date(2026, 8, 1), parent=enrolment, credential="rpl"
    )
    enrolment.refresh_from_db()
    assert late.pk and enrolment.end_date == date(2026, 6, 1)  # already ended: its end stays


def test_a_placement_cannot_answer_to_a_step_of_another_kind(worker, fatima, project):
    from django.core.exceptions import ValidationError

    intake = _step(worker, fatima, project, "intake", date(2026, 1, 5))
    with pytest.raises(ValidationError) as error:
        _step(
            worker,
            fatima,
            project,
            "placement",
            date(2026, 2, 1),
            parent=intake,
            placement_type="salaried_job",
        )
    assert "parent" in error.value.message_dict


def test_the_import_ends_enrolments_the_same_way(world, project, tmp_path):
    from kafaat.registry.services import register_person

    raw = {"external_id": "P-1", "first_name_latin": "Amina", "last_name_latin": "Alaoui", "sex": "F",
           "birth_date": "2001-03-12", "commune": "Oujda"}  # fmt: skip
    register_person(
        world["users"]["admin_a"], raw, organisation=world["ngo_a"], consent_given_on=date(2025, 1, 1)
    )
    rows = [
        ["S-1", "P-1", "enrolment", "06/01/2025", "", "Soudure", "", ""],
        ["S-2", "P-1", "certification", "30/06/2025", "S-1", "", "", "diploma"],
        ["S-3", "P-1", "enrolment", "01/09/2025", "", "Couture", "", ""],
        ["S-4", "P-1", "placement", "01/10/2025", "S-3", "", "internship", ""],
        ["S-5", "P-1", "enrolment", "01/09/2025", "", "Cuisine", "", ""],
        ["S-6", "P-1", "placement", "01/11/2025", "S-5", "", "salaried_job", ""],
    ]
    result = import_steps(world, write_csv(tmp_path / "steps.csv", HEADER, rows), project)
    assert (result.errors, result.imported) == ([], 6)
    status = dict(Step.objects.filter(kind="enrolment").values_list("external_id", "status"))
    assert status == {"S-1": "completed", "S-3": "ongoing", "S-5": "completed"}
    assert Step.objects.get(external_id="S-1").end_date == date(2025, 6, 30)


def test_the_data_migration_ends_enrolments_that_a_certification_answered_to(worker, fatima, project):
    older = _step(worker, fatima, project, "enrolment", date(2025, 1, 10), programme="Soudure")
    open_one = _step(worker, fatima, project, "enrolment", date(2025, 9, 1), programme="Couture")
    # As the old rule left them: a certification answering to an enrolment that stayed "ongoing".
    for day in (date(2025, 7, 1), date(2025, 6, 30)):
        Step.objects.create(
            person=fatima, organisation=older.organisation, project=project, kind="certification", date=day,
            parent=older, credential="diploma",
        )  # fmt: skip
    Step.objects.filter(pk=older.pk).update(status="ongoing", end_date=None)
    migration = import_module("kafaat.pathways.migrations.0004_certified_enrolments_completed")
    migration.end_certified_enrolments(apps, None)
    older.refresh_from_db()
    open_one.refresh_from_db()
    assert (older.status, older.end_date) == (StepStatus.COMPLETED, date(2025, 6, 30))  # the first one
    assert open_one.status == StepStatus.ONGOING
    migration.end_certified_enrolments(apps, None)  # again: nothing left to change
    older.refresh_from_db()
    assert older.end_date == date(2025, 6, 30)
