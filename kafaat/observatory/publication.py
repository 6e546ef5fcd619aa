"""Open-data publication: a region's (or the country's) gap figures for a year as a Frictionless Data Package.

``publish()`` reads the gap tables and projections (``kafaat.observatory.gaps``, computed on the warehouse
snapshot), protects every count with small-cell suppression (threshold 5 and secondary suppression, linked
across the territory × group tables and the group × sex tables), writes the CSV resources, their Table Schemas
and ``datapackage.json``, an XLSX copy and the methodology note in French, Arabic and English, validates the
package with ``frictionless`` and only then stores it — once, under a new version number, never overwritten.
No person-level data is read or written: the gap tables are aggregates.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import stat
import tempfile
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kafaat.core import access, audit
from kafaat.core.models import Territory
from kafaat.observatory import disclosure, snapshot
from kafaat.observatory.access_rules import PUBLISH_OPEN_DATA
from kafaat.observatory.publication_models import NATIONAL, Publication, PublicationFile
from kafaat.observatory.publication_schema import (
    FIELDS,
    GAP_FIELDS,
    HORIZON,
    LANGUAGES,
    RESOURCES,
    TOTAL_FIELDS,
    ResourceSpec,
    methodology,
    methodology_markdown,
    table_schema,
    translated,
)
from kafaat.results import suppression
from kafaat.results.suppression import MARKER, TOTAL

DIMENSIONS = ("occupation", "sector")
LICENCE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALL_GROUPS = "ALL"

# The counts of the gap table that are published (each one suppressed) and the complements that are protected
# with them but never published (men = all − women), so that "all − women" cannot reveal a small count.
PUBLISHED_COUNTS = disclosure.PUBLISHED_COUNTS
SEXED = disclosure.SEXED
COUNTS = disclosure.COUNTS


class PackageInvalid(ValidationError):
    """frictionless found the package invalid: nothing was stored."""


def _gaps():
    # Imported on use: the gap engine is its own module, and tests may stand in for it.
    from kafaat.observatory import gaps

    return gaps


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
    latest = getattr(_gaps(), "latest_complete_year", None)
    try:
        return latest() if latest else None
    except snapshot.NoSnapshot:
        return None


def years_available() -> list[int]:
    """The years with data in the warehouse snapshot (none when there is no snapshot yet)."""
    try:
        return sorted(int(y) for y in _gaps().years_available())
    except snapshot.NoSnapshot:
        return []


# --- the figures: gap rows, linked suppression --------------------------------------------------


@dataclass
class Figures:
    """The figures of one dimension, keyed by (territory code or TOTAL, group code or TOTAL).

    Every count and whether it is hidden come from the country's protection (kafaat.observatory.disclosure):
    the one rule the dashboard and the API apply too."""

    dimension: str
    scope_code: str  # the parent territory: a region's code, or NATIONAL
    children: list[str]
    groups: list[str]
    group_names: dict[str, dict[str, str]]  # group code -> language -> name
    youth: dict[str, int | None]  # territory code (TOTAL for the parent) -> young people
    location_quotient: dict[tuple[str, str], float | None]
    placement_rate: dict[tuple[str, str], float | None]
    cohort: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)  # (placed, certified)
    protection: disclosure.Protection | None = None

    def where(self, key: tuple[str, str]) -> tuple[str, str]:
        """The protection's key of a package key."""
        row, col = key
        return (self.scope_code if row == TOTAL else row, disclosure.ALL if col == TOTAL else col)

    def value(self, measure: str, key: tuple[str, str]) -> int:
        assert self.protection is not None
        return self.protection.value(measure, *self.where(key))

    def cell(self, measure: str, key: tuple[str, str]) -> suppression.Cell:
        assert self.protection is not None
        return self.protection.cell(measure, *self.where(key))

    def is_hidden(self, measure: str, key: tuple[str, str]) -> bool:
        assert self.protection is not None
        return self.protection.is_hidden(measure, *self.where(key))

    def published(self, key: tuple[str, str]) -> dict:
        """Every published field of an entry, as the dashboard shows it (disclosure.published_fields)."""
        assert self.protection is not None
        return disclosure.published_fields(
            self.protection,
            *self.where(key),
            location_quotient=self.location_quotient.get(key),
            cohort=self.cohort.get(key),
            youth=self.youth.get(key[0]),
        )


