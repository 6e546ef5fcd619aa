"""Open-data endpoints: the list of published packages (public: no authentication); publishing (analysts)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status

from kafaat.observatory.publication import service as publication
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
    region: str
    year: int


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


@router.post("/open-data/packages", response={201: PackageOut})
def publish_package(request: HttpRequest, payload: PublishIn):
    """Publish a new version of a region's (or MA: the country's) package for a year (analysts)."""
    return Status(201, _out(publication.publish(request.user, payload.region, payload.year)))
