"""Background jobs: every long operation runs in the worker (`python -m kafaat worker`), not a web thread.

An app registers each kind of job it runs (`register`, from its AppConfig.ready) and starts one with
`enqueue`; the `Job` row says how far it got and how it ended: done, refused with reasons, or failed with a
message. The queue is django-tasks' database backend (docs/decisions/0019-background-jobs.md): a job outlives
a restart of the web server, and the worker that picks it up marks it running. A job whose worker died
(killed, machine restarted) is marked failed by `reap_lost_jobs`; an administrator can `retry` a failed one.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task
from django_tasks.base import TaskContext

from kafaat.core import access, audit
from kafaat.core.models import ImportJob, Job, Organisation, WorkerHeartbeat

logger = logging.getLogger("kafaat.jobs")
MANAGE_JOBS = access.Permission.MANAGE_JOBS
LIVE_SECONDS = 6 * 3600  # how long a job's live progress stays in the cache
SAVE_EVERY = 0.5  # seconds between two writes of a job's progress


@dataclass(frozen=True)
class Outcome:
    """How a job ended when its work returned: done, or refused with the reasons in `message`."""

    status: str = Job.Status.DONE
    message: str = ""


class Progress:
    """A job's progress: into the cache at once (every process reads it, even while the job's transaction
    holds SQLite's write lock), into the job's row at most twice a second when no transaction is open."""

    def __init__(self, job: Job):
        self.job, self.saved_at = job, 0.0

    def __call__(self, done: int, total: int, stage: str = "") -> None:
        cache.set(_live_key(self.job.pk), (str(stage), int(done), int(total)), LIVE_SECONDS)
        now = time.monotonic()
        if now - self.saved_at < SAVE_EVERY and done < total:
            return
        self.saved_at = now
        if not connection.in_atomic_block:
            Job.objects.filter(pk=self.job.pk).update(stage=str(stage)[:100], done=done, total=total)


RunJob = Callable[[Job, Progress], Outcome | None]
JobHook = Callable[[Job, str], None]


@dataclass(frozen=True)
class JobKind:
    """What an app tells the framework about one kind of job.

    `run` does the work and returns its outcome (None: done); an exception fails the job. `failed(job,
    message)` marks the app's own record failed when the job failed outside `run`'s hands (its worker died).
    `retry(job)` readies the app's record for another attempt, or raises ValidationError with the reason it
    cannot be retried. `link(job)` is the URL of the page that follows the job, if any.
    """

    name: str
    label: str | Promise
    run: RunJob
    failed: JobHook | None = None
    retry: Callable[[Job], None] | None = None
    link: Callable[[Job], str] | None = None


KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> None:
    KINDS[kind.name] = kind


def _live_key(job_id: object) -> str:
    return f"kafaat:job:{job_id}"


def live_progress(job: Job) -> tuple[str, int, int]:
    """(stage, done, total) of a job: the freshest of its cache entry and its row."""
    if job.status == Job.Status.RUNNING:
        live = cache.get(_live_key(job.pk))
        if live:
            return live
    return job.stage, job.done, job.total


# --- Starting, running, ending ------------------------------------------------------------------------------


def enqueue(
    kind: str,
    *,
    user=None,
    organisation: Organisation | None = None,
    target: object = "",
    params: dict[str, Any] | None = None,
) -> Job:
    """Queue a job of a registered kind. Its row is written with the caller's transaction, so a job whose
    request failed never runs. (Tests use the immediate backend: the job runs here, before this returns.)"""
    if kind not in KINDS:
        raise LookupError(f"no job kind {kind!r} is registered")
    job = Job.objects.create(
        kind=kind,
        user=user if getattr(user, "is_authenticated", False) else None,
        organisation=organisation,
        target=str(target),
        params=params or {},
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    _send(job)
    job.refresh_from_db()
    return job


def _send(job: Job) -> None:
    result = run_job.enqueue(str(job.pk))
    Job.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id))


@task(takes_context=True)
def run_job(context: TaskContext, job_id: str) -> str:
    """The one task of the queue: run the job `job_id` to its end. Returns its final status."""
    worker_ids = context.task_result.worker_ids
    return execute(job_id, worker=worker_ids[-1] if worker_ids else "")


def execute(job_id: str, *, worker: str = "") -> str:
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING,
        started_at=timezone.now(),
        worker=worker[:64],
        attempts=F("attempts") + 1,
        stage="",
        done=0,
        total=0,
    )
    job = Job.objects.select_related("user", "organisation").get(pk=job_id)
    if not claimed:  # already run, or cancelled by a retry's reset: nothing to do
        return job.status
    kind = KINDS.get(job.kind)
    with translation.override(job.language):
        try:
            if kind is None:
                raise LookupError(f"no job kind {job.kind!r} is registered in this worker")
            outcome = kind.run(job, Progress(job)) or Outcome()
            status, message = outcome.status, str(outcome.message)
        except Exception:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            status, message = Job.Status.FAILED, failure_message(job)
            _call_failed(kind, job, message)
        _finish(job, status, message)
    return status


def failure_message(job: Job) -> str:
    return _("The job failed on an unexpected error. Give the administrator this reference: %(id)s.") % {
        "id": job.pk
    }


def _call_failed(kind: JobKind | None, job: Job, message: str) -> None:
    if kind is None or kind.failed is None:
        return
    try:
        kind.failed(job, message)
    except Exception:  # the job's own row still says it failed
        logger.exception("job %s: its record could not be marked failed", job.pk)


def _finish(job: Job, status: str, message: str) -> None:
    Job.objects.filter(pk=job.pk).update(status=status, message=message, finished_at=timezone.now())
    cache.delete(_live_key(job.pk))


# --- Lost workers -------------------------------------------------------------------------------------------


def worker_alive(worker_id: str) -> bool:
    """Whether the worker that claimed a job still runs: on this machine, its process is asked; elsewhere,
    it must have reported within KAFAAT_WORKER_LOST_AFTER_SECONDS."""
    beat = WorkerHeartbeat.objects.filter(worker_id=worker_id).first()
    if beat is None:
        return False
    if beat.hostname == socket.gethostname():
        try:
            os.kill(beat.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # a process of another user: alive
            return True
        return True
    lost_after = timezone.timedelta(seconds=settings.KAFAAT_WORKER_LOST_AFTER_SECONDS)
    return beat.seen_at >= timezone.now() - lost_after


def reap_lost_jobs() -> list[Job]:
    """Mark failed the running jobs whose worker is gone; returns them. Jobs run by the immediate backend
    (tests) have no worker and are never running once their request returns."""
    from django_tasks_db.models import DBTaskResult  # the worker's table: only where that backend is used

    lost = []
    for job in Job.objects.filter(status=Job.Status.RUNNING).exclude(worker=""):
        if worker_alive(job.worker):
            continue
        with translation.override(job.language):
            message = _(
                "The worker stopped while this job ran (reference %(id)s); nothing of it was kept. An "
                "administrator can retry it."
            ) % {"id": job.pk}
            logger.error("job %s (%s): its worker %s is gone", job.pk, job.kind, job.worker)
            _call_failed(KINDS.get(job.kind), job, message)
        if Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
            status=Job.Status.FAILED, message=message, finished_at=timezone.now()
        ):
            lost.append(job)
        DBTaskResult.objects.filter(id=job.task_id or None, status="RUNNING").update(
            status="FAILED", finished_at=timezone.now(), exception_class_path="kafaat.core.jobs.WorkerLost"
        )
    WorkerHeartbeat.objects.exclude(
        worker_id__in=Job.objects.filter(status=Job.Status.RUNNING).values("worker")
    ).filter(seen_at__lt=timezone.now() - timezone.timedelta(days=1)).delete()
    return lost


# --- What administrators see and do -------------------------------------------------------------------------


def may_manage(user) -> bool:
    return access.has_permission(user, MANAGE_JOBS)


def jobs_visible_to(user) -> QuerySet[Job]:
    """National jobs (no organisation) to superusers; an organisation's jobs to its administrators too."""
    return access.scoped(user, MANAGE_JOBS, Job.objects.select_related("user", "organisation"))


