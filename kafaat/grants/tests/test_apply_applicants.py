"""Applicant organisations: self-registration from a published call's public page (signed in after, able to
apply; duplicates and bad input refused with a message; throttled), and the officer's invitation through a
real SMTP server on 127.0.0.1 (aiosmtpd): a signed link, valid 14 days, that ends with an applicant."""

from __future__ import annotations

import email
import email.header
import re
import socket
from datetime import timedelta
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kafaat.core.models import Membership, Organisation, Role
from kafaat.grants import access_rules
from kafaat.grants.services import applicants, applications

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """The messages are checked in English (the default language is French)."""
    with translation.override("en"):
        yield


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

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


def _text(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode()
    return ""


def _form(territory_of, **overrides):
    data = {
        "name_fr": "Association Nour",
        "name_ar": "جمعية نور",
        "type": "cooperative",
        "territory": territory_of("MA-02").pk,
        "contact_name": "Salma Idrissi",
        "email": "salma@nour.ma",
        "password": "Un-mot-de-passe-long-42",
    }
    data.update(overrides)
    return data


def test_an_organisation_registers_itself_and_can_apply(client, grants, territory):
    call = grants["call"]
    assert client.get(reverse("grants:register", args=[call.pk])).status_code == 200  # public
    response = client.post(reverse("grants:register", args=[call.pk]), _form(territory))
    assert response.status_code == 302 and response["Location"] == reverse("grants:call", args=[call.pk])
    user = get_user_model().objects.get(username="salma@nour.ma")
    organisation = Organisation.objects.get(name_fr="Association Nour")
    assert organisation.type == Organisation.Type.NGO and organisation.code == "association-nour"
    assert Membership.objects.filter(user=user, organisation=organisation, role=Role.GRANT_APPLICANT).exists()
    page = client.get(reverse("grants:call", args=[call.pk])).content.decode()  # signed in after
    assert 'id="start-application"' in page
    application = applications.start_application(user, call, grants["lots"]["oriental"], title="Nour")
    assert access_rules.can_edit_application(user, application)


def test_registration_refuses_duplicates_and_bad_input_with_a_message(client, grants, territory):
    call = grants["call"]
    client.cookies["kafaat_language"] = "en"
    applicants.register(_form(territory))
    visitor = Client()
    visitor.cookies["kafaat_language"] = "en"
    for data, field in [
        (_form(territory, email="other@nour.ma"), "already registered"),  # same name, same territory
        (_form(territory, name_fr="Autre"), "already has an account"),  # same e-mail
        (_form(territory, name_fr="Autre", email="x@y.ma", password="123"), "too short"),
        (_form(territory, name_fr="Autre", email="x@y.ma", type="donor"), "valid choice"),
        (_form(territory, name_fr="Autre", email="x@y.ma", territory=999999), "valid choice"),
    ]:
        response = visitor.post(reverse("grants:register", args=[call.pk]), data)
        assert response.status_code == 200, field
        assert field in response.content.decode().lower(), field
    assert Organisation.objects.filter(name_fr="Autre").count() == 0
    assert client.get(reverse("grants:register", args=[grants["open_call"].pk])).status_code == 404  # a draft


def test_registration_is_throttled(grants, territory):
    client = Client()
    url = reverse("grants:register", args=[grants["call"].pk])
    for i in range(applicants_limit()):
        client.post(url, _form(territory, password="short", email=f"p{i}@x.ma"))
    response = client.post(url, _form(territory))
    assert response.status_code == 429
    assert not get_user_model().objects.filter(username="salma@nour.ma").exists()


def applicants_limit() -> int:
    from kafaat.grants.pages.applying.applicants import REGISTRATIONS_PER_HOUR

    return REGISTRATIONS_PER_HOUR


def test_the_officer_invites_by_e_mail_and_the_link_ends_with_an_applicant(grants, smtp):
    officer, call = grants["users"]["officer"], grants["call"]
    client = Client()
    client.force_login(officer)
    response = client.post(
        reverse("grants:invite", args=[call.pk]),
        {"email": "Karim@Atlas.ma", "language": "ar", "organisation": ""},
    )
    assert response.status_code == 302
    [message] = smtp.messages
    assert message["To"] == "karim@atlas.ma" and "استدعاء" in str(
        email.header.make_header(email.header.decode_header(message["Subject"]))
    )
    link = re.search(r"https?://\S+/grants/invitations/\S+/", _text(message)).group(0)
    path = link[link.index("/grants/") :]
    visitor = Client()
    assert visitor.get(path).status_code == 200
    response = visitor.post(
        path,
        {
            "name_fr": "Atlas Formation",
            "type": "training_provider",
            "territory": grants["ngo_a"].territory_id,
            "contact_name": "Karim",
            "password": "Un-mot-de-passe-long-42",
            "email": "ignored@x.ma",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="karim@atlas.ma")
    assert user.memberships.get().role == Role.GRANT_APPLICANT
    assert visitor.get(path).status_code == 400  # used


def test_an_invitation_into_a_registered_organisation_and_the_expired_or_forged_links(grants, smtp):
    officer, call = grants["users"]["officer"], grants["call"]
    link = applicants.invite(officer, call, "new@ngo-a.ma", organisation=grants["ngo_a"])
    invitation = applicants.read_invitation(link.rsplit("/", 2)[-2])
    user = applicants.register(
        {"contact_name": "Nadia", "password": "Un-mot-de-passe-long-42"}, invitation=invitation
    )
    assert user.memberships.get().organisation == grants["ngo_a"]
    with pytest.raises(ValidationError):
        applicants.read_invitation("forged-token")
    expired = _expired_token(call)
    with pytest.raises(ValidationError) as error:
        applicants.read_invitation(expired)
    assert "expired" in " ".join(error.value.messages)


def _expired_token(call) -> str:
    """A token signed 15 days ago."""
    import time
    from unittest import mock

    with mock.patch.object(signing, "time", mock.Mock(time=lambda: time.time() - 15 * 24 * 3600)):
        return applicants.invitation_token(call, "late@x.ma", None, "fr")


def test_only_the_officer_invites(grants, smtp):
    with pytest.raises(PermissionDenied):
        applicants.invite(grants["users"]["applicant_a"], grants["call"], "x@y.ma")
    with pytest.raises(ValidationError):
        applicants.invite(grants["users"]["officer"], grants["open_call"], "x@y.ma")  # not published
    with pytest.raises(ValidationError):
        applicants.invite(grants["users"]["officer"], grants["call"], "not-an-address")
    assert smtp.messages == []
    assert timedelta(days=applicants.INVITATION_DAYS) == timedelta(days=14)


def test_the_public_registration_page_presents_the_call_and_refuses_a_bad_link(grants):
    visitor = Client()
    visitor.cookies["kafaat_language"] = "en"
    page = visitor.get(reverse("grants:register", args=[grants["call"].pk])).content.decode()
    assert 'id="call-summary"' in page and "Tanger-Tétouan-Al Hoceïma" in page
    response = visitor.get(reverse("grants:invitation", args=["not-a-token"]))
    assert response.status_code == 400 and "not valid" in response.content.decode()
