"""The API of the directory and the working groups, by persona, with the hostile cases: out-of-scope ids,
the other region's secretariat, a closed meeting, a token without the permission, bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kafaat.core import services as core_services
from kafaat.core.models import AuditEvent


def _token_client(user) -> Client:
    key = core_services.issue_api_token(user, "script").key
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    client.cookies["kafaat_language"] = "en"  # the messages are checked in English
    return client


@pytest.fixture
def secretariat_api(gtr):
    return _token_client(gtr["users"]["secretariat"])


def test_contacts_list_search_and_audit(gtr, secretariat_api):
    response = secretariat_api.get("/api/contacts", {"q": "أمينة"})
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["items"]] == [gtr["people"]["amina"].pk]
    event = AuditEvent.objects.filter(action="list", target_type="contacts.contact").latest("id")
    assert event.details["ids"] == [str(gtr["people"]["amina"].pk)]
    trainers = secretariat_api.get("/api/contacts", {"trainer": "true"}).json()["items"]
    assert [c["last_name_latin"] for c in trainers] == ["Ouazzani"]


def test_contact_create_shows_likely_matches_then_confirms(gtr, secretariat_api):
    body = {
        "first_name_latin": "Amina", "last_name_latin": "El Idrissi", "first_name_ar": "أمينة",
        "last_name_ar": "الإدريسي", "sex": "F", "territory": "MA-02", "organisation_type": "ngo",
    }  # fmt: skip
    response = secretariat_api.post("/api/contacts", body, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["matches"][0]["contact"]["id"] == gtr["people"]["amina"].pk
    confirmed = secretariat_api.post(
        "/api/contacts", {**body, "confirm_new": True}, content_type="application/json"
    )
    assert confirmed.status_code == 201 and confirmed.json()["managed_by"] == "secretariat-oriental"


def test_contact_bad_input_is_a_400_with_the_field(gtr, secretariat_api):
    body = {"sex": "F", "territory": "MA-02", "organisation_type": "ngo", "phone": "abc"}
    response = secretariat_api.post("/api/contacts", body, content_type="application/json")
    assert response.status_code == 400
    assert {"last_name_latin", "phone"} <= set(response.json()["detail"])
    unknown = secretariat_api.post(
        "/api/contacts", {**body, "last_name_latin": "X", "phone": "", "territory": "ZZ"},
        content_type="application/json",
    )  # fmt: skip
    assert unknown.status_code == 400 and "territory" in unknown.json()["detail"]


def test_contact_out_of_scope_is_404_and_edit_without_right_is_403(gtr, secretariat_api):
    assert secretariat_api.get(f"/api/contacts/{gtr['people']['youssef'].pk}").status_code == 404
    manager = _token_client(gtr["users"]["manager"])
    amina = gtr["people"]["amina"].pk
    assert manager.get(f"/api/contacts/{amina}").status_code == 200
    response = manager.patch(f"/api/contacts/{amina}", {"position": "x"}, content_type="application/json")
    assert response.status_code == 403


def test_contact_update_and_merge(gtr, secretariat_api):
    amina, karim = gtr["people"]["amina"].pk, gtr["people"]["karim"].pk
    response = secretariat_api.patch(
        f"/api/contacts/{amina}", {"phone": "0655443322"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["phone"] == "+212655443322"
    merged = secretariat_api.post(
        f"/api/contacts/{amina}/merge", {"duplicate": karim}, content_type="application/json"
    )
    assert merged.status_code == 200
    assert secretariat_api.get(f"/api/contacts/{karim}").json()["merged_into"] == amina


def test_donor_and_a_donor_token_see_no_contact_nor_group(gtr):
    donor = _token_client(gtr["users"]["donor"])
    assert donor.get("/api/contacts").status_code == 403
    assert donor.get(f"/api/contacts/{gtr['people']['amina'].pk}").status_code == 404
    assert donor.get("/api/governance/groups").json()["items"] == []
    assert donor.get(f"/api/governance/groups/{gtr['oriental'].pk}").status_code == 404


def test_no_token_no_answer(gtr):
    assert Client().get("/api/governance/groups").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer kft_nope").get("/api/contacts").status_code == 401


def test_groups_members_and_meetings(gtr, secretariat_api):
    groups = secretariat_api.get("/api/governance/groups").json()["items"]
    assert [g["code"] for g in groups] == ["gtr-oriental"]
    group = gtr["oriental"].pk
    members = secretariat_api.get(f"/api/governance/groups/{group}/members").json()
    assert len(members) == 3
    starts = (timezone.now() + timedelta(days=10)).isoformat()
    created = secretariat_api.post(
        f"/api/governance/groups/{group}/meetings", {"title": "Session d'été", "starts_at": starts},
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201 and created.json()["transitions"] == ["hold", "cancel"]
    meeting = created.json()["id"]
    item = secretariat_api.post(
        f"/api/governance/meetings/{meeting}/agenda",
        {"title": "Bilan", "presenter": gtr["people"]["amina"].pk, "duration_minutes": 30},
        content_type="application/json",
    )
    assert item.status_code == 201
    assert len(secretariat_api.get(f"/api/governance/meetings/{meeting}/participants").json()) == 3


def test_other_regions_secretariat_gets_404_and_may_not_write(gtr):
    other = _token_client(gtr["users"]["other_secretariat"])
    assert other.get(f"/api/governance/groups/{gtr['oriental'].pk}").status_code == 404
    assert other.get(f"/api/governance/meetings/{gtr['held'].pk}").status_code == 404
    response = other.post(
        f"/api/governance/meetings/{gtr['held'].pk}/minutes", {"text": "x"}, content_type="application/json"
    )
    assert response.status_code == 404


def test_closing_and_then_editing_a_closed_meeting(gtr, secretariat_api):
    meeting = gtr["held"].pk
    refused = secretariat_api.post(f"/api/governance/meetings/{meeting}/transitions/close")
    assert refused.status_code == 400 and "minutes" in str(refused.json()["detail"])
    minutes = secretariat_api.post(
        f"/api/governance/meetings/{meeting}/minutes",
        {"text": "Compte rendu"},
        content_type="application/json",
    )
    assert minutes.status_code == 201
    closed = secretariat_api.post(f"/api/governance/meetings/{meeting}/transitions/close")
    assert (
        closed.status_code == 200
        and closed.json()["status"] == "closed"
        and closed.json()["transitions"] == []
    )
    edit = secretariat_api.patch(
        f"/api/governance/meetings/{meeting}", {"title": "x"}, content_type="application/json"
    )
    assert edit.status_code == 400 and "closed" in str(edit.json()["detail"])
    outcome = secretariat_api.post(
        f"/api/governance/meetings/{meeting}/outcomes", {"kind": "information", "text": "x"},
        content_type="application/json",
    )  # fmt: skip
    assert outcome.status_code == 400


def test_actions_by_name(gtr, secretariat_api):
    meeting = gtr["held"].pk
    due = (timezone.localdate() - timedelta(days=1)).isoformat()
    outcome = secretariat_api.post(
        f"/api/governance/meetings/{meeting}/outcomes",
        {"kind": "action", "text": "Relancer la CGEM", "owner": gtr["people"]["karim"].pk, "due_date": due},
        content_type="application/json",
    )
    assert outcome.status_code == 201
    action = outcome.json()["action"]
    assert action["overdue"] is True
    assert [a["id"] for a in secretariat_api.get("/api/governance/overdue-actions").json()] == [action["id"]]
    started = secretariat_api.post(
        f"/api/governance/actions/{action['id']}/transitions/start", {"note": "Mail envoyé"},
        content_type="application/json",
    )  # fmt: skip
    assert started.status_code == 200 and started.json()["status"] == "in_progress"
    bad = secretariat_api.post(
        f"/api/governance/actions/{action['id']}/transitions/teleport", {}, content_type="application/json"
    )
    assert bad.status_code == 400
    missing_owner = secretariat_api.post(
        f"/api/governance/meetings/{meeting}/outcomes", {"kind": "action", "text": "x"},
        content_type="application/json",
    )  # fmt: skip
    assert missing_owner.status_code == 400 and "owner" in missing_owner.json()["detail"]


def test_a_token_without_the_permission_may_not_manage(gtr):
    analyst = _token_client(gtr["users"]["analyst_oriental"])  # reads the Oriental GTR, manages nothing
    assert analyst.get(f"/api/governance/groups/{gtr['oriental'].pk}").status_code == 200
    response = analyst.post(
        f"/api/governance/meetings/{gtr['held'].pk}/minutes", {"text": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert analyst.get("/api/governance/overdue-actions").json() == []


def test_huge_or_malformed_input_is_4xx(gtr, secretariat_api):
    meeting = gtr["held"].pk
    huge = secretariat_api.post(
        f"/api/governance/meetings/{meeting}/minutes",
        {"text": "x" * 200_001},
        content_type="application/json",
    )
    assert huge.status_code == 422
    assert secretariat_api.get("/api/governance/meetings/99999999").status_code == 404
    assert secretariat_api.get("/api/governance/meetings/abc").status_code == 404
    assert (
        secretariat_api.post(
            f"/api/governance/groups/{gtr['oriental'].pk}/members",
            {"contact": 0},
            content_type="application/json",
        ).status_code
        == 422
    )


def test_a_refusal_speaks_the_callers_language(gtr, secretariat_api):
    secretariat_api.cookies["kafaat_language"] = "ar"
    response = secretariat_api.post(f"/api/governance/meetings/{gtr['held'].pk}/transitions/close")
    assert response.status_code == 400 and "محضره" in str(response.json()["detail"])
    secretariat_api.cookies["kafaat_language"] = "fr"
    response = secretariat_api.post(f"/api/governance/meetings/{gtr['held'].pk}/transitions/close")
    assert "compte rendu" in str(response.json()["detail"])
