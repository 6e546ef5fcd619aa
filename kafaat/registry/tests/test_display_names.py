"""A person without a Latin name shows in the script that exists, never as a bare "—": people lists, the
duplicate review, the caseload, the referral inbox and the registration form's matches panel all go through
the `person_name` filter (the Latin name, else the Arabic one, isolated in a <bdi>; "—" only for no name)."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse

from kafaat.pathways import services as pathways
from kafaat.registry import services
from kafaat.registry.models import Person
from kafaat.registry.tests import test_review_pages

pytestmark = pytest.mark.django_db
registry = test_review_pages.registry  # "again": Arabic only
ARABIC_ONLY = {"first_name_ar": "سلمى", "last_name_ar": "الودغيري", "sex": "F", "birth_date": "2000-05-05",
               "commune": "Oujda", "phone": "0677112233"}  # fmt: skip


def _render(person) -> str:
    return Template("{% load people %}{{ person|person_name }}").render(Context({"person": person}))


def test_the_filter_shows_the_latin_name_else_the_arabic_one_else_a_dash():
    assert _render(Person(first_name_latin="Amina", last_name_latin="Tazi", first_name_ar="أمينة")) == (
        '<bdi translate="no">Amina Tazi</bdi>'
    )
    assert _render(Person(first_name_ar="سلمى", last_name_ar="الودغيري")) == (
        '<bdi lang="ar" translate="no">سلمى الودغيري</bdi>'
    )
    assert _render(Person()) == "—"
    assert (
        _render(Person(first_name_latin="<script>")) == '<bdi translate="no">&lt;script&gt;</bdi>'
    )  # escaped


@pytest.fixture
def salma(world):
    return services.register_person(
        world["users"]["caseworker_a"], ARABIC_ONLY, consent_given_on=date(2026, 1, 5)
    )


def test_the_people_list_and_the_caseload_link_the_arabic_name(client, world, salma):
    client.force_login(world["users"]["caseworker_a"])
    name = '<bdi lang="ar" translate="no">سلمى الودغيري</bdi>'
    link = f'<a href="/people/{salma.pk}/" class="person-name">{name}</a>'
    assert link in client.get(reverse("registry:search")).content.decode()
    assert link in client.get(reverse("pathways:caseload")).content.decode()
    assert link in client.get(reverse("registry:search"), HTTP_HX_REQUEST="true").content.decode()


def test_the_referral_inbox_shows_the_arabic_name(client, world, salma, project):
    worker = world["users"]["caseworker_a"]
    pathways.refer_with_consent(
        worker, salma, project=project, on=date(2026, 2, 1), referral_target="organisation",
        target_organisation=world["ngo_b"],
    )  # fmt: skip
    client.force_login(world["users"]["caseworker_b"])
    page = client.get(reverse("pathways:inbox")).content.decode()
    assert '<bdi lang="ar" translate="no">سلمى الودغيري</bdi>' in page
    assert '<span dir="ltr"></span>' not in page  # no empty Latin slot before it


def test_the_duplicate_review_links_the_arabic_name(client, world, registry):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world["users"]["admin_a"])
    page = client.get(reverse("registry:review")).content.decode()
    again = registry["again"]
    name = '<bdi lang="ar" translate="no">فاطمه الزهراء بن علي</bdi>'
    assert f'<a href="/people/{again.pk}/">{name}</a>' in page
    assert f'<a href="/people/{again.pk}/">—</a>' not in page


def test_the_matches_panel_shows_the_arabic_name(client, world, registry):
    client.force_login(world["users"]["caseworker_a"])
    response = client.get(
        reverse("registry:likely_matches"), {"phone": "+212 6 12 34 56 78"}, HTTP_HX_REQUEST="true"
    )
    assert '<bdi lang="ar" translate="no">فاطمه الزهراء بن علي</bdi></a>' in response.content.decode()
