"""The pathway API: steps under their rules, referrals that share a record, timelines, due follow-ups."""

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone

from kafaat.core.models import Project
from kafaat.pathways.models import Participation, Step
from kafaat.pathways.services import add_months
from kafaat.registry import services as registry

TODAY = timezone.localdate()


def _post(client, url, body=None):
    return client.post(url, json.dumps(body) if body is not None else "", content_type="application/json")


@pytest.fixture
def project(world):
    project = Project.objects.create(
        code="kafaat-emploi", name_fr="Kafaat — Compétences pour l'emploi", start_date=date(2025, 1, 1)
    )
    project.participants.set([world["ngo_a"], world["ngo_b"], world["provider"]])
    return project


@pytest.fixture
def elsewhere(world):
    """A project NGO A does not take part in."""
    other = Project.objects.create(code="other", name_fr="Autre projet", start_date=date(2025, 1, 1))
    other.participants.set([world["ngo_b"]])
    return other


@pytest.fixture
def person(world):
    return registry.register_person(
        world["users"]["caseworker_a"],
        {
            "first_name_latin": "Salma",
            "last_name_latin": "Bennani",
            "sex": "F",
            "age": "20",
            "commune": "COM_0610",
        },
        consent_given_on=TODAY - timedelta(days=400),
    )


@pytest.fixture
def caseworker_a(client, world):
    client.force_login(world["users"]["caseworker_a"])
    return client


def _step(client, person, kind, on, **fields):
    body = {"kind": kind, "project": "kafaat-emploi", "date": on.isoformat(), **fields}
    return _post(client, f"/api/people/{person.pk}/steps", body)


def _ok(response):
    assert response.status_code == 201, response.content
    return response.json()


def test_a_whole_pathway_through_the_api(caseworker_a, person, project):
    start = TODAY - timedelta(days=360)
    intake = _ok(_step(caseworker_a, person, "intake", start))
    assert intake["status"] == "done" and intake["organisation"] == "ngo-a-oujda"
    _ok(_step(caseworker_a, person, "assessment", start + timedelta(days=3), skill_level="basic"))
    referral = _ok(
        _step(
            caseworker_a,
            person,
            "referral",
            start + timedelta(days=5),
            referral_target="training",
            programme="Couture industrielle",
        )
    )
    assert referral["status"] == "pending"
    enrolment = _ok(
        _step(
            caseworker_a,
            person,
            "enrolment",
            start + timedelta(days=20),
            parent=referral["id"],
            programme="Couture industrielle",
            cohort="2025-A",
        )
    )
    completion = _ok(
        _step(caseworker_a, person, "completion", start + timedelta(days=200), parent=enrolment["id"])
    )
    _ok(
        _step(
            caseworker_a,
            person,
            "certification",
            start + timedelta(days=210),
            parent=completion["id"],
            credential="attestation",
            level="Qualification",
        )
    )
    placement = _ok(
        _step(
            caseworker_a,
            person,
            "placement",
            start + timedelta(days=240),
            placement_type="salaried_job",
            employer_name="Atelier Nour",
            sector="C",
            contract_type="cdd",
            wage_band="smig_4000",
        )
    )
    _ok(
        _step(
            caseworker_a,
            person,
            "follow_up",
            start + timedelta(days=335),
            parent=placement["id"],
            follow_up_months=3,
            still_employed=True,
            income_band="smig_4000",
        )
    )

    steps = caseworker_a.get(f"/api/people/{person.pk}/steps").json()
    kinds = ("intake", "assessment", "referral", "enrolment", "completion", "certification", "placement")
    assert [s["kind"] for s in steps] == [*kinds, "follow_up"]
    assert steps[3]["status"] == "completed" and steps[3]["end_date"] == steps[4]["date"]
    assert steps[6]["sector"] == "C" and steps[6]["project"] == "kafaat-emploi"
    assert Participation.objects.get(person=person).joined_on == start
    timeline = caseworker_a.get(f"/api/people/{person.pk}/timeline").json()
    assert [e["on"] for e in timeline] == sorted(e["on"] for e in timeline)
    assert {e["kind"] for e in timeline} == {"step", "consent"}
    assert sum(1 for e in timeline if e["step_id"]) == 8


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "dropout", "dropout_reason": "family"}, "parent"),
        ({"kind": "follow_up", "follow_up_months": 3, "still_employed": True}, "parent"),
        ({"kind": "intake", "date": (TODAY + timedelta(days=2)).isoformat()}, "date"),
        ({"kind": "enrolment"}, "programme"),
        ({"kind": "referral", "referral_target": "organisation"}, "target_organisation"),
        (
            {"kind": "referral", "referral_target": "organisation", "target_organisation": "ngo-b-tanger"},
            "target_organisation",
        ),  # no consent to share yet
        (
            {"kind": "referral", "referral_target": "organisation", "target_organisation": "ghost"},
            "target_organisation",
        ),
        ({"kind": "placement", "placement_type": "internship"}, "project"),  # not a participant yet
        ({"kind": "intake", "employer_name": "Not an intake field"}, "employer_name"),
        ({"kind": "intake", "project": "unknown-project"}, "project"),
        ({"kind": "intake", "project": "other"}, "project"),
        ({"kind": "intake", "parent": 999999}, "parent"),
    ],
)
def test_rule_violations_are_400_with_the_field(caseworker_a, person, project, elsewhere, body, field):
    full = {"project": "kafaat-emploi", "date": (TODAY - timedelta(days=10)).isoformat(), **body}
    response = _post(caseworker_a, f"/api/people/{person.pk}/steps", full)
    assert response.status_code == 400, response.content
    assert field in response.json()["detail"]
    assert not Step.objects.exists()


