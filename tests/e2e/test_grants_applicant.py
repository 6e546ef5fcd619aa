"""An applicant in a real browser, in French: opens the published call, starts an application, fills its
project, target groups and budget (each saved as a draft), submits the concept note and sees its public
status on "My applications"."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from kafaat.grants import workflows
from kafaat.grants.models import Application
from kafaat.grants.services import applications
from kafaat.grants.tests.conftest import grants  # noqa: F401  (shared personas)


def test_an_applicant_submits_a_concept_note_in_french(page, sign_in, grants):  # noqa: F811
    call = grants["call"]
    sign_in("applicant_a")
    page.click("button[data-language=fr]")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.goto("/grants/calls/")
    page.click(f"#published-calls tr[data-code='{call.code}'] a")
    expect(page.locator("#call-name")).to_contain_text("Projets pilotes d'insertion 2026")
    page.select_option("#start-application #id_lot", str(grants["lots"]["oriental"].pk))
    page.fill("#start-application #id_title", "Couture et insertion des femmes")
    page.click("#start-save")
    expect(page.locator("#application-title")).to_contain_text("PILOTES-2026-0001")

    page.fill("#details-form #id_summary", "Former 150 femmes aux métiers de la couture à Oujda.")
    page.select_option("#details-form #id_territory", index=1)
    page.fill("#details-form #id_duration_months", "18")
    page.click("#details-save")
    expect(page.locator("ul.messages")).to_be_visible()

    page.fill("#target-groups-form input[name=women_women]", "150")
    page.fill("#target-groups-form input[name=neet_youth_men]", "20")
    page.click("#target-groups-save")

    page.select_option("#budget-form select[name=lines-0-category]", "training")
    page.fill("#budget-form input[name=lines-0-description]", "Ateliers de couture")
    page.fill("#budget-form input[name=lines-0-unit]", "atelier")
    page.fill("#budget-form input[name=lines-0-quantity]", "6")
    page.fill("#budget-form input[name=lines-0-unit_cost]", "50000")
    page.fill("#budget-form input[name=lines-0-cofinancing]", "30000")
    page.click("#budget-save")
    expect(page.locator("#summary-requested")).to_contain_text("270")  # 300 000 − 30 000
    application = Application.objects.get(reference="PILOTES-2026-0001")
    assert application.target_groups.count() == 2 and application.total_cost == 300000
    assert application.status == "draft"  # saved as a draft at every step

    page.click("#transition-submit_concept")
    application.refresh_from_db()
    with translation.override("fr"):
        public = str(workflows.state_of(application).public)
    expect(page.locator("#application-status")).to_have_attribute("data-status", "concept_submitted")
    expect(page.locator("#application-status")).to_have_text(public)
    page.goto("/grants/applications/")
    row = page.locator("#applications tr[data-reference='PILOTES-2026-0001']")
    expect(row.locator(".public-status")).to_have_text(public)


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_applying_pages_have_no_serious_accessibility_violation(
    browser,
    live_server,
    axe_source,
    grants,  # noqa: F811
    language,
):
    from tests.e2e.test_accessibility import _problems

    user = grants["users"]["applicant_a"]
    application = applications.start_application(
        user, grants["call"], grants["lots"]["oriental"], title="Atelier"
    )
    line = {"category": "training", "description": "Ateliers", "unit": "u", "quantity": "2",
            "unit_cost": "150000", "cofinancing": "30000"}  # fmt: skip
    applications.set_budget(user, application, [line])
    call = grants["call"].pk
    applicant_urls = ["/grants/calls/", f"/grants/calls/{call}/", "/grants/applications/",
                      f"/grants/applications/{application.pk}/",
                      f"/grants/calls/{call}/register/"]  # fmt: skip
    officer_urls = ["/grants/calls/", "/grants/calls/new/", f"/grants/calls/{grants['open_call'].pk}/",
                    f"/grants/calls/{grants['call'].pk}/edit/", f"/grants/calls/{grants['call'].pk}/",
                    f"/grants/applications/{application.pk}/"]  # fmt: skip
    problems = _problems(browser, live_server, axe_source, language, "applicant_a", applicant_urls)
    problems += _problems(browser, live_server, axe_source, language, "officer", officer_urls)
    assert not problems, "\n".join(problems)
