"""`/health/` for monitoring: is the database reachable, how old is the warehouse snapshot, what is waiting.

A monitor calls it without signing in, every minute or so: it answers counts and ages only (never a name, an
id or an organisation), reads a handful of rows, and is not audited (no personal data is read).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from kafaat.core.models import Job, WorkerHeartbeat


def _age(moment) -> int | None:
    return None if moment is None else max(0, int((timezone.now() - moment).total_seconds()))


def report() -> tuple[dict[str, Any], bool]:
    """The health document and whether the database answered (the HTTP status follows it)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        document = {"status": "ok", "database": {"reachable": True}}
        document["warehouse"] = _warehouse()
        document["jobs"] = _jobs()
    except DatabaseError:
        return {"status": "unavailable", "database": {"reachable": False}}, False
    return document, True


def _warehouse() -> dict[str, Any]:
    # Through the app registry: the observatory's models are loaded already, its heavy modules are not needed.
    snapshot = apps.get_model("observatory", "Snapshot")
    latest = snapshot.objects.filter(status="done", taken_at__isnull=False).order_by("-taken_at").first()
    running = snapshot.objects.filter(status="running").count()
    last = snapshot.objects.order_by("-started_at", "-id").values_list("status", flat=True).first()
    return {
        "snapshot_age_seconds": _age(latest.taken_at) if latest else None,
        "refreshing": running,
        "last_refresh_failed": last == "failed",
    }


def _jobs() -> dict[str, Any]:
    """The worker's backlog: jobs waiting and running, how long the oldest has waited, workers alive (a
    backlog with no worker alive is what a monitor should alert on)."""
    waiting = Job.objects.exclude(status__in=Job.FINISHED)
    queued = waiting.filter(status=Job.Status.QUEUED)
    oldest = queued.order_by("created_at").values_list("created_at", flat=True)
    alive_since = timezone.now() - timezone.timedelta(seconds=settings.KAFAAT_WORKER_LOST_AFTER_SECONDS)
    return {
        "queued": queued.count(),
        "running": waiting.filter(status=Job.Status.RUNNING).count(),
        "oldest_waiting_seconds": _age(oldest.first()),
        "workers": WorkerHeartbeat.objects.filter(seen_at__gte=alive_since).count(),
    }
