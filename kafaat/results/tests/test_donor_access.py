"""A donor viewer reads, aggregates only, the projects their donor organisation funds (`Project.donor`), even
when it is not a participant; never another donor's project, never the editor, never exact figures."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kafaat.core.models import Role
from kafaat.observatory import warehouse
from kafaat.results import services
from kafaat.results.models import Indicator, LogframeNode
from kafaat.results.tests.fixtures import PERIOD, build_programme


@pytest.fixture
def funded(make_organisation, territory, world):
    """P is funded by the world's donor, which does not take part in it; Q is funded by another donor."""
    built = build_programme(make_organisation, territory)
    project, other = built.project, built.other
    project.participants.add(world["agency"])
    project.donor = world["donor"]
    project.save()
    other.donor = make_organisation("donor-other", "04.421", type="donor")
    other.save()
    impact = LogframeNode.objects.create(project=project, level="impact", code="IMP", name_fr="Impact")
    Indicator.objects.create(project=project, node=impact, code="REG", name_fr="Inscrits",
                             measure="people_registered", disaggregations=["sex"])  # fmt: skip
    warehouse.refresh()
    return built


@pytest.mark.django_db
def test_donor_viewer_sees_the_projects_their_organisation_funds(funded, world):
    donor = world["users"]["donor"]
    assert not funded.project.participants.filter(pk=world["donor"].pk).exists()
    assert [p.code for p in services.visible_projects(donor)] == ["p-results"]
    assert services.get_project(donor, "p-results") == funded.project
    results = services.project_results(donor, funded.project, *PERIOD)
    registered = next(r for r in results.rows if r.indicator.code == "REG")
    assert results.suppressed and registered.suppressed and registered.value is None  # 4 people: hidden
    assert not services.may_manage(donor, funded.project)


@pytest.mark.django_db
def test_funding_gives_nothing_to_other_roles_or_other_donors(funded, world, make_member):
    from django.http import Http404

    with pytest.raises(Http404):
        services.get_project(world["users"]["donor"], "q-results")  # another donor's project
    manager_at_donor = make_member("manager_at_donor", world["donor"], Role.PROGRAMME_MANAGER)
    assert list(services.visible_projects(manager_at_donor)) == []  # funding is a donor viewer's reach
    caseworker_at_donor = make_member("caseworker_at_donor", world["donor"], Role.CASE_WORKER)
    assert list(services.visible_projects(caseworker_at_donor)) == []  # no aggregates at all
    funded.project.donor = None
    funded.project.save()
    assert list(services.visible_projects(world["users"]["donor"])) == []


@pytest.mark.django_db
def test_donor_viewer_pages_and_api(client, funded, world):
    client.force_login(world["users"]["donor"])
    assert client.get(reverse("results:projects")).content.decode().count("p-results") >= 1
    page = client.get(reverse("results:dashboard", args=["p-results"]), {"start": "2025-01-01"})
    assert page.status_code == 200 and "sont affichés *" in page.content.decode()
    assert client.get(reverse("results:logframe", args=["p-results"])).status_code == 403
    assert client.get(reverse("results:dashboard", args=["q-results"])).status_code == 404
    assert [p["code"] for p in client.get("/api/results/projects").json()] == ["p-results"]
    values = client.get("/api/results/projects/p-results/values", {"start": "2025-01-01"}).json()
    assert next(v for v in values["values"] if v["code"] == "REG")["suppressed"]
    assert client.get("/api/results/projects/q-results/values").status_code == 404
