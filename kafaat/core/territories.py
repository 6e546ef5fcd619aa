"""Loading Morocco's territorial tree from the reference files in `data/morocco`.

Regions and provinces carry official codes (ISO 3166-2:MA, HCP); communes come from a dataset whose divisions
use alphabetical ids, so its divisions are matched to HCP provinces by normalised French name.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data" / "morocco"

# Spellings of the commune dataset that differ from HCP's beyond accents and punctuation.
DIVISION_ALIASES = {"mohammedia": "mohammadia", "tangerasilah": "tangerassilah"}


def name_key(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_name.lower())


@dataclass(frozen=True)
class TerritoryRow:
    code: str
    level: str
    kind: str
    parent_code: str | None
    name_fr: str
    name_ar: str
    name_en: str
    population_2024: int | None = None
    households_2024: int | None = None


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _read_json(name: str, key: str) -> list[dict]:
    with open(DATA_DIR / name, encoding="utf-8") as handle:
        return json.load(handle)[key]


def reference_rows() -> list[TerritoryRow]:
    """Regions, then provinces, then communes: parents always come before their children."""
    regions_hcp = {row["code"]: row for row in _read_csv("regions_hcp.csv")}
    regions_json = {name_key(r["name"]["fr"]): r for r in _read_json("regions.json", "regions")}
    rows: list[TerritoryRow] = []
    region_code_of_json_id: dict[str, str] = {}
    for region in _read_csv("regions_iso.csv"):
        hcp = regions_hcp[region["hcp_code"]]
        json_region = regions_json.get(name_key(region["name_fr"]))
        if json_region:
            region_code_of_json_id[json_region["id"]] = region["iso_code"]
        rows.append(
            TerritoryRow(
                code=region["iso_code"],
                level="region",
                kind="region",
                parent_code=None,
                name_fr=region["name_fr"],
                name_ar=region["name_ar"],
                name_en=json_region["name"]["en"] if json_region else region["name_fr"],
                population_2024=int(hcp["population_2024"]),
                households_2024=int(hcp["households_2024"]),
            )
        )

    divisions = _read_json("region-divisions.json", "region_divisions")
    divisions_by_key = {name_key(d["name"]["fr"]): d for d in divisions}
    province_code_of_division: dict[str, str] = {}
    for province in _read_csv("provinces_hcp.csv"):
        key = name_key(province["name_fr"])
        aliases = [k for k, v in DIVISION_ALIASES.items() if v == key]
        division = divisions_by_key.get(key) or next((divisions_by_key[a] for a in aliases), None)
        region_code = f"MA-{province['region_code']}"
        if division is not None:
            if region_code_of_json_id.get(division["region_id"]) != region_code:
                raise ValueError(f"{province['name_fr']}: region differs between the two sources")
            province_code_of_division[division["id"]] = province["code"]
        rows.append(
            TerritoryRow(
                code=province["code"],
                level="province",
                kind=province["type"],
                parent_code=region_code,
                name_fr=province["name_fr"],
                name_ar=province["name_ar"],
                name_en=division["name"]["en"] if division else province["name_fr"],
                population_2024=int(province["population_2024"]),
                households_2024=int(province["households_2024"]),
            )
        )
    unmatched = {d["id"] for d in divisions} - set(province_code_of_division)
    if unmatched:
        raise ValueError(f"divisions without an HCP province: {sorted(unmatched)}")

    for commune in _read_json("communes.json", "communes"):
        rows.append(
            TerritoryRow(
                code=commune["id"],
                level="commune",
                kind="urban" if commune["type"] == "urbain" else "rural",
                parent_code=province_code_of_division[commune["region_division_id"]],
                name_fr=commune["name"]["fr"],
                name_ar=commune["name"]["ar"],
                name_en=commune["name"]["en"],
            )
        )
    return rows


def load_territories(territory_model) -> int:
    """Create or update the reference tree; works with the historical model of a data migration."""
    rows = reference_rows()
    existing = {t.code: t for t in territory_model.objects.all()}
    by_code: dict[str, object] = {}
    paths: dict[str, str] = {}
    for level in ("region", "province", "commune"):
        to_create, to_update = [], []
        for row in (r for r in rows if r.level == level):
            path = (paths[row.parent_code] if row.parent_code else "") + row.code + "/"
            paths[row.code] = path
            values = {
                "level": row.level,
                "kind": row.kind,
                "parent": by_code.get(row.parent_code) if row.parent_code else None,
                "path": path,
                "name_fr": row.name_fr,
                "name_ar": row.name_ar,
                "name_en": row.name_en,
                "population_2024": row.population_2024,
                "households_2024": row.households_2024,
            }
            territory = existing.get(row.code)
            if territory is None:
                territory = territory_model(code=row.code, **values)
                to_create.append(territory)
            else:
                for field, value in values.items():
                    setattr(territory, field, value)
                to_update.append(territory)
            by_code[row.code] = territory
        territory_model.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            territory_model.objects.bulk_update(to_update, list(values), batch_size=500)
    return len(rows)