def _collect(year: int, region: Territory | None, dimension: str) -> Figures:
    gaps = _gaps()
    level = "region" if region is None else "province"
    code = None if region is None else region.code
    by_language = {}
    for language in LANGUAGES:
        with translation.override(language):
            by_language[language] = gaps.gap_table(year, level=level, region=code, dimension=dimension)
    rows = by_language["fr"]
    youth: dict[str, int | None] = {}
    lq: dict[tuple[str, str], float | None] = {}
    placement: dict[tuple[str, str], float | None] = {}
    cohort: dict[tuple[str, str], tuple[int, int]] = {}
    children, groups = set(), set()
    for row in rows:
        key = (row.territory_code, row.group_code)
        children.add(row.territory_code)
        groups.add(row.group_code)
        if row.youth_population is not None:
            youth[row.territory_code] = row.youth_population
        lq[key], placement[key] = row.location_quotient, row.placement_rate
        cohort[key] = (int(row.placed), int(row.certified))
    known_youth = [youth.get(c) for c in sorted(children)]
    youth[TOTAL] = sum(known_youth) if known_youth and None not in known_youth else None
    protection = disclosure.protection(year, dimension)
    if region is not None:  # the region's own row: its rates; what no province holds is its -NA row
        for row in gaps.gap_table(year, level="region", region=region.code, dimension=dimension):
            if row.territory_code != region.code:
                continue
            key = (TOTAL, row.group_code)
            groups.add(row.group_code)
            lq[key], placement[key] = row.location_quotient, row.placement_rate
            cohort[key] = (int(row.placed), int(row.certified))
            if row.youth_population is not None:
                youth[TOTAL] = row.youth_population
        if unallocated_code(region) in protection.children(region.code):
            children.add(unallocated_code(region))
            youth[unallocated_code(region)] = None
    else:  # the country's row: the regions added up (as the dashboard's national figures)
        for group in groups:
            cells = [cohort[(c, group)] for c in children if (c, group) in cohort]
            cohort[(TOTAL, group)] = (sum(p for p, _c in cells), sum(c for _p, c in cells))
    names: dict[str, dict[str, str]] = {g: {} for g in groups}
    for language, language_rows in by_language.items():
        for row in language_rows:
            names[row.group_code][language] = row.group_name
    for group, named in names.items():
        for language in LANGUAGES:
            if language not in named:
                with translation.override(language):
                    named[language] = gaps.group_name(dimension, group)
    scope_code = NATIONAL if region is None else region.code
    return Figures(
        dimension, scope_code, sorted(children), sorted(groups), names, youth, lq, placement, cohort,
        protection,
    )  # fmt: skip


def unallocated_code(region: Territory) -> str:
    """The row of a region's figures that no province holds (e.g. a vacancy placed in the region only)."""
    return disclosure.unallocated_code(region.code)


# --- rows of the resources --------------------------------------------------------------------------------


def _rounded(value: object) -> object:
    return round(value, 4) if isinstance(value, float) else value


@dataclass(frozen=True)
class Scope:
    code: str  # region code or NATIONAL
    region: Territory | None
    names: dict[str, str]  # language -> name
    child_level: str  # "province" or "region"
    parent_level: str  # "region" or "country"


def _scope(region: Territory | None) -> Scope:
    if region is None:
        names = {"fr": "Maroc", "ar": "المغرب", "en": "Morocco"}
        return Scope(NATIONAL, None, names, "region", "country")
    names = {lang: getattr(region, f"name_{lang}") or region.name_fr for lang in LANGUAGES}
    return Scope(region.code, region, names, "province", "region")


def _territory_names(codes: Iterable[str]) -> dict[str, dict[str, str]]:
    codes = list(codes)
    found = Territory.objects.filter(code__in=codes)
    names = {t.code: {lang: getattr(t, f"name_{lang}") or t.name_fr for lang in LANGUAGES} for t in found}
    for code in codes:
        if code.endswith(disclosure.UNALLOCATED):
            names[code] = translated(gettext_noop("Not allocated to a province"))
    return names


def gap_rows(year: int, scope: Scope, figures: Figures) -> list[dict]:
    names = _territory_names(figures.children)
    out = []
    for territory in [TOTAL, *figures.children]:
        code = scope.code if territory == TOTAL else territory
        level = scope.parent_level if territory == TOTAL else scope.child_level
        t_names = scope.names if territory == TOTAL else names.get(territory, {})
        for group in figures.groups:
            published = figures.published((territory, group))
            row = {
                "year": year,
                "level": level,
                "territory_code": code,
                **{f"territory_name_{lang}": t_names.get(lang, "") for lang in LANGUAGES},
                "group_code": group,
                **{f"group_name_{lang}": figures.group_names[group].get(lang, "") for lang in LANGUAGES},
                **{name: _rounded(published[name]) for name in GAP_FIELDS if name in published},
            }
            out.append(row)
    return out


