"""The main menu: each role's entries, grouped in drop-downs (a group a reader sees one entry of is a plain
link; Administration last), folded into "Menu" on a phone (a <details>: no JavaScript needed), the page shown
marked; and a "Sign in" link for visitors of the public pages."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from kafaat.core.pages import navigation


def _shape(entries) -> list:
    return [(e.key, [i.url_name for i in e.items]) if e.is_group else e.key for e in entries]


@pytest.mark.django_db
def test_a_national_administrators_menu_is_grouped(world):
    menu = _shape(navigation.menu(world["users"]["superuser"]))
    assert menu == [
        "home", "registry:search", "pathways:caseload", "pathways:inbox",
        ("labour", ["labour:vacancies", "labour:employers", "labour:surveys"]),
        ("training", ["training:establishments", "training:import"]),
        ("governance", ["events:list", "governance:groups", "contacts:list", "contacts:import",
                        "events:trainers", "missions:list", "missions:rollup"]),
        ("observatory", ["observatory:dashboard", "open_data:index", "open_data:publish",
                         "observatory:warehouse"]),
        ("programme", ["results:projects", "grants:calls", "grants:review_calls", "grants:agreements",
                       "grants:figures"]),
        ("administration", ["registry:review", "registry:import", "core:territories", "core:organisations",
                            "core:audit", "core:jobs"]),
    ]  # fmt: skip
    assert len(menu) <= 10  # one row at 1,366 px in French: tests/e2e/test_menu.py checks it


@pytest.mark.django_db
def test_a_group_with_a_single_entry_for_the_reader_is_a_plain_link(world):
    donor = _shape(navigation.menu(world["users"]["donor"]))
    assert "training:establishments" in donor  # the donor sees no supply import: no "Training" drop-down
    caseworker = _shape(navigation.menu(world["users"]["caseworker_a"]))
    assert caseworker[:4] == ["home", "registry:search", "pathways:caseload", "pathways:inbox"]
    assert "open_data:index" in caseworker  # of the observatory's entries, only the open data
    assert caseworker[-1][0] == "administration"
    assert _shape(navigation.menu(world["users"]["nobody"])) == ["home", "open_data:index"]


@pytest.mark.django_db
def test_no_menu_for_visitors():
    from django.contrib.auth.models import AnonymousUser

    assert navigation.menu(AnonymousUser()) == []


@pytest.mark.django_db
def test_the_menu_marks_the_page_and_its_group(client, world):
    client.force_login(world["users"]["superuser"])
    html = client.get("/jobs/").content.decode()
    menu = html.split('<nav class="mainnav"')[1].split("</nav>")[0]
    assert '<details class="nav-menu" id="nav-menu">' in menu and 'id="nav-toggle"' in menu
    assert "open" not in menu.split("<details")[1].split(">")[0]  # folded until opened (phones)
    admin = menu.split('data-group="administration"')[1].split("</details>")[0]
    assert '<summary class="current">' in admin and '<a href="/jobs/" aria-current="page">' in admin
    assert menu.count('aria-current="page"') == 1
    assert menu.count('class="nav-group"') == 6


@pytest.mark.django_db
def test_the_menu_speaks_the_readers_language(client, world):
    client.force_login(world["users"]["superuser"])
    client.cookies["kafaat_language"] = "ar"
    html = client.get("/").content.decode()
    with translation.override("ar"):
        for label in ("Menu", "Labour market", "Training", "Administration"):
            assert f">{translation.gettext(label)}<" in html, label
            assert translation.gettext(label) != label


@pytest.mark.django_db
def test_visitors_get_a_sign_in_link_back_to_the_page(client):
    html = client.get("/open-data/").content.decode()
    assert re.search(r'<a class="sign-in" id="sign-in" href="/login/\?next=/open-data/">', html)
    assert 'class="mainnav"' not in html
    assert 'id="sign-in"' not in client.get("/login/").content.decode()  # not on the log-in page itself


@pytest.mark.django_db
def test_signed_in_readers_get_no_sign_in_link(client, world):
    client.force_login(world["users"]["donor"])
    assert 'id="sign-in"' not in client.get("/open-data/").content.decode()
