"""The events API: a token checks badges in, out-of-scope ids are 404, wrong roles 403, bad input 4xx."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kafaat.core import services as core_services
from kafaat.core.models import AuditEvent
from kafaat.events.models import Attendance, Registration
from kafaat.events.tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def token_client(client, gathering):
    key = core_services.issue_api_token(gathering["secretariat"], "door phone").key

    def call(method: str, path: str, body=None, **extra):
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {key}", **extra}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(client, method)(f"/api{path}", **kwargs)

    return call


def test_a_token_checks_a_badge_in_once(token_client, gathering):
    session = gathering["sessions"][0]
    first = token_client("post", f"/events/sessions/{session.pk}/check-in", {"code": "AMINA23456"})
    assert first.status_code == 200, first.content
    assert first.json()["outcome"] == "ok" and first.json()["registration"] == gathering["registered"].pk
    again = token_client("post", f"/events/sessions/{session.pk}/check-in", {"code": "AMINA23456"})
    assert (
        again.json()["outcome"] == "already" and "déjà été pointé" in again.json()["message"]
    )  # French by default
    other = token_client("post", f"/events/sessions/{session.pk}/check-in", {"code": "TANGER2345"})
    assert other.json()["outcome"] == "other_event" and other.json()["registration"] is None
    assert Attendance.objects.count() == 1


def test_out_of_scope_event_and_session_are_404(token_client, gathering):
    caseworker = core_services.issue_api_token(gathering["other_caseworker"], "x").key
    response = token_client(
        "get", f"/events/{gathering['workshop'].pk}", HTTP_AUTHORIZATION=f"Bearer {caseworker}"
    )
    assert response.status_code == 404 and response.json()["detail"]
    session = gathering["sessions"][0].pk
    refused = token_client(
        "post",
        f"/events/sessions/{session}/check-in",
        {"code": "AMINA23456"},
        HTTP_AUTHORIZATION=f"Bearer {caseworker}",
    )
    assert refused.status_code == 404
    # The secretariat reads the other region's events (territorial reach) but manages only its own: 403.
    tanger = gathering["tanger_session"].pk
    assert (
        token_client("post", f"/events/sessions/{tanger}/check-in", {"code": "TANGER2345"}).status_code == 403
    )
    assert AuditEvent.objects.filter(action="denied").exists()


def test_donor_reads_events_but_not_registrants(client, gathering):
    key = core_services.issue_api_token(gathering["donor"], "x").key
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get("/api/events", **headers).status_code == 200
    assert client.get(f"/api/events/{gathering['workshop'].pk}/registrations", **headers).status_code == 403
    session = gathering["sessions"][0].pk
    response = client.post(
        f"/api/events/sessions/{session}/check-in",
        data={"code": "AMINA23456"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 403


def test_no_token_is_401(client, gathering):
    assert client.get("/api/events").status_code == 401


def test_create_an_event_with_sessions_and_register(token_client, gathering):
    today = timezone.localdate().isoformat()
    created = token_client(
        "post",
        "/events",
        {
            "type": "study_visit",
            "name_fr": "Visite d'étude en Espagne",
            "organiser": "ngo-a-oujda",
            "territory": "MA-02",
            "start_date": today,
            "end_date": today,
            "country": "ES",
            "venue": "Valencia",
        },
    )
    assert created.status_code == 201, created.content
    event_id = created.json()["id"]
    day = timezone.localdate()
    session = token_client(
        "post",
        f"/events/{event_id}/sessions",
        {"starts_at": at(day, 9).isoformat(), "ends_at": at(day, 12).isoformat()},
    )
    assert session.status_code == 201, session.content
    registered = token_client(
        "post",
        f"/events/{event_id}/registrations",
        {"contact": gathering["karim"].pk, "status": "registered"},
    )
    assert registered.status_code == 201 and registered.json()["status"] == "registered"
    step = token_client(
        "post", f"/registrations/{registered.json()['id']}/transitions", {"action": "withdraw"}
    )
    assert step.json()["status"] == "withdrawn"
    listed = token_client("get", f"/events/{event_id}/registrations")
    assert listed.json()["count"] == 1
    assert AuditEvent.objects.filter(action="list", target_type="events.registration").exists()


def test_bad_input_is_4xx_with_a_message(token_client, gathering):
    workshop = gathering["workshop"].pk
    bad_dates = token_client(
        "post",
        "/events",
        {
            "type": "workshop",
            "name_fr": "X",
            "organiser": "ngo-a-oujda",
            "territory": "MA-02",
            "start_date": "2026-05-02",
            "end_date": "2026-05-01",
        },
    )
    assert bad_dates.status_code == 400 and "end_date" in bad_dates.json()["detail"]
    unknown = token_client(
        "post",
        "/events",
        {
            "type": "workshop",
            "name_fr": "X",
            "organiser": "nobody",
            "territory": "MA-02",
            "start_date": "2026-05-02",
            "end_date": "2026-05-02",
        },
    )
    assert unknown.status_code == 400
    both = token_client("post", f"/events/{workshop}/registrations", {"contact": 1, "person": 1})
    assert both.status_code == 400
    twice = token_client("post", f"/events/{workshop}/registrations", {"contact": gathering["amina"].pk})
    assert twice.status_code == 400
    wrong_step = token_client(
        "post", f"/registrations/{gathering['registered'].pk}/transitions", {"action": "x"}
    )
    assert wrong_step.status_code == 400
    missing = token_client("post", f"/events/{workshop}/registrations", {"contact": 2_000_000})
    assert missing.status_code == 404
    assert token_client("get", "/events?page=0").status_code == 422


def test_attendance_by_hand(token_client, gathering):
    registration, session = gathering["registered"], gathering["sessions"][1]
    response = token_client("post", f"/registrations/{registration.pk}/attendance", {"session": session.pk})
    assert response.status_code == 200 and response.json()["sessions_attended"] == [session.pk]
    other = token_client(
        "post", f"/registrations/{registration.pk}/attendance", {"session": gathering["tanger_session"].pk}
    )
    assert other.status_code == 400 and other.json()["detail"]  # another event's session


def test_sign_in_sheet_through_the_api(token_client, gathering, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    content = "Nom et prénom,E-mail,Séance 1\nAmina Berrada,amina.berrada@example.ma,x\n".encode()
    response = token_client(
        "post",
        f"/events/{gathering['workshop'].pk}/sign-in-sheets",
        data={"file": SimpleUploadedFile("feuille.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "done" and response.json()["details"]["linked"] == 1
    assert Registration.objects.get(pk=gathering["registered"].pk).status == "attended"


def test_calendar_through_the_api(token_client, gathering):
    response = token_client("get", f"/events/{gathering['workshop'].pk}/calendar.ics")
    assert response.status_code == 200 and b"BEGIN:VCALENDAR" in response.content


def test_change_and_delete_a_session(token_client, gathering):
    first, second = gathering["sessions"][:2]
    day = gathering["workshop"].start_date
    times = {"starts_at": at(day, 15).isoformat(), "ends_at": at(day, 18).isoformat()}
    changed = token_client("put", f"/events/sessions/{second.pk}", {"title": "Atelier", **times})
    assert changed.status_code == 200 and changed.json()["title"] == "Atelier"
    token_client("post", f"/events/sessions/{first.pk}/check-in", {"code": "AMINA23456"})
    refused = token_client("delete", f"/events/sessions/{first.pk}")
    assert refused.status_code == 400 and refused.json()["detail"]  # it has attendance
    assert token_client("delete", f"/events/sessions/{second.pk}").status_code == 204
    assert token_client("delete", f"/events/sessions/{gathering['tanger_session'].pk}").status_code == 403
