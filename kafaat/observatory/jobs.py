"""The observatory's background jobs: the warehouse refresh, then the dashboard's prewarm of the new snapshot;
and open-data publication (its own module: `publication.jobs`).

Registered from the app's ready(); started by `services.start_refresh`, `dashboard.prewarm_in_background` and
`publication.start_publishing`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kafaat.core import jobs
from kafaat.core.models import Job
from kafaat.observatory import dashboard, publication, services
from kafaat.observatory.dashboard.cache import snapshot_version
from kafaat.observatory.dashboard.prewarm import PREWARM_JOB, queue_prewarm
from kafaat.observatory.models import Snapshot


def _refresh(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    record = services.execute(
        Snapshot.objects.get(pk=job.target),
        full=bool(job.params.get("full")),
        progress=lambda stage, percent: progress(percent, 100, stage),
    )
    if getattr(settings, "KAFAAT_DASHBOARD_PREWARM", True):
        # The first readers of the new snapshot find its default views: a job of its own, after this one.
        queue_prewarm(snapshot_version(), job.user)
    return jobs.Outcome(message=_("%(rows)s rows in the new snapshot.") % {"rows": record.rows})


def _refresh_failed(job: Job, message: str) -> None:
    Snapshot.objects.filter(pk=job.target, status=Snapshot.Status.RUNNING).update(
        status=Snapshot.Status.FAILED, message=message, finished_at=timezone.now()
    )


def _refresh_retry(job: Job) -> None:
    if Snapshot.objects.filter(status=Snapshot.Status.RUNNING).exclude(pk=job.target).exists():
        raise ValidationError(_("The warehouse is already being refreshed."))
    Snapshot.objects.filter(pk=job.target).update(
        status=Snapshot.Status.RUNNING, message="", stage="", percent=0, started_at=timezone.now(),
        finished_at=None,
    )  # fmt: skip


def _prewarm(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    if job.params.get("version") != snapshot_version():
        return jobs.Outcome(message=_("A newer snapshot replaced this one: nothing to prepare."))
    return jobs.Outcome(message=_("%(count)s views prepared.") % {"count": dashboard.prewarm_now()})


def register() -> None:
    publication.register_jobs()
    warehouse = lambda job: reverse("observatory:warehouse")  # noqa: E731
    jobs.register(
        jobs.JobKind(
            name=services.REFRESH_JOB,
            label=gettext_lazy("Warehouse refresh"),
            run=_refresh,
            failed=_refresh_failed,
            retry=_refresh_retry,
            link=warehouse,
        )
    )
    jobs.register(
        jobs.JobKind(
            name=PREWARM_JOB,
            label=gettext_lazy("Dashboard preparation"),
            run=_prewarm,
            retry=lambda job: None,  # it only fills a cache: running it again is harmless
        )
    )