def test_ordering_rules_between_steps(caseworker_a, person, project, world):
    start = TODAY - timedelta(days=100)
    intake = _ok(_step(caseworker_a, person, "intake", start))
    referral = _ok(_step(caseworker_a, person, "referral", start, referral_target="training"))
    early = _step(
        caseworker_a, person, "enrolment", start - timedelta(days=1), parent=referral["id"], programme="X"
    )
    assert early.status_code == 400 and "date" in early.json()["detail"]
    wrong_parent = _step(caseworker_a, person, "completion", start, parent=intake["id"])
    assert wrong_parent.status_code == 400 and "parent" in wrong_parent.json()["detail"]
    enrolment = _ok(
        _step(
            caseworker_a, person, "enrolment", start + timedelta(days=5), parent=referral["id"], programme="X"
        )
    )
    _ok(
        _step(
            caseworker_a,
            person,
            "dropout",
            start + timedelta(days=9),
            parent=enrolment["id"],
            dropout_reason="family",
        )
    )
    again = _step(caseworker_a, person, "completion", start + timedelta(days=20), parent=enrolment["id"])
    assert again.status_code == 400 and "parent" in again.json()["detail"]
    # A step of another person cannot be a parent, even one the user can see.
    other = registry.register_person(
        world["users"]["caseworker_a"],
        {"first_name_latin": "Karim", "sex": "M", "age": "22", "commune": "COM_0610"},
        consent_given_on=TODAY,
    )
    response = _step(caseworker_a, other, "enrolment", TODAY, parent=referral["id"], programme="X")
    assert response.status_code == 400 and "parent" in response.json()["detail"]
    duplicate = _step(caseworker_a, person, "intake", start, external_id="E-1")
    assert duplicate.status_code == 201
    assert _step(caseworker_a, person, "intake", start, external_id="E-1").status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "graduation"},
        {"kind": "intake", "date": "last tuesday"},
        {"kind": "intake", "date": "2026-02-30"},
        {"kind": "intake", "date": None},
        {"kind": "intake", "parent": "abc"},
        {"kind": "placement", "placement_type": "astronaut"},
        {"kind": "placement", "placement_type": "internship", "sector": "Manufacturing"},
        {"kind": "follow_up", "follow_up_months": -3},
        {"kind": "intake", "outcome": "x" * 301},
        {"kind": "intake", "project": None},
    ],
)
def test_malformed_steps_are_422(caseworker_a, person, project, body):
    full = {"project": "kafaat-emploi", "date": TODAY.isoformat(), **body}
    response = _post(caseworker_a, f"/api/people/{person.pk}/steps", full)
    assert response.status_code == 422, response.content


def test_follow_up_months_other_than_3_6_12_are_refused(caseworker_a, person, project):
    start = TODAY - timedelta(days=200)
    _ok(_step(caseworker_a, person, "intake", start))
    placement = _ok(_step(caseworker_a, person, "placement", start, placement_type="self_employment"))
    response = _step(
        caseworker_a,
        person,
        "follow_up",
        TODAY,
        parent=placement["id"],
        follow_up_months=5,
        still_employed=False,
    )
    assert response.status_code == 400 and "follow_up_months" in response.json()["detail"]


