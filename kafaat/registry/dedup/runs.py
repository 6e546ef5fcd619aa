"""The batch deduplication as the review page follows it: the latest run and how far its job got.

The run itself is a job in the worker (`services.start_run`); its progress is the job's (`jobs.live_progress`,
fresh from the cache while it runs), so the page can poll it instead of being reloaded.
"""

from __future__ import annotations

from dataclasses import dataclass

from kafaat.core import jobs
from kafaat.core.models import Job
from kafaat.registry.dedup.services import JOB_KIND
from kafaat.registry.models import LinkageRun


@dataclass(frozen=True)
class RunState:
    run: LinkageRun | None  # the latest run (None: never run)
    queued: bool  # its job waits for a worker
    stage: str  # what it does now (while running)
    percent: int | None  # how far it got (while running; None: not known yet)

    @property
    def running(self) -> bool:
        return self.run is not None and self.run.status == LinkageRun.Status.RUNNING


def latest() -> RunState:
    """The latest deduplication run and, while it runs, its job's progress."""
    run = LinkageRun.objects.first()
    if run is None or run.status != LinkageRun.Status.RUNNING:
        return RunState(run, False, "", None)
    job = Job.objects.filter(kind=JOB_KIND, target=str(run.pk)).order_by("-created_at").first()
    if job is None:  # run inline (the command): no job to follow
        return RunState(run, False, "", None)
    stage, done, total = jobs.live_progress(job)
    percent = round(100 * done / total) if total else None
    return RunState(run, job.status == Job.Status.QUEUED, stage, percent)
