"""The dashboard's default projection group, the selected province on the map, and its exports: the tables
as XLSX/CSV and the charts as SVG/PNG, exactly as the reader sees them (suppressed cells stay `*`), for those
who see the dashboard only, audited.

Figures of gap_fixture (year 2025): nationally ISCO 35 has 20 graduates for 5 vacancies, 74 has 50 for 30,
51 has 30 for 20 (all surpluses); in Tanger-Tétouan-Al Hoceima (MA-01) 74 has 0 graduates for 10 vacancies.
"""

from __future__ import annotations

import csv
import io
import re
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from kafaat.core.models import AuditEvent
from kafaat.core.pages import charts
from kafaat.observatory import dashboard, maps, warehouse
from kafaat.observatory.dashboard import exports as dashboard_export
from kafaat.observatory.dashboard.panels import Shown
from kafaat.observatory.tests.gap_fixture import build_gap_world


@pytest.fixture(autouse=True)
def _fresh_caches(settings, tmp_path):
    settings.KAFAAT_MAP_CACHE = tmp_path / "maps"
    dashboard.cache_clear()
    charts.cache_clear()


@pytest.fixture
def gap_world(make_organisation, territory, world):
    build_gap_world(make_organisation, territory)
    warehouse.refresh()
    return world


def _as(client, world, name, language="fr"):
    from django.conf import settings

    client.force_login(world["users"][name])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _shown(code, graduates, vacancies, hidden=()):
    return Shown(
        SimpleNamespace(group_code=code, graduates=graduates, vacancies=vacancies), frozenset(hidden)
    )


# --- The default projection group ---------------------------------------------------------------------------


def test_the_default_group_has_the_most_graduates():
    rows = [_shown("31", 0, 90), _shown("74", 50, 30), _shown("35", 20, 5), _shown("51", 50, 20)]
    assert dashboard.default_group(rows) == "51"  # 50 graduates, tied with 74: the lower code
    # A hidden count takes no part (a published board must not rank by what it hides).
    assert dashboard.default_group([_shown("74", 3, 30, {"graduates"}), _shown("35", 20, 5)]) == "35"
    # Without graduates anywhere: the group with the most vacancies; without either, none.
    assert dashboard.default_group([_shown("31", 0, 9), _shown("41", 0, 12)]) == "41"
    assert dashboard.default_group([_shown("31", 0, 0)]) is None
    assert dashboard.default_group([]) is None


@pytest.mark.django_db
def test_the_board_projects_the_group_with_the_most_graduates(client, gap_world):
    """MA-01's worst shortage, ISCO 74, has no graduate at all: its projection was a flat zero. The default
    is now 51, its group with graduates; nationally 74 (50 graduates)."""
    manager = _as(client, gap_world, "manager", "en")
    html = manager.get("/observatory/?year=2025&region=MA-01").content.decode()
    assert re.search(r'id="projection-chart">\s*<figcaption>Projection: [^<]*', html)
    board = dashboard.build(gap_world["users"]["manager"], dashboard.Filters(year=2025, region="MA-01"), "en")
    assert board.group == "51" and [r.group_code for r in board.shortage] == ["74"]
    assert any(r.supply for r in board.projection if r.observed)  # graduates to project
    national = dashboard.build(gap_world["users"]["donor"], dashboard.Filters(year=2025), "fr")
    assert national.group == "74"
    chosen = dashboard.build(gap_world["users"]["manager"], dashboard.Filters(year=2025, group="35"), "fr")
    assert chosen.group == "35"  # the reader's choice wins
    assert "The group with the most graduates" in html


# --- The selected province ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_selected_province_is_outlined_on_the_map_and_marked_in_the_list(client, gap_world):
    html = _as(client, gap_world, "manager").get("/observatory/?year=2025&region=MA-02&province=02.411")
    html = html.content.decode()
    svg = re.search(r'<figure class="map" id="map"[^>]*>(.*?)</figure>', html, re.S).group(1)
    outlined = re.findall(rf'<path aria-label="([^":]+):[^"]*"[^>]*stroke="{maps.SELECTED_STROKE}"', svg)
    assert outlined == ["Oujda-Angad"]
    assert re.search(r'<a href="[^"]*province=02\.411"[^>]*data-code="02.411" aria-current="true">', html)
    region = _as(client, gap_world, "manager").get("/observatory/?year=2025&region=MA-02").content.decode()
    assert f'stroke="{maps.SELECTED_STROKE}"' not in region  # the whole region: no province outlined


# --- Exports ------------------------------------------------------------------------------------------------


def _export(client, name, fmt, query="year=2025"):
    return client.get(f"/observatory/export/{name}.{fmt}?{query}")


