"""Open-data publication: the figures of a package and the rows of its resources.

Split from ``service.py``, which writes, validates and stores the package. ``collect_figures()`` reads the
gap tables (``kafaat.observatory.gaps``) in each language and the country's protection
(``kafaat.observatory.disclosure``: small-cell suppression, linked across tables); ``gap_rows()``,
``total_rows()`` and ``projection_rows()`` turn them into the rows of the CSV resources.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext_noop

from kafaat.core.models import Territory
from kafaat.observatory import disclosure
from kafaat.observatory.publication.models import NATIONAL
from kafaat.observatory.publication.schema import (
    GAP_FIELDS,
    HORIZON,
    LANGUAGES,
    TOTAL_FIELDS,
    Scope,
    translated,
)
from kafaat.results import suppression
from kafaat.results.suppression import MARKER, TOTAL

DIMENSIONS = ("occupation", "sector")


def gaps_engine():
    # Imported on use: the gap engine is its own module, and tests may stand in for it.
    from kafaat.observatory import gaps

    return gaps


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


def collect_figures(year: int, region: Territory | None, dimension: str) -> Figures:
    gaps = gaps_engine()
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


def scope_of(region: Territory | None) -> Scope:
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
    gaps = gaps_engine()
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
