"""The import as a real background job: queued by the page, run by a `python -m kafaat worker` process, on
SQLite and PostgreSQL alike. A worker killed mid-import leaves nothing written; its job is reported failed and
an administrator retries it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from kafaat.core import jobs
from kafaat.core.models import ImportJob, Job, WorkerHeartbeat
from kafaat.registry.models import Person
from kafaat.registry.tests.test_import_people import GOOD, HEADER, write_csv

ROOT = Path(__file__).resolve().parents[3]
FIRST = ["Fatima", "Youssef", "Amina", "Khalid", "Salma", "Omar", "Nadia", "Hamza"]
LAST = ["Alaoui", "Benali", "Tazi", "Idrissi", "Fassi", "Berrada", "Chraibi", "Amrani"]


@pytest.fixture
def queue(world, settings, tmp_path):
    """The database queue instead of the tests' immediate backend, in a database that a worker process
    opens too: PostgreSQL's test database, or the in-memory SQLite test database copied to a file."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    env = dict(os.environ, KAFAAT_VAR_DIR=str(tmp_path / "var"), KAFAAT_LOG_LEVEL="INFO")
    env["KAFAAT_CACHE_DIR"] = django_settings.CACHES["default"]["LOCATION"]  # the live progress, shared
    database = connection.settings_dict
    if connection.vendor == "postgresql":
        credentials = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
        host = f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
        env["DATABASE_URL"] = f"postgres://{credentials}@{host}/{database['NAME']}"
        yield env
        return
    path = tmp_path / "queue.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    memory, name = connection.connection, database["NAME"]
    connection.connection, database["NAME"] = None, str(path)  # this test's queries go to the file now
    env["DATABASE_URL"] = f"sqlite:///{path}"
    try:
        yield env
    finally:
        connection.close()
        connection.connection, database["NAME"] = memory, name


class Worker:
    def __init__(self, env: dict, log: Path):
        self.log = log
        command = [sys.executable, "-m", "kafaat", "worker", "--no-startup-delay", "--interval", "0.1"]
        with open(log, "ab") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)

    def stop(self, sig=signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(30)  # waited for: a killed worker is no zombie that looks alive


def _wait(condition, seconds: float, worker: Worker, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        assert worker.process.poll() is None, f"the worker ended: {worker.log.read_text()[-3000:]}"
        time.sleep(0.05)
    raise AssertionError(f"{what} within {seconds} s; worker log: {worker.log.read_text()[-3000:]}")


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
