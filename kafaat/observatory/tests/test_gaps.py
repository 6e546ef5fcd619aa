"""The gap table against figures computed by hand (gap_fixture.py), the projection, the published form."""

import csv

import pytest
from django.utils import translation

from kafaat.observatory import disclosure, gaps, snapshot, warehouse
from kafaat.observatory.disclosure import store as disclosure_store
from kafaat.observatory.tests.gap_fixture import build_gap_world
from kafaat.observatory.warehouse import supply_demand


@pytest.fixture
def gap_world(make_organisation, territory):
    world = build_gap_world(make_organisation, territory)
    warehouse.refresh()
    return world


def _youth(*provinces) -> int:
    with supply_demand.HCP_PROVINCES.open(encoding="utf-8") as handle:
        population = {row["code"]: int(row["population_2024"]) for row in csv.DictReader(handle)}
    return sum(round(population[p] * supply_demand.YOUTH_SHARE_15_24) for p in provinces)


def _oriental_provinces() -> list[str]:
    with supply_demand.HCP_PROVINCES.open(encoding="utf-8") as handle:
        return [row["code"] for row in csv.DictReader(handle) if row["region_code"] == "02"]


def _by_key(rows):
    return {(r.territory_code, r.group_code): r for r in rows}


@pytest.mark.django_db
def test_occupation_gap_table_by_region_matches_the_hand_computation(gap_world):
    rows = _by_key(gaps.gap_table(2025))
    assert set(rows) == {("MA-02", "74"), ("MA-02", "35"), ("MA-01", "51"), ("MA-01", "74")}
    r = rows[("MA-02", "74")]
    # Published 40 wins over derived 3 for P1; P3 has derived figures only (10).
    assert (r.graduates, r.graduates_women, r.vacancies, r.hires, r.hires_women) == (50, 10, 20, 2, 1)
    assert r.ratio == pytest.approx(50 / 20)
    assert r.mismatch == pytest.approx((50 - 20) / (50 + 20))
    # Coded demand: MA-02 25, MA-01 30, national 55; group 74: 30 nationally.
    assert r.location_quotient == pytest.approx((20 / 25) / (30 / 55))
    assert r.placement_rate == pytest.approx(1 / 2)  # A and B certified in 2025, A placed
    assert r.women_share_graduates == pytest.approx(10 / 50)
    assert r.women_share_hires == pytest.approx(1 / 2)
    youth = _youth(*_oriental_provinces())
    assert r.youth_population == youth
    assert r.coverage == pytest.approx(50 * 1000 / youth)
    digital = rows[("MA-02", "35")]  # P2 targets 2512, 3512, 3513: its dominant group is 35
    assert (digital.graduates, digital.vacancies, digital.hires) == (20, 5, 0)
    assert digital.location_quotient == pytest.approx((5 / 25) / (5 / 55))
    assert digital.placement_rate is None and digital.women_share_hires is None
    tanger = rows[("MA-01", "74")]
    assert (tanger.graduates, tanger.vacancies, tanger.ratio, tanger.mismatch) == (0, 10, 0.0, -1.0)
    assert rows[("MA-01", "51")].location_quotient == pytest.approx((20 / 30) / (20 / 55))
    assert r.territory_name == "Oriental" and r.group_name.startswith("Métiers")


@pytest.mark.django_db
def test_provinces_of_a_region_and_the_sector_dimension(gap_world):
    rows = _by_key(gaps.gap_table(2025, level="province", region="MA-02"))
    assert set(rows) == {("02.411", "74"), ("02.411", "35"), ("02.381", "74")}
    oujda, nador = rows[("02.411", "74")], rows[("02.381", "74")]
    assert (oujda.graduates, oujda.vacancies, oujda.hires) == (40, 15, 1)
    assert (nador.graduates, nador.vacancies, nador.hires) == (10, 5, 1)  # C lives in Nador
    assert oujda.location_quotient == pytest.approx((15 / 20) / (30 / 55))  # Oujda's coded demand: 20
    assert oujda.youth_population == _youth("02.411")
    sectors = _by_key(gaps.gap_table(2025, dimension="sector"))
    assert set(sectors) == {("MA-02", "electrical"), ("MA-02", "digital"), ("MA-01", "tourism")}
    digital = sectors[("MA-02", "digital")]
    assert (digital.graduates, digital.vacancies) == (20, 12)  # the uncoded ad has a sector
    tourism = sectors[("MA-01", "tourism")]
    assert (tourism.graduates, tourism.vacancies, tourism.mismatch) == (30, 30, 0.0)
    assert sectors[("MA-02", "electrical")].vacancies == 20
    with translation.override("ar"):
        assert gaps.gap_table(2025, dimension="sector")[0].territory_name in ("الشرق", "طنجة-تطوان-الحسيمة")


@pytest.mark.django_db
def test_uncoded_demand_is_reported_and_years_listed(gap_world):
    summary = gaps.coding_summary(2025)
    assert summary["MA-02"] == {"positions": 32, "uncoded": 7, "unmapped_sector": 0}
    assert gaps.years_available() == [2024, 2025]
    assert gaps.latest_complete_year() == 2025


@pytest.mark.django_db
def test_bad_requests_raise_gap_error(gap_world):
    with pytest.raises(gaps.GapError):
        gaps.gap_table(2019)
    with pytest.raises(gaps.GapError):
        gaps.gap_table(2025, region="MA-99")
    with pytest.raises(gaps.GapError):
        gaps.gap_table(2025, level="commune")
    with pytest.raises(gaps.GapError):
        gaps.projection(level="region", territory_code="MA-02", dimension="occupation", group_code="7")


@pytest.mark.django_db
def test_no_snapshot_yet():
    snapshot.close_all()
    with pytest.raises(gaps.NoSnapshot):
        gaps.gap_table(2025)


