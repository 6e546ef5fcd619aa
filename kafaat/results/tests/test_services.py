"""Figures as each role sees them, suppression of published figures, logframe editing, the API."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kafaat.core.models import AuditEvent
from kafaat.observatory import warehouse
from kafaat.results import services
from kafaat.results.engine import Cell, IndicatorResult
from kafaat.results.models import Indicator, LogframeNode
from kafaat.results.publish import publish
from kafaat.results.tests.fixtures import PERIOD, build_programme


@pytest.fixture
def programme(make_organisation, territory, world):
    built = build_programme(make_organisation, territory)
    project = built.project
    project.participants.add(world["agency"], world["donor"], world["ngo_a"])
    impact = LogframeNode.objects.create(project=project, level="impact", code="IMP", name_fr="Impact")
    outcome = LogframeNode.objects.create(
        project=project, level="outcome", code="OC1", name_fr="Effet", parent=impact
    )
    Indicator.objects.create(project=project, node=outcome, code="REG", name_fr="Inscrits",
                             measure="people_registered",
                             disaggregations=["sex", "region"])  # fmt: skip
    Indicator.objects.create(project=project, node=outcome, code="DROP", name_fr="Abandon",
                             measure="dropout_rate",
                             unit="percent", disaggregations=["sex"])  # fmt: skip
    Indicator.objects.create(project=project, node=impact, code="MAN", name_fr="Conventions", measure="")
    warehouse.refresh()
    return built


def test_publish_suppresses_small_cells_and_protects_the_total():
    result = IndicatorResult(
        "x", "people_registered", "count", Cell("", 40.0, 40),
        {"sex": [Cell("F", 3.0, 3), Cell("M", 37.0, 37)]},
    )  # fmt: skip
    exact = publish(result, suppress=False)
    assert [f.value for f in exact.by["sex"]] == [3.0, 37.0]
    shown = publish(result, suppress=True)
    assert [f.suppressed for f in shown.by["sex"]] == [True, True]  # 3 primary, 37 secondary (total shown)
    assert shown.total.value == 40 and not shown.total.suppressed
    assert all(f.value is None and f.numerator is None for f in shown.by["sex"])
    rate = IndicatorResult("r", "dropout_rate", "percent", Cell("", 10.0, 2, 20), {})
    assert publish(rate, suppress=True).total.suppressed  # a numerator of 2 identifies people


@pytest.mark.django_db
def test_managers_see_exact_figures_analysts_and_donors_suppressed(programme, world):
    project, users = programme.project, world["users"]
    exact = services.project_results(users["manager"], project, *PERIOD)
    assert not exact.suppressed and exact.taken_at is not None
    registered = next(r for r in exact.rows if r.indicator.code == "REG")
    assert registered.value == 4 and {f.category: f.value for f in registered.figure.by["sex"]} == {
        "F": 2,
        "M": 2,
    }
    for name in ("donor", "analyst_oriental"):
        shown = services.project_results(users[name], project, *PERIOD)
        row = next(r for r in shown.rows if r.indicator.code == "REG")
        assert shown.suppressed and row.suppressed and row.value is None  # 4 people: below the threshold
        assert all(f.suppressed for f in row.figure.by["sex"])
    with pytest.raises(PermissionDenied):
        services.project_results(users["caseworker_a"], project, *PERIOD)


@pytest.mark.django_db
def test_targets_progress_and_manual_values(programme, world):
    manager = world["users"]["manager"]
    registered = Indicator.objects.get(code="REG")
    services.set_target(manager, registered, date(2025, 1, 1), date(2026, 12, 31), Decimal(8))
    manual = Indicator.objects.get(code="MAN")
    evidence = SimpleUploadedFile("conventions.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    entry = services.add_manual_value(
        manager, manual, date(2025, 1, 1), date(2025, 12, 31), Decimal(14), evidence
    )
    assert entry.evidence.name.endswith(".pdf")
    results = services.project_results(manager, programme.project, *PERIOD)
    rows = {r.indicator.code: r for r in results.rows}
    assert rows["REG"].progress == 50.0 and rows["MAN"].value == 14.0
    with pytest.raises(ValidationError):
        services.add_manual_value(manager, registered, date(2025, 1, 1), date(2025, 12, 31), Decimal(1))
    with pytest.raises(PermissionDenied):
        services.set_target(
            world["users"]["donor"], registered, date(2025, 1, 1), date(2025, 12, 31), Decimal(1)
        )


@pytest.mark.django_db
def test_logframe_rules(programme, world):
    manager, project = world["users"]["manager"], programme.project
    impact = LogframeNode.objects.get(code="IMP")
    with pytest.raises(ValidationError):  # an output cannot sit under the impact
        services.save_node(
            manager, project, {"level": "output", "code": "X", "name_fr": "X", "parent": impact.pk}
        )
    with pytest.raises(ValidationError):
        services.save_node(
            manager, project, {"level": "outcome", "code": "OC1", "name_fr": "Dup", "parent": impact.pk}
        )
    node = services.save_node(
        manager, project, {"level": "outcome", "code": "OC2", "name_fr": "Deux", "parent": impact.pk}
    )
    with pytest.raises(ValidationError) as error:
        services.save_indicator(manager, node, {"code": "Z", "name_fr": "Z", "measure": "nope"})
    assert "measure" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.save_indicator(manager, node, {"code": "Z", "name_fr": "Z", "measure": "people_placed",
                                                "disaggregations": ["religion"]})  # fmt: skip
    indicator = services.save_indicator(manager, node, {"code": "Z", "name_fr": "Z",
                                                        "measure": "placement_rate",
                                                        "disaggregations": ["sex"]})  # fmt: skip
    assert indicator.unit == "percent"
    assert AuditEvent.objects.filter(target_type="results.indicator", action="create").exists()
    with pytest.raises(PermissionDenied):
        services.save_node(
            world["users"]["analyst_oriental"], project, {"level": "impact", "code": "I2", "name_fr": "x"}
        )


@pytest.mark.django_db
def test_equity_funnel_groups(programme, world):
    _computation, groups = services.equity_funnel(
        world["users"]["manager"], programme.project, "sex", *PERIOD
    )
    women = next(g for g in groups if g.category == "F")
    assert [(stage, figure.value, share) for stage, figure, share in women.stages] == [
        ("orientation", 2, 100.0), ("access", 2, 100.0), ("retention", 2, 100.0), ("certification", 2, 100.0),
        ("insertion", 2, 100.0),
    ]  # fmt: skip
    with pytest.raises(ValidationError):
        services.equity_funnel(world["users"]["manager"], programme.project, "religion")


@pytest.mark.django_db
def test_api_values_are_suppressed_for_everyone(client, programme, world):
    client.force_login(world["users"]["manager"])
    answer = client.get(
        "/api/results/projects/p-results/values", {"start": "2025-01-01", "end": "2026-12-31"}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["snapshot_taken_at"] is not None
    registered = next(v for v in body["values"] if v["code"] == "REG")
    assert registered["suppressed"] and registered["value"] is None
    assert all(f["suppressed"] for f in registered["disaggregations"]["sex"])
    assert (
        client.get(
            "/api/results/projects/p-results/values", {"start": "2026-01-01", "end": "2025-01-01"}
        ).status_code
        == 400
    )
    codes = [i["code"] for i in client.get("/api/results/projects/p-results/indicators").json()]
    assert codes == ["MAN", "DROP", "REG"] or set(codes) == {"MAN", "DROP", "REG"}
    assert [p["code"] for p in client.get("/api/results/projects").json()] == ["p-results"]
    client.force_login(world["users"]["caseworker_a"])  # no aggregates for case workers
    assert client.get("/api/results/projects/p-results/values").status_code == 404
    assert client.get("/api/results/projects").json() == []
