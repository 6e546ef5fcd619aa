"""Pruning the queue's finished rows: django-tasks' database backend keeps a row per attempt (its arguments,
its result, a traceback for a failure) for ever. The worker deletes the finished ones older than
KAFAAT_JOB_RESULTS_KEEP_DAYS (default 30) once an hour.

`core.Job` rows are kept: one small row per job (no personal data), the history the jobs page shows and the
one a failed job is retried from; a retry queues a new attempt, so it never needs the old attempt's row.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import timezone

from kafaat.core.models import Job

logger = logging.getLogger("kafaat.jobs")


def prune_finished_results(keep_days: int | None = None) -> int:
    """Delete the queue's finished rows (succeeded or failed) that ended more than `keep_days` ago (default:
    KAFAAT_JOB_RESULTS_KEEP_DAYS); rows still waiting or running, and the attempt a running job is on, are
    kept. Returns how many were deleted."""
    from django_tasks_db.models import DBTaskResult  # the worker's table: only where that backend is used

    days = settings.KAFAAT_JOB_RESULTS_KEEP_DAYS if keep_days is None else keep_days
    cutoff = timezone.now() - timezone.timedelta(days=max(0, int(days)))
    running = Job.objects.filter(status__in=(Job.Status.QUEUED, Job.Status.RUNNING)).exclude(task_id="")
    old = DBTaskResult.objects.finished().filter(finished_at__lte=cutoff)
    deleted, _by_model = old.exclude(id__in=list(running.values_list("task_id", flat=True))).delete()
    if deleted:
        logger.info("pruned %s finished task rows older than %s days", deleted, days)
    return deleted
