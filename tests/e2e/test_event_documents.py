"""Event documents in a real browser: the organiser enters knowledge scores in the grid in Arabic (a bad
score refused, nothing saved, then saved), and downloads an attendance certificate in French."""

import re

from playwright.sync_api import expect

from kafaat.events.models import Certificate, KnowledgeScore
from kafaat.events.tests.docs.conftest import event_world  # noqa: F401  (shared fixture)
from kafaat.events.tests.docs.pdf_text import pdf_text


def test_the_organiser_enters_scores_in_arabic(page, sign_in, event_world):  # noqa: F811
    event, alaoui = event_world["event"], event_world["registrations"]["Alaoui"]
    sign_in("manager")
    page.click("button[data-language=ar]")
    page.goto(f"/events/{event.pk}/scores/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("h1")).to_contain_text("اختبارات المعارف")
    page.fill(f"input[name=pre-{alaoui.pk}]", "40")
    page.fill(f"input[name=post-{alaoui.pk}]", "140")
    page.click("#save-scores")
    expect(page.locator(f"#post-error-{alaoui.pk}")).to_contain_text("بين 0 و100")
    assert not KnowledgeScore.objects.exists()
    page.fill(f"input[name=post-{alaoui.pk}]", "72,5")
    page.click("#save-scores")
    expect(page.locator("#mean-gain")).to_contain_text("32")
    expect(page.locator(f"tr[data-registration='{alaoui.pk}'] td.num")).to_contain_text("32")
    assert KnowledgeScore.objects.count() == 2


def test_the_organiser_downloads_a_certificate(page, sign_in, event_world):  # noqa: F811
    event, idrissi = event_world["event"], event_world["registrations"]["Idrissi"]
    sign_in("manager")
    page.click("button[data-language=fr]")
    page.goto(f"/events/{event.pk}/documents/")
    row = page.locator(f"#registrants tr[data-registration='{idrissi.pk}']")
    expect(row).to_contain_text("Salma Idrissi")
    with page.expect_download() as download_info:
        row.locator("a.certificate-link").click()
    download = download_info.value
    assert re.match(r"certificate-KF-2026-\d{5}-\d{6}\.pdf", download.suggested_filename)
    text = pdf_text(open(download.path(), "rb").read())  # noqa: SIM115
    assert "Attestation de présence" in text and "Salma Idrissi" in text
    assert Certificate.objects.get().registration_id == idrissi.pk
    tazi = event_world["registrations"]["Tazi"]
    expect(page.locator(f"#registrants tr[data-registration='{tazi.pk}']")).to_contain_text("Non méritée")
