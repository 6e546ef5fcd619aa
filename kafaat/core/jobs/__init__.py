"""Background jobs: every long operation runs in the worker (`python -m kafaat worker`), not a web thread.

Public entry points: an app registers each kind of job it runs (`register`, a `JobKind`) and starts one with
`enqueue`; `live_progress`, `retry`, `reap_lost_jobs` and the rest follow them; `start_worker_process` runs
the worker beside another command (the demo); `prune_finished_results` deletes the queue's old finished rows
(the worker calls it hourly). The parts: `queue` (the framework, on django-tasks' database backend),
`pruning`, `worker_process`, and `views` (the jobs page, reached through `kafaat.core.urls`).
"""

from kafaat.core.jobs.pruning import prune_finished_results
from kafaat.core.jobs.queue import (
    KINDS,
    MANAGE_JOBS,
    PROBE,
    JobHook,
    JobKind,
    JobsOverview,
    Outcome,
    Progress,
    RunJob,
    backlog,
    enqueue,
    execute,
    failure_message,
    failures_of,
    jobs_overview,
    jobs_visible_to,
    label_of,
    link_of,
    live_progress,
    may_manage,
    reap_lost_jobs,
    register,
    retry,
    run_job,
    worker_alive,
)
from kafaat.core.jobs.worker_process import start_worker_process, stop_worker_process

__all__ = [
    "KINDS",
    "MANAGE_JOBS",
    "PROBE",
    "JobHook",
    "JobKind",
    "JobsOverview",
    "Outcome",
    "Progress",
    "RunJob",
    "backlog",
    "enqueue",
    "execute",
    "failure_message",
    "failures_of",
    "jobs_overview",
    "jobs_visible_to",
    "label_of",
    "link_of",
    "live_progress",
    "may_manage",
    "prune_finished_results",
    "reap_lost_jobs",
    "register",
    "retry",
    "run_job",
    "start_worker_process",
    "stop_worker_process",
    "worker_alive",
]