def total_rows(year: int, scope: Scope, figures: Figures) -> list[dict]:
    names = _territory_names(figures.children)
    out = []
    for territory in [TOTAL, *figures.children]:
        published = figures.published((territory, TOTAL))
        t_names = scope.names if territory == TOTAL else names.get(territory, {})
        out.append(
            {
                "year": year,
                "dimension": figures.dimension,
                "level": scope.parent_level if territory == TOTAL else scope.child_level,
                "territory_code": scope.code if territory == TOTAL else territory,
                **{f"territory_name_{lang}": t_names.get(lang, "") for lang in LANGUAGES},
                **{name: _rounded(published[name]) for name in TOTAL_FIELDS if name in published},
            }
        )
    return out


def projection_rows(year: int, scope: Scope, figures: Figures) -> list[dict]:
    """Projections of the parent territory (a region, or the country) and, for the country, of each region,
    per group."""
    gaps = _gaps()
    if scope.region is not None:
        targets = [(TOTAL, scope.region.code, "region")]
    else:  # the country's series, then each region's
        targets = [(TOTAL, NATIONAL, "national"), *((t, t, "region") for t in figures.children)]
    out = []
    for territory, code, level in targets:
        for group in figures.groups:
            try:
                series = gaps.projection(
                    level=level,
                    territory_code=code,
                    dimension=figures.dimension,
                    group_code=group,
                    horizon=HORIZON,
                )
            except ValueError:  # gaps.GapError: no series for this group
                continue
            shown, hidden = disclosure.published_projection(
                series, protection=figures.protection, territory=figures.where((territory, group))[0],
                group=group,
            )  # fmt: skip
            for point in shown:
                row = {
                    "dimension": figures.dimension,
                    "territory_code": code,
                    "group_code": group,
                    "year": point.year,
                    "observed": bool(point.observed),
                    "method": point.method,
                }
                for side in ("supply", "demand"):
                    for suffix in ("", "_low", "_high"):
                        value = getattr(point, f"{side}{suffix}")
                        row[f"{side}{suffix}"] = (
                            MARKER
                            if (point.year, side) in hidden
                            else None
                            if value is None
                            else round(value, 1)
                        )
                out.append(row)
    return out


# --- writing, validating and storing -----------------------------------------------------------------------


def _csv(path: Path, fields: list[str], rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell_text(row.get(k)) for k in fields})


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _xlsx(path: Path, resources: list[tuple[ResourceSpec, list[dict]]], notes: dict[str, dict]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    rtl = Alignment(horizontal="right", readingOrder=2)
    for spec, rows in resources:
        sheet = workbook.create_sheet(spec.name[:31])
        sheet.append(spec.fields)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_xlsx_value(row.get(k)) for k in spec.fields])
        for index, name in enumerate(spec.fields, start=1):
            if name.endswith("_ar"):
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.alignment = rtl
        sheet.freeze_panes = "A2"
    titles = {"fr": "Méthodologie", "ar": "المنهجية", "en": "Methodology"}
    for language in LANGUAGES:
        note = notes[language]
        sheet = workbook.create_sheet(titles[language])
        sheet.sheet_view.rightToLeft = language == "ar"
        sheet.column_dimensions["A"].width = 120
        sheet.append([note["title"]])
        sheet["A1"].font = Font(bold=True, size=14)
        for section in note["sections"]:
            sheet.append([])
            sheet.append([section["title"]])
            sheet.cell(sheet.max_row, 1).font = Font(bold=True)
            for paragraph in section["paragraphs"]:
                sheet.append([paragraph])
        sheet.append([])
        with translation.override(language):
            sheet.append([_("Fields")])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        for name, (_kind, _unit, description) in FIELDS.items():
            sheet.append([f"{name}: {translated(description)[language]}"])
        for (cell,) in sheet.iter_rows(min_col=1, max_col=1):
            cell.alignment = Alignment(wrap_text=True, **({"horizontal": "right", "readingOrder": 2}
                                                          if language == "ar" else {}))  # fmt: skip
    workbook.save(path)


def _xlsx_value(value: object) -> object:
    return "" if value is None else value


def validate_package(directory: Path) -> list[str]:
    """The errors frictionless finds in the package of ``directory`` (none: valid)."""
    import frictionless

    report = frictionless.validate(str(directory / "datapackage.json"))
    if report.valid:
        return []
    errors = []
    for task in report.tasks:
        for error in task.errors:
            row = getattr(error, "row_number", None)
            where = f"{task.name}, row {row}" if row else task.name
            errors.append(f"{where}: {error.message}")
    errors += [error.message for error in report.errors]
    return errors or [_("The data package is not valid.")]


@dataclass
class BuiltPackage:
    files: list[tuple[str, str, str]]  # (name, media type, English title)
    methodology: dict[str, dict]
    summary: dict
    package_sha256: str


