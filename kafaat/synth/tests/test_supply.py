"""The national-scale supply generator: deterministic, consistent figures, loadable into the database."""

import pyarrow.compute as pc
import pytest

from kafaat.synth.supply import generate_supply, load_supply
from kafaat.training import isco
from kafaat.training.models import Establishment, SupplyStatistic
from kafaat.training.sectors import load_sectors


def test_the_same_seed_gives_the_same_tables_and_the_sizes_asked_for():
    first, second = generate_supply(200, 1_000, 3, seed=7), generate_supply(200, 1_000, 3, seed=7)
    assert first.statistics.equals(second.statistics) and first.programmes.equals(second.programmes)
    assert (first.establishments.num_rows, first.programmes.num_rows, first.statistics.num_rows) == (
        200,
        1_000,
        3_000,
    )
    assert not generate_supply(200, 1_000, 3, seed=8).statistics.equals(first.statistics)


def test_the_figures_hold_together_as_an_import_would_require():
    tables = generate_supply(300, 2_000, 4)
    s = tables.statistics
    for smaller, larger in (
        ("graduates", "enrolled"),
        ("enrolled", "applicants"),
        ("enrolled_women", "enrolled"),
        ("graduates_women", "graduates"),
        ("applicants_women", "applicants"),
    ):
        assert pc.sum(pc.greater(s[smaller], s[larger])).as_py() == 0, (smaller, larger)
    assert set(pc.unique(tables.programmes["establishment"]).to_pylist()) == set(range(300))
    assert set(tables.occupations["isco_code"].to_pylist()) <= set(isco.unit_groups())
    agricultural = pc.equal(tables.establishments["operator_type"], "agriculture")
    farms = set(pc.indices_nonzero(agricultural).to_pylist())
    sectors = {
        sector
        for owner, sector in zip(
            tables.programmes["establishment"].to_pylist(),
            tables.programmes["sector"].to_pylist(),
            strict=True,
        )
        if owner in farms
    }
    assert sectors == {"agriculture"}


def test_more_programmes_than_establishments_is_required():
    with pytest.raises(ValueError):
        generate_supply(10, 5, 1)


def test_the_tables_load_into_the_database(reference_territories):
    from kafaat.training.models import Sector

    if not Sector.objects.exists():
        load_sectors(Sector)
    tables = generate_supply(20, 60, 2, seed=3)
    counts = load_supply(tables)
    assert counts["statistics"] == 120 == SupplyStatistic.objects.count()
    assert (
        Establishment.objects.count() == 20
        and Establishment.objects.filter(programmes__isnull=True).count() == 0
    )
