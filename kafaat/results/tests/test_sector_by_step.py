"""The sector disaggregation reads the sector of the step each measure counts: training measures the training
sector of the programme enrolled in (matched like the training supply), placement measures the job's sector.
Hand-built on fixtures.py: A enrols in masonry (first enrolment; her duplicate D enrolled a day later in web
development), B in web development, C in a programme no establishment offers."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kafaat.observatory import snapshot, warehouse
from kafaat.pathways.models import Step
from kafaat.results import measures, services
from kafaat.results.engine import IndicatorSpec, InvalidIndicator, compute
from kafaat.results.tests.fixtures import PERIOD, build_programme
from kafaat.training.models import Establishment, Programme, Sector


@pytest.fixture
def trained(make_organisation, territory, world):
    built = build_programme(make_organisation, territory)
    built.project.participants.add(world["agency"])
    btp = Sector.objects.create(code="btp", name_fr="Bâtiment et travaux publics")
    tic = Sector.objects.create(code="tic", name_fr="Technologies de l'information")
    school = Establishment.objects.create(
        code="cfp-oujda", name_fr="CFP Oujda", operator_type="private", operator=built.organisation,
        organisation=built.organisation, territory=territory("02.411"),
    )  # fmt: skip
    for code, title, sector in (("MAC", "Maçonnerie", btp), ("WEB", "Développement web", tic)):
        Programme.objects.create(establishment=school, code=code, title_fr=title, sector=sector,
                                 level="qualification", duration_months=9)  # fmt: skip
    people = built.people
    for person, label in (("a", "maconnerie"), ("d", "Développement web"), ("b", "Developpement  Web"),
                          ("c", "Coiffure")):  # fmt: skip
        Step.objects.filter(person=people[person], kind="enrolment", project=built.project).update(
            programme=label
        )
    warehouse.refresh()
    yield built
    snapshot.close_all()


def by_sector(code: str) -> dict:
    spec = IndicatorSpec(code, code, {}, ("sector",))
    result = compute("p-results", *PERIOD, [spec]).results[code]
    return {c.category: (c.value, c.numerator, c.denominator) for c in result.by["sector"]}


@pytest.mark.django_db
def test_training_measures_by_the_training_sector(trained):
    assert by_sector("people_enrolled") == {"btp": (1.0, 1, None), "tic": (1.0, 1, None),
                                            "unknown": (1.0, 1, None)}  # fmt: skip
    # Ended (dropped out or completed): A (masonry, completed), B (web, dropped out), C (unmatched,
    # completed).
    assert by_sector("dropout_rate") == {"btp": (0.0, 0, 1), "tic": (100.0, 1, 1), "unknown": (0.0, 0, 1)}
    assert by_sector("people_completed") == {"btp": (1.0, 1, None), "tic": (0.0, 0, None),
                                             "unknown": (1.0, 1, None)}  # fmt: skip
    # Completers placed within 6 months: A (June → September) yes, C (July → March) no.
    assert by_sector("placement_rate") == {"btp": (100.0, 1, 1), "tic": (None, 0, 0), "unknown": (0.0, 0, 1)}


@pytest.mark.django_db
def test_placement_measures_by_the_job_sector_in_the_same_pass(trained):
    specs = [IndicatorSpec("placed", "people_placed", {}, ("sector", "sex")),
             IndicatorSpec("enrolled", "people_enrolled", {}, ("sector",))]  # fmt: skip
    results = compute("p-results", *PERIOD, specs).results
    placed = {c.category: c.numerator for c in results["placed"].by["sector"]}
    assert placed == {"C": 1, "N": 1, "unknown": 0}  # A works in manufacturing (C), trained in masonry
    assert {c.category: c.numerator for c in results["enrolled"].by["sector"]} == {
        "btp": 1, "tic": 1, "unknown": 1,
    }  # fmt: skip
    assert {c.category: c.numerator for c in results["placed"].by["sex"]} == {"F": 2, "M": 0}
    assert results["placed"].total.numerator == 2 and results["enrolled"].total.numerator == 3


@pytest.mark.django_db
def test_measures_without_a_sector_step_refuse_the_sector(trained, world, client):
    assert "sector" not in measures.dimensions_of(measures.get("people_registered"))
    assert "sector" in measures.dimensions_of(measures.get("women_share_certified"))
    with pytest.raises(InvalidIndicator, match="no sector"):
        compute("p-results", *PERIOD, [IndicatorSpec("r", "people_registered", {}, ("sector",))])
    with pytest.raises(ValidationError) as error:
        services.validate_indicator({"measure": "people_referred", "disaggregations": ["sex", "sector"]})
    assert "disaggregations" in error.value.message_dict
    assert services.validate_indicator({"measure": "people_certified", "disaggregations": ["sector"]})
    with pytest.raises(ValidationError):  # the funnel's groups are people's attributes, not a step's
        services.equity_funnel(world["users"]["manager"], trained.project, "sector")
    client.force_login(world["users"]["manager"])
    assert client.get(reverse("results:funnel", args=["p-results"]), {"by": "sector"}).status_code == 404
