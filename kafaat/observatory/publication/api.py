"""Open-data endpoints: the list of published packages (public: no authentication); publishing (analysts),
which queues a job (202 with the address to poll) and answers its progress, then the package."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from kafaat.core import jobs
from kafaat.core.models import Job
from kafaat.observatory import publication
from kafaat.observatory.publication.models import Publication

router = Router(tags=["open data"])


class FileOut(Schema):
    name: str
    media_type: str
    size: int
    sha256: str
    url: str


class PackageOut(Schema):
    territory_code: str
    territory_name: str
    year: int
    version: int
    snapshot_taken_at: datetime
    published_at: datetime
    package_sha256: str
    url: str
    files: list[FileOut]


class PublishIn(Schema):
    region: str = Field(..., max_length=20, description="a region code (e.g. MA-02), or MA for the country")
    year: int = Field(..., ge=1900, le=2100)


class PublishJobOut(Schema):
    id: UUID
    status: Literal["queued", "running", "done", "refused", "failed"]
    region: str
    year: int
    stage: str = Field(description="what the job does now (in the language of the request that queued it)")
    done: int = Field(description="steps done")
    total: int = Field(description="steps in all")
    message: str = Field(description="done: the summary; refused: the reasons; failed: the error's reference")
    created_at: datetime
    finished_at: datetime | None
    url: str = Field(description="this job's address: poll it until the status is done, refused or failed")
    package_url: str | None = Field(description="the published package's public page, once done")
    package: PackageOut | None = Field(description="the published package, once done")


def _out(package: Publication) -> PackageOut:
    args = (package.scope_code, package.year, package.version)
    return PackageOut(
        territory_code=package.scope_code,
        territory_name=package.territory_name,
        year=package.year,
        version=package.version,
        snapshot_taken_at=package.snapshot_taken_at,
        published_at=package.published_at,
        package_sha256=package.package_sha256,
        url=reverse("open_data:detail", args=args),
        files=[
            FileOut(
                name=f.name,
                media_type=f.media_type,
                size=f.size,
                sha256=f.sha256,
                url=reverse("open_data:download", args=(*args, f.name)),
            )
            for f in package.files.all()
        ],
    )


@router.get("/open-data/packages", response=list[PackageOut], auth=None)
def list_packages(request: HttpRequest, territory: str | None = None):
    """Every published package (public: no authentication). `territory`: a region code, or MA."""
    return [_out(p) for p in publication.published(territory)]


def _job_out(job: Job) -> PublishJobOut:
    stage, done, total = jobs.live_progress(job)
    package = publication.package_of(job)
    return PublishJobOut(
        id=job.pk,
        status=job.status,
        region=job.params.get("scope", ""),
        year=int(job.params.get("year") or 0),
        stage=stage,
        done=done,
        total=total or publication.STEPS,
        message=job.message,
        created_at=job.created_at,
        finished_at=job.finished_at,
        url=reverse("api:publish_job", args=[job.pk]),
        package_url=_out(package).url if package else None,
        package=_out(package) if package else None,
    )


@router.post("/open-data/packages", response={202: PublishJobOut})
def publish_package(request: HttpRequest, payload: PublishIn, response: HttpResponse):
    """Publish a new version of a region's (or MA: the country's) package for a year (analysts). The scope,
    the permission and the year are checked at once (403, 400); the package is then built by the worker:
    202 with the job, whose `url` answers its progress and, once done, the package."""
    job = publication.start_publishing(request.user, payload.region, payload.year)
    out = _job_out(job)
    response["Location"] = out.url
    return Status(202, out)


@router.get("/open-data/jobs/{job_id}", response=PublishJobOut, url_name="publish_job")
def publish_job(request: HttpRequest, job_id: UUID):
    """A publication's job (the caller's own, or one the jobs page shows them): its progress, then the package
    once done, or the reasons it was refused."""
    return _job_out(publication.publishing_job(request.user, job_id))
