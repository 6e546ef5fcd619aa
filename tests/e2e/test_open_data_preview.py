"""The public open-data list in a real browser (issue 14): a visitor opens a package's preview (its chart and
the first rows of its main table) without leaving the list, in Arabic, and finds the link to sign in."""

import sys

import pytest
from playwright.sync_api import expect

import kafaat.observatory
from kafaat.observatory import publication, snapshot, warehouse
from kafaat.observatory.tests import fake_gaps


@pytest.fixture
def published(monkeypatch, settings, tmp_path, world):
    settings.KAFAAT_WAREHOUSE_PATH = tmp_path / "warehouse.duckdb"
    settings.KAFAAT_OPEN_DATA_DIR = tmp_path / "open-data"
    settings.KAFAAT_MAP_CACHE = tmp_path / "maps"
    monkeypatch.setitem(sys.modules, "kafaat.observatory.gaps", fake_gaps)
    monkeypatch.setattr(kafaat.observatory, "gaps", fake_gaps, raising=False)
    warehouse.refresh()
    yield publication.publish(None, "MA-02", 2025)
    snapshot.close_all()


def test_a_visitor_previews_a_package_in_arabic_and_may_sign_in(page, published, live_server):
    page.goto("/open-data/")
    page.click("button[data-language=ar]")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    sign_in = page.locator("#sign-in")
    expect(sign_in).to_have_text("تسجيل الدخول")
    preview = page.locator("#preview-MA-02-2025-v1")
    rows = preview.locator(".preview-rows tbody tr")
    expect(rows).to_have_count(0)  # fetched only when opened
    page.evaluate("window.notReloaded = true")
    preview.locator("summary").click()
    expect(rows).to_have_count(min(10, published.summary["rows"]["gaps_by_occupation"]))
    expect(rows.first).to_contain_text("الشرق")
    expect(preview.locator(".preview-chart svg")).to_be_visible()
    expect(preview.locator(".preview-chart svg")).to_contain_text("الصناعة")  # a sector, in Arabic
    assert page.evaluate("window.notReloaded") is True
    assert page.evaluate("document.querySelectorAll('[id=package-preview]').length") == 0  # no id twice
    sign_in.click()
    expect(page).to_have_url(f"{live_server.url}/login/?next=/open-data/")
