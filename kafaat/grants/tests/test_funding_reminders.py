"""Report reminders through a real SMTP server on 127.0.0.1 (aiosmtpd): the grantee's applicants get one
e-mail per report due within a week or overdue, in the application's language, at most once a week; the
management command does the same."""

from __future__ import annotations

import email
import socket
from datetime import timedelta
from email.header import decode_header, make_header
from io import StringIO

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone

from kafaat.grants.models import Application, Report
from kafaat.grants.services import reports
from kafaat.grants.tests.test_funding_setup import awarded_application, draw_up

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield inbox
    controller.stop()


def _subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def _text(message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode()
    return ""


@pytest.fixture
def grantees(grants):
    users = grants["users"]
    for name, address in (("applicant_a", "a@ngo-a.ma"), ("applicant_b", "b@ngo-b.ma")):
        users[name].email = address
        users[name].save()
    first = draw_up(grants, awarded_application(grants))  # NGO A: interim report due in 5 days
    second = draw_up(grants, awarded_application(grants, "ngo_b", "tanger"))
    Application.objects.filter(pk=second.application_id).update(language="ar")
    return first, second


def test_reminders_once_a_week_in_the_applications_language(grants, grantees, smtp):
    first, second = grantees
    overdue = second.reports.get(kind=Report.Kind.INTERIM)
    Report.objects.filter(pk=overdue.pk).update(due_date=timezone.localdate() - timedelta(days=3))
    sent = reports.send_reminders()
    assert (sent.reports, sent.messages) == (2, 2)
    by_address = {m["To"]: m for m in smtp.messages}
    assert set(by_address) == {"a@ngo-a.ma", "b@ngo-b.ma"}
    assert first.reference in _subject(by_address["a@ngo-a.ma"])
    assert "Rapport" in _subject(by_address["a@ngo-a.ma"]) or "rapport" in _subject(by_address["a@ngo-a.ma"])
    arabic = _subject(by_address["b@ngo-b.ma"])
    assert second.reference in arabic and any("\u0600" <= ch <= "\u06ff" for ch in arabic)
    assert "كفاءات" in _text(by_address["b@ngo-b.ma"]) and "Kafaat" in _text(by_address["a@ngo-a.ma"])
    assert reports.send_reminders() == reports.Reminders(0, 0)  # not twice in a week
    Report.objects.update(reminded_at=timezone.now() - timedelta(days=8))
    assert reports.send_reminders().reports == 2


def test_no_reminder_for_submitted_far_or_unsigned_reports(grants, grantees, smtp):
    first, second = grantees
    interim = first.reports.get(kind=Report.Kind.INTERIM)
    reports.save_report(grants["users"]["applicant_a"], interim, narrative="Fait.")
    reports.submit_report(grants["users"]["applicant_a"], interim)
    Report.objects.filter(agreement=second, kind=Report.Kind.INTERIM).update(
        due_date=timezone.localdate() + timedelta(days=8)
    )
    assert reports.send_reminders() == reports.Reminders(0, 0)
    assert smtp.messages == []


def test_the_management_command(grants, grantees, smtp):
    out = StringIO()
    call_command("grants_reminders", stdout=out)
    assert "2 reports reminded" in out.getvalue()
    assert len(smtp.messages) == 2


def test_the_reminders_as_a_background_job(grants, grantees, smtp):
    from kafaat.core.models import Job

    out = StringIO()
    call_command("grants_reminders", "--background", stdout=out)
    job = Job.objects.get(kind="grants_reminders")
    assert job.status == Job.Status.DONE, job.message
    assert len(smtp.messages) == 2
