"""The gap engine's terms: levels, dimensions, the rows it returns, its refusals and the groups' names.

Split from ``engine.py``, which computes the rows (gap table, projection); the package re-exports these names
as part of its contract (the dashboard, the API, the publication and the tests' stand-in use it).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal, get_args

from django.utils.translation import get_language

from kafaat.results import suppression

Level = Literal["region", "province"]
ProjectionLevel = Literal["national", "region", "province"]  # projection also has the country's series
NATIONAL = "MA"  # the country's territory code (ISO 3166-1 alpha-2), for level "national"
Dimension = Literal["occupation", "sector"]  # occupation = ISCO-08 sub-major group; sector = training sector
LEVELS: tuple[str, ...] = get_args(Level)
DIMENSIONS: tuple[str, ...] = get_args(Dimension)
ISCO_FILE = Path(__file__).resolve().parents[2] / "labour" / "data" / "isco08.csv"


class GapError(ValueError):
    """A request the snapshot cannot answer: unknown level, dimension, region or group, year without data."""


@dataclass(frozen=True)
class GapRow:
    year: int
    level: Level
    territory_code: str  # core Territory code of the region or province
    territory_name: str  # in the active language
    dimension: Dimension
    group_code: str  # ISCO 2-digit code, or training sector code
    group_name: str  # in the active language
    graduates: int  # supply S
    graduates_women: int
    vacancies: int  # demand D (positions posted in the year, re-posts counted once)
    hires: int  # placements recorded in pathways in the year
    hires_women: int
    ratio: float | None  # S / D  (None when D == 0)
    mismatch: float | None  # (S - D) / (S + D), in [-1, 1]  (None when S + D == 0)
    location_quotient: float | None  # (D_tg / D_t) / (D_g / D_national)
    placement_rate: float | None  # pathway cohort certified in the year: placed / certified
    women_share_graduates: float | None
    women_share_hires: float | None
    youth_population: int | None  # 15-24, estimated from provinces_hcp.csv
    coverage: float | None  # graduates per 1,000 young people
    certified: int = 0  # the placement rate's denominator (pathways cohort), for suppression
    placed: int = 0  # its numerator


@dataclass(frozen=True)
class ProjectionRow:
    year: int
    supply: float | None
    supply_low: float | None
    supply_high: float | None
    demand: float | None
    demand_low: float | None
    demand_high: float | None
    observed: bool  # True: the year's figures; False: projected
    method: str  # how the projected figures were made (same text on every projected row)


@dataclass(frozen=True)
class PublishedGapRow:
    """A GapRow as shown to the public: small counts and what would reveal them are None (MARKER)."""

    year: int
    level: Level
    territory_code: str
    territory_name: str
    dimension: Dimension
    group_code: str
    group_name: str
    graduates: int | None
    graduates_women: int | None
    vacancies: int | None
    hires: int | None
    hires_women: int | None
    ratio: float | None
    mismatch: float | None
    location_quotient: float | None
    placement_rate: float | None
    women_share_graduates: float | None
    women_share_hires: float | None
    youth_population: int | None
    coverage: float | None
    suppressed: frozenset[str] = field(default_factory=frozenset)  # names of the fields hidden

    def text(self, name: str, marker: str = suppression.MARKER) -> str:
        """A field as published: the marker when suppressed, empty when not defined."""
        if name in self.suppressed:
            return marker
        value = getattr(self, name)
        return "" if value is None else str(value)


# --- Names --------------------------------------------------------------------------------------------------


def active_language() -> str:
    language = (get_language() or "fr")[:2]
    return language if language in ("fr", "ar", "en") else "fr"


@cache
def _isco_names() -> dict[str, dict[str, str]]:
    with ISCO_FILE.open(encoding="utf-8") as handle:
        return {
            row["code"]: {"en": row["label_en"], "fr": row["label_fr"], "ar": row["label_ar"]}
            for row in csv.DictReader(handle)
            if len(row["code"]) == 2
        }


@cache
def _sector_names() -> dict[str, dict[str, str]]:
    from kafaat.training.sectors import SECTORS

    return {code: {"fr": fr, "ar": ar, "en": en} for code, fr, ar, en in SECTORS}


def group_name(dimension: Dimension, code: str) -> str:
    names = (_isco_names() if dimension == "occupation" else _sector_names()).get(code)
    if not names:
        return code
    return names.get(active_language()) or names["en"] or code


def group_codes(dimension: Dimension) -> list[str]:
    return sorted(_isco_names() if dimension == "occupation" else _sector_names())
