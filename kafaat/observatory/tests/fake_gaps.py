"""A stand-in for kafaat.observatory.gaps with the contract's shapes and hand-set figures (tests only).

Region MA-02 (Oriental) in 2025: three provinces × two occupation groups and two sectors. Nador's graduates in
group 72 are 3: a small cell that must be published as the marker, with secondary suppression around it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language

from kafaat.observatory.disclosure import published_table  # noqa: F401 — the real ones: they fit any GapRow
from kafaat.observatory.gaps import GapError  # noqa: F401

YEARS = [2023, 2024, 2025]
PROVINCES = {"02.411": "Oujda-Angad", "02.381": "Nador", "02.113": "Berkane"}
REGIONS = {"MA-02": "Oriental", "MA-01": "Tanger-Tétouan-Al Hoceima"}
GROUP_NAMES = {
    "occupation": {"72": ("Métiers de la métallurgie", "حرف التعدين", "Metal trades"),
                   "51": ("Services aux particuliers", "خدمات شخصية", "Personal services")},
    "sector": {"IND": ("Industrie", "الصناعة", "Industry"), "TOU": ("Tourisme", "السياحة", "Tourism")},
}  # fmt: skip
# (territory, group) -> graduates, graduates_women, vacancies, hires, hires_women   (2025, occupation)
OCCUPATION = {
    ("02.411", "72"): (40, 12, 30, 10, 3),
    ("02.411", "51"): (25, 20, 15, 8, 6),
    ("02.381", "72"): (3, 1, 12, 0, 0),
    ("02.381", "51"): (18, 10, 9, 6, 5),
    ("02.113", "72"): (22, 7, 20, 7, 2),
    ("02.113", "51"): (30, 15, 14, 9, 4),
}
SECTOR = {
    ("02.411", "IND"): (40, 12, 30, 10, 3),
    ("02.411", "TOU"): (25, 20, 15, 8, 6),
    ("02.381", "IND"): (3, 1, 12, 0, 0),
    ("02.381", "TOU"): (18, 10, 9, 6, 5),
    ("02.113", "IND"): (22, 7, 20, 7, 2),
    ("02.113", "TOU"): (30, 15, 14, 9, 4),
}
UNALLOCATED_VACANCIES = 0  # tests set it: vacancies of the region that no province holds
YOUTH = {"02.411": 90_000, "02.381": 110_000, "02.113": 45_000}
# Person-level data that must never reach a package (it is not even in the gap contract).
PERSON_NAMES = ("Fatima Zahra Benali", "فاطمة الزهراء بنعلي")


@dataclass(frozen=True)
class GapRow:
    year: int
    level: str
    territory_code: str
    territory_name: str
    dimension: str
    group_code: str
    group_name: str
    graduates: int
    graduates_women: int
    vacancies: int
    hires: int
    hires_women: int
    ratio: float | None
    mismatch: float | None
    location_quotient: float | None
    placement_rate: float | None
    women_share_graduates: float | None
    women_share_hires: float | None
    youth_population: int | None
    coverage: float | None
    certified: int = 0
    placed: int = 0


@dataclass(frozen=True)
class ProjectionRow:
    year: int
    supply: float
    supply_low: float
    supply_high: float
    demand: float
    demand_low: float
    demand_high: float
    observed: bool
    method: str


def _name(dimension: str, group: str) -> str:
    fr, ar, en = GROUP_NAMES[dimension][group]
    return {"ar": ar, "en": en}.get((get_language() or "fr")[:2], fr)


def _row(year, level, territory, name, dimension, group, counts, youth):
    g, gw, d, h, hw = counts
    return GapRow(year, level, territory, name, dimension, group, _name(dimension, group), g, gw, d, h, hw,
                  g / d if d else None, (g - d) / (g + d) if g + d else None, 1.0, 0.5 if g else None,
                  gw / g if g else None, hw / h if h else None, youth, g * 1000 / youth if youth else None,
                  h + 6, h)  # fmt: skip


def _table(year: int, dimension: str) -> dict:
    data = OCCUPATION if dimension == "occupation" else SECTOR
    factor = {2023: 0.8, 2024: 0.9, 2025: 1.0}[year]
    return {k: tuple(round(v * factor) for v in counts) for k, counts in data.items()}


REFUSE = (
    ""  # tests set it: gap_table refuses with this message, as the engine does a request it cannot answer
)


def gap_table(year, *, level="region", region=None, dimension="occupation"):
    if REFUSE:
        raise GapError(REFUSE)
    if year not in YEARS:
        return []
    data = _table(year, dimension)
    if level == "province":
        if region not in (None, "MA-02"):
            return []
        return [
            _row(year, "province", t, PROVINCES[t], dimension, g, c, YOUTH[t]) for (t, g), c in data.items()
        ]
    rows = []
    for code in [region] if region else list(REGIONS):
        if code != "MA-02":
            continue
        for group in GROUP_NAMES[dimension]:
            sums = tuple(map(sum, zip(*(c for (t, g), c in data.items() if g == group), strict=True)))
            if group == "72" and dimension == "occupation":  # vacancies placed in the region only
                sums = (*sums[:2], sums[2] + UNALLOCATED_VACANCIES, *sums[3:])
            rows.append(
                _row(year, "region", code, REGIONS[code], dimension, group, sums, sum(YOUTH.values()))
            )
    return rows


def projection(*, level, territory_code, dimension, group_code, horizon=3):
    out = []
    for year in YEARS:
        rows = gap_table(
            year, level=level, region=territory_code if level == "region" else None, dimension=dimension
        )
        row = next(
            (r for r in rows if r.territory_code == territory_code and r.group_code == group_code), None
        )
        s, d = (row.graduates, row.vacancies) if row else (0, 0)
        out.append(ProjectionRow(year, s, s, s, d, d, d, True, "linear"))
    last = out[-1]
    for step in range(1, horizon + 1):
        s, d = last.supply * (1 + 0.1 * step), last.demand * (1 + 0.05 * step)
        out.append(ProjectionRow(YEARS[-1] + step, s, s * 0.8, s * 1.2, d, d * 0.8, d * 1.2, False, "linear"))
    return out


def years_available():
    return list(YEARS)
