"""National-scale synthetic training supply: establishments, programmes and years of supply statistics.

Vectorised with numpy into pyarrow tables (3,000 establishments, 20,000 programmes and 10 years in under a
second), deterministic from the seed. Establishments are placed by province population, their operators drawn
with the national mix, their programmes taken from the demo's catalogue as the operator allows (an
agricultural institute teaches agriculture); figures follow the shapes of the published tables (growth, a
2020 dip, women's shares by programme). `load_supply` writes the tables into the database for benchmarks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from kafaat.synth.demo import COVID_YEAR, PROGRAMMES
from kafaat.synth.territory_weights import load_territory

# operator type → (share of establishments, name prefix, programme sectors it teaches, capacity)
OPERATOR_MIX = {
    "ofppt": (0.42, "ISTA", None, 900),
    "private": (0.33, "École privée", None, 250),
    "ministry": (0.05, "Centre de formation", None, 300),
    "agriculture": (0.07, "Institut technique agricole", {"agriculture"}, 250),
    "tourism": (0.05, "Institut d'hôtellerie et de tourisme", {"tourism"}, 300),
    "handicraft": (0.06, "Centre de formation artisanale", {"handicraft", "textile"}, 180),
    "fisheries": (0.02, "Institut de technologie des pêches maritimes", {"fisheries"}, 220),
}
TEMPLATES = tuple(PROGRAMMES)  # programme templates: code → (titles, sector, level, mode, months, ISCO, …)


@dataclass
class SupplyTables:
    establishments: pa.Table  # code, name_fr, operator_type, province_code, region_code, capacity
    programmes: pa.Table  # establishment (row index), code, template, title_fr, sector, level, mode, months
    occupations: pa.Table  # programme (row index), isco_code
    statistics: (
        pa.Table
    )  # programme (row index), year, seats, applicants(_women), enrolled(_women), graduates(_women)


def _templates_for(operator_type: str) -> np.ndarray:
    sectors = OPERATOR_MIX[operator_type][2]
    allowed = [i for i, code in enumerate(TEMPLATES) if sectors is None or PROGRAMMES[code][2] in sectors]
    return np.array(allowed, dtype=np.int64)


def generate_supply(
    establishments: int = 3_000,
    programmes: int = 20_000,
    years: int = 10,
    first_year: int = 2015,
    seed: int = 2026,
) -> SupplyTables:
    if programmes < establishments:
        raise ValueError("every establishment has at least one programme: programmes >= establishments")
    rng = np.random.default_rng(seed)
    territory = load_territory()
    province = np.searchsorted(territory.province_cdf(), rng.random(establishments), side="right")
    types = list(OPERATOR_MIX)
    shares = np.array([OPERATOR_MIX[t][0] for t in types])
    operator = rng.choice(len(types), size=establishments, p=shares / shares.sum())
    base_capacity = np.array([OPERATOR_MIX[t][3] for t in types])[operator]
    capacity = np.maximum(40, np.round(base_capacity * rng.lognormal(0.0, 0.35, establishments))).astype(
        np.int64
    )
    prefixes = np.array([OPERATOR_MIX[t][1] for t in types], dtype=object)[operator]
    provinces = np.array(territory.province_codes, dtype=object)[province]
    establishment_table = pa.table(
        {
            "code": [f"EFP-{i:05d}" for i in range(establishments)],
            "name_fr": [
                f"{p} {province} n°{i + 1}"
                for i, (p, province) in enumerate(zip(prefixes, provinces, strict=True))
            ],
            "operator_type": pa.array(np.array(types, dtype=object)[operator], pa.string()),
            "province_code": pa.array(provinces, pa.string()),
            "region_code": pa.array(
                np.array(territory.province_regions, dtype=object)[province], pa.string()
            ),
            "capacity": capacity,
        }
    )
    # Every establishment gets one programme; the rest go to establishments in proportion to capacity.
    extra = rng.choice(establishments, size=programmes - establishments, p=capacity / capacity.sum())
    owner = np.sort(np.concatenate([np.arange(establishments), extra]))
    template = np.empty(programmes, dtype=np.int64)
    for index, operator_type in enumerate(types):
        rows = np.flatnonzero(operator[owner] == index)
        template[rows] = rng.choice(_templates_for(operator_type), size=rows.size)
    rank = np.arange(programmes) - np.searchsorted(owner, owner)  # position within its establishment
    fields = list(zip(*(PROGRAMMES[code] for code in TEMPLATES), strict=True))
    pick = lambda column: np.array(fields[column], dtype=object)[template]  # noqa: E731
    programme_table = pa.table(
        {
            "establishment": owner,
            "code": [
                f"{TEMPLATES[t]}-{r + 1}" for t, r in zip(template.tolist(), rank.tolist(), strict=True)
            ],
            "template": pa.array(np.array(TEMPLATES, dtype=object)[template], pa.string()),
            "title_fr": pa.array(pick(0), pa.string()),
            "title_ar": pa.array(pick(1), pa.string()),
            "sector": pa.array(pick(2), pa.string()),
            "level": pa.array(pick(3), pa.string()),
            "mode": pa.array(pick(4), pa.string()),
            "duration_months": np.array(fields[5], dtype=np.int64)[template],
        }
    )
    isco = [PROGRAMMES[code][6] for code in TEMPLATES]
    counts = np.array([len(codes) for codes in isco])[template]
    occupation_table = pa.table(
        {
            "programme": np.repeat(np.arange(programmes), counts),
            "isco_code": pa.array([code for t in template.tolist() for code in isco[t]], pa.string()),
        }
    )
    return SupplyTables(establishment_table, programme_table, occupation_table,
                        _statistics(rng, template, programmes, years, first_year))  # fmt: skip


def _statistics(rng, template: np.ndarray, programmes: int, years: int, first_year: int) -> pa.Table:
    women_share = np.array([PROGRAMMES[code][7] for code in TEMPLATES])[template]
    base_seats = np.array([PROGRAMMES[code][8] for code in TEMPLATES])[template]
    cohorts = np.maximum(1, np.array([PROGRAMMES[code][5] for code in TEMPLATES])[template] // 12)
    seats0 = base_seats * rng.uniform(0.6, 1.6, programmes)
    year = np.repeat(np.arange(first_year, first_year + years), programmes)
    programme = np.tile(np.arange(programmes), years)
    trend = 1.04 ** (year - first_year) * np.where(year == COVID_YEAR, 0.85, 1.0)
    n = programme.size
    seats = np.round(seats0[programme] * trend).astype(np.int64) * cohorts[programme]
    applicants = np.round(seats * rng.uniform(1.2, 3.2, n)).astype(np.int64)
    enrolled = np.minimum(applicants, np.round(seats * rng.uniform(0.8, 1.0, n)).astype(np.int64))
    share = np.clip(women_share[programme] + rng.uniform(-0.08, 0.08, n), 0.0, 1.0)
    enrolled_women = rng.binomial(enrolled, share)
    applicants_women = np.maximum(enrolled_women, rng.binomial(applicants, share))
    applicants_women = np.minimum(applicants_women, applicants)
    graduates = rng.binomial(enrolled // cohorts[programme], 0.75)
    graduates_women = np.minimum(rng.binomial(graduates, np.minimum(1.0, share * 1.05)), enrolled_women)
    return pa.table(
        {
            "programme": programme, "year": year, "seats": seats, "applicants": applicants,
            "applicants_women": applicants_women, "enrolled": enrolled, "enrolled_women": enrolled_women,
            "graduates": graduates, "graduates_women": graduates_women,
        }
    )  # fmt: skip


def load_supply(tables: SupplyTables, batch_size: int = 2_000) -> dict[str, int]:
    """Write generated tables into the database, with one operator organisation per type (`synth-<type>`)."""
    from kafaat.core.models import Organisation, Territory
    from kafaat.training.models import Establishment, Programme, ProgrammeOccupation, Sector, SupplyStatistic

    provinces = {t.code: t for t in Territory.objects.filter(level=Territory.Level.PROVINCE)}
    rabat = provinces["04.421"]
    operators = {
        kind: Organisation.objects.get_or_create(
            code=f"synth-{kind}",
            defaults={"type": "ofppt" if kind == "ofppt" else "ministry", "territory": rabat,
                      "name_fr": f"Opérateur synthétique {kind}"},
        )[0]
        for kind in OPERATOR_MIX
    }  # fmt: skip
    sectors = {sector.code: sector for sector in Sector.objects.all()}
    e = tables.establishments.to_pydict()
    establishments = Establishment.objects.bulk_create(
        [Establishment(code=code, name_fr=name, operator_type=kind, operator=operators[kind],
                       territory=provinces[province], capacity=capacity)
         for code, name, kind, province, capacity in zip(e["code"], e["name_fr"], e["operator_type"],
                                                         e["province_code"], e["capacity"], strict=True)],
        batch_size=batch_size,
    )  # fmt: skip
    p = tables.programmes.to_pydict()
    programmes = Programme.objects.bulk_create(
        [Programme(establishment=establishments[owner], code=code, title_fr=title, title_ar=title_ar,
                   sector=sectors[sector], level=level, mode=mode, duration_months=months)
         for owner, code, title, title_ar, sector, level, mode, months in zip(
             p["establishment"], p["code"], p["title_fr"], p["title_ar"], p["sector"], p["level"], p["mode"],
             p["duration_months"], strict=True)],
        batch_size=batch_size,
    )  # fmt: skip
    o = tables.occupations.to_pydict()
    ProgrammeOccupation.objects.bulk_create(
        [ProgrammeOccupation(programme=programmes[i], isco_code=code)
         for i, code in zip(o["programme"], o["isco_code"], strict=True)],
        batch_size=batch_size,
    )  # fmt: skip
    s = tables.statistics.to_pydict()
    measures = [name for name in s if name not in ("programme", "year")]
    SupplyStatistic.objects.bulk_create(
        (SupplyStatistic(programme=programmes[i], year=year, source="published",
                         **{name: s[name][row] for name in measures})
         for row, (i, year) in enumerate(zip(s["programme"], s["year"], strict=True))),
        batch_size=batch_size,
    )  # fmt: skip
    return {"establishments": len(establishments), "programmes": len(programmes),
            "occupations": tables.occupations.num_rows, "statistics": tables.statistics.num_rows}  # fmt: skip
