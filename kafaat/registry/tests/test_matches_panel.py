"""Issue 11: the likely-matches panel helps against duplicates but is no look-up tool (ADR "matches panel is
not a look-up"): other organisations' people are counted only for a full identity, queries are rate-limited
per user, and every response that shows people or reveals a count is one audit event."""

import pytest
from django.urls import reverse

from kafaat.core.models import AuditEvent
from kafaat.registry.tests import test_review_pages

pytestmark = pytest.mark.django_db
registry, _english = (  # the review pages' fixtures: Fatima twice in NGO A, once in NGO B
    test_review_pages.registry,
    test_review_pages._english,
)
FULL = {
    "first_name_latin": "Fatima Zahra",
    "last_name_latin": "Benali",
    "birth_date": "2001-03-12",
    "sex": "F",
    "commune": "Oujda",
}
ELSEWHERE_TEXT = "other organisations"


def _panel(client, query):
    return client.get(reverse("registry:likely_matches"), query, HTTP_HX_REQUEST="true")


@pytest.mark.parametrize(
    "query",
    [
        {"phone": "0612345678"},
        {"id_number": "F123456", "id_type": "cin"},
        {"first_name_latin": "Fatima Zahra", "last_name_latin": "Benali", "birth_date": "2001-03-12"},
        {**FULL, "commune": "Nowhere at all"},  # a commune the registry does not know is no commune
    ],
    ids=["phone", "id_number", "name_and_birth_date", "unknown_commune"],
)
def test_a_partial_identity_counts_nobody_elsewhere(client, world, registry, query):
    client.force_login(world["users"]["caseworker_b"])  # NGO A holds two likely matches NGO B cannot see
    response = _panel(client, query)
    assert response.status_code == 200
    assert response.context["found"].elsewhere is None
    assert ELSEWHERE_TEXT not in response.content.decode()
    assert not AuditEvent.objects.filter(details__elsewhere__isnull=False).exists()


def test_a_full_identity_counts_others_and_is_audited_once(client, world, registry):
    user = world["users"]["caseworker_b"]
    client.force_login(user)
    response = _panel(client, FULL)
    assert response.context["found"].elsewhere == 2
    assert "2 possible matches in other organisations" in response.content.decode()
    event = AuditEvent.objects.get(actor=user, details__list="matches_panel")
    assert event.action == "list" and event.details["elsewhere"] == 2
    assert event.details["criteria"] == ["full_name", "birth_date", "sex", "commune"]
    assert event.details["ids"] == [str(registry["elsewhere"].pk)]  # NGO B's own record, shown
    assert "Benali" not in str(event.details) and "2001" not in str(event.details)


def test_the_users_own_organisation_s_matches_are_shown_as_before(client, world, registry):
    client.force_login(world["users"]["caseworker_a"])
    response = _panel(client, {"phone": "0612345678"})
    shown = {person.pk for person, _p, _a in response.context["found"].people}
    assert shown == {registry["fatima"].pk, registry["again"].pk}
    assert "may already be registered" in response.content.decode()
    assert ELSEWHERE_TEXT not in response.content.decode()
    event = AuditEvent.objects.get(details__list="matches_panel")
    assert {int(pk) for pk in event.details["ids"]} == shown and event.details["criteria"] == ["phone"]


def test_over_the_rate_limit_the_panel_refuses_politely(client, world, registry, settings):
    settings.KAFAAT_MATCHES_PANEL_LIMITS = ((3, 60), (100, 3600))
    user = world["users"]["caseworker_b"]
    client.force_login(user)
    for _ in range(3):
        assert _panel(client, FULL).context["found"].elsewhere == 2
    refused = _panel(client, FULL)
    body = refused.content.decode()
    assert refused.status_code == 200 and refused.context["refused"] and refused.context["found"] is None
    assert "the check pauses for a few minutes" in body and ELSEWHERE_TEXT not in body
    assert AuditEvent.objects.filter(actor=user, details__list="matches_panel", action="list").count() == 3
    assert AuditEvent.objects.filter(actor=user, action="denied", details__status=429).count() == 1
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert "quelques minutes" in _panel(client, FULL).content.decode()


def test_the_rate_limit_counts_are_shared_by_the_servers_processes():
    """Each web worker is a process: counts kept in one process's memory would multiply the limit."""
    import subprocess
    import sys

    from django.core.cache import cache

    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'kafaat.settings'); "
        "django.setup(); from django.core.cache import cache; "
        "cache.set('kafaat:shared-check', 41); cache.incr('kafaat:shared-check')"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    assert cache.get("kafaat:shared-check") == 42
