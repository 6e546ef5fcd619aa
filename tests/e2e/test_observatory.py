"""The observatory's regional dashboard in a real browser, in Arabic: right to left, the snapshot time, the
map drawn on the server, a click on a region that leads to its provinces, a filter changed through htmx."""

import io
import re
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from kafaat.core.pages import charts
from kafaat.labour.models import Occupation
from kafaat.labour.models import Sector as Isic
from kafaat.labour.reference import load_occupations
from kafaat.labour.reference import load_sectors as load_isic
from kafaat.observatory import dashboard, maps, snapshot, warehouse
from kafaat.observatory.publication.models import Publication
from kafaat.observatory.tests.gap_fixture import build_gap_world
from kafaat.training.models import Sector
from kafaat.training.sectors import load_sectors


def _reference_rows() -> None:
    """The data migrations' rows that an earlier transactional (live server) test flushed."""
    if not Occupation.objects.exists():
        load_occupations(Occupation)
        load_isic(Isic)
    if not Sector.objects.exists():
        load_sectors(Sector)


def test_the_dashboard_and_its_map_in_arabic(page, sign_in, world, make_organisation, territory, settings,
                                             tmp_path):  # fmt: skip
    settings.KAFAAT_WAREHOUSE_PATH = tmp_path / "warehouse.duckdb"
    settings.KAFAAT_MAP_CACHE = tmp_path / "maps"
    settings.KAFAAT_DASHBOARD_PREWARM = False  # no background thread left querying the snapshot
    dashboard.cache_clear()
    charts.cache_clear()
    _reference_rows()
    build_gap_world(make_organisation, territory)
    warehouse.refresh()
    try:
        sign_in("manager")
        page.click("button[data-language=ar]")
        page.goto("/observatory/?year=2025")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("#snapshot-time")).to_contain_text("لقطة")
        map_svg = page.locator("#map svg")
        expect(map_svg).to_be_visible()
        expect(page.locator("#map")).to_have_attribute("data-level", "region")
        expect(map_svg).to_contain_text("الشرق")  # the Oriental, labelled in Arabic
        expect(map_svg).to_contain_text("OpenStreetMap")
        expect(page.locator("#surpluses tr[data-group='74']")).to_be_visible()

        # A click on the Oriental on the map: its provinces, and the trail back to Morocco.
        page.locator("#map svg a[href*='region=MA-02'] path").first.click()
        expect(page).to_have_url("/observatory/?year=2025&region=MA-02")
        expect(page.locator("#map")).to_have_attribute("data-level", "province")
        expect(page.locator("#map svg")).to_contain_text("وجدة")  # Oujda-Angad
        expect(page.locator("#province-links a[data-code='02.411']")).to_be_visible()
        expect(page.locator(".trail a")).to_have_count(1)
        expect(page.locator("#projection-chart svg")).to_be_visible()

        # A province from the map, then a filter changed in the form: htmx swaps the dashboard in place.
        page.locator("#map svg a[href*='province=02.411'] path").first.click()
        expect(page.locator("#territory-name")).to_contain_text("وجدة")
        page.evaluate("window.notReloaded = true")
        page.select_option("#id_dimension", "sector")
        expect(page.locator("#surpluses tr[data-group='electrical']")).to_be_visible()
        # Charts not drawn yet come as htmx fragments after the page: each one replaces its placeholder.
        expect(page.locator("#sector-chart svg")).to_be_visible()
        expect(page.locator("#map svg")).to_contain_text("OpenStreetMap")
        expect(page.locator(".chart-loading")).to_have_count(0)
        assert page.evaluate("window.notReloaded") is True  # no full page load
        expect(page).to_have_url("/observatory/?year=2025&region=MA-02&province=02.411&dimension=sector")
        page.screenshot(path=str(tmp_path / "dashboard-ar.png"), full_page=True)
    finally:
        snapshot.close_all()


def test_a_province_is_outlined_and_the_dashboard_exports_its_tables_and_charts(
    page, sign_in, world, make_organisation, territory, settings, tmp_path
):
    """Issue 14: the selected province stands out (map and list), the snapshot's time is not under the
    suppression notice, and the tables and charts download as files without publishing anything."""
    settings.KAFAAT_WAREHOUSE_PATH = tmp_path / "warehouse.duckdb"
    settings.KAFAAT_MAP_CACHE = tmp_path / "maps"
    settings.KAFAAT_DASHBOARD_PREWARM = False
    dashboard.cache_clear()
    charts.cache_clear()
    _reference_rows()
    build_gap_world(make_organisation, territory)
    warehouse.refresh()
    try:
        sign_in("analyst_oriental")  # published figures: the suppression notice is shown
        page.goto("/observatory/?year=2025&region=MA-02&province=02.411")
        time, notice = page.locator("#snapshot-time"), page.locator(".suppression-notice")
        expect(notice).to_be_visible()
        line, box = page.evaluate("""() => {
            const p = document.querySelector('#snapshot-time'), range = document.createRange();
            range.selectNodeContents(p.firstChild);
            const r = range.getBoundingClientRect();
            const n = p.querySelector('.suppression-notice').getBoundingClientRect();
            return [{top: r.top, bottom: r.bottom}, {top: n.top, bottom: n.bottom}];
        }""")
        assert line["bottom"] <= box["top"] + 1  # the time's line is above the notice, not under it
        expect(time).to_contain_text("Chiffres arrêtés")
        outlined = page.locator(f"#map svg path[stroke='{maps.SELECTED_STROKE}']")
        expect(outlined).to_have_count(1)
        expect(outlined).to_have_attribute("aria-label", re.compile(r"^Oujda-Angad: "))
        selected = page.locator("#province-links a[aria-current='true']")
        expect(selected).to_have_text("Oujda-Angad")
        assert selected.evaluate("a => getComputedStyle(a).fontWeight") == "700"

        with page.expect_download() as download:
            page.click("#export-tables a")
        assert download.value.suggested_filename == "kafaat-observatory-02.411-2025-tables.xlsx"
        book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
        assert "Pénuries" in book.sheetnames and "Projection" in book.sheetnames
        with page.expect_download() as download:
            page.click("#map .exports a[data-format=png]")
        assert download.value.suggested_filename.endswith("-map.png")
        assert Path(download.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert not Publication.objects.exists()  # nothing published
    finally:
        snapshot.close_all()
