"""The regional dashboard: filters, drill-down from the country to a region and a province, the ranked
tables, charts and the snapshot time; exact figures for managers, suppressed ones for analysts and donors;
4xx with a message on bad parameters; no person data anywhere.

Figures of gap_fixture (year 2025): nationally ISCO 35 has 20 graduates for 5 vacancies, 74 has 50 for 30,
51 has 30 for 20 (all surpluses); in Tanger-Tétouan-Al Hoceima (MA-01) 74 has 0 graduates for 10 vacancies.
"""

import re

import pytest

from kafaat.core.pages import charts
from kafaat.observatory import dashboard, maps, warehouse
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


def _map(html: str) -> tuple[str, str]:
    found = re.search(r'<figure class="map" id="map" data-level="(\w+)">(.*?)</figure>', html, re.S)
    return found.group(1), found.group(2)


def _ranked(html: str, section: str) -> list[tuple[str, list[str]]]:
    part = html[html.index(f'id="{section}"') :].split("</section>")[0]
    rows = re.findall(r'<tr data-group="(\w+)">(.*?)</tr>', part, re.S)
    return [(code, re.findall(r"<td[^>]*>(.*?)</td>", cells)) for code, cells in rows]


@pytest.mark.django_db
def test_the_national_view_maps_the_regions_and_ranks_the_occupations(client, gap_world):
    response = _as(client, gap_world, "manager").get("/observatory/?year=2025")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="snapshot-time"' in html and "2025" in html
    level, svg = _map(html)
    assert level == "region" and "<svg" in svg and "OpenStreetMap" in svg
    assert len(set(re.findall(r'<a [^>]*href="/observatory/\?year=2025&amp;region=(MA-\d\d)"', svg))) == 12
    assert "Aucun groupe n" in html.split('id="shortages"')[1][:300]  # no shortage nationally
    surplus = _ranked(html, "surpluses")
    assert [code for code, _cells in surplus] == ["35", "74", "51"]  # mismatch 0.60, 0.25, 0.20
    assert surplus[1][1][:4] == ["50", "30", "1,67", "0,25"]  # graduates, vacancies, S/D, mismatch (fr)
    assert surplus[1][1][4] == "50\u202f%"  # placement rate: 1 placed of 2 certified
    assert '<figure class="chart" id="sector-chart">' in html and "<svg" in html.split('id="sector-chart"')[1]
    assert "Choisissez une région" not in html  # the national projection is drawn


@pytest.mark.django_db
def test_a_region_drills_down_to_its_provinces_and_a_province(client, gap_world):
    client = _as(client, gap_world, "manager")
    html = client.get("/observatory/?year=2025&region=MA-01").content.decode()
    level, svg = _map(html)
    assert level == "province"
    linked = set(re.findall(r'href="/observatory/\?year=2025&amp;region=MA-01&amp;province=([\d.]+)"', svg))
    assert linked == set(dashboard.provinces_of("MA-01")) and "01.511" in linked
    assert [code for code, _cells in _ranked(html, "shortages")] == ["74"]  # 0 graduates for 10 vacancies
    assert _ranked(html, "shortages")[0][1][:4] == ["0", "10", "0,00", "−1,00"]  # U+2212, the minus sign
    assert 'id="projection-table"' in html and 'class="projected"' in html and 'class="observed"' in html
    assert '<a href="/observatory/?year=2025">' in html  # the trail back to the country

    html = client.get("/observatory/?year=2025&region=MA-02&province=02.411").content.decode()
    assert "Oujda-Angad" in html.split('id="territory-name"')[1][:200]
    rows = dict(_ranked(html, "surpluses"))
    assert rows["74"][:2] == ["40", "15"] and rows["35"][:2] == ["20", "5"]


