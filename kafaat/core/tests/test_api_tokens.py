"""Bearer tokens write through every router the role allows; CSRF guards cookie sessions only (issue 11)."""

import json
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kafaat.core import services
from kafaat.core.models import Project
from kafaat.labour.models import Vacancy
from kafaat.pathways.models import Step
from kafaat.registry.models import Person

TODAY = timezone.localdate()
PERSON = {
    "first_name_latin": "Salma",
    "last_name_latin": "Bennani",
    "sex": "F",
    "birth_date": "2003-05-02",
    "commune": "COM_0610",
    "consent_given_on": (TODAY - timedelta(days=30)).isoformat(),
}


def _send(client: Client, method: str, url: str, body: dict | None = None, key: str | None = None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    data = json.dumps(body) if body is not None else ""
    return getattr(client, method)(url, data, content_type="application/json", **headers)


@pytest.fixture
def strict():
    """A client that checks CSRF as a browser's requests are checked (the test client skips it by default)."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def project(world):
    project = Project.objects.create(code="kafaat-tokens", name_fr="Projet", start_date=date(2025, 1, 1))
    project.participants.set([world["ngo_a"], world["ngo_b"]])
    return project


def test_a_token_creates_and_changes_records_across_the_routers(strict, world, project):
    key = services.issue_api_token(world["users"]["caseworker_a"], "script").key

    person = _send(strict, "post", "/api/people", PERSON, key)
    assert person.status_code == 201, person.content
    person_id = person.json()["id"]
    patched = _send(strict, "patch", f"/api/people/{person_id}", {"phone": "0661234567"}, key)
    assert patched.status_code == 200, patched.content
    assert Person.objects.get(pk=person_id).phone == "+212661234567"

    step = {"kind": "intake", "project": "kafaat-tokens", "date": (TODAY - timedelta(days=10)).isoformat()}
    recorded = _send(strict, "post", f"/api/people/{person_id}/steps", step, key)
    assert recorded.status_code == 201, recorded.content
    assert Step.objects.filter(person_id=person_id, kind="intake").exists()

    employer = _send(
        strict, "post", "/api/labour/employers", {"name": "Atlas SARL", "territory": "02.411"}, key
    )
    assert employer.status_code == 201, employer.content
    vacancy_in = {"employer": employer.json()["id"], "title": "Couturière", "posted_on": "2026-01-05"}
    vacancy = _send(strict, "post", "/api/labour/vacancies", vacancy_in, key)
    assert vacancy.status_code == 201, vacancy.content
    vacancy_id = vacancy.json()["id"]
    changed = _send(strict, "patch", f"/api/labour/vacancies/{vacancy_id}", {"positions": 3}, key)
    assert changed.status_code == 200, changed.content
    assert Vacancy.objects.get(pk=vacancy_id).positions == 3


def test_a_cookie_session_still_needs_the_csrf_token(strict, world):
    strict.force_login(world["users"]["caseworker_a"])
    refused = _send(strict, "post", "/api/people", PERSON)
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert not Person.objects.exists()
    # With the token a page hands out, the same session writes.
    strict.get(reverse("password_change"))
    secret = strict.cookies[settings.CSRF_COOKIE_NAME].value
    accepted = strict.post(
        "/api/people", json.dumps(PERSON), content_type="application/json", HTTP_X_CSRFTOKEN=secret
    )
    assert accepted.status_code == 201, accepted.content


def test_anonymous_writes_get_401_not_a_csrf_403(strict, world):
    for method, url in (
        ("post", "/api/people"),
        ("patch", "/api/people/1"),
        ("post", "/api/labour/employers"),
    ):
        response = _send(strict, method, url, {})
        assert response.status_code == 401, (method, url, response.content)
    strict.cookies["kafaat_language"] = "ar"
    assert "سجّل الدخول" in _send(strict, "post", "/api/people", {}).json()["detail"]  # the user's language


def test_invalid_and_revoked_tokens_get_401_even_beside_a_session(strict, world):
    user = world["users"]["caseworker_a"]
    revoked = services.issue_api_token(user, "old")
    services.revoke_api_token(user, revoked.token.pk)
    for key in (revoked.key, "kft_not-a-token"):
        assert _send(strict, "post", "/api/people", PERSON, key).status_code == 401
    # A bad token is not rescued by a cookie session that happens to be there.
    strict.force_login(user)
    assert _send(strict, "post", "/api/people", PERSON, "kft_not-a-token").status_code == 401
    assert not Person.objects.exists()


def test_a_token_writes_only_what_its_role_allows(strict, world):
    users = world["users"]
    person = _send(
        strict, "post", "/api/people", PERSON, services.issue_api_token(users["caseworker_a"], "a").key
    )
    person_id = person.json()["id"]
    analyst = services.issue_api_token(users["analyst_oriental"], "analyst").key
    assert _send(strict, "post", "/api/people", PERSON, analyst).status_code == 403
    # Another organisation's case worker does not learn that the record exists.
    other = services.issue_api_token(users["caseworker_b"], "b").key
    assert (
        _send(strict, "patch", f"/api/people/{person_id}", {"phone": "0600000000"}, other).status_code == 404
    )
    assert Person.objects.count() == 1 and Person.objects.get().phone == ""
