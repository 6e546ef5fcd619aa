"""Pathway rules: order in time, dropout ends an enrolment, placements need the project, referrals."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from kafaat.core.models import Project
from kafaat.pathways import services
from kafaat.pathways.models import Participation, StepStatus
from kafaat.registry import services as registry


@pytest.fixture
def worker(world):
    return world["users"]["caseworker_a"]


def _step(worker, person, kind, project, on, **kwargs):
    return services.record_step(worker, person, kind, project=project, on=on, **kwargs)


def _refer_to_ngo_b(worker, person, project, world):
    """Consent to share with NGO B, then the referral to it, on 1 February 2026."""
    consent = services.consent_to_share(worker, person, world["ngo_b"], date(2026, 2, 1))
    referral = _step(
        worker, person, "referral", project, date(2026, 2, 1),
        referral_target="organisation", target_organisation=world["ngo_b"],
    )  # fmt: skip
    return consent, referral


def test_the_first_step_makes_the_person_a_participant(worker, fatima, project):
    _step(worker, fatima, "intake", project, date(2026, 1, 5))
    participation = Participation.objects.get(person=fatima, project=project)
    assert participation.joined_on == date(2026, 1, 5)


def test_a_step_cannot_precede_the_step_it_follows(worker, fatima, project):
    enrolment = _step(worker, fatima, "enrolment", project, date(2026, 2, 1), programme="Couture")
    with pytest.raises(ValidationError) as error:
        _step(worker, fatima, "completion", project, date(2026, 1, 31), parent=enrolment)
    assert "date" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _step(worker, fatima, "assessment", project, date(2026, 1, 15))  # before joining the project
    assert "date" in error.value.message_dict


def test_a_step_cannot_be_in_the_future_or_follow_the_wrong_kind(worker, fatima, project):
    intake = _step(worker, fatima, "intake", project, date(2026, 1, 5))
    with pytest.raises(ValidationError) as error:
        _step(worker, fatima, "assessment", project, date(2099, 1, 1))
    assert "date" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _step(worker, fatima, "completion", project, date(2026, 2, 1), parent=intake)
    assert "parent" in error.value.message_dict


def test_dropout_ends_the_enrolment_and_nothing_can_end_it_again(worker, fatima, project):
    enrolment = _step(worker, fatima, "enrolment", project, date(2026, 2, 1), programme="Électricité")
    _step(worker, fatima, "dropout", project, date(2026, 4, 1), parent=enrolment, dropout_reason="family")
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.end_date) == (StepStatus.DROPPED_OUT, date(2026, 4, 1))
    for kind, extra in (("completion", {}), ("dropout", {"dropout_reason": "health"})):
        with pytest.raises(ValidationError) as error:
            _step(worker, fatima, kind, project, date(2026, 5, 1), parent=enrolment, **extra)
        assert "parent" in error.value.message_dict


def test_completion_closes_the_enrolment(worker, fatima, project):
    enrolment = _step(worker, fatima, "enrolment", project, date(2026, 2, 1), programme="Cuisine")
    _step(worker, fatima, "completion", project, date(2026, 7, 1), parent=enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == StepStatus.COMPLETED
    _step(worker, fatima, "certification", project, date(2026, 7, 15), parent=enrolment, credential="diploma")


def test_a_placement_needs_the_person_in_the_project(worker, fatima, project, world):
    other = Project.objects.create(code="other", name_fr="Autre projet", start_date=date(2024, 1, 1))
    other.participants.add(world["ngo_a"])
    with pytest.raises(ValidationError) as error:
        _step(worker, fatima, "placement", other, date(2026, 6, 1), placement_type="salaried_job")
    assert "project" in error.value.message_dict
    _step(worker, fatima, "intake", other, date(2026, 5, 1))
    _step(worker, fatima, "placement", other, date(2026, 6, 1), placement_type="internship")


def test_required_fields_and_foreign_fields_are_refused(worker, fatima, project):
    with pytest.raises(ValidationError) as error:
        _step(worker, fatima, "placement", project, date(2026, 6, 1))
    assert "placement_type" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _step(worker, fatima, "intake", project, date(2026, 6, 1), employer_name="ACME")
    assert "employer_name" in error.value.message_dict


def test_follow_ups_answer_a_placement_at_3_6_or_12_months(worker, fatima, project):
    _step(worker, fatima, "intake", project, date(2025, 1, 5))
    placement = _step(worker, fatima, "placement", project, date(2025, 6, 1), placement_type="salaried_job")
    with pytest.raises(ValidationError) as error:
        _step(
            worker,
            fatima,
            "follow_up",
            project,
            date(2025, 9, 1),
            parent=placement,
            follow_up_months=4,
            still_employed=True,
        )  # noqa: E501
    assert "follow_up_months" in error.value.message_dict
    _step(
        worker,
        fatima,
        "follow_up",
        project,
        date(2025, 9, 2),
        parent=placement,
        follow_up_months=3,
        still_employed=True,
    )  # noqa: E501
    due = services.due_follow_ups(worker, until=date(2026, 7, 1))
    assert [(item.months, item.due_on) for item in due] == [(6, date(2025, 12, 1)), (12, date(2026, 6, 1))]


def test_a_project_the_organisation_is_not_in_is_refused(worker, fatima):
    foreign = Project.objects.create(code="foreign", name_fr="Projet étranger", start_date=date(2024, 1, 1))
    with pytest.raises(ValidationError) as error:
        _step(worker, fatima, "intake", foreign, date(2026, 1, 5))
    assert "project" in error.value.message_dict


def test_a_referral_needs_consent_then_the_receiver_accepts_and_sees_the_person(
    world, worker, fatima, project
):
    receiver = world["users"]["caseworker_b"]
    with pytest.raises(ValidationError) as error:
        _step(
            worker,
            fatima,
            "referral",
            project,
            date(2026, 2, 1),
            referral_target="organisation",
            target_organisation=world["ngo_b"],
        )  # noqa: E501
    assert "target_organisation" in error.value.message_dict
    _consent, referral = _refer_to_ngo_b(worker, fatima, project, world)
    assert referral.status == StepStatus.PENDING
    assert list(services.pending_referrals_sent(worker)) == [referral]
    assert list(services.referral_inbox(receiver)) == [referral]
    assert not registry.visible_people(receiver).exists()
    services.respond_to_referral(receiver, referral.pk, accept=True)
    assert list(registry.visible_people(receiver)) == [fatima]
    enrolment = _step(
        receiver, fatima, "enrolment", project, date(2026, 2, 10), parent=referral, programme="Couture"
    )
    assert enrolment.organisation == world["ngo_b"]
    with pytest.raises(ValidationError):
        services.respond_to_referral(receiver, referral.pk, accept=False)  # already answered
    assert [entry.kind for entry in services.timeline(worker, fatima)].count("step") == 2


def test_only_the_receiving_organisation_answers_a_referral(world, worker, fatima, project):
    _consent, referral = _refer_to_ngo_b(worker, fatima, project, world)
    for username in ("caseworker_a", "analyst_oriental", "establishment"):
        with pytest.raises(Http404):  # not in their inbox: its existence is not revealed
            services.respond_to_referral(world["users"][username], referral.pk, accept=True)


def test_a_declined_referral_shares_nothing_and_cannot_lead_to_enrolment(world, worker, fatima, project):
    _consent, referral = _refer_to_ngo_b(worker, fatima, project, world)
    services.respond_to_referral(
        world["users"]["caseworker_b"], referral.pk, accept=False, note="Pas de place"
    )
    assert not registry.visible_people(world["users"]["caseworker_b"]).exists()
    with pytest.raises(ValidationError):
        _step(worker, fatima, "enrolment", project, date(2026, 2, 5), parent=referral, programme="Couture")


def test_withdrawn_consent_blocks_accepting_a_pending_referral(world, worker, fatima, project):
    consent, referral = _refer_to_ngo_b(worker, fatima, project, world)
    registry.withdraw_consent(worker, consent, on=date(2026, 2, 3))
    with pytest.raises(ValidationError):
        services.respond_to_referral(world["users"]["caseworker_b"], referral.pk, accept=True)
    assert not registry.visible_people(world["users"]["caseworker_b"]).exists()


def test_the_add_months_calendar(world):
    assert services.add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert services.add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)
    assert services.add_months(date(2025, 1, 15), 12) == date(2026, 1, 15)


def test_steps_are_seen_only_by_organisations_that_see_the_person(world, worker, fatima, project):
    from kafaat.core import access
    from kafaat.pathways.models import Step
    from kafaat.registry.access_rules import VIEW_PERSON

    _step(worker, fatima, "intake", project, date(2026, 1, 5))
    for username, expected in (
        ("caseworker_a", 1),
        ("caseworker_b", 0),
        ("analyst_oriental", 0),
        ("donor", 0),
    ):
        assert access.scoped(world["users"][username], VIEW_PERSON, Step.objects.all()).count() == expected