@pytest.mark.django_db
def test_a_manager_exports_the_tables_as_a_workbook(client, gap_world):
    response = _export(_as(client, gap_world, "manager", "en"), "tables", "xlsx", "year=2025&region=MA-02")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        response["Content-Disposition"] == 'attachment; filename="kafaat-observatory-ma-02-2025-tables.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["About", "Shortages", "Surpluses", "Sectors", "Projection", "Map"]
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True)}
    assert about["Territory"] == "Oriental" and about["Year"] == 2025 and "Figures" not in about  # exact
    surpluses = list(book["Surpluses"].iter_rows(values_only=True))
    assert surpluses[1][:4] == ("Code", "Group", "Graduates", "Vacancies")
    by_code = {row[0]: row for row in surpluses[2:]}
    assert by_code["74"][2:4] == (50, 20) and by_code["74"][5] == pytest.approx(2.5)  # numbers, not text
    projection = list(book["Projection"].iter_rows(values_only=True))
    assert projection[1][:3] == ("Year", "Observed or projected", "Graduates")
    assert {row[1] for row in projection[2:]} == {"observed", "projected"}
    mapped = {row[0]: row[2] for row in list(book["Map"].iter_rows(values_only=True))[2:]}
    assert set(mapped) == set(dashboard.provinces_of("MA-02"))
    event = AuditEvent.objects.get(action="export", target_type="observatory.dashboard")
    assert event.target_id == "MA-02" and event.details["export"] == "tables" and event.details["exact"]


@pytest.mark.django_db
def test_a_donor_exports_what_the_page_shows_suppressed_cells_included(client, gap_world):
    donor = _as(client, gap_world, "donor", "en")
    page = donor.get("/observatory/?year=2025").content.decode()
    assert re.search(r'<tr data-group="74">.*?<td>\*</td></tr>', page, re.S)  # placement rate: 1 of 2
    response = _export(donor, "surpluses", "csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheets read the Arabic names right
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["Code", "Group", "Graduates", "Vacancies", "Placements", "S/D", "Mismatch",
                       "Placement rate"]  # fmt: skip
    by_code = {row[0]: row for row in rows[1:]}
    assert [code for code, *_rest in rows[1:]] == ["35", "74", "51"]  # the page's order
    assert by_code["74"][2:4] == ["50", "30"] and by_code["74"][7] == "*"  # hidden as on the page
    book = load_workbook(io.BytesIO(_export(donor, "tables", "xlsx").content))
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True)}
    assert "shown as *" in about["Figures"]
    assert AuditEvent.objects.filter(action="export", target_type="observatory.dashboard").count() == 2


@pytest.mark.django_db
def test_charts_download_as_svg_and_png(client, gap_world):
    manager = _as(client, gap_world, "manager", "ar")
    svg = _export(manager, "map", "svg", "year=2025&region=MA-02&province=02.411")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert svg.content.startswith(b"<svg") and "وجدة".encode() in svg.content  # labelled in Arabic
    assert f'stroke="{maps.SELECTED_STROKE}"'.encode() in svg.content  # the province outlined, as on the page
    png = _export(manager, "projection", "png", "year=2025&region=MA-02")
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert _export(manager, "sector", "png").content.startswith(b"\x89PNG")


@pytest.mark.django_db
def test_exports_are_refused_as_the_page_is(client, gap_world):
    for name in ("caseworker_a", "reviewer", "establishment", "nobody"):
        assert _export(_as(client, gap_world, name), "tables", "xlsx").status_code == 403, name
    analyst = _as(client, gap_world, "analyst_oriental", "en")
    assert _export(analyst, "surpluses", "csv", "year=2025&region=MA-01").status_code == 403  # not theirs
    assert _export(analyst, "surpluses", "csv", "year=2025&region=MA-02").status_code == 200
    client.logout()
    assert _export(client, "tables", "xlsx").status_code == 302  # to the log-in page
    manager = _as(client, gap_world, "manager", "en")
    for name, fmt in (("tables", "csv"), ("people", "csv"), ("surpluses", "xlsx"), ("map", "pdf")):
        assert _export(manager, name, fmt).status_code == 404, (name, fmt)
    bad = _export(manager, "surpluses", "csv", "year=1999")
    assert bad.status_code == 400 and "No figures for 1999" in bad.content.decode()
    assert _export(manager, "surpluses", "csv", "region=MA-99").status_code == 400
    exported = AuditEvent.objects.filter(action="export", target_type="observatory.dashboard")
    assert exported.count() == 1  # only the analyst's export of their region
    assert AuditEvent.objects.filter(action="denied").exists()


@pytest.mark.django_db
def test_an_export_before_the_first_snapshot_says_so(client, world):
    assert _export(_as(client, world, "manager", "en"), "tables", "xlsx").status_code == 409


def test_csv_cells_never_run_as_formulas():
    table = dashboard_export.Table("t", ["Group", "Graduates"], [["=HYPERLINK(\"x\")", -2], ["+1", "*"]],
                                   [False, True])  # fmt: skip
    rows = list(csv.reader(io.StringIO(dashboard_export.csv_bytes(table).decode("utf-8").lstrip("\ufeff"))))
    assert rows[1] == ['\'=HYPERLINK("x")', "-2"] and rows[2] == ["'+1", "*"]
