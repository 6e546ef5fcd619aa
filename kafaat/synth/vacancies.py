"""Synthetic vacancies: employers and job ads as agencies and job boards export them, fast enough for the
observatory benchmark (millions of rows) — numpy draws and pyarrow dictionary columns, no per-row Python.

Titles are the app's French list of Moroccan job titles written as ads write them (gender marks, capitals,
missing accents, plurals, a city); each row keeps its true ISCO code (`true_isco`, to measure the classifier)
and a share of ads is posted again a few days later under another reference (for the deduplication).
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

TITLES = Path(__file__).resolve().parent.parent / "labour" / "data" / "titles_fr.csv"
DEMO_PROVINCES = (  # province code, city named in ads, weight (vacancies follow the labour markets' size)
    ("01.511", "Tanger", 8), ("01.571", "Tétouan", 2), ("01.331", "Larache", 1),
    ("04.421", "Rabat", 5), ("04.441", "Salé", 3), ("04.501", "Témara", 2), ("04.281", "Kénitra", 3),
    ("02.411", "Oujda", 3), ("02.381", "Nador", 2), ("02.113", "Berkane", 1),
    ("05.091", "Béni Mellal", 2), ("05.311", "Khouribga", 1), ("05.255", "Fquih Ben Salah", 1),
)  # fmt: skip
# ISIC section → ISCO sub-major groups its ads are drawn from, and the section's weight among employers.
SECTORS = {
    "C": (("13", "14", "29", "10", "22", "27"), ("31", "72", "74", "75", "81", "82", "93", "33", "43"), 30),
    "F": (("41", "42", "43"), ("71", "74", "93", "83", "31", "21"), 14),
    "G": (("47", "46", "45"), ("52", "43", "41", "14", "72", "93"), 16),
    "I": (("56", "55"), ("51", "94", "14", "42", "91"), 10),
    "N": (("82", "80", "81", "78"), ("42", "54", "91", "41", "44"), 10),
    "A": (("01",), ("61", "92", "83", "31"), 8),
    "H": (("49", "52"), ("83", "93", "43", "33"), 6),
    "Q": (("86", "87", "88"), ("22", "32", "53", "34"), 3),
    "J": (("62", "61"), ("25", "35", "24"), 3),
}
CONTRACTS = (("cdi", 0.30), ("cdd", 0.30), ("anapec", 0.15), ("interim", 0.10), ("seasonal", 0.08),
             ("internship", 0.07))  # fmt: skip
LEVELS = (("none", 0.15), ("primary", 0.10), ("secondary", 0.20), ("baccalaureate", 0.15),
          ("qualification", 0.15), ("technician", 0.15), ("higher", 0.10))  # fmt: skip
SOURCES = (("agency", 0.5), ("job_board", 0.35), ("employer", 0.15))
PREFIXES = ("Atlas", "Maghreb", "Rif", "Sahara", "Nour", "Al Amal", "Oriental", "Tingis", "Salam", "Chellah",
            "Moulouya", "Tadla", "Zitoun", "Argane", "Bouregreg", "Al Baraka", "Safa", "Yasmine")  # fmt: skip
ACTIVITIES = {"C": "Industries", "F": "Construction", "G": "Distribution", "I": "Hôtellerie", "N": "Services",
              "A": "Agri", "H": "Transport", "Q": "Santé", "J": "Digital"}  # fmt: skip
FORMS = ("SARL", "SA", "SARL AU", "")


@dataclass(frozen=True)
class Employers:
    names: list[str]
    provinces: np.ndarray  # index into the provinces
    sections: np.ndarray  # index into SECTORS
    divisions: list[str]


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@cache
def _titles() -> tuple[tuple[str, str], ...]:
    with open(TITLES, encoding="utf-8") as handle:
        return tuple((row["title"], row["isco"]) for row in csv.DictReader(handle))


def title_variants(title: str, city: str) -> list[str]:
    """How ads write a title: as is, H/F, capitals, no accents, plural, with the city."""
    plural = " ".join(
        w + "s" if len(w) > 3 and w[-1] not in "sx" and w.isalpha() else w for w in title.split()
    )
    return [
        title[:1].upper() + title[1:],
        f"{title[:1].upper() + title[1:]} H/F",
        title.upper(),
        _strip_accents(title),
        plural[:1].upper() + plural[1:],
        f"{title[:1].upper() + title[1:]} - {city}",
    ]


def make_employers(rng: np.random.Generator, count: int, provinces) -> Employers:
    sections = list(SECTORS)
    weights = np.array([SECTORS[s][2] for s in sections], dtype=float)
    section_index = rng.choice(len(sections), size=count, p=weights / weights.sum())
    province_weights = np.array([p[2] for p in provinces], dtype=float)
    province_index = rng.choice(len(provinces), size=count, p=province_weights / province_weights.sum())
    names, divisions = [], []
    for number, (section, province) in enumerate(zip(section_index, province_index, strict=True)):
        key = sections[section]
        prefix = PREFIXES[number % len(PREFIXES)]
        form = FORMS[number % len(FORMS)]
        city = provinces[province][1]
        names.append(
            " ".join(part for part in (prefix, ACTIVITIES[key], city, str(number + 1), form) if part)
        )
        division_choices = SECTORS[key][0]
        divisions.append(division_choices[number % len(division_choices)])
    return Employers(names, province_index, section_index, divisions)


def generate_vacancies(
    rows: int,
    *,
    seed: int = 2026,
    employers: int | None = None,
    provinces=DEMO_PROVINCES,
    start: date = date(2025, 1, 1),
    days: int = 365,
    repost_share: float = 0.05,
) -> pa.Table:
    """`rows` vacancies (re-posts included): the import's column keys, plus `true_isco`."""
    rng = np.random.default_rng(seed)
    employers_count = employers or max(10, rows // 20)
    firms = make_employers(rng, employers_count, provinces)
    sections = list(SECTORS)
    titles = _titles()
    # The title pool: every variant of every title, for every city; a row picks one by index.
    by_group: dict[str, list[int]] = {}
    for index, (_title, isco) in enumerate(titles):
        by_group.setdefault(isco[:2], []).append(index)
    firm = rng.integers(0, employers_count, size=rows)
    section_of_row = firms.sections[firm]
    title_index = np.empty(rows, dtype=np.int64)
    for s, key in enumerate(sections):
        mask = section_of_row == s
        pool = np.array([i for group in SECTORS[key][1] for i in by_group.get(group, [])])
        title_index[mask] = pool[rng.integers(0, len(pool), size=int(mask.sum()))]
    variants = len(title_variants("x", "y"))
    variant = rng.integers(0, variants, size=rows)
    province_of_row = firms.provinces[firm]
    pool_strings = [
        text
        for title, _isco in titles
        for city in (p[1] for p in provinces)
        for text in title_variants(title, city)
    ]
    per_title = len(provinces) * variants
    pool_index = title_index * per_title + province_of_row * variants + variant
    posted = rng.integers(0, days, size=rows)
    # Re-posts: a share of rows copy an earlier row's ad, posted again 3 to 20 days later.
    reposts = np.flatnonzero(rng.random(rows) < repost_share)
    reposts = reposts[reposts > 0]
    source_rows = (rng.random(len(reposts)) * reposts).astype(np.int64)
    for array in (firm, pool_index, province_of_row, title_index):
        array[reposts] = array[source_rows]
    posted[reposts] = np.minimum(posted[source_rows] + rng.integers(3, 21, size=len(reposts)), days + 20)

    def pick(options) -> pa.Array:
        values, weights = zip(*options, strict=True)
        index = rng.choice(len(values), size=rows, p=np.array(weights) / sum(weights))
        return pa.DictionaryArray.from_arrays(pa.array(index, pa.int32()), pa.array(values))

    day_zero = np.datetime64(start.isoformat(), "D")
    isco = np.array([code for _title, code in titles])
    codes = pa.array([p[0] for p in provinces])
    return pa.table(
        {
            "external_id": pc.binary_join_element_wise(
                "SYN-", pc.cast(pa.array(np.arange(1, rows + 1)), pa.string()), ""
            ),
            "employer": pa.DictionaryArray.from_arrays(pa.array(firm, pa.int32()), pa.array(firms.names)),
            "sector": pa.DictionaryArray.from_arrays(pa.array(firm, pa.int32()), pa.array(firms.divisions)),
            "territory": pa.DictionaryArray.from_arrays(pa.array(province_of_row, pa.int32()), codes),
            "title": pa.DictionaryArray.from_arrays(pa.array(pool_index, pa.int32()), pa.array(pool_strings)),
            "true_isco": pa.array(isco[title_index]),
            "positions": pa.array(np.minimum(rng.geometric(0.45, size=rows), 50), pa.int32()),
            "contract_type": pick(CONTRACTS),
            "required_level": pick(LEVELS),
            "posted_on": pa.array(day_zero + posted.astype("timedelta64[D]"), pa.date32()),
            "source": pick(SOURCES),
        }
    )


def write_vacancies(table: pa.Table, path: str | Path) -> None:
    """CSV (what agencies send) or Parquet, by suffix; the `true_isco` column is kept."""
    path = Path(path)
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, path)
        return
    import pyarrow.csv as pacsv

    plain = pa.table(
        {
            name: column.cast(column.type.value_type) if pa.types.is_dictionary(column.type) else column
            for name, column in zip(table.column_names, table.columns, strict=True)
        }
    )
    pacsv.write_csv(plain, path)
