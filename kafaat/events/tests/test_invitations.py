"""Invitations and reminders through a real SMTP server on 127.0.0.1 (aiosmtpd), each in the registrant's
language with the event's .ics attached; the .ics itself."""

from __future__ import annotations

import email
import socket
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from icalendar import Calendar

from kafaat.core.models import AuditEvent, Job
from kafaat.events import invitations
from kafaat.events.models import Event, Registration

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    with socket.socket() as probe:  # a free port: aiosmtpd's start-up check cannot connect to port 0
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield inbox
    controller.stop()


def _text_of(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode()
    return ""


def _ics_of(message: Message) -> Calendar | None:
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return Calendar.from_ical(part.get_payload(decode=True))
    return None


def test_invitations_reach_each_registrant_in_their_language_with_the_ics(gathering, smtp):
    job = invitations.queue_mail(gathering["secretariat"], gathering["workshop"], "invitation")
    assert job.status == Job.Status.DONE, job.message
    by_address = {m["To"]: m for m in smtp.messages}
    assert set(by_address) == {"amina.berrada@example.ma", "y.elamrani@example.ma"}
    french, arabic = by_address["amina.berrada@example.ma"], by_address["y.elamrani@example.ma"]
    assert "Invitation" in str(email.header.make_header(email.header.decode_header(french["Subject"])))
    assert "AMINA23456" in _text_of(french)
    arabic_subject = str(email.header.make_header(email.header.decode_header(arabic["Subject"])))
    assert "ورشة جمع المعطيات" in arabic_subject
    calendar = _ics_of(arabic)
    assert calendar is not None and len(calendar.walk("VEVENT")) == 3
    assert Registration.objects.get(pk=gathering["invited"].pk).invited_at is not None
    assert AuditEvent.objects.filter(action="export", target_type="events.registration", count=2).exists()


def test_reminders_skip_the_withdrawn(gathering, smtp):
    Registration.objects.filter(pk=gathering["invited"].pk).update(status="withdrawn")
    invitations.queue_mail(gathering["secretariat"], gathering["workshop"], "reminder")
    assert [m["To"] for m in smtp.messages] == ["amina.berrada@example.ma"]


def test_wrong_role_and_bad_kind_cannot_send(gathering, smtp):
    with pytest.raises(PermissionDenied):
        invitations.queue_mail(gathering["donor"], gathering["workshop"], "invitation")
    with pytest.raises(ValidationError):
        invitations.queue_mail(gathering["secretariat"], gathering["workshop"], "spam")
    Event.objects.filter(pk=gathering["workshop"].pk).update(is_cancelled=True)
    gathering["workshop"].refresh_from_db()
    with pytest.raises(ValidationError):
        invitations.queue_mail(gathering["secretariat"], gathering["workshop"], "invitation")
    assert smtp.messages == []


def test_the_ics_download_has_one_entry_per_session_with_stable_uids(client, gathering):
    client.force_login(gathering["manager"])
    url = reverse("events:calendar", args=[gathering["workshop"].pk])
    first, second = client.get(url), client.get(url)
    assert first["Content-Type"].startswith("text/calendar")
    uids = [str(e["uid"]) for e in Calendar.from_ical(first.content).walk("VEVENT")]
    assert len(uids) == 3 and uids == [
        str(e["uid"]) for e in Calendar.from_ical(second.content).walk("VEVENT")
    ]


def test_an_event_without_sessions_is_one_all_day_entry(gathering):
    calendar = Calendar.from_ical(
        invitations.calendar_of(
            gathering["tanger_event"].__class__.objects.create(
                type="seminar",
                name_fr="Séminaire",
                organiser=gathering["ngo_a"],
                territory=gathering["workshop"].territory,
                start_date=gathering["workshop"].start_date,
                end_date=gathering["workshop"].start_date,
                country="ES",
                venue="Madrid",
            )
        )
    )
    (entry,) = calendar.walk("VEVENT")
    assert entry["location"] == "Madrid, ES"
