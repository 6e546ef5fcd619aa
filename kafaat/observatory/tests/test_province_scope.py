"""Readers whose territorial scope is a province (an analyst of Oujda-Angad, 02.411): their province's figures
on the dashboard and in the API — never their region's, nor another province's (least privilege: the
membership's scope does not hold the region) — and a publish form that says why it offers nothing."""

from __future__ import annotations

import re

import pytest

from kafaat.core.models import Role
from kafaat.core.pages import charts
from kafaat.observatory import dashboard, gaps, warehouse
from kafaat.observatory.tests.gap_fixture import build_gap_world

OUJDA, NADOR = "02.411", "02.381"


@pytest.fixture(autouse=True)
def _fresh_caches(settings, tmp_path):
    settings.KAFAAT_MAP_CACHE = tmp_path / "maps"
    dashboard.cache_clear()
    charts.cache_clear()


@pytest.fixture
def oujda_analyst(make_organisation, territory, world, make_member, client):
    build_gap_world(make_organisation, territory)
    warehouse.refresh()
    user = make_member("analyst_oujda", world["agency"], Role.ANALYST, scope=OUJDA)
    client.force_login(user)
    return user


@pytest.mark.django_db
def test_visible_territories_follow_the_scope(oujda_analyst, world):
    assert gaps.visible_regions(oujda_analyst) == set()
    assert gaps.visible_provinces(oujda_analyst) == {OUJDA}
    assert gaps.visible_provinces(world["users"]["analyst_oriental"]) == set()  # the whole region already
    assert gaps.visible_provinces(world["users"]["manager"]) is None


@pytest.mark.django_db
def test_the_dashboard_starts_at_the_province_and_shows_no_other_figures(client, oujda_analyst):
    response = client.get("/observatory/?year=2025")
    assert response.status_code == 200
    html = response.content.decode()
    level, svg = re.search(
        r'<figure class="map" id="map" data-level="(\w+)">(.*?)</figure>', html, re.S
    ).groups()
    assert level == "province"
    links = set(re.findall(r'href="/observatory/\?[^"]*province=([\d.]+)', svg))
    assert links == {OUJDA}  # only their province leads anywhere; Nador is grey, without a link
    assert 'id="ranked-shortages"' in html or 'id="shortages"' in html
    assert "All of Morocco" not in html and "Tout le Maroc" not in html
    # The province's own figures: 40 graduates in ISCO 74 (the region has 50). Outside the charts, whose axes
    # have ticks such as 50 (the projection of ISCO 74, the group with the most graduates, reaches 40).
    text = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    assert ">40<" in text and ">50<" not in text
    # Their region without a province: they land on their province, never on the region's figures.
    landed = client.get("/observatory/?year=2025&region=MA-02")
    assert landed.status_code == 200 and f"province={OUJDA}" in landed.content.decode()
    assert client.get(f"/observatory/?year=2025&region=MA-02&province={NADOR}").status_code == 403
    assert client.get("/observatory/?year=2025&region=MA-01").status_code == 403


@pytest.mark.django_db
def test_the_api_answers_for_the_province_only(client, oujda_analyst):
    body = client.get("/api/observatory/gaps?year=2025&level=province&region=MA-02").json()
    assert body["suppressed"] is True
    assert {r["territory_code"] for r in body["rows"]} == {OUJDA}
    assert client.get("/api/observatory/gaps?year=2025&level=region&region=MA-02").status_code == 403
    assert client.get("/api/observatory/gaps?year=2025").status_code == 403
    assert client.get("/api/observatory/gaps?year=2025&level=province&region=MA-01").status_code == 403
    mine = client.get(
        f"/api/observatory/projection?level=province&territory={OUJDA}&dimension=occupation&group=74"
    )
    assert mine.status_code == 200 and mine.json()
    other = f"/api/observatory/projection?level=province&territory={NADOR}&dimension=occupation&group=74"
    assert client.get(other).status_code == 403
    region = "/api/observatory/projection?level=region&territory=MA-02&dimension=occupation&group=74"
    assert client.get(region).status_code == 403


@pytest.mark.django_db
def test_the_publish_form_says_why_it_offers_nothing(client, oujda_analyst, open_data_dir):
    response = client.get("/open-data/publish/")
    assert response.status_code == 403
    assert 'id="publish-out-of-scope"' in response.content.decode()
    assert 'id="publish-form"' not in response.content.decode()
    posted = client.post(
        "/api/open-data/packages", {"region": "MA-02", "year": 2025}, content_type="application/json"
    )
    assert posted.status_code == 403
