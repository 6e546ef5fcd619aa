"""The national synthetic data of the observatory benchmark: generated, written in bulk, read by the gaps."""

import pytest

from kafaat.labour.models import Vacancy
from kafaat.observatory import gaps, snapshot, warehouse
from kafaat.synth.observatory import UNCODED_SHARE, generate_national, load_national
from kafaat.training.models import SupplyStatistic


@pytest.mark.django_db
def test_generated_national_data_loads_and_gives_gap_tables(reference_territories, settings, tmp_path):
    tables = generate_national(establishments=40, programmes=120, years=3, vacancies=3_000, first_year=2021)
    counts = load_national(tables)
    assert counts["vacancies"] == Vacancy.objects.count() == 3_000
    assert counts["statistics"] == SupplyStatistic.objects.count() == 360
    years = set(Vacancy.objects.values_list("posted_on__year", flat=True))
    assert years <= {2022, 2023, 2024, 2025} and {2022, 2023, 2024} <= years
    uncoded = Vacancy.objects.filter(occupation__isnull=True).count() / 3_000
    assert uncoded == pytest.approx(UNCODED_SHARE, abs=0.03)
    settings.KAFAAT_WAREHOUSE_PATH = tmp_path / "warehouse.duckdb"
    try:
        warehouse.refresh()
        rows = gaps.gap_table(2023, level="province")
        assert len({r.territory_code for r in rows}) > 20
        assert sum(r.graduates for r in rows) > 0 and sum(r.vacancies for r in rows) > 0
    finally:
        snapshot.close_all()
