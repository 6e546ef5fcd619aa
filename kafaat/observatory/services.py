"""Refreshing the warehouse (a job in the worker for the page, inline for the command), the snapshot's status.

The jobs of the observatory (refresh, dashboard prewarm, publication) are registered in `observatory.jobs`."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from kafaat.core import access, audit, jobs
from kafaat.observatory import dashboard, snapshot, warehouse
from kafaat.observatory.models import INTERRUPTED, Snapshot
from kafaat.observatory.permissions import REFRESH_WAREHOUSE

logger = logging.getLogger(__name__)
REFRESH_JOB = "observatory.refresh"
# A refresh that has not reported for this long is taken for dead (the process that ran it stopped).
STALE_AFTER_SECONDS = 3600


def may_refresh(actor) -> bool:
    return access.has_permission(actor, REFRESH_WAREHOUSE)


def latest() -> Snapshot | None:
    return Snapshot.objects.first()


def current_info() -> snapshot.SnapshotInfo | None:
    return snapshot.info()


def start_refresh(actor, *, background: bool = True, full: bool = False, progress=None) -> Snapshot:
    """Start a refresh; refuses a second one while one is running. The command passes actor=None."""
    if actor is not None and not may_refresh(actor):
        raise PermissionDenied
    cutoff = timezone.now() - timezone.timedelta(seconds=STALE_AFTER_SECONDS)
    Snapshot.objects.filter(status=Snapshot.Status.RUNNING, started_at__lt=cutoff).update(
        status=Snapshot.Status.FAILED, message=INTERRUPTED
    )
    if Snapshot.objects.filter(status=Snapshot.Status.RUNNING).exists():
        raise ValidationError(_("The warehouse is already being refreshed."))
    record = Snapshot.objects.create(started_by=actor if getattr(actor, "is_authenticated", False) else None)
    audit.record(audit.Action.CREATE, actor, record, details={"operation": "refresh_warehouse"})
    if background:
        jobs.enqueue(REFRESH_JOB, user=actor, target=record.pk, params={"full": full})
    else:
        execute(record, full=full, progress=progress)
    return record


def execute(record: Snapshot, *, full: bool = False, progress=None) -> Snapshot:
    started = time.monotonic()

    def report(stage: str, percent: int) -> None:
        Snapshot.objects.filter(pk=record.pk).update(stage=stage, percent=percent)
        if progress:
            progress(stage, percent)

    try:
        result = warehouse.refresh(report, full=full)
        record.status, record.taken_at = Snapshot.Status.DONE, result.taken_at
        record.rows, record.decrypted = result.rows, result.decrypted
        record.stage, record.percent = "done", 100
    except Exception as error:
        record.status, record.message = Snapshot.Status.FAILED, str(error)[:2000]
        raise
    finally:
        record.finished_at, record.seconds = timezone.now(), time.monotonic() - started
        record.save()
    return record


def prewarm_dashboard() -> int:
    """The dashboard's default views of the new snapshot computed now, their charts drawn to the disk cache
    that every server process reads (setting KAFAAT_DASHBOARD_PREWARM, default on); 0 when off or failed."""
    if not getattr(settings, "KAFAAT_DASHBOARD_PREWARM", True):
        return 0
    try:
        return dashboard.prewarm_now()
    except Exception:  # a cache filler: the pages compute what it could not; the log says why
        logger.exception("Prewarming the observatory dashboard failed")
        return 0
