"""The country's projection (level "national", territory MA): the sum of the regions' series, projected the
same way; exact linear data give the line back with a zero-width interval — in the engine, the API, the
dashboard and the national open-data package."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from django.utils import translation

from kafaat.core.models import Organisation
from kafaat.labour.models import Employer
from kafaat.labour.models import Sector as Isic
from kafaat.observatory import dashboard, gaps, publication, warehouse
from kafaat.observatory.tests.gap_fixture import _programme, _stat, _vacancy
from kafaat.training.models import Establishment, Source

YEARS = range(2020, 2026)  # gap years (training years 2019-2024), complete as of the snapshot (2026)


@pytest.fixture
def linear_world(make_organisation, territory, world, open_data_dir):
    """ISCO 74: graduates 10 + 2k (Oriental) and 20 + 3k (Tanger), vacancies 5 + k and 8 + 2k,
    k = year - 2020; the country: graduates 30 + 5k, vacancies 13 + 3k."""
    operator = make_organisation("ofppt-lin", "04.421", type=Organisation.Type.OFPPT)
    agency = make_organisation("agency-lin", "04.421", type=Organisation.Type.IMPLEMENTING_AGENCY)
    for province, code, (s0, s1), (d0, d1) in (
        ("02.411", "o", (10, 2), (5, 1)),
        ("01.511", "t", (20, 3), (8, 2)),
    ):
        establishment = Establishment.objects.create(
            code=f"e-{code}",
            name_fr=code,
            operator_type="ofppt",
            operator=operator,
            territory=territory(province),
        )
        programme = _programme(establishment, f"P-{code}", "electrical", ["7411"], "Électricité")
        employer = Employer.objects.create(
            organisation=agency, name=f"Elec {code}", name_key=f"elec {code}", territory=territory(province),
            sector=Isic.objects.get(code="27"),
        )  # fmt: skip
        for k, year in enumerate(YEARS):
            _stat(programme, year - 1, Source.PUBLISHED, s0 + s1 * k, (s0 + s1 * k) // 2)
            _vacancy(employer, "Électricien", "7411", d0 + d1 * k, date(year, 6, 1))
    warehouse.refresh()
    return world


def _check_line(rows):
    observed = [r for r in rows if r.observed]
    assert [(r.year, r.supply, r.demand) for r in observed] == [
        (y, 30 + 5 * k, 13 + 3 * k) for k, y in enumerate(YEARS)
    ]
    future = [r for r in rows if not r.observed]
    assert [r.year for r in future] == [2026, 2027, 2028]
    for r, k in zip(future, (6, 7, 8), strict=True):
        assert r.supply == pytest.approx(30 + 5 * k) == r.supply_low == r.supply_high
        assert r.demand == pytest.approx(13 + 3 * k) == r.demand_low == r.demand_high
    assert "least squares" in future[0].method or "moindres carrés" in future[0].method


@pytest.mark.django_db
def test_the_national_projection_is_the_sum_of_the_regions(linear_world):
    with translation.override("en"):
        rows = gaps.projection(level="national", territory_code="MA", dimension="occupation", group_code="74")
        _check_line(rows)
        oriental = gaps.projection(
            level="region", territory_code="MA-02", dimension="occupation", group_code="74"
        )
        assert [r.supply for r in oriental if r.observed] == [10 + 2 * k for k in range(6)]
        with pytest.raises(gaps.GapError):
            gaps.projection(level="national", territory_code="MA-02", dimension="occupation", group_code="74")


@pytest.mark.django_db
def test_the_api_and_the_dashboard_show_the_national_projection(client, linear_world, settings, tmp_path):
    settings.KAFAAT_MAP_CACHE = tmp_path / "maps"
    dashboard.cache_clear()
    client.force_login(linear_world["users"]["manager"])
    url = "/api/observatory/projection?level=national&territory=MA&dimension=occupation&group=74"
    body = client.get(url).json()
    assert [r["supply"] for r in body if not r["observed"]] == [60, 65, 70]
    client.force_login(linear_world["users"]["analyst_oriental"])
    assert client.get(url).status_code == 403  # the country is outside a regional scope
    client.force_login(linear_world["users"]["manager"])
    html = client.get("/observatory/?year=2025&group=74").content.decode()
    assert 'id="projection-chart"' in html or "projection" in html
    assert "Choisissez une région" not in html
    assert "2028" in html.split('id="projection')[1]


@pytest.mark.django_db
def test_the_national_package_holds_the_countrys_projection(linear_world):
    with translation.override("en"):
        package = publication.publish(None, "MA", 2025)
    path = publication.open_data_root() / package.directory / "projections.csv"
    with path.open(encoding="utf-8") as handle:
        rows = [
            r for r in csv.DictReader(handle) if r["dimension"] == "occupation" and r["group_code"] == "74"
        ]
    national = {int(r["year"]): r for r in rows if r["territory_code"] == "MA"}
    assert national[2025]["supply"] == "55.0" and national[2025]["demand"] == "28.0"
    assert national[2028]["supply"] == "70.0" and national[2028]["supply_low"] == "70.0"
    assert national[2028]["demand"] == "37.0"
    assert {r["territory_code"] for r in rows} == {"MA", "MA-01", "MA-02"}
