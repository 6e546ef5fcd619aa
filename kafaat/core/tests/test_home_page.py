"""The home page per role: which panels each role gets, and a number of queries that does not grow with the
data (the home page is the most visited page)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kafaat.core.models import AuditEvent, ImportJob, Job, Project
from kafaat.observatory.models import Publication
from kafaat.pathways import services as pathways
from kafaat.registry import services as registry

PANELS = {
    "admin_a": ["accounts", "jobs", "audit"],
    "superuser": ["accounts", "jobs", "audit"],
    "caseworker_a": ["casework", "people"],
    "manager": ["logframe", "failures"],
    "analyst_oriental": ["snapshot", "publications"],
    "donor": [],  # the grants reviewer and establishment roles get theirs with those issues
    "reviewer": [],
    "establishment": [],
    "nobody": [],
}
ALL_PANELS = {key for keys in PANELS.values() for key in keys}


@pytest.fixture(autouse=True)
def _warehouse_in_tmp(settings, tmp_path):
    settings.KAFAAT_WAREHOUSE_PATH = tmp_path / "warehouse.duckdb"


@pytest.mark.parametrize("username", PANELS)
def test_each_role_gets_its_own_panels(client, world, username):
    client.force_login(world["users"][username])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert [shown.key for shown in response.context["panels"]] == PANELS[username]
    page = response.content.decode()
    for key in ALL_PANELS - set(PANELS[username]):
        assert f'id="panel-{key}"' not in page


def _home_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


def _person(worker, n: int, project):
    person = registry.register_person(
        worker,
        {"first_name_latin": f"Personne{n}", "last_name_latin": "Test", "sex": "F", "age": "22",
         "commune": "Oujda"},
        consent_given_on=date(2026, 1, 5),
    )  # fmt: skip
    pathways.record_step(worker, person, "intake", project=project, on=date(2026, 1, 6))
    pathways.record_step(
        worker, person, "placement", project=project, on=timezone.localdate() - timedelta(days=95 + n),
        placement_type="internship",
    )  # fmt: skip
    return person


def _more_of_everything(world, project, start: int, count: int) -> None:
    users = world["users"]
    for n in range(start, start + count):
        _person(users["caseworker_a"], n, project)
        Job.objects.create(kind="core.probe", organisation=world["ngo_a"], status=Job.Status.FAILED)
        Job.objects.create(kind="observatory.refresh", user=users["manager"], status=Job.Status.FAILED)
        ImportJob.objects.create(user=users["manager"], organisation=world["agency"], kind="people",
                                 file_name=f"f{n}.xlsx", status=ImportJob.Status.REJECTED)  # fmt: skip
        Publication.objects.create(scope_code="MA-02", year=2025, version=n + 1,
                                   snapshot_taken_at=timezone.now(), directory=f"d{n}",
                                   package_sha256="0" * 64)  # fmt: skip
        AuditEvent.objects.bulk_create(
            AuditEvent(actor=users[name], actor_username=name, action=AuditEvent.Action.DENIED)
            for name in ("caseworker_a", "admin_a")
            for _ in range(10)
        )


@pytest.mark.parametrize("username", ["caseworker_a", "admin_a", "superuser", "manager", "analyst_oriental"])
def test_the_number_of_queries_does_not_grow_with_the_data(client, world, username):
    project = Project.objects.create(code="q", name_fr="Projet", start_date=date(2024, 1, 1))
    project.participants.add(world["ngo_a"], world["agency"])
    _more_of_everything(world, project, 0, 1)
    client.force_login(world["users"][username])
    few = _home_queries(client)
    _more_of_everything(world, project, 1, 8)
    assert _home_queries(client) == few
    assert few <= 40
