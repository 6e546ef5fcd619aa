"""Publishing as a background job: the page and the API check the request at once (`service.check`: the scope,
the permission, the year), then queue the publication; the worker builds, validates and stores the package
(`service.publish`, about 9 s for a region); the job's page and the API's poll follow its `core.Job` row.

The job ends done (its `target` is then the new `Publication`), refused with the reasons `publish` gives (a
package frictionless finds invalid, a permission lost meanwhile), or failed on an unexpected error.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kafaat.core import access, audit, jobs
from kafaat.core.models import Job, Organisation, Territory
from kafaat.observatory.permissions import PUBLISH_OPEN_DATA
from kafaat.observatory.publication import service
from kafaat.observatory.publication.models import NATIONAL, Publication

PUBLISH_JOB = "observatory.publish"


def start_publishing(actor, code: str, year, *, refuse_identical: bool = False) -> Job:
    """Queue the publication of ``code`` (a region, or MA) for ``year`` after the quick checks, which refuse
    at once (PermissionDenied, ValidationError) what the job would refuse anyway. ``refuse_identical``: the
    job ends refused when the package would hold the last version's figures (the page asked first)."""
    region, year = service.check(actor, code, year)
    scope = region.code if region is not None else NATIONAL
    job = jobs.enqueue(
        PUBLISH_JOB,
        user=actor,
        organisation=_organisation_of(actor, region),
        params={"scope": scope, "year": year, "refuse_identical": refuse_identical},
    )
    # Asked here, with the request's address; the package's own event is recorded by the worker once stored.
    audit.record(
        audit.Action.CREATE,
        actor,
        job,
        details={"operation": "queue_open_data", "scope": scope, "year": year},
    )
    return job


def _organisation_of(actor, region: Territory | None) -> Organisation | None:
    """The organisation the actor publishes for (its administrators then see and may retry the job); none
    for a superuser without such a membership: a national job."""
    for membership in access.active_memberships(actor):
        if PUBLISH_OPEN_DATA not in access.ROLE_PERMISSIONS.get(membership.role, {}):
            continue
        scope = membership.territory_scope
        if scope is None or (region is not None and region.path.startswith(scope.path)):
            return membership.organisation
    return None


def publishing_jobs(user) -> QuerySet[Job]:
    """The publication jobs a user may follow: those they asked for, and those the jobs page shows them."""
    managed = jobs.jobs_visible_to(user).filter(kind=PUBLISH_JOB).values("pk")
    mine = Q(user=user) if getattr(user, "is_authenticated", False) else Q(pk__in=[])
    return Job.objects.filter(kind=PUBLISH_JOB).filter(mine | Q(pk__in=managed)).select_related("user")


def publishing_job(user, job_id) -> Job:
    """A publication job the user may follow, else OutOfScope (a 404 recorded as a denial)."""
    return access.in_scope_or_404(publishing_jobs(user), pk=job_id)


def package_of(job: Job) -> Publication | None:
    """The package a finished job published."""
    if job.status != Job.Status.DONE or not job.target:
        return None
    return (
        Publication.objects.select_related("territory")
        .prefetch_related("files")
        .filter(pk=job.target)
        .first()
    )


def _run(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    if job.user is None:  # the account was deleted: nobody's permission to publish under
        return jobs.Outcome(
            Job.Status.REFUSED, _("The account that asked for this package no longer exists.")
        )
    try:
        package = service.publish(
            job.user,
            job.params.get("scope", ""),
            job.params.get("year"),
            progress=progress,
            refuse_identical=bool(job.params.get("refuse_identical")),
        )
    except PermissionDenied:
        return jobs.Outcome(
            Job.Status.REFUSED, _("You may no longer publish this package: nothing was published.")
        )
    except ValidationError as error:  # an invalid package, a year gone from a new snapshot…: nothing stored
        return jobs.Outcome(Job.Status.REFUSED, " ".join(error.messages))
    # The last step's progress too: Progress leaves the row alone inside a transaction (an immediate job's).
    Job.objects.filter(pk=job.pk).update(
        target=str(package.pk), stage=_("Package published"), done=service.STEPS, total=service.STEPS
    )
    return jobs.Outcome(message=_("Package published: version %(version)s.") % {"version": package.version})


def _retry(job: Job) -> None:
    if job.target:  # its package was stored before the job could end: retrying would publish another version
        raise ValidationError(_("This package was published: publish again from the page for a new version."))


def register_jobs() -> None:
    jobs.register(
        jobs.JobKind(
            name=PUBLISH_JOB,
            label=gettext_lazy("Open-data publication"),
            run=_run,
            retry=_retry,
            link=lambda job: reverse("open_data:publish_job", args=[job.pk]),
        )
    )
