"""Check-in with a badge: once per session, clear refusals, a few queries, the page and its htmx answer."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kafaat.core.models import AuditEvent
from kafaat.events import services
from kafaat.events.models import Attendance, Registration, RegistrationStatus
from kafaat.events.services import CheckInResult

pytestmark = pytest.mark.django_db


def test_a_badge_checks_in_once_and_says_when(gathering):
    user, session = gathering["secretariat"], gathering["sessions"][0]
    first = services.check_in(user, session, "amina23456")  # typed in lower case
    assert first.outcome == CheckInResult.OK
    again = services.check_in(user, session, "AMINA-23456")
    assert again.outcome == CheckInResult.ALREADY and again.recorded_at is not None
    assert Attendance.objects.filter(registration=gathering["registered"], session=session).count() == 1
    message = services.describe_check_in(again)
    assert "Amina Berrada" in message and timezone.localtime(again.recorded_at).strftime("%H:%M") in message
    assert Registration.objects.get(pk=gathering["registered"].pk).status == RegistrationStatus.ATTENDED


def test_a_qr_code_holding_an_address_reads_its_last_part(gathering):
    result = services.check_in(
        gathering["secretariat"], gathering["sessions"][0], "https://x.ma/b/AMINA23456/"
    )
    assert result.outcome == CheckInResult.OK


def test_unknown_other_event_and_withdrawn_badges(gathering):
    user, session = gathering["secretariat"], gathering["sessions"][0]
    assert services.check_in(user, session, "NOPE").outcome == CheckInResult.UNKNOWN
    assert services.check_in(user, session, "").outcome == CheckInResult.UNKNOWN
    other = services.check_in(user, session, "TANGER2345")
    assert other.outcome == CheckInResult.OTHER_EVENT and other.registration is None  # no name leaks
    services.transition(user, gathering["invited"], "withdraw")
    withdrawn = services.check_in(user, session, "YOUSSEF234")
    assert withdrawn.outcome == CheckInResult.WITHDRAWN
    assert not Attendance.objects.filter(registration=gathering["invited"]).exists()


def test_a_check_in_is_a_few_queries(gathering):
    user, session = gathering["secretariat"], gathering["sessions"][0]
    with CaptureQueriesContext(connection) as first:
        services.check_in(user, session, "AMINA23456")
    with CaptureQueriesContext(connection) as second:
        services.check_in(user, session, "AMINA23456")
    # the read, the insert (in its savepoint), its audit row, the status: savepoints aside
    statements = [q for q in first.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) <= 4, statements
    assert len(second.captured_queries) == 1


def test_a_first_check_in_is_audited_once(gathering):
    user, session = gathering["secretariat"], gathering["sessions"][0]
    registration = gathering["registered"]
    trail = AuditEvent.objects.filter(target_type="events.attendance", action=AuditEvent.Action.CREATE)
    services.check_in(user, session, "AMINA23456")
    services.check_in(user, session, "AMINA23456")  # a repeated scan writes nothing
    attendance = Attendance.objects.get(registration=registration, session=session)
    event = trail.get()
    assert event.target_id == str(attendance.pk) and event.actor == user
    assert event.details["registration"] == registration.pk and event.details["session"] == session.pk
    assert event.details["source"] == "check_in"


def test_a_refused_check_in_writes_no_audit_row(gathering):
    user, session = gathering["secretariat"], gathering["sessions"][0]
    services.check_in(user, session, "TANGER2345")  # another event's badge
    services.check_in(user, session, "NOPE")
    assert not AuditEvent.objects.filter(target_type="events.attendance").exists()


def test_check_in_page_and_htmx_answer(client, gathering):
    client.force_login(gathering["secretariat"])
    workshop, session = gathering["workshop"], gathering["sessions"][0]
    page = client.get(reverse("events:check_in", args=[workshop.pk]))
    assert page.status_code == 200 and b'name="code"' in page.content
    answer = client.post(
        reverse("events:check_in_scan", args=[session.pk]), {"code": "AMINA23456"}, HTTP_HX_REQUEST="true"
    )
    assert answer.status_code == 200 and b'data-outcome="ok"' in answer.content
    answer = client.post(
        reverse("events:check_in_scan", args=[session.pk]), {"code": "TANGER2345"}, HTTP_HX_REQUEST="true"
    )
    assert b'data-outcome="other_event"' in answer.content and b"Nadia" not in answer.content


def test_check_in_in_arabic(client, gathering):
    client.force_login(gathering["secretariat"])
    client.cookies["kafaat_language"] = "ar"
    answer = client.post(
        reverse("events:check_in_scan", args=[gathering["sessions"][0].pk]),
        {"code": "ZZZZ"},
        HTTP_ACCEPT_LANGUAGE="ar",
    )
    assert answer.status_code == 200
    assert 'data-outcome="unknown"' in answer.content.decode()


def test_wrong_role_and_out_of_scope_cannot_check_in(client, gathering):
    session = gathering["sessions"][0]
    client.force_login(gathering["donor"])  # sees the event, may not manage it
    assert (
        client.post(reverse("events:check_in_scan", args=[session.pk]), {"code": "AMINA23456"}).status_code
        == 403
    )
    client.force_login(
        gathering["other_caseworker"]
    )  # another region's organisation: the session is not there
    assert (
        client.post(reverse("events:check_in_scan", args=[session.pk]), {"code": "AMINA23456"}).status_code
        == 404
    )
    assert not Attendance.objects.exists()
