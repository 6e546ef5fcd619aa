"""Events in a real browser: the secretariat opens an event, titles a session and reads its registrants;
checks badges in on a phone-sized screen with the typed code; imports a sign-in sheet in Arabic and settles
the doubtful row."""

import re

from playwright.sync_api import expect

from kafaat.events.models import Attendance, Registration
from kafaat.events.tests.conftest import gathering, make_contact  # noqa: F401  (shared fixtures)


def test_the_secretariat_opens_an_event_and_reads_its_registrants(page, sign_in, gathering):  # noqa: F811
    sign_in("admin_a")
    page.click("button[data-language=fr]")
    page.goto("/events/")
    page.click("#events a:has-text('Atelier de collecte des données')")
    expect(page.locator("#event-title")).to_contain_text("Atelier de collecte des données")
    expect(page.locator("#sessions li")).to_have_count(3)
    page.locator("#sessions a.session-edit").nth(2).click()  # the last session gets a title
    page.fill("#id_title", "Restitution des travaux")
    page.click("#session-form button[type=submit]")
    expect(page.locator("#sessions li").nth(2)).to_contain_text("Restitution des travaux")
    expect(page.locator("#registrants tbody tr")).to_have_count(2)
    expect(page.locator("#registrants")).to_contain_text("Amina Berrada")
    page.click("button[value=register]")  # Youssef's invitation confirmed
    expect(page.locator(f"tr[data-registration='{gathering['invited'].pk}']")).to_have_attribute(
        "data-status", "registered"
    )


def test_check_in_on_a_phone_with_the_typed_code(browser, live_server, gathering):  # noqa: F811
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/login/")
    page.fill("#id_username", "admin_a")
    page.fill("#id_password", "A-long-test-password-1")
    page.click("button[type=submit]:not(.linklike)")
    page.click("button[data-language=en]")
    page.goto(f"/events/{gathering['workshop'].pk}/check-in/")
    expect(page.locator("#id_code")).to_be_visible()
    page.fill("#id_code", "amina 23456")
    page.click("#check-in-submit")
    expect(page.locator("#check-in-message")).to_contain_text("Welcome, Amina Berrada")
    expect(page.locator("#id_code")).to_have_value("")  # ready for the next badge
    page.fill("#id_code", "AMINA23456")
    page.press("#id_code", "Enter")
    expect(page.locator("#check-in-message")).to_contain_text("already checked in at")
    page.fill("#id_code", "TANGER2345")
    page.press("#id_code", "Enter")
    expect(page.locator("#check-in-message")).to_have_attribute("data-outcome", "other_event")
    assert Attendance.objects.filter(registration=gathering["registered"]).count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width  # no sideways scrolling on the phone
    context.close()


def test_import_a_sign_in_sheet_and_settle_the_doubtful_row_in_arabic(
    page,
    sign_in,
    gathering,  # noqa: F811
    tmp_path,
    settings,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    sheet = tmp_path / "ورقة-التوقيع.csv"
    sheet.write_text("الاسم الكامل,الجلسة 1,الجلسة 2\nيوسف العمراني,نعم,نعم\n", encoding="utf-8")
    sign_in("admin_a")
    page.click("button[data-language=ar]")
    page.goto(f"/events/{gathering['workshop'].pk}/sign-in/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.set_input_files("#id_file", str(sheet))
    page.click("#sign-in-submit")
    expect(page).to_have_url(re.compile(r"/events/imports/[0-9a-f-]{36}/$"))
    expect(page.locator("#summary-review")).to_have_text("1")
    page.click("#go-review")
    review = page.locator("section.review")
    expect(review).to_contain_text("يوسف العمراني")
    review.locator("button[type=submit]").click()  # the proposed contact is checked first
    expect(page.locator("#no-review")).to_be_visible()
    assert Registration.objects.get(pk=gathering["invited"].pk).attendances.count() == 2
