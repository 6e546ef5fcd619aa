"""Deriving the supply statistics again as a background job: "Derive again" on the import page, a mapping
saved on an establishment's page and `POST /api/training/derive` check the permission in the request (a
refusal is an immediate 403 and queues nothing), then queue the derivation; the worker reads every
enrolment and certification step (benchmarks/derive_supply.py) and writes the differences; the job's page
and the API's poll follow its `core.Job` row, which keeps the derivation's report in `params["report"]`.

The job ends done (the report in its message), refused (the account that asked lost the right meanwhile, or
no longer exists), or failed on an unexpected error (nothing written: the derivation is one transaction, and
an administrator may retry it). A derivation already waiting for the worker is not queued twice: it will read
the steps as they are when it starts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kafaat.core import access, audit, jobs
from kafaat.core.models import Job
from kafaat.training import derivation
from kafaat.training.access_rules import CHANGE_ESTABLISHMENT

DERIVE_JOB = "training.derive"
# Two derivations never write at once (two workers): the second waits for the first's transaction.
_ADVISORY_LOCK = 0x6B61666161740D  # "kafaat" + 13: any constant no other lock of the project uses


@dataclass(frozen=True)
class DerivationReport:
    """What a finished derivation says (kept in the job's params, shown by the page and the API)."""

    created: int
    updated: int
    deleted: int
    enrolments_matched: int
    enrolments_unmatched: int

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


def start_derivation(actor) -> Job:
    """Queue a derivation of every supply statistic from the steps, or give back the one already waiting.
    PermissionDenied at once for a user who may not edit establishments."""
    if not access.has_permission(actor, CHANGE_ESTABLISHMENT):
        raise access.Refused(CHANGE_ESTABLISHMENT)
    # Only one the actor may follow (theirs, or one the jobs page shows them): its page must open for them.
    waiting = derivation_jobs(actor).filter(status=Job.Status.QUEUED).order_by("created_at").first()
    if waiting is not None:
        return waiting
    job = jobs.enqueue(DERIVE_JOB, user=actor, organisation=_organisation_of(actor))
    audit.record(audit.Action.CREATE, actor, job, details={"operation": "queue_supply_derivation"})
    return job


def _organisation_of(actor):
    """The organisation the derivation is asked for (its administrators then see and may retry the job):
    the actor's first membership that may edit establishments; none for a superuser: a national job."""
    if getattr(actor, "is_superuser", False):
        return None
    return access.organisations_where(actor, CHANGE_ESTABLISHMENT).order_by("pk").first()


def derivation_jobs(user) -> QuerySet[Job]:
    """The derivation jobs a user may follow: those they asked for, and those the jobs page shows them."""
    managed = jobs.jobs_visible_to(user).filter(kind=DERIVE_JOB).values("pk")
    mine = Q(user=user) if getattr(user, "is_authenticated", False) else Q(pk__in=[])
    return Job.objects.filter(kind=DERIVE_JOB).filter(mine | Q(pk__in=managed)).select_related("user")


def derivation_job(user, job_id) -> Job:
    """A derivation job the user may follow, else OutOfScope (a 404 recorded as a denial)."""
    return access.in_scope_or_404(derivation_jobs(user), pk=job_id)


def report_of(job: Job) -> DerivationReport | None:
    """The report of a finished derivation."""
    report: dict[str, Any] | None = job.params.get("report") if job.status == Job.Status.DONE else None
    return DerivationReport(**report) if report else None


def summary(report: DerivationReport) -> str:
    return _(
        "Statistics derived from %(matched)s enrolments: %(changed)s rows changed; %(unmatched)s "
        "enrolments name no known programme."
    ) % {
        "matched": report.enrolments_matched,
        "changed": report.changed,
        "unmatched": report.enrolments_unmatched,
    }


def _serialised() -> None:
    if connection.vendor == "postgresql":  # SQLite serialises writers by itself
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK])


def _run(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    if job.user is None:  # the account was deleted: nobody's permission to derive under
        no_account = _("The account that asked for this derivation no longer exists.")
        return jobs.Outcome(Job.Status.REFUSED, no_account)
    last: list[tuple[int, int, str]] = []

    def reported(done: int, total: int, stage: str) -> None:
        progress(done, total, stage)
        last[:] = [(done, total, stage)]

    try:
        with transaction.atomic():
            _serialised()
            found = derivation.derive_supply(job.user, progress=reported)
    except PermissionDenied:
        return jobs.Outcome(
            Job.Status.REFUSED, _("You may no longer edit the training statistics: nothing was derived.")
        )
    report = DerivationReport(
        created=found.created,
        updated=found.updated,
        deleted=found.deleted,
        enrolments_matched=found.enrolments_matched,
        enrolments_unmatched=found.enrolments_unmatched,
    )
    # The last progress too: Progress leaves the row alone inside the derivation's transaction.
    done, total, stage = last[0] if last else (0, 0, "")
    Job.objects.filter(pk=job.pk).update(
        params={**job.params, "report": asdict(report)}, stage=stage[:100], done=done, total=total
    )
    return jobs.Outcome(message=summary(report))


def _retry(job: Job) -> None:
    """Nothing to ready: a failed derivation wrote nothing, and a derivation writes only differences."""
    Job.objects.filter(pk=job.pk).update(params={k: v for k, v in job.params.items() if k != "report"})


def register_jobs() -> None:
    """From TrainingConfig.ready(): the derivation's job kind (retried as is: it writes only differences)."""
    jobs.register(
        jobs.JobKind(
            name=DERIVE_JOB,
            label=gettext_lazy("Derivation of supply statistics"),
            run=_run,
            retry=_retry,
            link=lambda job: reverse("training:derive_job", args=[job.pk]),
        )
    )