@pytest.mark.django_db
def test_filters_change_the_dimension_indicator_and_group_and_htmx_gets_the_fragment(client, gap_world):
    client = _as(client, gap_world, "manager")
    for indicator in dashboard.INDICATORS:
        response = client.get(f"/observatory/?year=2025&indicator={indicator}&group=74")
        assert response.status_code == 200, indicator
    html = client.get("/observatory/?year=2025&indicator=location_quotient&group=74").content.decode()
    assert "Quotient de localisation de « Métiers" in html
    html = client.get("/observatory/?year=2025&dimension=sector").content.decode()
    assert {code for code, _cells in _ranked(html, "surpluses")} == {
        "electrical",
        "digital",
    }  # tourism: 30/30
    fragment = client.get("/observatory/?year=2025&region=MA-02", HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<div id="dashboard">') and "<html" not in fragment
    # Changing the region in the form drops the province of the old one; a link naming it is an error.
    moved = client.get("/observatory/?form=1&year=2025&region=MA-01&province=02.411")
    assert moved.status_code == 200 and 'data-level="province"' in moved.content.decode()
    assert client.get("/observatory/?year=2025&region=MA-01&province=02.411").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=abc", "is not a number"),
        ("year=1999", "No figures for 1999"),
        ("region=MA-99", "Unknown region"),
        ("province=02.411", "region of the province first"),
        ("dimension=salary", "Unknown dimension"),
        ("indicator=salary", "Unknown indicator"),
        ("group=9999", "Unknown group"),
        ("sp=0", "numbered from 1"),
    ],
)
def test_bad_parameters_answer_400_with_a_message(client, gap_world, query, message):
    response = _as(client, gap_world, "manager", "en").get(f"/observatory/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.django_db
def test_who_sees_the_dashboard_and_in_which_form(client, gap_world):
    for name in ("caseworker_a", "reviewer", "establishment", "nobody"):
        assert _as(client, gap_world, name).get("/observatory/").status_code == 403, name
    client.logout()
    assert client.get("/observatory/").status_code == 302  # to the log-in page

    donor = _as(client, gap_world, "donor").get("/observatory/?year=2025").content.decode()
    notice = '<span class="notice suppression-notice">'  # "numbers below 5 …", under the snapshot's time
    assert notice in donor.split('id="snapshot-time"')[1][:400]
    assert dict(_ranked(donor, "surpluses"))["74"][4] == "*"  # 1 placed of 2: suppressed

    analyst = _as(client, gap_world, "analyst_oriental")
    html = analyst.get("/observatory/?year=2025").content.decode()
    assert _map(html)[0] == "province"  # scoped to the Oriental: starts there, no national map
    assert "All of Morocco" not in html
    assert analyst.get("/observatory/?year=2025&region=MA-01").status_code == 403


@pytest.mark.django_db
def test_the_page_shows_no_person_data(client, gap_world):
    html = _as(client, gap_world, "manager").get("/observatory/?year=2025&region=MA-02").content.decode()
    for name in ("Amal", "Badr", "Chakib", "Dounia"):
        assert name not in html


@pytest.mark.django_db
def test_the_page_is_computed_once_per_snapshot(client, gap_world):
    client = _as(client, gap_world, "manager")
    client.get("/observatory/?year=2025&region=MA-02")
    before = dashboard.cache_info()
    client.get("/observatory/?year=2025&region=MA-02")
    assert dashboard.cache_info()["hits"] > before["hits"]
    assert dashboard.cache_info()["misses"] == before["misses"]
    warehouse.refresh()  # a new snapshot: computed again
    client.get("/observatory/?year=2025&region=MA-02")
    assert dashboard.cache_info()["misses"] > before["misses"]


@pytest.mark.django_db
def test_before_the_first_snapshot_the_page_says_so(client, world):
    client = _as(client, world, "manager", "en")
    html = client.get("/observatory/").content.decode()
    assert "No snapshot of the data yet" in html


@pytest.mark.django_db
def test_the_dashboard_in_arabic_names_the_regions_in_arabic(client, gap_world):
    client = _as(client, gap_world, "manager", "ar")
    html = client.get("/observatory/?year=2025").content.decode()
    assert 'dir="rtl"' in html
    assert "الشرق" in _map(html)[1]  # the Oriental, labelled on the map


@pytest.mark.django_db
def test_prewarming_computes_the_default_views_of_a_snapshot(client, gap_world, settings):
    views = dashboard.prewarm()
    # The country and the regions by both dimensions, the 75 provinces; 3 languages, exact and published.
    assert views == (13 * 2 + 75) * 3 * 2
    before = dashboard.cache_info()
    _as(client, gap_world, "manager").get("/observatory/?region=MA-02")  # latest year, the defaults
    _as(client, gap_world, "donor", "ar").get("/observatory/")
    _as(client, gap_world, "donor", "fr").get("/observatory/?region=MA-01&dimension=sector")
    assert dashboard.cache_info()["misses"] == before["misses"]
    renders = maps.cache_info()["renders"]
    settings.KAFAAT_DASHBOARD_LAZY_CHARTS = True
    html = _as(client, gap_world, "manager", "en").get("/observatory/?region=MA-02&province=02.411").content
    assert (
        b"-loading" not in html and html.count(b"<svg") >= 3
    )  # a province: its board computed, charts on disk
    assert maps.cache_info()["renders"] == renders


@pytest.mark.django_db
def test_after_prewarming_every_map_with_a_fixed_scale_is_only_coloured(client, gap_world, settings):
    settings.KAFAAT_DASHBOARD_LAZY_CHARTS = True
    dashboard.prewarm()
    renders = maps.cache_info()["renders"]
    client = _as(client, gap_world, "donor", "en")
    for query in (
        "region=MA-03&indicator=placement_rate&dimension=sector",
        "indicator=location_quotient&group=74",
        "region=MA-01&province=01.511&indicator=mismatch",
    ):
        html = client.get(f"/observatory/?year=2025&{query}").content.decode()
        assert "map-loading" not in html and "<svg" in _map(html)[1], query
    assert maps.cache_info()["renders"] == renders
    html = client.get("/observatory/?year=2025&indicator=coverage").content.decode()
    assert "map-loading" in html  # no fixed scale (the legend follows the values): drawn whole, later


@pytest.mark.django_db
def test_after_a_refresh_no_reader_computes_a_suppression_pattern(client, gap_world, monkeypatch):
    from kafaat.observatory import disclosure, gaps
    from kafaat.observatory.disclosure import store as disclosure_store

    def no_computing(*args, **kwargs):
        raise AssertionError("computed on a request")

    monkeypatch.setattr(disclosure.rule, "build", no_computing)
    dashboard.cache_clear()  # a fresh process: nothing in memory, nothing on disk (a new map cache)
    donor = _as(client, gap_world, "donor")
    html = donor.get("/observatory/?year=2025").content.decode()
    assert dict(_ranked(html, "surpluses"))["74"][4] == "*"  # published form: from the stored pattern
    for year in gaps.years_available():
        for dimension in gaps.DIMENSIONS:
            response = donor.get(f"/observatory/?year={year}&dimension={dimension}&region=MA-01")
            assert response.status_code == 200, (year, dimension)
    assert disclosure_store.stored(2025, "sector", disclosure.THRESHOLD) is not None


@pytest.mark.django_db
def test_the_refresh_job_prewarms_the_dashboard_once(client, gap_world, settings):
    from kafaat.observatory import services

    settings.KAFAAT_DASHBOARD_PREWARM = True
    assert services.prewarm_dashboard() == (13 * 2 + 75) * 3 * 2
    assert services.prewarm_dashboard() == 0  # once per snapshot and process
    renders = maps.cache_info()["renders"]
    html = _as(client, gap_world, "donor", "en").get("/observatory/?region=MA-01").content.decode()
    assert "-loading" not in html and html.count("<svg") >= 3  # every chart drawn already
    assert maps.cache_info()["renders"] == renders


@pytest.mark.django_db
def test_lazy_charts_answer_the_page_first_then_each_chart_as_a_fragment(client, gap_world, settings):
    settings.KAFAAT_DASHBOARD_LAZY_CHARTS = True
    client = _as(client, gap_world, "manager")
    html = client.get("/observatory/?year=2025&region=MA-02").content.decode()
    loading = re.findall(r'id="(\w+)-loading" hx-get="([^"]+)" hx-trigger="load"', html)
    assert [which for which, _url in loading] == ["map", "sector", "projection"]  # nothing drawn yet
    renders = maps.cache_info()["renders"]
    for which, url in loading:
        fragment = client.get(url.replace("&amp;", "&"))
        assert fragment.status_code == 200 and fragment.content.decode().lstrip().startswith("<svg"), which
    assert maps.cache_info()["renders"] == renders + 4  # the map's template and its scale's colours
    other = client.get("/observatory/?year=2025&region=MA-02&dimension=sector").content.decode()
    assert "map-loading" not in other and "sector-loading" not in other  # the same template, the same chart
    assert "projection-loading" in other  # another group: not drawn yet
    again = client.get("/observatory/?year=2025&region=MA-02").content.decode()
    assert "-loading" not in again and again.count("<svg") >= 3  # drawn now: in the page (from the disk)
    assert client.get("/observatory/chart/nothing/?year=2025").status_code == 400
    assert client.get("/observatory/chart/map/?year=1990").status_code == 400
    assert _as(client, gap_world, "caseworker_a").get("/observatory/chart/map/").status_code == 403