def write_package(
    directory: Path,
    *,
    scope: Scope,
    year: int,
    version: int,
    taken_at: datetime,
    published_at: datetime,
    figures: dict[str, Figures],
) -> BuiltPackage:
    """Write every file of the package into ``directory`` (an empty folder) and return what was written."""
    resources = [
        (RESOURCES[0], gap_rows(year, scope, figures["occupation"])),
        (RESOURCES[1], gap_rows(year, scope, figures["sector"])),
        (RESOURCES[2], [r for d in DIMENSIONS for r in total_rows(year, scope, figures[d])]),
        (RESOURCES[3], [r for d in DIMENSIONS for r in projection_rows(year, scope, figures[d])]),
    ]
    methods = [r["method"] for r in resources[3][1] if not r["observed"] and r["method"]]
    notes = methodology(scope, year, version, taken_at, published_at, methods)
    files: list[tuple[str, str, str]] = []
    descriptors = []
    for spec, rows in resources:
        name = f"{spec.name}.csv"
        _csv(directory / name, spec.fields, rows)
        titles = translated(spec.title)
        descriptors.append(
            {
                "name": spec.name,
                "path": name,
                "title": titles["en"],
                "titles": titles,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "hash": f"sha256:{sha256_of(directory / name)}",
                "bytes": (directory / name).stat().st_size,
                "schema": table_schema(spec),
            }
        )
        files.append((name, "text/csv", titles["en"]))
    for language in LANGUAGES:
        name = f"methodology.{language}.md"
        (directory / name).write_text(methodology_markdown(notes[language]), encoding="utf-8")
        files.append((name, "text/markdown", notes[language]["title"]))
    xlsx_name = f"kafaat-{scope.code.lower()}-{year}-v{version}.xlsx"
    _xlsx(directory / xlsx_name, resources, notes)
    files.append((xlsx_name, XLSX_MEDIA_TYPE, "XLSX"))
    package = {
        "profile": "tabular-data-package",
        "name": f"kafaat-{scope.code.lower()}-{year}",
        "id": f"kafaat-{scope.code.lower()}-{year}-v{version}",
        "title": notes["en"]["title"],
        "titles": {lang: notes[lang]["title"] for lang in LANGUAGES},
        "description": translated(
            gettext_noop("Training supply against labour demand: gaps, totals and projections.")
        )["en"],
        "version": f"{version}.0.0",
        "created": published_at.isoformat(),
        "licenses": [LICENCE],
        "sources": [
            {"title": "Kafaat warehouse snapshot", "taken_at": taken_at.isoformat()},
            {
                "title": "HCP, Recensement général de la population et de l'habitat 2024",
                "path": "https://www.hcp.ma",
            },
        ],
        "keywords": ["vocational training", "labour demand", "skills gaps", "Morocco", scope.code],
        "resources": descriptors,
    }
    (directory / "datapackage.json").write_text(
        json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    files.insert(0, ("datapackage.json", "application/json", "Data Package descriptor"))
    summary = {
        "rows": {spec.name: len(rows) for spec, rows in resources},
        "suppressed": sum(
            1 for _spec, rows in resources for row in rows for v in row.values() if v == MARKER
        ),
    }
    return BuiltPackage(files, notes, summary, sha256_of(directory / "datapackage.json"))


def open_data_root() -> Path:
    return Path(settings.KAFAAT_OPEN_DATA_DIR)


def _freeze(directory: Path) -> None:
    for path in directory.iterdir():
        path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)


def publish(
    actor, code: str, year: int, *, out: Path | None = None, progress: Callable[[str], None] | None = None
) -> Publication:
    """Build, validate and store a new version of the package of ``code`` (a region, or ``MA``) for ``year``.

    ``actor`` None is the command line. Refuses (ValidationError) an unknown region, a year without data, a
    missing warehouse snapshot, and a package that frictionless finds invalid; nothing is stored then.
    ``out``: also copy the package's files there (the command's --out).
    """
    say = progress or (lambda message: None)
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
    scope = _scope(region)
    say(f"Reading the gap tables of {scope.code} for {year}")
    refused = getattr(_gaps(), "GapError", ValueError)
    try:
        figures = {d: _collect(year, region, d) for d in DIMENSIONS}
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
        say("Writing and validating the package")
        built = write_package(
            work, scope=scope, year=year, version=version, taken_at=info.taken_at, published_at=published_at,
            figures=figures,
        )  # fmt: skip
        errors = validate_package(work)
        if errors:
            raise PackageInvalid([_("The data package is not valid: nothing was published."), *errors[:50]])
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
