"""Importing in a real browser: upload a file with errors, watch the job, read the errors, get the report."""

import re

from openpyxl import load_workbook
from playwright.sync_api import expect

from kafaat.registry.tests.test_import_people import GOOD, HEADER, write_csv


def test_an_upload_with_errors_shows_each_error_and_offers_the_report(
    page, sign_in, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    bad = ["B-1", "Alaoui", "Fatima", "", "", "X", "12/03/2001", "Nowhere", "", "", "05/01/2025", ""]
    path = write_csv(tmp_path / "people.csv", HEADER, [*GOOD, bad])
    sign_in("caseworker_a")
    page.click("button[data-language=en]")
    page.goto("/people/import/")
    expect(page.locator("#import-templates a")).to_have_count(6)
    page.set_input_files("#id_file", str(path))
    page.click("button[name=import]")
    expect(page).to_have_url(re.compile(r"/people/import/[0-9a-f-]{36}/$"))
    # The job runs in the background; the page polls until it ends, then shows the errors.
    errors = page.locator("#import-errors")
    expect(errors).to_be_visible()
    expect(page.locator("#import-status")).to_contain_text("Rejected")
    rows = errors.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("5")
    expect(rows.nth(0)).to_contain_text("Sexe")
    expect(rows.nth(0)).to_contain_text("Write F or M.")
    expect(rows.nth(1)).to_contain_text("Unknown commune or province: Nowhere.")
    expect(page.locator("#import-summary")).to_contain_text("Rejected rows")
    link = page.locator("#error-report")
    expect(link).to_have_attribute("href", re.compile(r"/errors\.xlsx$"))
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "people-errors.xlsx"
    download.value.save_as(tmp_path / "errors.xlsx")
    sheet = load_workbook(tmp_path / "errors.xlsx").worksheets[0]
    assert [cell.value for cell in sheet[2]] == [5, "Sexe", "X", "Write F or M."]