def test_an_accepted_referral_shares_the_record_with_the_receiving_organisation(
    client, world, person, project
):
    client.force_login(world["users"]["caseworker_a"])
    _ok(_step(client, person, "intake", TODAY - timedelta(days=30)))
    consent = _post(
        client,
        f"/api/people/{person.pk}/consents",
        {"given_on": (TODAY - timedelta(days=2)).isoformat(), "shared_with": "ngo-b-tanger"},
    )
    assert consent.status_code == 201
    referral = _ok(
        _step(
            client,
            person,
            "referral",
            TODAY - timedelta(days=1),
            referral_target="organisation",
            target_organisation="ngo-b-tanger",
        )
    )
    assert referral["target_organisation"] == "ngo-b-tanger"
    # The sender cannot answer its own referral, and a third organisation cannot even see it.
    assert _post(client, f"/api/referrals/{referral['id']}/accept").status_code == 404
    client.force_login(world["users"]["establishment"])
    assert _post(client, f"/api/referrals/{referral['id']}/accept").status_code == 404
    assert client.get("/api/referrals/inbox").json()["count"] == 0

    client.force_login(world["users"]["caseworker_b"])
    assert client.get(f"/api/people/{person.pk}").status_code == 404
    inbox = client.get("/api/referrals/inbox").json()
    assert [r["id"] for r in inbox["items"]] == [referral["id"]]
    assert inbox["items"][0]["person_name"] == "Salma Bennani" and inbox["items"][0]["status"] == "pending"
    assert client.get("/api/referrals/inbox?status=accepted").json()["count"] == 0
    assert client.get("/api/referrals/inbox?status=lost").status_code == 422
    accepted = _post(client, f"/api/referrals/{referral['id']}/accept", {"note": "Bienvenue"})
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted" and accepted.json()["outcome"] == "Bienvenue"
    assert client.get(f"/api/people/{person.pk}").status_code == 200
    assert client.get("/api/people").json()["count"] == 1
    again = _post(client, f"/api/referrals/{referral['id']}/decline")
    assert again.status_code == 400 and "status" in again.json()["detail"]
    assert _post(client, "/api/referrals/999999/accept").status_code == 404
    assert _post(client, "/api/referrals/abc/accept").status_code == 404


def test_a_declined_referral_shares_nothing_and_blocks_enrolment(client, world, person, project):
    client.force_login(world["users"]["caseworker_a"])
    registry.record_consent(
        world["users"]["caseworker_a"], person, "sharing", given_on=TODAY, shared_with=world["ngo_b"]
    )
    referral = _ok(
        _step(
            client,
            person,
            "referral",
            TODAY,
            referral_target="organisation",
            target_organisation="ngo-b-tanger",
        )
    )
    client.force_login(world["users"]["caseworker_b"])
    declined = _post(client, f"/api/referrals/{referral['id']}/decline")
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    assert client.get(f"/api/people/{person.pk}").status_code == 404
    client.force_login(world["users"]["caseworker_a"])
    response = _step(client, person, "enrolment", TODAY, parent=referral["id"], programme="X")
    assert response.status_code == 400 and "parent" in response.json()["detail"]


def test_other_organisations_and_aggregate_roles_cannot_read_or_record_steps(client, world, person, project):
    client.force_login(world["users"]["caseworker_a"])
    _ok(_step(client, person, "intake", TODAY))
    for name in ("caseworker_b", "analyst_oriental", "donor", "manager", "nobody"):
        client.force_login(world["users"][name])
        assert client.get(f"/api/people/{person.pk}/steps").status_code == 404, name
        assert client.get(f"/api/people/{person.pk}/timeline").status_code == 404, name
        assert _step(client, person, "assessment", TODAY).status_code == 404, name
        assert client.get("/api/caseload/due?mine=false").json() == [], name
        assert client.get("/api/referrals/inbox").json()["count"] == 0, name
    assert Step.objects.count() == 1


def test_due_follow_ups_list_the_placements_of_my_caseload(client, world, person, project):
    client.force_login(world["users"]["caseworker_a"])
    placed_on = add_months(TODAY + timedelta(days=3), -3)
    _ok(_step(client, person, "intake", placed_on - timedelta(days=30)))
    placement = _ok(
        _step(client, person, "placement", placed_on, placement_type="internship", contract_type="idmaj")
    )
    due = client.get("/api/caseload/due").json()
    assert [(d["person_id"], d["months"], d["placement_id"]) for d in due] == [
        (person.pk, 3, placement["id"])
    ]
    assert (
        due[0]["due_on"] == add_months(placed_on, 3).isoformat() and due[0]["person_name"] == "Salma Bennani"
    )
    assert client.get("/api/caseload/due", {"until": TODAY.isoformat()}).json() == []
    later = client.get("/api/caseload/due", {"until": add_months(placed_on, 12).isoformat()}).json()
    assert [d["months"] for d in later] == [3, 6, 12]
    assert client.get("/api/caseload/due", {"until": "someday"}).status_code == 422
    client.force_login(world["users"]["admin_a"])
    assert client.get("/api/caseload/due").json() == []
    assert len(client.get("/api/caseload/due?mine=false").json()) == 1
