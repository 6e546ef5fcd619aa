"""Publication as a real background job: queued by the API, run by a `python -m kafaat worker` process on the
real gap engine (gap_fixture's world, its warehouse snapshot), followed through the API's poll to the package;
on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json

import frictionless
import pytest

from kafaat.core.models import Job, WorkerHeartbeat
from kafaat.labour.models import Occupation
from kafaat.labour.models import Sector as Isic
from kafaat.labour.reference import load_occupations
from kafaat.labour.reference import load_sectors as load_isic
from kafaat.observatory import publication, snapshot, warehouse
from kafaat.observatory.publication.models import Publication
from kafaat.observatory.tests.gap_fixture import build_gap_world
from kafaat.testing.worker import Worker, shared_queue, wait_for
from kafaat.training.models import Sector
from kafaat.training.sectors import load_sectors


@pytest.fixture
def reference_data(reference_territories):
    """What the data migrations load: an earlier transactional test flushed it."""
    if not Occupation.objects.exists():
        load_occupations(Occupation)
        load_isic(Isic)
    if not Sector.objects.exists():
        load_sectors(Sector)


@pytest.fixture
def queue(reference_data, world, make_organisation, territory, settings, tmp_path):
    build_gap_world(make_organisation, territory)
    settings.KAFAAT_OPEN_DATA_DIR = tmp_path / "open-data"
    warehouse.refresh()  # the snapshot the worker reads: the same file
    environment = {
        "KAFAAT_WAREHOUSE_PATH": str(settings.KAFAAT_WAREHOUSE_PATH),
        "KAFAAT_OPEN_DATA_DIR": str(settings.KAFAAT_OPEN_DATA_DIR),
    }
    yield from shared_queue(settings, tmp_path, **environment)
    snapshot.close_all()


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_publishes_a_package_queued_by_the_api(client, world, queue, tmp_path):
    analyst = world["users"]["analyst_oriental"]
    client.force_login(analyst)
    accepted = client.post(
        "/api/open-data/packages",
        json.dumps({"region": "MA-02", "year": 2025}),
        content_type="application/json",
    )
    body = accepted.json()
    assert accepted.status_code == 202 and body["status"] == "queued", body
    assert client.get(body["url"]).json()["status"] == "queued"  # nothing runs in the request
    worker = Worker(queue, tmp_path / "worker.log")
    try:
        done = wait_for(
            lambda: (poll := client.get(body["url"]).json())["status"] in Job.FINISHED and poll,
            120,
            worker,
            "the publication did not end",
        )
        assert WorkerHeartbeat.objects.filter(pid=worker.process.pid).exists()
    finally:
        assert worker.stop() == 0
    assert done["status"] == "done", done["message"]
    assert done["package_url"] == "/open-data/MA-02/2025/v1/" and done["done"] == done["total"]
    package = Publication.objects.get()
    assert package.published_by == analyst and package.scope_code == "MA-02"
    job = Job.objects.get(pk=body["id"])
    assert job.worker and job.attempts == 1 and job.target == str(package.pk)
    descriptor = publication.open_data_root() / package.directory / "datapackage.json"
    assert frictionless.validate(str(descriptor)).valid
    assert client.get("/open-data/MA-02/2025/v1/").status_code == 200
