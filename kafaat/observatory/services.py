"""Refreshing the warehouse (in a thread for the page, inline for the command) and the snapshot's status."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections
from django.utils import timezone
from django.utils.translation import gettext as _

from kafaat.core import access, audit
from kafaat.observatory import dashboard, snapshot, warehouse
from kafaat.observatory.models import Snapshot
from kafaat.observatory.permissions import REFRESH_WAREHOUSE

logger = logging.getLogger(__name__)
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
        status=Snapshot.Status.FAILED, message="interrupted"
    )
    if Snapshot.objects.filter(status=Snapshot.Status.RUNNING).exists():
        raise ValidationError(_("The warehouse is already being refreshed."))
    record = Snapshot.objects.create(started_by=actor if getattr(actor, "is_authenticated", False) else None)
    audit.record(audit.Action.CREATE, actor, record, details={"operation": "refresh_warehouse"})
    if background:
        threading.Thread(target=_run_in_thread, args=(record.pk, full), daemon=True).start()
    else:
        execute(record, full=full, progress=progress)
    return record


def _run_in_thread(record_id: int, full: bool) -> None:
    close_old_connections()
    try:
        execute(Snapshot.objects.get(pk=record_id), full=full)
    except Exception:  # noqa: S110 — the record says what failed; a thread has no one to raise to
        pass
    else:
        prewarm_dashboard()  # in this thread: the first readers of the new snapshot find its default views
    finally:
        close_old_connections()


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
