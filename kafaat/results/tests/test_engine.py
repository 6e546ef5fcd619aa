"""Each measure against the hand-built programme of fixtures.py, whose answers are worked out by hand."""

from datetime import date

import pytest

from kafaat.observatory import warehouse
from kafaat.results import measures
from kafaat.results.engine import IndicatorSpec, InvalidIndicator, compute, funnel
from kafaat.results.tests.fixtures import PERIOD, build_programme

ALL_DIMENSIONS = tuple(measures.DIMENSIONS)


@pytest.fixture
def programme(make_organisation, territory):
    built = build_programme(make_organisation, territory)
    warehouse.refresh()
    return built


def values(project="p-results", period=PERIOD, **filters):
    specs = [
        IndicatorSpec(code, code, filters, measures.dimensions_of(m))
        for code, m in measures.REGISTRY.items()
        if m.fact
        == measures.JOURNEYS  # the governance measures: kafaat/results/tests/test_governance_measures.py
    ]
    return compute(project, *period, specs).results


EXPECTED = {
    # A (with her duplicate D), B, C, E; F joined before the period.
    "people_registered": 4,
    "people_assessed": 1,
    "people_referred": 1,
    "people_enrolled": 3,  # A (and D: once), B, C
    "people_dropped_out": 1,  # B
    "people_completed": 2,  # A, C (E completed in the other project)
    "people_certified": 2,
    "people_placed": 2,
    "placed_within_6_months": 1,  # A after 3 months; C after 8
    "employed_at_12_months": 1,  # A; C's follow-up is after the period
    "dropout_rate": 33.3,  # 1 of 3 whose training ended
    "completion_rate": 66.7,
    "placement_rate": 50.0,
    "employment_rate_12_months": 100.0,
    "women_share_registered": 50.0,  # A, C of A, B, C, E
    "migrant_share_registered": 50.0,  # B (refugee), C (migrant)
    "disability_share_registered": 25.0,  # B
    "disability_share_enrolled": 33.3,
    "women_share_placed": 100.0,
    "women_share_dropped_out": 0.0,
}


@pytest.mark.django_db
def test_every_measure_has_its_known_value(programme):
    results = values()
    for code, expected in EXPECTED.items():
        assert results[code].total.value == expected, code


@pytest.mark.django_db
def test_days_to_placement_is_the_mean_of_the_placed(programme):
    result = values()["days_to_placement"]
    a = (date(2025, 9, 1) - date(2025, 1, 15)).days  # A joined through her duplicate's earlier intake
    c = (date(2026, 3, 1) - date(2025, 2, 15)).days
    assert result.total.value == round((a + c) / 2, 1)
    assert result.total.numerator == 2


@pytest.mark.django_db
def test_disaggregations_add_up_and_use_age_at_the_event(programme):
    registered = values()["people_registered"]
    assert {c.category: c.numerator for c in registered.by["sex"]} == {"F": 2, "M": 2}
    assert {c.category: c.numerator for c in registered.by["age_band"]} == {
        "15-17": 1, "18-24": 1, "25-34": 1, "35+": 1,
    }  # fmt: skip
    assert {c.category: c.numerator for c in registered.by["migration"]} == {
        "migrant": 1, "national": 2, "refugee": 1,
    }  # fmt: skip
    assert {c.category: c.numerator for c in registered.by["disability"]} == {"no": 1, "yes": 1, "unknown": 2}
    assert {c.category: c.numerator for c in registered.by["region"]} == {"MA-01": 2, "MA-02": 2}
    placed = values()["people_placed"]
    assert {c.category: c.numerator for c in placed.by["sector"]} == {"C": 1, "N": 1, "unknown": 0}
    rate = values()["dropout_rate"]
    by_sex = {c.category: (c.value, c.numerator, c.denominator) for c in rate.by["sex"]}
    assert by_sex == {"F": (0.0, 0, 2), "M": (100.0, 1, 1)}


@pytest.mark.django_db
def test_a_person_in_two_projects_counts_in_each(programme):
    assert values()["people_registered"].total.value == 4
    other = values("q-results")
    assert other["people_registered"].total.value == 1
    assert other["people_completed"].total.value == 1
    assert other["people_enrolled"].total.value == 1


@pytest.mark.django_db
def test_the_period_bounds_every_measure(programme):
    first_quarter = values(period=(date(2025, 1, 1), date(2025, 3, 31)))
    assert first_quarter["people_registered"].total.value == 3  # E joined in May
    assert first_quarter["people_completed"].total.value == 0
    assert first_quarter["completion_rate"].total.value is None  # no training ended: no rate
    assert values(period=(date(2024, 1, 1), date(2024, 12, 31)))["people_registered"].total.value == 1


@pytest.mark.django_db
def test_filters_restrict_numerator_and_denominator(programme):
    women = values(sex="F")
    assert women["people_registered"].total.value == 2
    assert women["dropout_rate"].total.value == 0.0
    jobs = compute(
        "p-results", *PERIOD, [IndicatorSpec("jobs", "people_placed", {"placement_type": "salaried_job"})]
    )
    assert jobs.results["jobs"].total.value == 1


@pytest.mark.django_db
def test_equity_funnel_per_group(programme):
    result = funnel("p-results", *PERIOD, "sex")
    women = {
        stage: next(c.numerator for c in r.by["sex"] if c.category == "F")
        for stage, r in result.results.items()
    }
    assert women == {"orientation": 2, "access": 2, "retention": 2, "certification": 2, "insertion": 2}
    men = {
        stage: next(c.numerator for c in r.by["sex"] if c.category == "M")
        for stage, r in result.results.items()
    }
    assert men == {"orientation": 2, "access": 1, "retention": 0, "certification": 0, "insertion": 0}


@pytest.mark.django_db
def test_bad_specs_are_refused(programme):
    with pytest.raises(InvalidIndicator):
        compute("p-results", *PERIOD, [IndicatorSpec("x", "no_such_measure")])
    with pytest.raises(InvalidIndicator):
        compute("p-results", *PERIOD, [IndicatorSpec("x", "people_placed", {"name": "Amina"})])
    with pytest.raises(InvalidIndicator):
        compute("p-results", *PERIOD, [IndicatorSpec("x", "people_placed", {}, ("religion",))])


@pytest.mark.django_db
def test_a_snapshot_is_computed_once_and_a_new_one_is_computed_again(programme):
    spec = [IndicatorSpec("people_registered", "people_registered")]
    first = compute("p-results", *PERIOD, spec)
    assert compute("p-results", *PERIOD, spec) is first  # remembered: DuckDB was not asked again
    assert compute("p-results", PERIOD[0], date(2025, 3, 31), spec) is not first  # another period, computed
    warehouse.refresh()  # a new snapshot (even of the same data) is another file
    again = compute("p-results", *PERIOD, spec)
    assert again is not first and again.taken_at > first.taken_at  # a new snapshot: computed afresh
