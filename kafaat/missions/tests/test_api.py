"""The missions API: token, wrong role (403), out of scope (404), bad input (4xx with a message), roll-ups."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kafaat.core import services as core_services
from kafaat.missions.models import ExpertMission


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def bearer(twinning):
    def headers(name: str) -> dict:
        key = core_services.issue_api_token(twinning["users"][name], "script").key
        return {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    return headers


def payload(twinning, **overrides) -> dict:
    return {
        "expert": twinning["experts"][0].pk,
        "organiser": "agency-rabat",
        "project": "twin",
        "component": "C1",
        "territory": "MA-04",
        "purpose": "Atelier",
        "start_date": "2025-09-01",
        "end_date": "2025-09-12",
        **overrides,
    }


def test_anonymous_is_401(client, twinning):
    assert client.get("/api/missions").status_code == 401
    assert client.get("/api/missions/rollup").status_code == 401


def test_a_token_lists_creates_and_completes(client, twinning, bearer):
    auth = bearer("manager")
    body = client.get("/api/missions?status=done", **auth).json()
    assert body["count"] == 4
    from kafaat.core.models import AuditEvent

    listed = (
        AuditEvent.objects.filter(action="list", target_type="missions.expertmission").order_by("pk").last()
    )
    assert sorted(listed.details["ids"]) == sorted(str(m["id"]) for m in body["items"])
    response = client.post("/api/missions", payload(twinning), content_type="application/json", **auth)
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["person_days"], created["status"], created["component"]) == (10, "planned", "C1")
    assert created["transitions"] == ["cancel"]
    mission_id = created["id"]
    response = client.patch(
        f"/api/missions/{mission_id}", {"person_days": 4}, content_type="application/json", **auth
    )
    assert response.json()["person_days_entered"] is True
    report = SimpleUploadedFile("r.pdf", b"%PDF-1.7\n...", content_type="application/pdf")
    response = client.post(f"/api/missions/{mission_id}/report", {"report": report}, **auth)
    assert response.status_code == 200 and response.json()["has_report"] is True
    response = client.get(f"/api/missions/{mission_id}/report", **auth)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    # Its end date is in 2025: done may be taken now.
    response = client.post(f"/api/missions/{mission_id}/transitions/complete", **auth)
    assert response.json()["status"] == "done"
    response = client.post(f"/api/missions/{mission_id}/transitions/complete", **auth)
    assert response.status_code == 400 and response.json()["detail"]


def test_wrong_role_is_403_and_out_of_scope_is_404(client, twinning, bearer):
    mission = twinning["missions"][0]  # MA-04
    assert client.get("/api/missions", **bearer("donor")).status_code == 403
    assert client.get("/api/missions", **bearer("caseworker_b")).status_code == 403
    assert client.get(f"/api/missions/{mission.pk}", **bearer("admin_oriental")).status_code == 404
    assert client.get(f"/api/missions/{mission.pk}/report", **bearer("admin_oriental")).status_code == 404
    assert client.get("/api/missions/999999", **bearer("manager")).status_code == 404
    # admin_a reads every mission (territory) but manages another organisation's: 404 on a step.
    planned = twinning["missions"][4]
    response = client.post(f"/api/missions/{planned.pk}/transitions/cancel", **bearer("admin_a"))
    assert response.status_code == 404
    response = client.post(
        "/api/missions", payload(twinning), content_type="application/json", **bearer("admin_a")
    )
    assert response.status_code == 403
    planned.refresh_from_db()
    assert planned.status == "planned"


@pytest.mark.parametrize(
    ("overrides", "status"),
    [
        ({"end_date": "2025-08-01"}, 400),
        ({"project": "nope"}, 400),
        ({"component": "X1"}, 400),
        ({"start_date": "01/09/2025"}, 422),
        ({"person_days": -2}, 422),
        ({"expert": 999999}, 404),
        ({"purpose": ""}, 422),
    ],
)
def test_bad_input_is_a_4xx_with_a_message(client, twinning, bearer, overrides, status):
    response = client.post(
        "/api/missions", payload(twinning, **overrides), content_type="application/json", **bearer("manager")
    )
    assert response.status_code == status, response.content
    assert response.json()["detail"]
    assert not ExpertMission.objects.filter(start_date="2025-09-01").exists()


def test_hostile_report_uploads_are_400(client, twinning, bearer):
    mission = twinning["missions"][4]
    auth = bearer("manager")
    fake = SimpleUploadedFile("r.pdf", b"MZ not a pdf")
    response = client.post(f"/api/missions/{mission.pk}/report", {"report": fake}, **auth)
    assert response.status_code == 400 and "report" in response.json()["detail"]
    huge = SimpleUploadedFile("r.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))
    response = client.post(f"/api/missions/{mission.pk}/report", {"report": huge}, **auth)
    assert response.status_code in (400, 413)


def test_rollup_route_gives_the_groupings(client, twinning, bearer):
    body = client.get("/api/missions/rollup?by=country", **bearer("donor")).json()
    assert body["total"]["missions"] == 4 and body["total"]["experts"] == 3
    assert {row["key"]: row["missions"] for row in body["rows"]} == {"ES": 1, "FR": 3}
    assert client.get("/api/missions/rollup?by=sex", **bearer("donor")).status_code == 422
    assert client.get("/api/missions/rollup", **bearer("caseworker_b")).status_code == 403
    body = client.get("/api/missions/rollup", **bearer("analyst_oriental")).json()
    assert body["total"]["missions"] == 1