def label_of(job: Job) -> str:
    kind = KINDS.get(job.kind)
    return str(kind.label) if kind else job.kind


def link_of(job: Job) -> str:
    kind = KINDS.get(job.kind)
    return kind.link(job) if kind and kind.link else ""


def retry(job: Job, actor) -> Job:
    """Queue a failed job again (an administrator's button); its app's record is readied first."""
    if not jobs_visible_to(actor).filter(pk=job.pk).exists():
        raise PermissionDenied
    if job.status != Job.Status.FAILED:
        raise ValidationError(_("Only a failed job can be retried."))
    kind = KINDS.get(job.kind)
    if kind is None or kind.retry is None:
        raise ValidationError(_("This kind of job cannot be retried: start it again from its page."))
    kind.retry(job)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.QUEUED,
        message="",
        stage="",
        done=0,
        total=0,
        task_id="",
        worker="",
        started_at=None,
        finished_at=None,
        retried_by=actor,
    )
    audit.record(audit.Action.UPDATE, actor, job, details={"operation": "retry_job", "kind": job.kind})
    _send(job)
    job.refresh_from_db()
    return job


# A job that does nothing: it shows the worker takes and ends jobs (benchmarks/jobs.py, a health probe).
PROBE = JobKind(name="core.probe", label=gettext_lazy("Worker probe"), run=lambda job, progress: None)


