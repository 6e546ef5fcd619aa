"""The review's API with tokens, by persona, and its hostile cases: a conflicted or unassigned reviewer gets a
404 on the application and its scores, a reviewer cannot score another's assignment, bad input is a 4xx
with the field, the officer's and committee's endpoints are closed to the others."""

from __future__ import annotations

import pytest
from django.test import Client

from kafaat.core import services as core_services
from kafaat.grants.models import Application, Assignment, Stage
from kafaat.grants.services import scoring
from kafaat.grants.tests.test_review_services import make_application, reviewed

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    key = core_services.issue_api_token(user, "script").key
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    client.cookies["kafaat_language"] = "en"
    return client


def test_assign_declare_score_submit_by_token(grants):
    users, call = grants["users"], grants["call"]
    application = make_application(grants, "API-1")
    officer = api(users["officer"])
    response = officer.post(
        f"/api/grants/calls/{call.pk}/assignments", {"stage": "concept"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json() == {"applications": 1, "created": 3, "short": []}
    listed = officer.get(f"/api/grants/calls/{call.pk}/assignments", {"stage": "concept"}).json()
    assert {a["reviewer"] for a in listed} == {"reviewer", "reviewer_2", "reviewer_3"}

    reviewer = api(users["reviewer"])
    queue = reviewer.get("/api/grants/reviews").json()
    assert len(queue) == 1 and set(queue[0]) == {"id", "reference", "lot", "stage", "status"}
    assert queue[0]["reference"] == "API-1" and "title" not in queue[0]
    pk = queue[0]["id"]
    assert reviewer.get(f"/api/grants/reviews/{pk}/application").status_code == 404  # declare first
    declared = reviewer.post(
        f"/api/grants/reviews/{pk}/declaration", {"conflict": False}, content_type="application/json"
    )
    assert declared.status_code == 200 and declared.json()["status"] == "cleared"
    opened = reviewer.get(f"/api/grants/reviews/{pk}/application").json()
    assert opened["title"] == "Projet API-1" and opened["applicant"]

    criteria = list(scoring.criteria_of(call, Stage.CONCEPT))
    draft = reviewer.put(
        f"/api/grants/reviews/{pk}/scores",
        {"scores": [{"criterion": criteria[0], "score": 5}]},
        content_type="application/json",
    )
    assert draft.status_code == 200 and draft.json()["scores"][0]["score"] == 5
    body = {"scores": [{"criterion": c, "score": 4} for c in criteria[1:]]}
    refused = reviewer.post(f"/api/grants/reviews/{pk}/submit", body, content_type="application/json")
    assert refused.status_code == 400 and f"criterion_{criteria[0]}" in refused.json()["detail"]
    body["scores"].append({"criterion": criteria[0], "score": 5, "comment": "Très pertinent."})
    submitted = reviewer.post(f"/api/grants/reviews/{pk}/submit", body, content_type="application/json")
    assert submitted.status_code == 200 and submitted.json()["total"] == "84.00"
    again = reviewer.put(f"/api/grants/reviews/{pk}/scores", body, content_type="application/json")
    assert again.status_code == 400  # read-only once submitted
    mine = reviewer.get(f"/api/grants/applications/{application.pk}/reviews").json()
    assert [r["reviewer"] for r in mine] == ["reviewer"]
    everyone = officer.get(f"/api/grants/applications/{application.pk}/reviews").json()
    assert len(everyone) == 3


def test_a_conflicted_or_unassigned_reviewer_gets_404_everywhere(grants):
    users = grants["users"]
    application = make_application(grants, "API-2")
    item = Assignment.objects.create(application=application, stage=Stage.CONCEPT, reviewer=users["reviewer"])
    other = Assignment.objects.create(
        application=application, stage=Stage.CONCEPT, reviewer=users["reviewer_2"]
    )
    reviewer = api(users["reviewer"])
    missing = reviewer.post(
        f"/api/grants/reviews/{item.pk}/declaration",
        {"conflict": True, "reason": ""},
        content_type="application/json",
    )
    assert missing.status_code == 400 and "reason" in missing.json()["detail"]
    declared = reviewer.post(
        f"/api/grants/reviews/{item.pk}/declaration",
        {"conflict": True, "reason": "Mon frère préside l'association."},
        content_type="application/json",
    )
    assert declared.status_code == 200 and declared.json()["status"] == "conflicted"
    assert Assignment.objects.filter(replaces=item).exists()
    for path in (
        f"/api/grants/reviews/{item.pk}/application",
        f"/api/grants/reviews/{item.pk}/scores",
        f"/api/grants/applications/{application.pk}/reviews",
        f"/api/grants/reviews/{other.pk}/scores",
        f"/api/grants/applications/{application.pk}/eligibility",
    ):
        assert reviewer.get(path).status_code == 404, path
    assert reviewer.get("/api/grants/reviews").json() == []
    body = {"scores": [{"criterion": 1, "score": 3}]}
    for pk in (item.pk, other.pk):  # their own conflicted one, and another's
        assert (
            reviewer.put(
                f"/api/grants/reviews/{pk}/scores", body, content_type="application/json"
            ).status_code
            == 404
        )
    outsider = api(users["reviewer_ngo_a"])  # not assigned at all
    assert outsider.get(f"/api/grants/applications/{application.pk}/reviews").status_code == 404
    assert (
        outsider.post(
            f"/api/grants/reviews/{other.pk}/declaration",
            {"conflict": False},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_officer_and_committee_endpoints_are_closed_to_others(grants):
    users, call = grants["users"], grants["call"]
    application = make_application(grants, "API-3", status="concept_submitted")
    for name in ("reviewer", "applicant_b", "donor"):
        client = api(users[name])
        assert client.get(f"/api/grants/calls/{call.pk}/screening").status_code == 404
        assert client.get(f"/api/grants/calls/{call.pk}/ranking", {"stage": "concept"}).status_code == 404
        assert (
            client.post(
                f"/api/grants/calls/{call.pk}/assignments",
                {"stage": "concept"},
                content_type="application/json",
            ).status_code
            == 404
        )
        assert client.get(f"/api/grants/applications/{application.pk}/eligibility").status_code == 404
    assert api(users["officer"]).get("/api/grants/calls/999999/screening").status_code == 404
    assert Client().get(f"/api/grants/calls/{call.pk}/screening").status_code == 401


def test_screening_by_api_with_a_clear_error_for_a_no_without_reason(grants):
    officer = api(grants["users"]["officer"])
    application = make_application(grants, "API-4", status="concept_submitted")
    listed = officer.get(f"/api/grants/calls/{grants['call'].pk}/screening").json()
    assert [a["reference"] for a in listed] == ["API-4"]
    checks = officer.get(f"/api/grants/applications/{application.pk}/eligibility").json()
    assert len(checks) == 3 and all(c["passed"] is None for c in checks)
    no = {"checks": [{"criterion": checks[0]["criterion"], "passed": False}]}
    refused = officer.put(
        f"/api/grants/applications/{application.pk}/eligibility", no, content_type="application/json"
    )
    assert refused.status_code == 400 and f"criterion_{checks[0]['criterion']}" in refused.json()["detail"]
    yes = {"checks": [{"criterion": c["criterion"], "passed": True} for c in checks]}
    saved = officer.put(
        f"/api/grants/applications/{application.pk}/eligibility", yes, content_type="application/json"
    )
    assert saved.status_code == 200 and all(c["passed"] for c in saved.json())
    declared = officer.post(
        f"/api/grants/applications/{application.pk}/decisions/declare_eligible",
        {},
        content_type="application/json",
    )
    assert declared.status_code == 200 and declared.json()["status"] == "concept_eligible"
    again = officer.post(
        f"/api/grants/applications/{application.pk}/decisions/declare_eligible",
        {},
        content_type="application/json",
    )
    assert again.status_code == 400  # no longer from this state
    bad = officer.put(
        f"/api/grants/applications/{application.pk}/eligibility",
        {"checks": "x"},
        content_type="application/json",
    )
    assert 400 <= bad.status_code < 500


def test_ranking_and_bulk_decisions_by_api(grants):
    users, call = grants["users"], grants["call"]
    reviewed(grants, "API-Y", [5, 5, 2])
    reviewed(grants, "API-X", [3, 3, 3])
    committee = api(users["committee"])
    ranked = committee.get(f"/api/grants/calls/{call.pk}/ranking", {"stage": "concept"}).json()
    rows = ranked[0]["rows"]
    assert [r["reference"] for r in rows] == ["API-Y", "API-X"]
    assert rows[0]["flagged"] and rows[0]["spread"] == "60.00" and not rows[1]["flagged"]
    bad = committee.post(
        f"/api/grants/calls/{call.pk}/decisions",
        {"transition": "shortlist", "stage": "concept", "reason": "x", "min_mean": 250},
        content_type="application/json",
    )
    assert 400 <= bad.status_code < 500
    officer = api(users["officer"])
    assert (
        officer.post(
            f"/api/grants/calls/{call.pk}/decisions",
            {"transition": "shortlist", "stage": "concept", "reason": "x"},
            content_type="application/json",
        ).status_code
        == 403
    )
    done = committee.post(
        f"/api/grants/calls/{call.pk}/decisions",
        {
            "transition": "shortlist",
            "stage": "concept",
            "reason": "Au-dessus de 70",
            "min_mean": 70,
            "lot": grants["lots"]["oriental"].pk,
        },
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json() == {"decided": ["API-Y"], "refused": {}}
    one = committee.post(
        f"/api/grants/applications/{Application.objects.get(reference='API-X').pk}/decisions/reject_concept",
        {"reason": ""},
        content_type="application/json",
    )
    assert one.status_code == 400 and "reason" in one.json()["detail"]
    unknown = committee.post(
        f"/api/grants/applications/{Application.objects.get(reference='API-X').pk}/decisions/teleport",
        {"reason": "x"},
        content_type="application/json",
    )
    assert unknown.status_code == 400


def test_blind_review_and_withdrawal_by_api(grants):
    users, call = grants["users"], grants["call"]
    call.blind_review = True
    call.save()
    application = make_application(grants, "API-5")
    item = Assignment.objects.create(
        application=application, stage=Stage.CONCEPT, reviewer=users["reviewer"], status="cleared"
    )
    opened = api(users["reviewer"]).get(f"/api/grants/reviews/{item.pk}/application").json()
    assert opened["applicant"] is None and opened["partners"] is None and opened["title"] == "Projet API-5"
    assert api(users["reviewer"]).post(f"/api/grants/assignments/{item.pk}/withdraw").status_code == 404
    withdrawn = api(users["officer"]).post(f"/api/grants/assignments/{item.pk}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert api(users["reviewer"]).get(f"/api/grants/reviews/{item.pk}/application").status_code == 404
    again = api(users["officer"]).post(f"/api/grants/assignments/{item.pk}/withdraw")
    assert again.status_code == 400 and "assignment" in again.json()["detail"]
