"""The directory and the working groups in a real browser: the Oriental GTR's secretariat searches the
directory, meets the likely same person before adding a contact; runs a meeting from its group page to its
closing, in Arabic; a closed meeting says it is read-only."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kafaat.contacts.models import Contact
from kafaat.contacts.tests.conftest import gtr  # noqa: F401  (shared personas)
from kafaat.governance import services


def test_the_secretariat_searches_the_directory_and_is_shown_the_likely_same_person(page, sign_in, gtr):  # noqa: F811
    sign_in("secretariat")
    page.click("button[data-language=en]")
    page.goto("/contacts/")
    rows = page.locator("#contacts tbody tr")
    expect(rows).to_have_count(3)  # the Oriental's contacts; Tanger's are out of scope
    page.locator("#id_q").press_sequentially("bennani")  # htmx swaps the rows as one types
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Bennani")
    expect(page).to_have_url(re.compile(r"q=bennani"))
    rows.first.locator("a").click()
    expect(page.locator("#contact-groups")).to_contain_text("Oriental GTR")
    page.goto("/contacts/new/")
    page.fill("#id_first_name_latin", "Amina")
    page.fill("#id_last_name_latin", "El-Idrissi")
    page.select_option("#id_sex", "F")
    page.select_option("#id_territory", "MA-02")
    page.select_option("#id_organisation_type", "ngo")
    page.click("#contact-save")
    expect(page.locator("#likely-matches")).to_contain_text("El Idrissi")
    assert Contact.objects.filter(first_name_latin="Amina").count() == 1
    page.click("#confirm-new")
    expect(page.locator("#contact-name")).to_contain_text("El-Idrissi")
    assert Contact.objects.filter(first_name_latin="Amina").count() == 2


def test_the_secretariat_runs_a_meeting_to_its_closing_in_arabic(page, sign_in, gtr):  # noqa: F811
    secretariat = gtr["users"]["secretariat"]
    services.add_outcome(
        secretariat, gtr["held"], "action", "Relancer la wilaya", owner_id=gtr["people"]["karim"].pk,
        due_date=timezone.localdate() - timedelta(days=3),
    )  # fmt: skip
    sign_in("secretariat")
    page.click("button[data-language=ar]")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.goto(f"/governance/{gtr['oriental'].pk}/")
    expect(page.locator("#group-name")).to_have_text("مجموعة العمل الجهوية للشرق")
    expect(page.locator("#members tbody tr")).to_have_count(3)
    expect(page.locator("#actions tbody tr")).to_have_count(1)  # the open action, overdue
    page.click("#meetings a:has-text('Session de printemps')")
    expect(page.locator("#meeting-status")).to_have_attribute("data-status", "held")
    expect(page.locator("#participants")).to_contain_text("لم يُدعَ أحد بعد")  # the fixture's meeting: no seats
    page.click("#add-agenda summary")
    page.fill("#add-agenda #id_title", "Bilan des actions")
    page.click("#agenda-save")
    expect(page.locator("#agenda")).to_contain_text("Bilan des actions")
    page.click("button[data-transition=close]")
    expect(page.locator(".messages")).to_contain_text("محضره")
    page.fill("#write-minutes textarea", "افتتحت الجلسة الرئيسة.")
    page.click("#minutes-save")
    expect(page.locator("#minutes")).to_contain_text("افتتحت الجلسة")
    page.click("button[data-transition=close]")
    expect(page.locator("#meeting-status")).to_have_attribute("data-status", "closed")
    expect(page.locator("#read-only")).to_be_visible()
    expect(page.locator("#write-minutes")).to_have_count(0)
    page.click("#print-minutes")
    expect(page.locator("#printable-minutes")).to_contain_text("افتتحت الجلسة")


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_governance_pages_have_no_serious_accessibility_violation(
    browser,
    live_server,
    axe_source,
    gtr,  # noqa: F811
    language,
):
    from tests.e2e.test_accessibility import _problems

    secretariat = gtr["users"]["secretariat"]
    services.add_outcome(
        secretariat, gtr["held"], "action", "Relancer la wilaya", owner_id=gtr["people"]["karim"].pk,
        due_date=timezone.localdate() - timedelta(days=3),
    )  # fmt: skip
    services.write_minutes(secretariat, gtr["held"], "Ligne 1")
    services.write_minutes(secretariat, gtr["held"], "Ligne 1\nLigne 2")
    urls = [
        "/", "/contacts/", f"/contacts/{gtr['people']['amina'].pk}/", "/contacts/new/", "/contacts/import/",
        "/governance/", f"/governance/{gtr['oriental'].pk}/", f"/governance/meetings/{gtr['held'].pk}/",
        f"/governance/meetings/{gtr['held'].pk}/minutes/print/",
    ]  # fmt: skip
    problems = _problems(browser, live_server, axe_source, language, "secretariat", urls)
    assert not problems, "\n".join(problems)
