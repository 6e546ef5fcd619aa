"""The supply import as a background job: the page queues it and polls while it waits and runs, then shows the
report; the upload is not kept once read, except after an unexpected error, for the retry an administrator
makes on the jobs page; another organisation's job is not found."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.urls import reverse

from kafaat.core import jobs
from kafaat.core.models import ImportJob, Job, Role
from kafaat.training import importing
from kafaat.training.models import SupplyStatistic

HTMX = {"HTTP_HX_REQUEST": "true"}
GOOD = "Code établissement;Code filière;Année;Inscrits;Lauréats\nista-nador;Q-EB;2024;10;9\n"


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["kafaat_language"] = "en"


@pytest.fixture
def queued(settings, tmp_path):
    """The database queue, and no worker: a job stays queued until the test runs it (`jobs.execute`)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.MEDIA_ROOT = tmp_path


def _upload(client, supply, text: str = GOOD, name: str = "supply.csv"):
    upload = io.BytesIO(text.encode())
    upload.name = name
    return client.post(reverse("training:import"), {"file": upload, "organisation": supply["provider"].pk})


def test_the_page_follows_the_job_from_the_queue_to_the_report(client, supply, queued, tmp_path):
    client.force_login(supply["users"]["establishment"])
    response = _upload(client, supply)
    job = ImportJob.objects.select_related("job").get()
    assert response.status_code == 302 and response["Location"] == f"/training/import/{job.pk}/"
    assert job.status == ImportJob.Status.QUEUED and job.job.kind == importing.IMPORT_JOB
    assert job.job.organisation == supply["provider"] and not SupplyStatistic.objects.exists()
    waiting = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="load delay:2s"' in waiting and 'id="import-progress"' in waiting
    assert "Waiting to start" in waiting

    assert jobs.execute(str(job.job_id), worker="test") == Job.Status.DONE
    done = client.get(response["Location"], **HTMX).content.decode()
    assert "<html" not in done and "hx-trigger" not in done and 'id="import-summary"' in done
    assert SupplyStatistic.objects.get().graduates == 9
    assert not list(Path(tmp_path).glob("imports/*/upload.*"))  # not kept once read


def test_an_unexpected_error_keeps_the_upload_for_the_administrators_retry(
    client, supply, queued, make_member, monkeypatch, tmp_path
):
    admin = make_member("provider_admin", supply["provider"], Role.ADMINISTRATOR)
    client.force_login(supply["users"]["establishment"])
    _upload(client, supply)
    job = ImportJob.objects.select_related("job").get()
    real = importing.SupplyImport.write

    def broken(self, records, progress):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(importing.SupplyImport, "write", broken)
    assert jobs.execute(str(job.job_id)) == Job.Status.FAILED
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and str(job.pk) in job.message
    assert (tmp_path / job.file_path).is_file()  # kept for the retry
    monkeypatch.setattr(importing.SupplyImport, "write", real)

    client.force_login(admin)
    page = client.get("/jobs/").content.decode()
    assert "Import of supply statistics" in page and f"/training/import/{job.pk}/" in page
    assert client.post(f"/jobs/{job.job_id}/retry/").status_code == 302
    jobs.execute(str(job.job_id))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and SupplyStatistic.objects.get().graduates == 9


def test_another_organisations_import_is_not_found(client, supply, queued):
    client.force_login(supply["users"]["establishment"])
    _upload(client, supply)
    job = ImportJob.objects.get()
    for name in ("caseworker_a", "ofppt_admin"):
        client.force_login(supply["users"][name])
        assert client.get(f"/training/import/{job.pk}/").status_code == 404, name
        assert client.get(f"/training/import/{job.pk}/errors.xlsx").status_code == 404, name
    client.force_login(supply["users"]["caseworker_a"])
    assert client.post(reverse("training:import"), {}).status_code == 403  # no import permission at all


def test_a_file_of_another_kind_is_refused_with_a_message(client, supply, queued):
    client.force_login(supply["users"]["establishment"])
    upload = io.BytesIO(b"not a spreadsheet")
    upload.name = "supply.pdf"
    response = client.post(
        reverse("training:import"), {"file": upload, "organisation": supply["provider"].pk}
    )
    assert response.status_code == 200 and "Upload a CSV or XLSX file." in response.content.decode()
    assert not ImportJob.objects.exists() and not Job.objects.exists()
