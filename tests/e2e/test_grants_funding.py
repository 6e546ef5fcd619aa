"""Grants funding in a real browser: the officer releases a tranche whose condition holds and records its
payment; the grantee writes and submits an interim report (in Arabic)."""

from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from kafaat.grants.models import Report, Tranche
from kafaat.grants.tests.conftest import grants  # noqa: F401  (shared personas)
from kafaat.grants.tests.test_funding_setup import awarded_application, draw_up


def test_the_officer_releases_a_tranche_and_records_its_payment(page, sign_in, grants):  # noqa: F811
    agreement = draw_up(grants, awarded_application(grants))
    first = agreement.tranches.get(number=1)
    sign_in("officer")
    page.click("button[data-language=en]")
    page.goto(f"/grants/agreements/{agreement.pk}/")
    row = page.locator("#tranches tr[data-tranche='1']")
    expect(row.locator(".condition-met")).to_be_visible()
    expect(page.locator("#tranches tr[data-tranche='2'] .condition-refusal")).to_contain_text(
        "has not been accepted"
    )
    row.locator("button:has-text('Release')").click()
    expect(row.locator(".tranche-status")).to_have_text("Released")
    row.locator("details.pay summary").click()
    row.locator("input[name=paid_on]").fill(str(timezone.localdate()))
    row.locator("input[name=amount]").fill("200000")
    row.locator("input[name=reference]").fill("VIR-2026-001")
    row.locator("button:has-text('Record the payment')").click()
    expect(page.locator("#tranches tr[data-tranche='1'] .tranche-status")).to_have_text("Paid")
    expect(page.locator("#agreement-disbursed")).to_contain_text("200,000")
    first.refresh_from_db()
    assert first.status == Tranche.Status.PAID and first.payments.get().reference == "VIR-2026-001"


def test_the_grantee_submits_an_interim_report_in_arabic(page, sign_in, grants):  # noqa: F811
    application = awarded_application(grants)
    agreement = draw_up(grants, application)
    interim = agreement.reports.get(kind=Report.Kind.INTERIM)
    line = application.budget_lines.order_by("position").first()
    trained = grants["indicators"][0]
    sign_in("applicant_a")
    page.click("button[data-language=ar]")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.goto("/grants/my-grants/")
    page.click(f"#reports-due-list a[href='/grants/reports/{interim.pk}/']")
    page.fill("#id_narrative", "انطلقت دورتان تكوينيتان بمشاركة 48 شابا.")
    page.fill(f"input[name=line_{line.pk}]", "35000")
    page.fill(f"input[name=indicator_{trained.pk}]", "48")
    page.fill(f"input[name=women_{trained.pk}]", "27")
    page.click("#save-report")
    expect(page.locator(".messages")).to_be_visible()
    page.click("#submit-report")
    expect(page.locator("#submit-report")).to_have_count(0)  # submitted: no longer editable
    expect(page.locator("#narrative")).to_contain_text("48")
    interim.refresh_from_db()
    assert interim.status == Report.Status.SUBMITTED
    assert interim.expenditures.get().amount == Decimal("35000")
    assert interim.values.get(indicator=trained).women == 27
