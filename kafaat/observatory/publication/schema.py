"""The description of an open-data package: each resource's Table Schema and the methodology note (fr/ar/en).

Split from ``service.py``; ``package.py`` writes and validates the package with these
descriptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kafaat.observatory.disclosure import PUBLISHED_COUNTS
from kafaat.results.suppression import MARKER, THRESHOLD

if TYPE_CHECKING:
    from kafaat.core.models import Territory

LANGUAGES = ("fr", "ar", "en")
HORIZON = 3


# The territory a package covers: the figures' rows and the methodology note both take it (moved here from
# ``figures.py``, which imports this module, so that the note's signature no longer imports it back).
@dataclass(frozen=True)
class Scope:
    code: str  # region code or NATIONAL
    region: Territory | None
    names: dict[str, str]  # language -> name
    child_level: str  # "province" or "region"
    parent_level: str  # "region" or "country"


# --- the schema of each resource ------------------------------------------------------------

# name -> (type, unit, English description); descriptions are translated to fr and ar through the catalogue.
FIELDS: dict[str, tuple[str, str | None, str]] = {
    "year": (
        "integer",
        "year",
        gettext_noop("Year the figures refer to (training year ending in it; vacancies posted in it)."),
    ),
    "level": ("string", None, gettext_noop("Territorial level of the row: country, region or province.")),
    "dimension": (
        "string",
        None,
        gettext_noop("Grouping of the figures: occupation (ISCO-08 sub-major group) or sector."),
    ),
    "territory_code": (
        "string",
        None,
        gettext_noop("Territory code (ISO 3166-2:MA for regions, HCP code for provinces)."),
    ),
    "territory_name_fr": ("string", None, gettext_noop("Territory name in French.")),
    "territory_name_ar": ("string", None, gettext_noop("Territory name in Arabic.")),
    "territory_name_en": ("string", None, gettext_noop("Territory name in English.")),
    "group_code": (
        "string",
        None,
        gettext_noop("ISCO-08 sub-major group (2 digits) or training sector code."),
    ),
    "group_name_fr": ("string", None, gettext_noop("Group name in French.")),
    "group_name_ar": ("string", None, gettext_noop("Group name in Arabic.")),
    "group_name_en": ("string", None, gettext_noop("Group name in English.")),
    "graduates": ("integer", "persons", gettext_noop("Graduates of the year (training supply, S).")),
    "graduates_women": ("integer", "persons", gettext_noop("Women among the graduates.")),
    "vacancies": (
        "integer",
        "positions",
        gettext_noop("Positions in vacancies posted in the year (demand, D); re-posted ads once."),
    ),
    "hires": (
        "integer",
        "persons",
        gettext_noop("Placements recorded in the year (job, internship, self-employment)."),
    ),
    "hires_women": ("integer", "persons", gettext_noop("Women among the placements.")),
    "ratio": (
        "number",
        "graduates per position",
        gettext_noop("Graduates per vacancy position, S / D (empty when D is 0)."),
    ),
    "mismatch": (
        "number",
        "index from -1 to 1",
        gettext_noop("Bounded mismatch (S - D) / (S + D): above 0 surplus, below 0 shortage."),
    ),
    "location_quotient": (
        "number",
        "ratio",
        gettext_noop(
            "Location quotient of demand: the group's share of the territory's demand over its national "
            "share."
        ),
    ),
    "placement_rate": (
        "number",
        "proportion",
        gettext_noop("Share of the year's certified graduates of the pathway cohort who were placed."),
    ),
    "women_share_graduates": ("number", "proportion", gettext_noop("Women's share of the graduates.")),
    "women_share_hires": ("number", "proportion", gettext_noop("Women's share of the placements.")),
    "youth_population": (
        "integer",
        "persons",
        gettext_noop("Young people (HCP, 2024 census), the denominator of coverage."),
    ),
    "coverage": (
        "number",
        "graduates per 1,000 young people",
        gettext_noop("Graduates per 1,000 young people."),
    ),
    "observed": ("boolean", None, gettext_noop("True for an observed year, false for a projected one.")),
    "method": ("string", None, gettext_noop("Projection method.")),
    "supply": ("number", "persons", gettext_noop("Graduates: observed, or projected (central estimate).")),
    "supply_low": ("number", "persons", gettext_noop("Lower bound of the projected graduates.")),
    "supply_high": ("number", "persons", gettext_noop("Upper bound of the projected graduates.")),
    "demand": (
        "number",
        "positions",
        gettext_noop("Vacancy positions: observed, or projected (central estimate)."),
    ),
    "demand_low": ("number", "positions", gettext_noop("Lower bound of the projected vacancy positions.")),
    "demand_high": ("number", "positions", gettext_noop("Upper bound of the projected vacancy positions.")),
}

GAP_FIELDS = [
    "year", "level", "territory_code", "territory_name_fr", "territory_name_ar", "territory_name_en",
    "group_code", "group_name_fr", "group_name_ar", "group_name_en", *PUBLISHED_COUNTS, "ratio", "mismatch",
    "location_quotient", "placement_rate", "women_share_graduates", "women_share_hires", "youth_population",
    "coverage",
]  # fmt: skip
TOTAL_FIELDS = [
    "year", "dimension", "level", "territory_code", "territory_name_fr", "territory_name_ar",
    "territory_name_en",
    *PUBLISHED_COUNTS, "ratio", "mismatch", "women_share_graduates", "women_share_hires", "youth_population",
    "coverage",
]  # fmt: skip
PROJECTION_FIELDS = [
    "dimension", "territory_code", "group_code", "year", "observed", "method",
    "supply", "supply_low", "supply_high", "demand", "demand_low", "demand_high",
]  # fmt: skip


@dataclass(frozen=True)
class ResourceSpec:
    name: str
    fields: list[str]
    primary_key: list[str]
    title: str  # English; translated through the catalogue


RESOURCES = [
    ResourceSpec("gaps_by_occupation", GAP_FIELDS, ["territory_code", "group_code"],
                 gettext_noop("Supply and demand by occupation (ISCO-08 sub-major group) and territory")),
    ResourceSpec("gaps_by_sector", GAP_FIELDS, ["territory_code", "group_code"],
                 gettext_noop("Supply and demand by training sector and territory")),
    ResourceSpec("supply_demand_totals", TOTAL_FIELDS, ["dimension", "territory_code"],
                 gettext_noop("Supply and demand totals by territory")),
    ResourceSpec("projections", PROJECTION_FIELDS, ["dimension", "territory_code", "group_code", "year"],
                 gettext_noop("Projections of supply and demand (next three years)")),
]  # fmt: skip


def translated(message: str) -> dict[str, str]:
    out = {}
    for language in LANGUAGES:
        with translation.override(language):
            out[language] = _(message)
    return out


def table_schema(spec: ResourceSpec) -> dict:
    fields = []
    for name in spec.fields:
        kind, unit, description = FIELDS[name]
        texts = translated(description)
        entry = {
            "name": name,
            "type": kind,
            "description": texts["en"],
            "descriptions": texts,
        }
        if unit:
            entry["unit"] = unit
        if name in spec.primary_key:
            entry["constraints"] = {"required": True}
        elif kind == "integer" and unit in {"persons", "positions"}:
            entry["constraints"] = {"minimum": 0}
        if name.endswith("_ar"):
            entry["rtl"] = True
        fields.append(entry)
    return {"fields": fields, "missingValues": ["", MARKER], "primaryKey": spec.primary_key}


# --- the methodology note ----------------------------------------------------------------------------------


def methodology(
    scope: Scope, year: int, version: int, taken_at: datetime, published_at: datetime, methods: list[str]
) -> dict[str, dict]:
    """The note in each language: a title and sections of paragraphs (the .md files and the page use it)."""
    notes = {}
    for language in LANGUAGES:
        with translation.override(language):
            values = {
                "territory": scope.names[language],
                "year": year,
                "version": version,
                "taken_at": timezone.localtime(taken_at).strftime("%Y-%m-%d %H:%M %Z"),
                "published_at": timezone.localtime(published_at).strftime("%Y-%m-%d %H:%M %Z"),
                "threshold": THRESHOLD,
                "marker": MARKER,
                "methods": ", ".join(sorted(set(methods))) or "—",
                "horizon": HORIZON,
            }
            sections = [
                (_("Sources"), [
                    _("Training supply: the supply statistics of the training establishments (published by the "  # noqa: E501
                      "ministries and OFPPT, and derived from Kafaat's enrolment and certification records)."),  # noqa: E501
                    _("Labour demand: vacancies imported from employment-agency exports and job boards; an ad "  # noqa: E501
                      "posted again by the same employer is counted once."),
                    _("Placements: the job, internship and self-employment steps recorded in Kafaat pathways."),  # noqa: E501
                    _("Young people: population by province from the 2024 general census (HCP, CC BY 4.0)."),
                    _("Every figure comes from the warehouse snapshot taken at %(taken_at)s; the package was "
                      "published at %(published_at)s.") % values,
                ]),
                (_("Formulas"), [
                    _("Graduates per vacancy: S / D, where S is the graduates of the year and D the positions "  # noqa: E501
                      "of the vacancies posted in the year."),
                    _("Bounded mismatch: (S - D) / (S + D), from -1 (only demand) to 1 (only supply)."),
                    _("Location quotient of demand: (D of the group in the territory / D of the territory) / "
                      "(D of the group in the country / D of the country)."),
                    _("Placement rate: certified graduates of the year's pathway cohort who were placed, over "  # noqa: E501
                      "those certified. Women's shares: women over all, for graduates and for placements."),
                    _("Coverage: graduates per 1,000 young people of the territory."),
                    _("Figures of a region are the sums of its provinces; those of the country the sums of its "  # noqa: E501
                      "regions."),
                ]),
                (_("Small-cell suppression"), [
                    _("A count from 1 to %(threshold)s minus one is replaced by %(marker)s (zeros are shown). "  # noqa: E501
                      "Further counts are hidden (secondary suppression) so that no hidden count can be "
                      "recomputed from totals, including the complement of women's counts.") % values,
                    _("A rate or a ratio is hidden (%(marker)s) whenever a count it is computed from is "
                      "hidden. In the CSV files %(marker)s is declared as a missing value of the Table "
                      "Schema.") % values,
                ]),
                (_("Projections"), [
                    _("Supply and demand of the next %(horizon)s years are projected from the yearly series "
                      "(method: %(methods)s), with a low and a high bound. With few observed years the "
                      "interval is wide: read projections as orders of magnitude.") % values,
                    _("Observed values in the projections are suppressed like the counts."),
                ]),
                (_("Licence"), [
                    _("The data are published under the Creative Commons Attribution 4.0 International "
                      "licence (CC BY 4.0): cite \"Kafaat — regional skills observatory\"."),
                    _("The package contains no map geometry and no person-level data."),
                ]),
            ]  # fmt: skip
            notes[language] = {
                "title": _("Skills observatory open data: %(territory)s, %(year)s (version %(version)s)")
                % values,
                "sections": [{"title": title, "paragraphs": paragraphs} for title, paragraphs in sections],
            }
    return notes


def methodology_markdown(note: dict) -> str:
    lines = [f"# {note['title']}", ""]
    for section in note["sections"]:
        lines += [f"## {section['title']}", ""]
        for paragraph in section["paragraphs"]:
            lines += [paragraph, ""]
    return "\n".join(lines)