# --- Projection ---------------------------------------------------------------------------------------------


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_trend_recovers_an_exact_line(english):
    points, method = gaps.trend([2019, 2020, 2021, 2022, 2023], [10, 13, 16, 19, 22], [2024, 2025, 2026])
    for (point, low, high), expected in zip(points, [25, 28, 31], strict=True):
        assert point == pytest.approx(expected) and low == pytest.approx(expected) == pytest.approx(high)
    assert "least squares" in method and "5" in method


def test_the_t_quantiles_are_scipys():
    from scipy.stats import t

    for df in (*range(1, 31), 31, 100):  # the table, then scipy itself
        assert gaps.engine._t_quantile(df) == pytest.approx(float(t.ppf(0.975, df)), rel=1e-12), df


def test_trend_interval_widens_with_the_horizon_and_noise():
    points, _ = gaps.trend([2019, 2020, 2021, 2022, 2023], [10, 14, 15, 20, 21], [2024, 2025, 2026])
    widths = [high - low for _point, low, high in points]
    assert widths[0] > 0 and widths[0] < widths[1] < widths[2]
    assert all(low <= point <= high for point, low, high in points)


def test_few_points_give_a_flat_line_with_a_wide_interval(english):
    points, method = gaps.trend([2024, 2025], [10, 30], [2026, 2027])
    assert points == [(20.0, 0.0, 60.0), (20.0, 0.0, 60.0)]
    assert "too few points" in method


@pytest.mark.django_db
def test_projection_of_a_cell_with_hiring_intentions(gap_world, english):
    rows = gaps.projection(level="region", territory_code="MA-02", dimension="occupation", group_code="74")
    observed = [r for r in rows if r.observed]
    assert [(r.year, r.supply, r.demand) for r in observed] == [(2024, 36, 8), (2025, 50, 20)]
    future = [r for r in rows if not r.observed]
    assert [r.year for r in future] == [2026, 2027, 2028]
    assert "too few points" in future[0].method
    # 2026: flat demand 14 (mean of 8 and 20), interval 0..40; the survey of Sept. 2025 plans 12 for 2026.
    assert future[0].demand == pytest.approx((14 + 12) / 2)
    assert future[0].demand_low == 0 and future[0].demand_high == 40
    assert "hiring intentions" in future[0].method
    assert future[1].demand == pytest.approx(14)
    assert future[0].supply == pytest.approx(43) and future[0].supply_high == 100


# --- Publication --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_published_form_hides_small_cells_and_what_reveals_them(gap_world):
    rows = gaps.gap_table(2025, level="province", region="MA-02")
    published = _by_key(disclosure.published_table(rows))
    oujda, nador = published[("02.411", "74")], published[("02.381", "74")]
    assert oujda.hires is None and nador.hires is None  # 1 and 1: primary, then secondary in the line
    assert "hires" in oujda.suppressed and oujda.text("hires") == "*"
    assert nador.graduates == 10 and nador.graduates_women == 0  # zeros are shown (suppression rules)
    assert nador.ratio == 2.0 and nador.vacancies == 5
    assert oujda.graduates == 40 and oujda.ratio == pytest.approx(40 / 15)
    regions = _by_key(disclosure.published_table(gaps.gap_table(2025)))
    assert regions[("MA-02", "74")].placement_rate is None  # 1 of 2 certified
    assert regions[("MA-01", "51")].graduates_women == 15 and regions[("MA-01", "51")].suppressed == set()


@pytest.mark.django_db
def test_the_suppression_pattern_is_shared_by_the_servers_processes(
    gap_world, settings, tmp_path, monkeypatch
):

    settings.KAFAAT_MAP_CACHE = tmp_path / "maps"
    disclosure.cache_clear()
    first = disclosure.protection(2025, "occupation")
    disclosure.cache_clear()  # another process: nothing in memory, the pattern on disk

    def no_computing(*args, **kwargs):
        raise AssertionError("computed again")

    monkeypatch.setattr(disclosure.rule, "build", no_computing)
    again = disclosure.protection(2025, "occupation")
    assert again.hidden == first.hidden and again.counts == first.counts and again is not first
    monkeypatch.undo()
    warehouse.refresh()  # a new snapshot: its patterns computed by the refresh, stored in the snapshot
    monkeypatch.setattr(disclosure.rule, "build", no_computing)
    stored = disclosure.protection(2025, "occupation")
    assert stored.hidden == first.hidden and stored is not again


@pytest.mark.django_db
def test_a_snapshot_without_stored_patterns_computes_them_once_shared_on_disk(
    gap_world, settings, tmp_path, monkeypatch
):

    settings.KAFAAT_MAP_CACHE = tmp_path / "maps"
    monkeypatch.setattr(disclosure_store, "stored", lambda *args: None)  # a snapshot from before them
    disclosure.cache_clear()
    first = disclosure.protection(2025, "occupation")
    disclosure.cache_clear()  # another process: nothing in memory, the pattern on disk

    def no_computing(*args, **kwargs):
        raise AssertionError("computed again")

    monkeypatch.setattr(disclosure.rule, "build", no_computing)
    assert disclosure.protection(2025, "occupation").hidden == first.hidden
    monkeypatch.setattr(warehouse.build, "disclosure_store", _NoStore(disclosure_store))
    warehouse.refresh()  # a new snapshot without patterns: computed again (not read from the old one's file)
    with pytest.raises(AssertionError, match="computed again"):
        disclosure.protection(2025, "occupation")


class _NoStore:
    """disclosure_store, without storing the patterns at refresh (as before they were)."""

    def __init__(self, store):
        self.PATTERNS = store.PATTERNS

    def store_patterns(self, path):
        return 0
