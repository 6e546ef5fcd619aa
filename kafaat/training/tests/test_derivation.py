"""Statistics derived from pathway steps, against a hand-built set of people and steps with known answers."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from kafaat.core.models import AuditEvent, Project
from kafaat.pathways.models import Step
from kafaat.registry.models import Person
from kafaat.training import derivation
from kafaat.training.models import ProgrammeMapping, SupplyStatistic

TODAY = date(2026, 6, 30)


@pytest.fixture
def steps(supply, territory):
    project = Project.objects.create(code="p", name_fr="P", start_date=date(2023, 1, 1))
    provider, ngo = supply["provider"], supply["ngo_a"]

    def person(sex, born):
        return Person.objects.create(
            registered_by=provider,
            sex=sex,
            birth_date=born,
            territory=territory("02.381"),
            last_name_latin="Test",
        )

    def step(who, kind, on, parent=None, organisation=provider, **fields):
        return Step.objects.create(
            person=who,
            organisation=organisation,
            project=project,
            kind=kind,
            date=on,
            parent=parent,
            **fields,
        )

    p1, p2, p3 = person("F", date(2000, 5, 1)), person("M", date(1990, 1, 1)), person("F", None)
    p4, p5 = person("M", date(2005, 3, 1)), person("F", date(2001, 1, 1))
    # P1: electricity by its French title; completes in June 2025, certified in July (both training year 2024)
    e1 = step(
        p1, "enrolment", date(2023, 10, 1), programme="Électricité du bâtiment", end_date=date(2025, 6, 20)
    )
    c1 = step(p1, "completion", date(2025, 6, 20), e1)
    step(p1, "certification", date(2025, 7, 10), c1, credential="diploma")
    # P2: the same title typed differently; drops out in December 2024
    e2 = step(
        p2, "enrolment", date(2024, 9, 15), programme="electricite  du BATIMENT", end_date=date(2024, 12, 1)
    )
    step(p2, "dropout", date(2024, 12, 1), e2, dropout_reason="family")
    # P3: management by its code, still enrolled, certified straight from the enrolment in January 2026
    e3 = step(p3, "enrolment", date(2024, 2, 1), programme="TS-GE")
    step(p3, "certification", date(2026, 1, 10), e3, credential="certificate")
    # P4: a name the provider uses that matches no programme until it is mapped
    step(p4, "enrolment", date(2025, 9, 1), programme="Gestion PME")
    # P5: another organisation's enrolment: its names are not the provider's programmes
    step(p5, "enrolment", date(2025, 1, 5), programme="Électricité du bâtiment", organisation=ngo)
    return supply


def derived():
    return {
        (s.programme.code, s.year, s.age_band): (s.enrolled, s.enrolled_women, s.graduates, s.graduates_women)
        for s in SupplyStatistic.objects.filter(source="kafaat").select_related("programme")
    }


def test_enrolments_and_certifications_are_counted_by_programme_year_sex_and_age_band(steps):
    report = derivation.derive_supply(today=TODAY)
    assert (report.enrolments_matched, report.enrolments_unmatched) == (3, 2)
    assert derived() == {
        ("Q-EB", 2023, ""): (1, 1, 0, 0),
        ("Q-EB", 2023, "18-24"): (1, 1, 0, 0),
        ("Q-EB", 2024, ""): (2, 1, 1, 1),
        ("Q-EB", 2024, "18-24"): (1, 1, 1, 1),
        ("Q-EB", 2024, "25-34"): (1, 0, 0, 0),
        ("TS-GE", 2023, ""): (1, 1, 0, 0),
        ("TS-GE", 2024, ""): (1, 1, 0, 0),
        ("TS-GE", 2025, ""): (1, 1, 1, 1),
    }
    assert report.created == 8
    event = AuditEvent.objects.get(target_type="training.supplystatistic")
    assert event.action == "bulk_create" and event.count == 8


def test_deriving_again_changes_nothing(steps):
    derivation.derive_supply(today=TODAY)
    before = list(SupplyStatistic.objects.order_by("pk").values())
    again = derivation.derive_supply(today=TODAY)
    assert again.changed == 0
    assert list(SupplyStatistic.objects.order_by("pk").values()) == before
    assert AuditEvent.objects.filter(target_type="training.supplystatistic").count() == 1


def test_a_mapping_brings_the_unmatched_name_in_and_published_figures_are_untouched(steps):
    manager = steps["users"]["establishment"]
    from kafaat.training import services

    services.save_statistic(manager, steps["management"], 2025, {"enrolled": 80})
    derivation.derive_supply(today=TODAY)
    assert derivation.unmatched_labels(manager, steps["provider"]) == [("Gestion PME", 1)]
    derivation.map_label(manager, steps["provider"], "Gestion PME", steps["management"])
    assert ProgrammeMapping.objects.get().label_key == "gestionpme"
    derivation.derive_supply(today=TODAY)  # the mapping's page queues it (test_derive_job.py)
    assert derived()[("TS-GE", 2025, "")] == (2, 1, 1, 1)
    assert derived()[("TS-GE", 2025, "18-24")] == (1, 0, 0, 0)
    assert derivation.unmatched_labels(manager, steps["provider"]) == []
    assert SupplyStatistic.objects.get(source="published").enrolled == 80


def test_a_step_that_moves_to_another_programme_leaves_no_stale_row(steps):
    derivation.derive_supply(today=TODAY)
    Step.objects.filter(programme="TS-GE").update(programme="Q-EB")
    report = derivation.derive_supply(today=TODAY)
    assert report.deleted == 3 and not any(key[0] == "TS-GE" for key in derived())


def test_ambiguous_titles_are_not_matched_automatically(steps):
    from kafaat.training.models import Programme

    Programme.objects.filter(code="TS-GE").update(title_fr="Électricité du bâtiment")
    report = derivation.derive_supply(today=TODAY)
    assert report.enrolments_matched == 1  # only the code TS-GE is left unambiguous


def test_mapping_needs_a_member_who_edits_the_programme(steps):
    with pytest.raises(PermissionDenied):
        derivation.map_label(steps["users"]["analyst_oriental"], steps["provider"], "X", steps["management"])
    with pytest.raises(PermissionDenied):  # the provider's manager may not map to the ministry's institute
        derivation.map_label(steps["users"]["establishment"], steps["provider"], "X", steps["irrigation"])
    with pytest.raises(PermissionDenied):
        derivation.derive_supply(steps["users"]["analyst_oriental"])


@pytest.mark.parametrize(
    ("day", "year"), [(date(2024, 8, 31), 2023), (date(2024, 9, 1), 2024), (date(2025, 1, 1), 2024)]
)
def test_training_years_start_in_september(day, year):
    assert derivation.training_year(day) == year


def test_an_operators_enrolments_go_to_its_establishment_where_the_person_lives(supply, territory):
    project = Project.objects.create(code="q", name_fr="Q", start_date=date(2023, 1, 1))
    ofppt = supply["ofppt"]

    def enrol(commune):
        person = Person.objects.create(
            registered_by=ofppt, sex="M", territory=territory(commune), last_name_latin="Test"
        )
        Step.objects.create(
            person=person,
            organisation=ofppt,
            project=project,
            kind="enrolment",
            date=date(2025, 10, 1),
            programme="Électricité du bâtiment",
        )

    nador_commune = (
        Person._meta.get_field("territory")
        .related_model.objects.filter(path__startswith=supply["nador"].territory.path, level="commune")
        .first()
    )
    enrol(nador_commune.code)  # lives in Nador province: OFPPT's institute there
    enrol("01.511")  # lives in Tanger: OFPPT runs no such programme in that region
    report = derivation.derive_supply(today=TODAY)
    assert (report.enrolments_matched, report.enrolments_unmatched) == (1, 1)
    assert derived() == {("Q-EB", 2025, ""): (1, 0, 0, 0)}
