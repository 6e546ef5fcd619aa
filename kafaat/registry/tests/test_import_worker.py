"""The import as a real background job: queued by the page, run by a `python -m kafaat worker` process, on
SQLite and PostgreSQL alike. A worker killed mid-import leaves nothing written; its job is reported failed and
an administrator retries it."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kafaat.core import jobs
from kafaat.core.models import ImportJob, Job, WorkerHeartbeat
from kafaat.registry.models import Person
from kafaat.registry.tests.test_import_people import GOOD, HEADER, write_csv
from kafaat.testing.worker import Worker, shared_queue
from kafaat.testing.worker import wait_for as _wait

FIRST = ["Fatima", "Youssef", "Amina", "Khalid", "Salma", "Omar", "Nadia", "Hamza"]
LAST = ["Alaoui", "Benali", "Tazi", "Idrissi", "Fassi", "Berrada", "Chraibi", "Amrani"]


@pytest.fixture
def queue(world, settings, tmp_path):
    """The database queue instead of the immediate backend, in a database a worker process opens too."""
    yield from shared_queue(settings, tmp_path)


def _upload(client, world, name: str, content: bytes):
    data = {"kind": "people", "organisation": world["ngo_a"].pk, "file": SimpleUploadedFile(name, content)}
    response = client.post(reverse("registry:import"), data)
    assert response.status_code == 302
    return ImportJob.objects.select_related("job").get()


def _many_people(path: Path, count: int) -> Path:
    rows = [
        [f"W-{i}", LAST[i % 8], FIRST[(i // 8) % 8], "العلوي", "فاطمة", "MF"[i % 2],
         f"{1 + i % 28:02d}/{1 + i % 12:02d}/{1980 + i % 25}", "Oujda", "", "", "05/01/2025", "oui"]
        for i in range(count)
    ]  # fmt: skip
    return write_csv(path, HEADER, rows)


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_runs_a_queued_import_to_its_end(client, world, queue, tmp_path):
    client.force_login(world["users"]["caseworker_a"])
    job = _upload(client, world, "people.csv", write_csv(tmp_path / "p.csv", HEADER, GOOD).read_bytes())
    assert job.status == ImportJob.Status.QUEUED and job.job.status == Job.Status.QUEUED  # nothing ran yet
    worker = Worker(queue, tmp_path / "worker.log")
    try:
        _wait(lambda: Job.objects.get(pk=job.job_id).finished, 60, worker, "the job did not end")
        assert WorkerHeartbeat.objects.filter(pid=worker.process.pid).exists()
    finally:
        assert worker.stop() == 0
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.imported == 3 and Person.objects.count() == 3
    assert job.job.status == Job.Status.DONE and job.job.attempts == 1 and job.job.worker
    assert not WorkerHeartbeat.objects.exists()  # a worker that stops cleanly says so
    assert not (Path(django_settings.MEDIA_ROOT) / job.file_path).exists()  # the upload is not kept


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_writes_nothing_and_the_job_is_retried(client, world, queue, tmp_path):
    client.force_login(world["users"]["caseworker_a"])
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"  # the job's messages: in its user's language
    path = _many_people(tmp_path / "many.csv", 6000)
    job = _upload(client, world, "many.csv", path.read_bytes())
    worker = Worker(queue, tmp_path / "worker.log")
    try:  # killed once the rows are being checked: the import's transaction is open on PostgreSQL
        _wait(lambda: jobs.live_progress(Job.objects.get(pk=job.job_id))[1] > 0, 60, worker, "no progress")
        assert worker.stop(signal.SIGKILL) == -signal.SIGKILL
    finally:
        worker.stop(signal.SIGKILL)
    task = Job.objects.get(pk=job.job_id)
    assert task.status == Job.Status.RUNNING, "the import ended before the kill: make the file larger"
    assert not Person.objects.exists()  # all or nothing

    admin = world["users"]["admin_a"]  # NGO A's administrator sees the jobs of NGO A
    client.force_login(admin)
    page = client.get(reverse("core:jobs")).content.decode()  # the page marks the lost job failed
    task.refresh_from_db()
    job.refresh_from_db()
    assert task.status == Job.Status.FAILED and "worker stopped" in task.message and str(task.pk) in page
    assert job.status == ImportJob.Status.FAILED and job.message == task.message and job.finished_at
    assert "Retry" in page and not Person.objects.exists()

    response = client.post(reverse("core:job_retry", args=[task.pk]))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == Job.Status.QUEUED and task.retried_by == admin
    worker = Worker(queue, tmp_path / "worker-2.log")
    try:
        _wait(lambda: Job.objects.get(pk=task.pk).finished, 240, worker, "the retried job did not end")
    finally:
        worker.stop()
    task.refresh_from_db()
    job.refresh_from_db()
    assert (task.status, task.attempts, job.status) == (Job.Status.DONE, 2, ImportJob.Status.DONE)
    assert Person.objects.count() == job.imported == 6000


@pytest.mark.django_db(transaction=True)
def test_a_worker_told_to_stop_mid_import_finishes_it_and_exits_cleanly(client, world, queue, tmp_path):
    client.force_login(world["users"]["caseworker_a"])
    job = _upload(client, world, "many.csv", _many_people(tmp_path / "many.csv", 3000).read_bytes())
    worker = Worker(queue, tmp_path / "worker.log")
    try:  # the signal a service manager sends on stop, while the rows are being checked
        _wait(lambda: jobs.live_progress(Job.objects.get(pk=job.job_id))[1] > 0, 60, worker, "no progress")
    finally:
        assert worker.stop() == 0, worker.log.read_text()[-3000:]
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and Person.objects.count() == job.imported == 3000
    assert "stopping after this round" in worker.log.read_text() and not WorkerHeartbeat.objects.exists()