def backlog() -> dict[str, int]:
    """How many jobs wait and run: for the health check."""
    return {
        "queued": Job.objects.filter(status=Job.Status.QUEUED).count(),
        "running": Job.objects.filter(status=Job.Status.RUNNING).count(),
    }


# --- What the home page shows (core/pages/core_panels.py) ---------------------------------------------------

FAILURE_DAYS = 7  # how far back the home page looks for failed jobs and imports
LISTED = 5


@dataclass(frozen=True)
class JobsOverview:
    failed: list[Job]  # the newest failures of the last FAILURE_DAYS days, LISTED at most
    failed_count: int
    waiting: int
    running: int
    workers: int  # workers that reported lately


def jobs_overview(user) -> JobsOverview | None:
    """The jobs an administrator follows (`jobs_visible_to`): what failed lately, what waits; None for those
    who may not manage jobs. Three queries whatever the number of jobs."""
    if not may_manage(user):
        return None
    since = timezone.now() - timezone.timedelta(days=FAILURE_DAYS)
    visible = jobs_visible_to(user)
    failed = visible.filter(status=Job.Status.FAILED, created_at__gte=since)
    counts = visible.aggregate(
        failed=Count("pk", filter=Q(status=Job.Status.FAILED, created_at__gte=since)),
        waiting=Count("pk", filter=Q(status=Job.Status.QUEUED)),
        running=Count("pk", filter=Q(status=Job.Status.RUNNING)),
    )
    alive_since = timezone.now() - timezone.timedelta(seconds=settings.KAFAAT_WORKER_LOST_AFTER_SECONDS)
    return JobsOverview(
        failed=list(failed.order_by("-created_at")[:LISTED]),
        failed_count=counts["failed"],
        waiting=counts["waiting"],
        running=counts["running"],
        workers=WorkerHeartbeat.objects.filter(seen_at__gte=alive_since).count(),
    )


def failures_of(user) -> tuple[list[ImportJob], list[Job]]:
    """The user's own imports that failed or were rejected and own jobs that failed, in the last FAILURE_DAYS
    days (LISTED of each, newest first): their pages are the user's own, so every one can be opened. A job
    that ran an import listed is left out, the import says it."""
    since = timezone.now() - timezone.timedelta(days=FAILURE_DAYS)
    imports = list(
        ImportJob.objects.filter(
            user=user,
            created_at__gte=since,
            status__in=(ImportJob.Status.FAILED, ImportJob.Status.REJECTED),
        ).order_by("-created_at")[:LISTED]
    )
    failed = Job.objects.filter(user=user, status=Job.Status.FAILED, created_at__gte=since)
    failed = failed.exclude(pk__in=[i.job_id for i in imports if i.job_id])
    return imports, list(failed.order_by("-created_at")[:LISTED])
