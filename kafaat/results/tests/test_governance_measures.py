"""The governance measures over the warehouse's gov_* fact tables, against governance_world.py's programme
whose answers are worked out by hand; suppression, the indicator form's validation and the IATI export."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from kafaat.observatory import snapshot, warehouse
from kafaat.results import measures, services
from kafaat.results.engine import IndicatorSpec, InvalidIndicator, compute
from kafaat.results.publish import publish
from kafaat.results.tests.governance_world import PERIOD, build_governance

GOVERNANCE = [code for code, m in measures.REGISTRY.items() if m.fact != measures.JOURNEYS]


@pytest.fixture
def governance(make_organisation, territory):
    built = build_governance(make_organisation, territory)
    warehouse.refresh()
    return built


def computed(period=PERIOD, **filters):
    specs = [
        IndicatorSpec(code, code, filters.get(code, {}), measures.dimensions_of(measures.get(code)))
        for code in GOVERNANCE
    ]
    return compute("gov", *period, specs).results


def by(result, dimension) -> dict:
    """The groups with something counted (a group of the project with nothing in the period reads 0, as with
    the journeys' measures: the 2024 seminar's)."""
    return {cell.category: cell.value for cell in result.by[dimension] if cell.value}


EXPECTED = {
    "event_participants": 4,  # C1 (and C5, her duplicate), C2, C3, C4; not the cancelled event nor 2024's
    "events_held": 4,  # A, B, C, G: not A's day (part of A), D (cancelled), F (2024)
    "attendance_rate": 55.6,  # (6 + 2 + 3 + 4) of (12 + 2 + 4 + 9) sessions due to registrants
    "knowledge_gain": 20.0,  # (70 − 40 + 60 − 50) / 2
    "study_visit_person_days": 6,  # two of G's registrants came, × 3 days
    "expert_person_days": 10.5,  # 5 + 3 + 2.5; the planned mission does not count
    "expert_missions": 3,
    "distinct_experts": 2,
    "trainers_professionalised": 1,  # C3 certified; C4 did not complete
    "actions_closed_on_time": 33.3,  # 1 of the 3 due in 2025 that were not dropped
}


@pytest.mark.django_db
def test_every_governance_measure_has_its_known_value(governance):
    results = computed()
    assert {code: results[code].total.value for code in EXPECTED} == EXPECTED
    assert (results["attendance_rate"].total.numerator, results["attendance_rate"].total.denominator) == (
        15,
        27,
    )
    assert (
        results["actions_closed_on_time"].total.numerator,
        results["actions_closed_on_time"].total.denominator,
    ) == (1, 3)


@pytest.mark.django_db
def test_disaggregations_count_distinct_people_per_group(governance):
    results = computed()
    participants = results["event_participants"]
    assert by(participants, "sex") == {"F": 2, "M": 2}
    assert by(participants, "organisation_type") == {"employer": 1, "ngo": 1, "ofppt": 2}
    assert by(participants, "participant_role") == {"participant": 4}
    assert by(participants, "event_type") == {
        "conference": 2,
        "study_visit": 2,
        "training_module": 2,
        "workshop": 2,
    }
    assert by(participants, "region") == {"MA-01": 2, "MA-02": 3, "MA-04": 2}
    assert by(results["events_held"], "event_type") == {
        "conference": 1,
        "study_visit": 1,
        "training_module": 1,
        "workshop": 1,
    }
    assert by(results["expert_missions"], "country") == {"ES": 1, "FR": 2}
    assert by(results["distinct_experts"], "country") == {"ES": 1, "FR": 1}
    assert by(results["expert_person_days"], "country") == {"ES": 2.5, "FR": 8.0}
    trainers = results["trainers_professionalised"]
    assert (by(trainers, "sector"), by(trainers, "sex"), by(trainers, "region")) == (
        {"electrical": 1},
        {"F": 1},
        {"MA-02": 1},
    )
    assert by(results["attendance_rate"], "event_type")["study_visit"] == 44.4  # 4 of 9
    assert by(results["actions_closed_on_time"], "region") == {"MA-02": 33.3}


@pytest.mark.django_db
def test_periods_and_filters(governance):
    first_quarter = computed(period=(date(2025, 1, 1), date(2025, 3, 31)))
    assert first_quarter["event_participants"].total.value == 2  # A only
    assert first_quarter["expert_person_days"].total.value == 5
    women = computed(event_participants={"sex": "F"}, expert_missions={"country": ["FR"]})
    assert women["event_participants"].total.value == 2
    assert women["expert_missions"].total.value == 2
    with pytest.raises(InvalidIndicator):  # the journeys' columns are not the missions'
        compute("gov", *PERIOD, [IndicatorSpec("x", "expert_missions", {"disability": "yes"})])
    with pytest.raises(InvalidIndicator):
        compute("gov", *PERIOD, [IndicatorSpec("x", "events_held", {}, ("sex",))])


@pytest.mark.django_db
def test_journeys_and_governance_measures_compute_together(governance):
    specs = [
        IndicatorSpec("a", "people_registered", {}, ("sex",)),
        IndicatorSpec("b", "expert_missions", {}, ("country",)),
    ]
    results = compute("gov", *PERIOD, specs).results
    assert list(results) == ["a", "b"]
    assert results["a"].total.value == 0 and results["b"].total.value == 3


@pytest.mark.django_db
def test_figures_for_aggregate_readers_are_suppressed_like_every_measure(governance):
    results = computed()
    participants = publish(results["event_participants"], suppress=True)
    assert participants.total.suppressed  # 4 people: below the threshold of 5
    assert all(f.suppressed for f in participants.by["sex"])
    days = publish(results["expert_person_days"], suppress=True)
    assert days.total.suppressed  # a sum over 3 missions describes identifiable experts
    exact = publish(results["expert_person_days"], suppress=False)
    assert exact.total.value == 10.5
    rate = publish(results["attendance_rate"], suppress=True)
    assert not rate.total.suppressed and rate.total.value == 55.6  # 15 of 27 attendances: large enough


@pytest.mark.django_db
def test_a_snapshot_without_the_governance_tables_counts_nothing(governance, settings):
    path = settings.KAFAAT_WAREHOUSE_PATH
    snapshot.close_all()
    con = duckdb.connect(str(path))
    con.execute("DROP TABLE gov_missions")
    con.close()
    snapshot.close_all()
    results = compute("gov", *PERIOD, [IndicatorSpec("m", "expert_missions", {}, ("country",))]).results
    assert results["m"].total.value == 0 and results["m"].by["country"] == []


@pytest.mark.django_db
def test_the_warehouse_holds_no_names_nor_database_ids(governance):
    cursor = snapshot.cursor()
    try:
        for table in ("gov_attendance", "gov_registrations", "gov_missions", "gov_trainers"):
            columns = [row[0] for row in cursor.execute(f"DESCRIBE {table}").fetchall()]
            assert not {"id", "contact_id", "person_id", "first_name_latin", "name"} & set(columns), table
        keys = {
            row[0] for row in cursor.execute("SELECT DISTINCT participant FROM gov_attendance").fetchall()
        }
        assert len(keys) == 4 and all(isinstance(k, int) for k in keys)  # numbers of this snapshot
        tables = {row[0] for row in cursor.execute("SHOW TABLES").fetchall()}
        assert not {"g_keys", "g_people", "g_contacts"} & tables  # the pseudonyms' look-ups are not kept
    finally:
        cursor.close()


def test_the_indicator_form_accepts_governance_measures_and_their_own_disaggregations():
    valid = services.validate_indicator(
        {
            "measure": "event_participants",
            "disaggregations": ["sex", "organisation_type", "participant_role"],
            "filters": {"event_type": ["workshop"]},
        }
    )
    assert valid["unit"] == "count"
    assert (
        services.validate_indicator({"measure": "expert_person_days", "disaggregations": ["country"]})["unit"]
        == "days"
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.validate_indicator({"measure": "events_held", "disaggregations": ["sex"]})
    with pytest.raises(ValidationError):
        services.validate_indicator({"measure": "events_held", "filters": {"disability": "yes"}})
    from kafaat.results.forms import measure_choices

    assert {"event_participants", "actions_closed_on_time"} <= {code for code, _label in measure_choices()}


@pytest.mark.django_db
def test_the_iati_export_carries_the_governance_indicators(governance):
    from kafaat.results import exports, iati
    from kafaat.results.models import Indicator, LogframeNode, ProjectProfile, ProjectSector

    project = governance["project"]
    project.end_date, project.donor = date(2025, 12, 31), governance["agency"]
    project.save()
    profile = ProjectProfile.objects.create(
        project=project,
        iati_identifier="XM-DAC-0-GOV",
        reporting_org_ref="XM-DAC-0",
        description_fr="Gouvernance",
        description_ar="الحكامة",
        description_en="Governance",
    )
    profile.implementers.add(governance["agency"])
    ProjectSector.objects.create(profile=profile, code="11330", percentage=100)
    node = LogframeNode.objects.create(project=project, level="outcome", code="OC", name_fr="Gouvernance")
    for position, (code, measure, dims) in enumerate(
        (
            ("G1", "attendance_rate", ["event_type"]),
            ("G2", "expert_person_days", ["country"]),
            ("G3", "events_held", ["event_type"]),
            ("G4", "knowledge_gain", []),
        )
    ):
        Indicator.objects.create(
            project=project,
            node=node,
            code=code,
            measure=measure,
            disaggregations=dims,
            unit=measures.get(measure).unit,
            name_fr=code,
            position=position,
        )
    document = exports.iati_document(project, date(2025, 12, 31))
    assert iati.schema_errors(document) == []
    text = document.decode()
    # The attendance rate from the project's start (2024: the seminar's 1 of 1 too): 16 of 28, published.
    assert '<actual value="57.1"/>' in text
    # Small figures are suppressed with the reason in every language: person-days of 3 missions, 4 events.
    assert text.count("<indicator ") == 4 and "GOV" in text
