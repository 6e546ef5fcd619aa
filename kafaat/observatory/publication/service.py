"""Open-data publication: a region's (or the country's) gap figures for a year as a Frictionless Data Package.

``publish()`` reads the gap tables and projections (``kafaat.observatory.gaps``, computed on the warehouse
snapshot), protects every count with small-cell suppression (threshold 5 and secondary suppression, linked
across the territory × group tables and the group × sex tables), writes the CSV resources, their Table Schemas
and ``datapackage.json``, an XLSX copy and the methodology note in French, Arabic and English, validates the
package with ``frictionless`` and only then stores it — once, under a new version number, never overwritten.
No person-level data is read or written: the gap tables are aggregates.

This module decides who may publish, stores and lists the packages; the figures and rows come from
``figures.py``, the files are written and validated by ``package.py``.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kafaat.core import access, audit
from kafaat.core.models import Territory
from kafaat.observatory import disclosure, snapshot
from kafaat.observatory.permissions import PUBLISH_OPEN_DATA
from kafaat.observatory.publication import repeat
from kafaat.observatory.publication.figures import (
    DIMENSIONS,
    collect_figures,
    gaps_engine,
    scope_of,
)
from kafaat.observatory.publication.models import NATIONAL, Publication, PublicationFile
from kafaat.observatory.publication.package import sha256_of, validate_package, write_package
from kafaat.observatory.publication.schema import Scope

ALL_GROUPS = "ALL"

# The counts of the gap table that are published (each one suppressed) and the complements that are protected
# with them but never published (men = all − women), so that "all − women" cannot reveal a small count.
PUBLISHED_COUNTS = disclosure.PUBLISHED_COUNTS
SEXED = disclosure.SEXED
COUNTS = disclosure.COUNTS


STEPS = 3  # reading the figures, writing and validating the package, storing it
Progress = Callable[[int, int, str], None]  # (steps done, STEPS, what it does now)


class PackageInvalid(ValidationError):
    """frictionless found the package invalid: nothing was stored."""


# --- who may publish what ----------------------------------------------------------------------------------


def may_publish(actor, territory: Territory | None = None) -> bool:
    """Analysts publish for the regions in their scope; a national scope (or a superuser) for the country."""
    if actor is None:
        return False
    if not access.has_permission(actor, PUBLISH_OPEN_DATA):
        return False
    if getattr(actor, "is_superuser", False) and actor.is_active:
        return True
    if territory is None:  # national: only a membership without territorial limit
        return any(
            m.territory_scope_id is None and PUBLISH_OPEN_DATA in access.ROLE_PERMISSIONS.get(m.role, {})
            for m in access.active_memberships(actor)
        )
    return access.has_permission(actor, PUBLISH_OPEN_DATA, territory)


def may_publish_somewhere(actor) -> bool:
    """Whether the actor holds the publish permission at all (a province scope holds it for no package)."""
    return actor is not None and access.has_permission(actor, PUBLISH_OPEN_DATA)


def publishable_scopes(actor) -> list[tuple[str, str]]:
    """(code, name) of what the actor may publish: the country when allowed, then the regions."""
    scopes = [(NATIONAL, _("Morocco (national)"))] if may_publish(actor, None) else []
    regions = access.scoped(actor, PUBLISH_OPEN_DATA, Territory.objects.filter(level=Territory.Level.REGION))
    return scopes + [(r.code, r.name) for r in regions.order_by("code")]


def resolve_scope(code: str) -> Territory | None:
    """The region of a code (None for the national code); ValidationError for anything else."""
    code = (code or "").strip()
    if code.upper() == NATIONAL:
        return None
    region = Territory.objects.filter(code=code, level=Territory.Level.REGION).first()
    if region is None:
        raise ValidationError(
            _("Unknown region %(code)s: give a region code such as MA-02, or %(national)s for the country.")
            % {"code": code, "national": NATIONAL}
        )
    return region


def default_year() -> int | None:
    """The year to offer first: the last one with complete supply and demand (gaps.latest_complete_year)."""
    latest = getattr(gaps_engine(), "latest_complete_year", None)
    try:
        return latest() if latest else None
    except snapshot.NoSnapshot:
        return None


def years_available() -> list[int]:
    """The years with data in the warehouse snapshot (none when there is no snapshot yet)."""
    try:
        return sorted(int(y) for y in gaps_engine().years_available())
    except snapshot.NoSnapshot:
        return []


def open_data_root() -> Path:
    return Path(settings.KAFAAT_OPEN_DATA_DIR)


def _freeze(directory: Path) -> None:
    for path in directory.iterdir():
        path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)


def check(actor, code: str, year) -> tuple[Territory | None, int]:
    """What a publication needs before its figures are read: a known scope the actor may publish (``actor``
    None: the command line), a year with data in the warehouse snapshot. Returns (region or None for the
    country, year); refuses with PermissionDenied or a ValidationError that says why. Quick (no figures are
    read): the page and the API check this in the request, then queue the publication as a job."""
    region, year, _info = _checked(actor, code, year)
    return region, year


def _checked(actor, code: str, year) -> tuple[Territory | None, int, snapshot.SnapshotInfo]:
    region = resolve_scope(code)
    if actor is not None and not may_publish(actor, region):
        raise PermissionDenied
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError(_("The year must be a number such as 2025.")) from None
    info = snapshot.info()
    if info is None:
        raise ValidationError(
            _(
                "There is no warehouse snapshot yet: refresh the warehouse "
                "(python -m kafaat refresh-warehouse)."
            )
        )
    available = years_available()
    if year not in available:
        raise ValidationError(
            _("No data for %(year)s in the warehouse snapshot (years with data: %(years)s).")
            % {"year": year, "years": ", ".join(map(str, available)) or "—"}
        )
    return region, year, info


def publish(
    actor,
    code: str,
    year,
    *,
    out: Path | None = None,
    progress: Progress | None = None,
    refuse_identical: bool = False,
) -> Publication:
    """Build, validate and store a new version of the package of ``code`` (a region, or ``MA``) for ``year``.

    ``actor`` None is the command line. Refuses (ValidationError) an unknown region, a year without data, a
    missing warehouse snapshot, and a package that frictionless finds invalid; nothing is stored then.
    ``out``: also copy the package's files there (the command's --out). ``progress(done, total, stage)``:
    how far it got, in ``STEPS`` steps (the job's page shows it, the command prints it).
    ``refuse_identical``: refuse (``repeat.IdenticalPackage``) a package whose figures are the last version's
    (the page asks first).
    """
    say = progress or (lambda done, total, stage: None)
    region, year, info = _checked(actor, code, year)
    scope = scope_of(region)
    say(0, STEPS, _("Reading the gap tables of %(scope)s for %(year)s") % {"scope": scope.code, "year": year})
    refused = getattr(gaps_engine(), "GapError", ValueError)
    try:
        figures = {d: collect_figures(year, region, d) for d in DIMENSIONS}
    except refused as error:  # a request the snapshot cannot answer: a 4xx with the engine's message
        raise ValidationError(str(error)) from None
    if not any(figures[d].children and figures[d].groups for d in DIMENSIONS):
        raise ValidationError(
            _("No data for %(territory)s in %(year)s.") % {"territory": scope.names["en"], "year": year}
        )
    version = (
        Publication.objects.filter(scope_code=scope.code, year=year).aggregate(v=Max("version"))["v"] or 0
    ) + 1
    published_at = timezone.now()
    root = open_data_root()
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".publishing-", dir=root))
    try:
        say(1, STEPS, _("Writing and validating the package"))
        built = write_package(
            work, scope=scope, year=year, version=version, taken_at=info.taken_at, published_at=published_at,
            figures=figures,
        )  # fmt: skip
        errors = validate_package(work)
        if errors:
            raise PackageInvalid([_("The data package is not valid: nothing was published."), *errors[:50]])
        if refuse_identical:
            files = [(name, sha256_of(work / name)) for name, _type, _title in built.files]
            repeat.refuse_if_identical(files, latest(scope.code, year))
        say(2, STEPS, _("Storing the package"))
        publication = _store(actor, work, scope, year, version, info.taken_at, published_at, built)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if out is not None:
        _copy_out(publication, Path(out))
    audit.record(
        audit.Action.CREATE,
        actor,
        publication,
        details={"operation": "publish_open_data", "scope": scope.code, "year": year, "version": version},
    )
    say(STEPS, STEPS, _("Package published"))
    return publication


def _store(
    actor, work: Path, scope: Scope, year: int, version: int, taken_at, published_at, built
) -> Publication:
    relative = Path(scope.code) / str(year) / f"v{version}"
    final = open_data_root() / relative
    if final.exists():
        raise ValidationError(
            _("%(path)s already exists: a published package is never overwritten.") % {"path": relative}
        )
    final.parent.mkdir(parents=True, exist_ok=True)
    staged = final.parent / f".v{version}-{uuid.uuid4().hex}"
    shutil.copytree(work, staged)
    try:
        with transaction.atomic():
            publication = Publication.objects.create(
                territory=scope.region,
                scope_code=scope.code,
                year=year,
                version=version,
                snapshot_taken_at=taken_at,
                published_by=actor if getattr(actor, "is_authenticated", False) else None,
                published_at=published_at,
                directory=relative.as_posix(),
                package_sha256=built.package_sha256,
                methodology=built.methodology,
                summary=built.summary,
            )
            for name, media_type, title in built.files:
                PublicationFile.objects.create(
                    publication=publication,
                    name=name,
                    media_type=media_type,
                    size=(staged / name).stat().st_size,
                    sha256=sha256_of(staged / name),
                    title=title[:200],
                )
            os.rename(staged, final)  # fails rather than replace a folder that appeared meanwhile
    except IntegrityError:
        shutil.rmtree(staged, ignore_errors=True)
        raise ValidationError(
            _("Another version of this package was published at the same moment: try again.")
        ) from None
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    _freeze(final)
    return publication


def _copy_out(publication: Publication, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for item in publication.files.all():
        target = out / item.name
        if target.exists():
            raise ValidationError(_("%(path)s exists already: it is not overwritten.") % {"path": target})
    for item in publication.files.all():
        shutil.copyfile(file_path(publication, item.name), out / item.name)


# --- reading what was published ----------------------------------------------------------------------------


def published(code: str | None = None) -> list[Publication]:
    queryset = Publication.objects.select_related("territory").prefetch_related("files")
    if code:
        queryset = queryset.filter(scope_code=code)
    return list(queryset.order_by("scope_code", "-year", "-version"))


def get(code: str, year: int, version: int) -> Publication | None:
    return (
        Publication.objects.select_related("territory")
        .prefetch_related("files")
        .filter(scope_code=code, year=year, version=version)
        .first()
    )


def latest(code: str, year: int) -> Publication | None:
    return Publication.objects.filter(scope_code=code, year=year).order_by("-version").first()


def file_path(publication: Publication, name: str) -> Path:
    """The stored file of a publication, checked against its recorded size (never a path from outside)."""
    item = publication.files.filter(name=name).first()
    if item is None:
        raise FileNotFoundError(name)
    path = open_data_root() / publication.directory / item.name
    if not path.is_file() or path.stat().st_size != item.size:
        raise FileNotFoundError(name)
    return path
