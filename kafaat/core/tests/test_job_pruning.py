"""The queue's finished rows are pruned: older than KAFAAT_JOB_RESULTS_KEEP_DAYS, finished (succeeded or
failed), never the attempt a job waits on or runs; the jobs' own history (core.Job) stays. The worker prunes
when it starts (a real worker process) and then once an hour (its heartbeat loop)."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kafaat.core import jobs
from kafaat.core.management.commands import worker as worker_command
from kafaat.core.models import Job
from kafaat.testing.worker import Worker, shared_queue, wait_for

DAY = timezone.timedelta(days=1)


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


JOB_STATUS = {"SUCCESSFUL": Job.Status.DONE, "FAILED": Job.Status.FAILED, "READY": Job.Status.QUEUED,
              "RUNNING": Job.Status.RUNNING}  # fmt: skip


def _attempt(status: str, days_ago: float | None, kind: str = jobs.PROBE.name) -> Job:
    """A job whose queue row is `status`, finished `days_ago` (None: not finished)."""
    job = jobs.enqueue(kind)
    finished = timezone.now() - days_ago * DAY if days_ago is not None else None
    DBTaskResult.objects.filter(id=job.task_id).update(status=status, finished_at=finished)
    Job.objects.filter(pk=job.pk).update(status=JOB_STATUS[status])
    return job


def _kept() -> set[str]:
    return {str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)}


@pytest.mark.django_db
def test_finished_rows_older_than_the_setting_are_deleted_and_the_history_kept(database_queue, settings):
    old_done = _attempt("SUCCESSFUL", 40)
    old_failed = _attempt("FAILED", 31)
    recent = _attempt("SUCCESSFUL", 5)
    waiting = _attempt("READY", None)
    running = _attempt("RUNNING", None)
    # A running job whose row says finished (a worker's clock, a race): the attempt it is on is never pruned.
    lagging = _attempt("SUCCESSFUL", 60)
    Job.objects.filter(pk=lagging.pk).update(status=Job.Status.RUNNING)

    assert settings.KAFAAT_JOB_RESULTS_KEEP_DAYS == 30  # the default
    assert jobs.prune_finished_results() == 2
    assert _kept() == {recent.task_id, waiting.task_id, running.task_id, lagging.task_id}
    assert Job.objects.filter(pk__in=[old_done.pk, old_failed.pk]).count() == 2  # the history stays

    settings.KAFAAT_JOB_RESULTS_KEEP_DAYS = 3
    assert jobs.prune_finished_results() == 1 and recent.task_id not in _kept()
    assert jobs.prune_finished_results(keep_days=0) == 0  # nothing else is finished
    assert Job.objects.count() == 6


@pytest.mark.django_db
def test_a_failed_job_whose_row_was_pruned_is_still_retried(database_queue, world, monkeypatch):
    retriable = jobs.JobKind(name="test.retriable", label="retriable", run=lambda job, progress: None,
                             retry=lambda job: None)  # fmt: skip
    monkeypatch.setitem(jobs.KINDS, retriable.name, retriable)
    job = _attempt("FAILED", 90, kind=retriable.name)
    jobs.prune_finished_results()
    job.refresh_from_db()
    assert not DBTaskResult.objects.filter(id=job.task_id).exists()
    retried = jobs.retry(job, world["users"]["superuser"])
    assert retried.status == Job.Status.QUEUED and DBTaskResult.objects.filter(id=retried.task_id).exists()
    assert jobs.execute(str(job.pk)) == Job.Status.DONE


@pytest.mark.django_db(transaction=True)
def test_a_worker_prunes_when_it_starts(settings, tmp_path):
    environment = {"KAFAAT_JOB_RESULTS_KEEP_DAYS": "10"}
    with contextmanager(shared_queue)(settings, tmp_path, **environment) as env:
        old, recent = _attempt("SUCCESSFUL", 11), _attempt("SUCCESSFUL", 9)
        worker = Worker(env, tmp_path / "worker.log")
        try:
            wait_for(lambda: old.task_id not in _kept(), 60, worker, "the old row was not pruned")
            # Stopped once it polls (a signal before it has set its handlers would kill it outright).
            wait_for(lambda: "Starting worker" in worker.log.read_text(), 60, worker, "it did not start")
        finally:
            assert worker.stop() == 0
        assert recent.task_id in _kept() and Job.objects.filter(pk=old.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_loop_prunes_once_a_period(monkeypatch):
    pruned, stop = [], threading.Event()

    def prune(worker_id: str) -> None:
        pruned.append(worker_id)
        if len(pruned) == 2:
            stop.set()

    monkeypatch.setattr(worker_command, "BEAT_SECONDS", 0.01)
    monkeypatch.setattr(worker_command, "PRUNE_EVERY_SECONDS", 0.2)
    monkeypatch.setattr(worker_command, "_prune", prune)
    started = timezone.now()
    worker_command._beat("test-worker", stop)  # returns once the second pruning set `stop`
    assert pruned == ["test-worker", "test-worker"]
    assert timezone.now() - started >= timezone.timedelta(seconds=0.4)  # not at every beat: once a period
