"""Residence codes and their weights, read straight from the reference files of `kafaat/core/data/morocco`.

The generator must run without a database, so it does not use the Territory model: it rebuilds the same codes
(region `MA-01`, province HCP code `01.511`, commune dataset id `COM_0001`) from the CSV and JSON files.
"""

from __future__ import annotations

import csv
import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent.parent / "core" / "data" / "morocco"

# The commune dataset spells these two divisions differently from the HCP beyond accents and punctuation.
DIVISION_ALIASES = {"mohammedia": "mohammadia", "tangerasilah": "tangerassilah"}

# Share of rural residents where the commune dataset has no commune for a province: prefectures are the big
# cities, provinces mix towns and countryside (2024 census: 37% of Moroccans live in rural communes).
RURAL_SHARE_BY_TYPE = {"prefecture": 0.1, "province": 0.45}

# Migrants and refugees live mostly in the large cities and on the migration routes (Oujda, Nador, Tanger,
# Laâyoune, Dakhla): their province weights are the population multiplied by these factors.
MIGRANT_PROVINCE_BOOST = {
    "06.141": 3.0,  # Casablanca
    "04.421": 3.0,  # Rabat
    "04.441": 2.0,  # Salé
    "04.501": 2.0,  # Skhirate-Témara
    "01.511": 3.0,  # Tanger-Assilah
    "02.411": 4.0,  # Oujda-Angad
    "02.381": 3.0,  # Nador
    "03.231": 2.0,  # Fès
    "07.351": 2.0,  # Marrakech
    "09.001": 2.0,  # Agadir-Ida-Ou-Tanane
    "11.321": 2.0,  # Laâyoune
    "12.391": 3.0,  # Oued Ed-Dahab (Dakhla)
}


def name_key(name: str) -> str:
    """French name reduced to a-z0-9, so that 'Sidi-Kacem' and 'Sidi Kacem' compare equal."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    key = re.sub(r"[^a-z0-9]", "", ascii_name.lower())
    return DIVISION_ALIASES.get(key, key)


def _read_csv(data_dir: Path, name: str) -> list[dict[str, str]]:
    with open(data_dir / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _read_json(data_dir: Path, name: str, key: str) -> list[dict]:
    with open(data_dir / name, encoding="utf-8") as handle:
        return json.load(handle)[key]


def match_divisions(data_dir: Path = DATA_DIR) -> dict[str, str]:
    """Map each division id of the commune dataset (`DIV_011`) to its HCP province code (`06.141`)."""
    provinces = {name_key(row["name_fr"]): row["code"] for row in _read_csv(data_dir, "provinces_hcp.csv")}
    matched: dict[str, str] = {}
    unmatched: list[str] = []
    for division in _read_json(data_dir, "region-divisions.json", "region_divisions"):
        code = provinces.get(name_key(division["name"]["fr"]))
        if code is None:
            unmatched.append(division["name"]["fr"])
        else:
            matched[division["id"]] = code
    if unmatched:
        raise ValueError(f"divisions without an HCP province: {sorted(unmatched)}")
    return matched


@dataclass(frozen=True)
class TerritoryTable:
    """Provinces in file order with their weights; communes grouped by province."""

    province_codes: tuple[str, ...]
    province_regions: tuple[str, ...]  # MA-xx of each province
    province_population: np.ndarray  # int64, 2024 census
    province_rural_share: np.ndarray  # float64, used only where a province has no commune
    commune_codes: tuple[str, ...]  # grouped by province, in the order of province_codes
    commune_rural: np.ndarray  # bool, aligned with commune_codes
    commune_start: np.ndarray  # int64, first commune of each province
    commune_count: np.ndarray  # int64, number of communes of each province (0: none in the data)
    region_codes: tuple[str, ...]

    def province_cdf(self, migrants: bool = False) -> np.ndarray:
        weights = self.province_population.astype(np.float64)
        if migrants:
            boost = np.array([MIGRANT_PROVINCE_BOOST.get(code, 1.0) for code in self.province_codes])
            weights = weights * boost
        cdf = np.cumsum(weights / weights.sum())
        cdf[-1] = 1.0
        return cdf


@functools.cache
def load_territory(data_dir: Path = DATA_DIR) -> TerritoryTable:
    regions = {row["hcp_code"]: row["iso_code"] for row in _read_csv(data_dir, "regions_iso.csv")}
    provinces = _read_csv(data_dir, "provinces_hcp.csv")
    province_of_division = match_divisions(data_dir)
    communes_by_province: dict[str, list[tuple[str, bool]]] = {row["code"]: [] for row in provinces}
    for commune in _read_json(data_dir, "communes.json", "communes"):
        province = province_of_division[commune["region_division_id"]]
        communes_by_province[province].append((commune["id"], commune["type"] == "rural"))

    commune_codes: list[str] = []
    commune_rural: list[bool] = []
    start: list[int] = []
    count: list[int] = []
    for row in provinces:
        communes = sorted(communes_by_province[row["code"]])
        start.append(len(commune_codes))
        count.append(len(communes))
        commune_codes.extend(code for code, _ in communes)
        commune_rural.extend(rural for _, rural in communes)

    return TerritoryTable(
        province_codes=tuple(row["code"] for row in provinces),
        province_regions=tuple(regions[row["region_code"]] for row in provinces),
        province_population=np.array([int(row["population_2024"]) for row in provinces], dtype=np.int64),
        province_rural_share=np.array([RURAL_SHARE_BY_TYPE[row["type"]] for row in provinces]),
        commune_codes=tuple(commune_codes),
        commune_rural=np.array(commune_rural, dtype=bool),
        commune_start=np.array(start, dtype=np.int64),
        commune_count=np.array(count, dtype=np.int64),
        region_codes=tuple(sorted(regions.values())),
    )
