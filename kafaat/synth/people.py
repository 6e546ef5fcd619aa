"""Synthetic people of a vocational-training / employment-inclusion programme, generated in vectorised blocks.

Rows are produced in fixed blocks of `BLOCK_ROWS`, each drawn from its own random stream derived from the
seed and the block number, so the output depends only on the seed and the parameters: not on `chunk_size`,
and the first k rows are the same whatever n (SYN-0000017 is the same person in a file of 1,000 or of
1,000,000). Document numbers come from per-series counters carried from block to block, which keeps them
unique across the whole file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from kafaat.synth import identity
from kafaat.synth.names import NameTable, tables
from kafaat.synth.phones import draw_phones
from kafaat.synth.territory_weights import load_territory

BLOCK_ROWS = 10_000
REFERENCE_DATE = date(2025, 1, 1)  # ages are computed at this date, never at "today", to stay reproducible
AGE_MIN, AGE_MAX = 15, 55
YOUTH_MAX_AGE = 24  # NEET is defined for 15-24 year olds (ILO, HCP)

SCHEMA = pa.schema(
    [
        pa.field("external_id", pa.string(), nullable=False),
        pa.field("sex", pa.string(), nullable=False),
        pa.field("birth_date", pa.date32(), nullable=False),
        pa.field("first_name_ar", pa.string(), nullable=False),
        pa.field("last_name_ar", pa.string(), nullable=False),
        pa.field("first_name_latin", pa.string(), nullable=False),
        pa.field("last_name_latin", pa.string(), nullable=False),
        pa.field("phone", pa.string(), nullable=False),
        pa.field("nationality", pa.string(), nullable=False),
        pa.field("status", pa.string(), nullable=False),
        pa.field("id_type", pa.string(), nullable=False),
        pa.field("id_number", pa.string(), nullable=False),
        pa.field("region_code", pa.string(), nullable=False),
        pa.field("province_code", pa.string(), nullable=False),
        pa.field("commune_code", pa.string()),  # null where the commune dataset has none for the province
        pa.field("rural", pa.bool_(), nullable=False),
        pa.field("education_level", pa.string(), nullable=False),
        pa.field("neet", pa.bool_()),  # null above YOUTH_MAX_AGE
    ]
)

# Age profile of programme participants: few minors (15-17, school drop-outs), a peak at 19-23, a long tail
# of adults retraining. Weights at knots, linearly interpolated over single years.
AGE_KNOTS = (
    (15, 3.0),
    (17, 6.0),
    (19, 10.0),
    (23, 10.0),
    (25, 7.5),
    (30, 4.5),
    (35, 2.5),
    (45, 1.0),
    (55, 0.3),
)

STATUSES = ("moroccan", "regular_migrant", "refugee", "asylum_seeker")
# Foreign nationality: share among foreigners, shares of (regular_migrant, refugee, asylum_seeker), and
# whether names come from the Arabic tables. Mirrors the main groups registered in Morocco (UNHCR, 2014 and
# 2017 regularisation campaigns); refugees are mostly Syrian, Yemeni, Sudanese and Congolese.
FOREIGN_NATIONALITIES: tuple[tuple[str, float, tuple[float, float, float], bool], ...] = (
    ("SN", 0.17, (0.85, 0.03, 0.12), False),
    ("CI", 0.16, (0.75, 0.07, 0.18), False),
    ("GN", 0.14, (0.70, 0.10, 0.20), False),
    ("ML", 0.08, (0.70, 0.10, 0.20), False),
    ("CM", 0.10, (0.60, 0.15, 0.25), False),
    ("NG", 0.06, (0.75, 0.05, 0.20), False),
    ("CD", 0.06, (0.30, 0.45, 0.25), False),
    ("SY", 0.11, (0.25, 0.60, 0.15), True),
    ("YE", 0.05, (0.20, 0.55, 0.25), True),
    ("SD", 0.07, (0.10, 0.55, 0.35), True),
)
# Document held, by status, over identity.ID_TYPES = (cin, passport, residence_card, refugee_card).
ID_TYPE_SHARES_BY_STATUS = {
    "regular_migrant": (0.0, 0.30, 0.70, 0.0),
    "refugee": (0.0, 0.0, 0.15, 0.85),  # recognised refugees get a residence card from the BRA
    "asylum_seeker": (0.0, 0.40, 0.0, 0.60),  # the refugee_card here is UNHCR's asylum-seeker certificate
}

EDUCATION_LEVELS = ("none", "primary", "lower_secondary", "upper_secondary", "vocational", "higher")
# Highest level reached, by age band and urban/rural residence: older and rural people left school earlier.
EDUCATION_BANDS = (17, 24, 34, 44, AGE_MAX)  # upper bound of each band
EDUCATION_SHARES = {
    (0, False): (0.03, 0.17, 0.65, 0.15, 0.00, 0.00),
    (0, True): (0.07, 0.33, 0.52, 0.08, 0.00, 0.00),
    (1, False): (0.03, 0.10, 0.30, 0.30, 0.12, 0.15),
    (1, True): (0.08, 0.25, 0.35, 0.17, 0.08, 0.07),
    (2, False): (0.05, 0.12, 0.22, 0.22, 0.17, 0.22),
    (2, True): (0.14, 0.28, 0.26, 0.13, 0.11, 0.08),
    (3, False): (0.12, 0.22, 0.22, 0.18, 0.12, 0.14),
    (3, True): (0.30, 0.33, 0.18, 0.09, 0.06, 0.04),
    (4, False): (0.25, 0.28, 0.18, 0.13, 0.08, 0.08),
    (4, True): (0.50, 0.30, 0.10, 0.05, 0.03, 0.02),
}
# Probability of being NEET at 15-24 by (female, rural): young rural women are the most often out of school
# and work (HCP labour-force survey); the programme population is somewhat above the national 25%.
NEET_SHARE = {(False, False): 0.18, (False, True): 0.22, (True, False): 0.32, (True, True): 0.48}

Progress = Callable[[int, int], None]


def _cdf(weights: np.ndarray) -> np.ndarray:
    weights = np.asarray(weights, dtype=np.float64)
    cdf = np.cumsum(weights / weights.sum(axis=-1, keepdims=True), axis=-1)
    cdf[..., -1] = 1.0
    return cdf


def _pick(cdf: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Index drawn from one cdf (1-D) or from each row's own cdf (2-D, one row per draw)."""
    if cdf.ndim == 1:
        return np.minimum(np.searchsorted(cdf, u, side="right"), len(cdf) - 1)
    return (u[:, None] >= cdf[:, :-1]).sum(axis=1)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a non-leap year
        return day.replace(year=day.year - years, day=28)


def age_at(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


@dataclass(frozen=True)
class Parameters:
    female_share: float = 0.5
    migrant_share: float = 0.03
    reference_date: date = REFERENCE_DATE

    def __post_init__(self) -> None:
        if not 0 <= self.female_share <= 1 or not 0 <= self.migrant_share <= 1:
            raise ValueError("shares must lie between 0 and 1")


class _Generator:
    """Tables and cumulative distributions shared by all blocks, plus the document counters."""

    def __init__(self, seed: int, params: Parameters) -> None:
        self.seed = seed
        self.params = params
        ages = np.arange(AGE_MIN, AGE_MAX + 1)
        self.age_cdf = _cdf(np.interp(ages, *zip(*AGE_KNOTS, strict=True)))
        epoch = date(1970, 1, 1)
        ref = params.reference_date
        # Born in [ref - (a+1) years + 1 day, ref - a years] ⇔ aged exactly a on the reference date.
        latest = np.array([(_years_before(ref, a) - epoch).days for a in ages])
        earliest = np.array([(_years_before(ref, a + 1) - epoch).days + 1 for a in ages])
        self.birth_first, self.birth_span = earliest, latest - earliest + 1

        self.nationality_codes = pa.array(["MA", *(row[0] for row in FOREIGN_NATIONALITIES)])
        self.nationality_cdf = _cdf([row[1] for row in FOREIGN_NATIONALITIES])
        self.status_cdf = _cdf([row[2] for row in FOREIGN_NATIONALITIES])
        self.arabic_names = np.array([True, *(row[3] for row in FOREIGN_NATIONALITIES)])
        self.statuses = pa.array(STATUSES)
        self.id_type_cdf = _cdf([ID_TYPE_SHARES_BY_STATUS[s] for s in STATUSES[1:]])
        self.id_types = pa.array(identity.ID_TYPES)

        names = tables()
        self.first_tables = [names[k] for k in ("male", "female", "foreign_male", "foreign_female")]
        self.last_tables = [names[k] for k in ("family", "foreign_family")]
        self.first_ar, self.first_latin, self.first_offsets = self._pool(self.first_tables)
        self.last_ar, self.last_latin, self.last_offsets = self._pool(self.last_tables)

        territory = load_territory()
        self.territory = territory
        self.province_cdf = territory.province_cdf()
        self.migrant_province_cdf = territory.province_cdf(migrants=True)
        self.province_codes = pa.array(territory.province_codes)
        self.province_regions = pa.array(territory.province_regions)
        self.commune_codes = pa.array(territory.commune_codes)

        per_province = [identity.province_prefixes(code) for code in territory.province_codes]
        prefixes = sorted({p for group in per_province for p in group})
        self.cin_prefixes = pa.array(prefixes)
        flat = [prefixes.index(p) for group in per_province for p in group]
        self.prefix_of = np.array(flat, dtype=np.int64)
        self.prefix_count = np.array([len(g) for g in per_province], dtype=np.int64)
        self.prefix_start = np.concatenate(([0], np.cumsum(self.prefix_count)[:-1]))
        self.cin_numbers = identity.NumberAllocator(len(prefixes), identity.CIN_NUMBER_SPACE, seed)
        self.passport_numbers = identity.NumberAllocator(1, identity.DOCUMENT_NUMBER_SPACE, seed)
        self.card_numbers = identity.NumberAllocator(2, identity.CARD_NUMBER_SPACE, seed)
        self.letters = pa.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))

        self.education_cdf = _cdf([EDUCATION_SHARES[key] for key in sorted(EDUCATION_SHARES)])
        self.education_levels = pa.array(EDUCATION_LEVELS)
        self.age_band = np.searchsorted(np.array(EDUCATION_BANDS), ages)
        self.neet_share = np.array([[NEET_SHARE[(f, r)] for r in (False, True)] for f in (False, True)])

    @staticmethod
    def _pool(group: list[NameTable]) -> tuple[pa.Array, pa.Array, list[tuple[int, int]]]:
        offsets, name_at, variant_at = [], 0, 0
        for table in group:
            offsets.append((name_at, variant_at))
            name_at += len(table)
            variant_at += len(table.latin_array)
        arabic = pa.concat_arrays([t.arabic_array for t in group])
        latin = pa.concat_arrays([t.latin_array for t in group])
        return arabic, latin, offsets

    @staticmethod
    def _names(
        rng: np.random.Generator,
        group_of_row: np.ndarray,
        group_tables: list[NameTable],
        offsets: list[tuple[int, int]],
    ) -> tuple[np.ndarray, np.ndarray]:
        """Name and variant indices into the pooled arrays; row r draws from group_tables[group_of_row[r]]."""
        names = np.zeros(len(group_of_row), dtype=np.int64)
        variants = np.zeros(len(group_of_row), dtype=np.int64)
        for g, (table, (name_at, variant_at)) in enumerate(zip(group_tables, offsets, strict=True)):
            rows = np.flatnonzero(group_of_row == g)
            drawn_names, drawn_variants = table.draw(rng, len(rows))
            names[rows] = drawn_names + name_at
            variants[rows] = drawn_variants + variant_at
        return names, variants

    def _documents(
        self, rng: np.random.Generator, nationality: np.ndarray, status: np.ndarray, province: np.ndarray
    ) -> tuple[pa.Array, pa.Array]:
        """id_type and id_number columns: a CIN for Moroccans, a passport or card for the others."""
        m = len(nationality)
        id_type = np.zeros(m, dtype=np.int64)
        foreign = np.flatnonzero(nationality > 0)
        id_type[foreign] = _pick(self.id_type_cdf[status[foreign] - 1], rng.random(len(foreign)))

        parts: list[pa.Array] = []
        order: list[np.ndarray] = []
        rows = np.flatnonzero(id_type == 0)
        issuing = province[rows].copy()
        moved = rng.random(len(rows)) < identity.CIN_ISSUED_ELSEWHERE
        issuing[moved] = _pick(self.province_cdf, rng.random(int(moved.sum())))
        which = (rng.random(len(rows)) * self.prefix_count[issuing]).astype(np.int64)
        prefix = self.prefix_of[self.prefix_start[issuing] + which]
        numbers = self.cin_numbers.allocate(prefix) + 10_000
        parts.append(identity.join_prefix(self.cin_prefixes.take(pa.array(prefix)), numbers))
        order.append(rows)

        rows = np.flatnonzero(id_type == 1)
        first, second = (self.letters.take(pa.array(rng.integers(0, 26, len(rows)))) for _ in range(2))
        numbers = self.passport_numbers.allocate(np.zeros(len(rows), dtype=np.int64))
        parts.append(identity.join_prefix(pc.binary_join_element_wise(first, second, ""), numbers, 7))
        order.append(rows)

        for series, (kind, prefix_text) in enumerate(((2, "RC"), (3, "RF"))):
            rows = np.flatnonzero(id_type == kind)
            numbers = self.card_numbers.allocate(np.full(len(rows), series, dtype=np.int64))
            prefixes = pa.array([prefix_text] * len(rows), pa.string())
            parts.append(identity.join_prefix(prefixes, numbers, 8))
            order.append(rows)

        position = np.empty(m, dtype=np.int64)
        position[np.concatenate(order)] = np.arange(m)
        id_number = pa.concat_arrays(parts).take(pa.array(position))
        return self.id_types.take(pa.array(id_type)), id_number

    def block(self, index: int, start: int, m: int) -> pa.Table:
        seq = np.random.SeedSequence(self.seed, spawn_key=(0, index))
        rng = np.random.Generator(np.random.PCG64(seq))
        params = self.params

        female = rng.random(m) < params.female_share
        age_index = _pick(self.age_cdf, rng.random(m))
        birth_days = self.birth_first[age_index] + (rng.random(m) * self.birth_span[age_index]).astype(
            np.int64
        )

        nationality = np.zeros(m, dtype=np.int64)
        status = np.zeros(m, dtype=np.int64)
        foreign = np.flatnonzero(rng.random(m) < params.migrant_share)
        nationality[foreign] = 1 + _pick(self.nationality_cdf, rng.random(len(foreign)))
        status[foreign] = 1 + _pick(self.status_cdf[nationality[foreign] - 1], rng.random(len(foreign)))

        arabic_style = self.arabic_names[nationality]
        first_group = female.astype(np.int64) + 2 * (~arabic_style)
        first, first_variant = self._names(rng, first_group, self.first_tables, self.first_offsets)
        last, last_variant = self._names(
            rng, (~arabic_style).astype(np.int64), self.last_tables, self.last_offsets
        )

        phones = draw_phones(rng, m)

        province = np.empty(m, dtype=np.int64)
        local = np.flatnonzero(nationality == 0)
        province[local] = _pick(self.province_cdf, rng.random(len(local)))
        province[foreign] = _pick(self.migrant_province_cdf, rng.random(len(foreign)))
        territory = self.territory
        count = territory.commune_count[province]
        has_commune = count > 0
        commune = territory.commune_start[province] + (rng.random(m) * count).astype(np.int64)
        commune = np.where(has_commune, commune, 0)
        fallback_rural = rng.random(m) < territory.province_rural_share[province]
        rural = np.where(has_commune, territory.commune_rural[commune], fallback_rural)

        id_type, id_number = self._documents(rng, nationality, status, province)

        group = self.age_band[age_index] * 2 + rural
        education = _pick(self.education_cdf[group], rng.random(m))
        young = age_index <= YOUTH_MAX_AGE - AGE_MIN
        neet = rng.random(m) < self.neet_share[female.astype(np.int64), rural.astype(np.int64)]

        serial = pc.cast(pa.array(np.arange(start + 1, start + m + 1)), pa.string())
        arrays = [
            pc.binary_join_element_wise("SYN-", pc.utf8_lpad(serial, 7, "0"), ""),
            pa.array(np.where(female, "F", "M")),
            pa.array(birth_days.astype(np.int32), pa.date32()),
            self.first_ar.take(pa.array(first)),
            self.last_ar.take(pa.array(last)),
            self.first_latin.take(pa.array(first_variant)),
            self.last_latin.take(pa.array(last_variant)),
            phones,
            self.nationality_codes.take(pa.array(nationality)),
            self.statuses.take(pa.array(status)),
            id_type,
            id_number,
            self.province_regions.take(pa.array(province)),
            self.province_codes.take(pa.array(province)),
            self.commune_codes.take(pa.array(commune, mask=~has_commune)),
            pa.array(rural),
            self.education_levels.take(pa.array(education)),
            pa.array(neet, mask=~young),
        ]
        return pa.Table.from_arrays(arrays, schema=SCHEMA)


def generate_people(
    n: int,
    seed: int = 42,
    chunk_size: int = 200_000,
    *,
    female_share: float = 0.5,
    migrant_share: float = 0.03,
    reference_date: date = REFERENCE_DATE,
) -> Iterator[pa.Table]:
    """Yield `n` synthetic people as pyarrow tables of `chunk_size` rows (the last one shorter)."""
    if n < 0 or chunk_size < 1 or seed < 0:
        raise ValueError("n and seed must be >= 0, chunk_size >= 1")
    generator = _Generator(seed, Parameters(female_share, migrant_share, reference_date))
    pending: list[pa.Table] = []
    pending_rows = 0
    for index, start in enumerate(range(0, n, BLOCK_ROWS)):
        # Always a full block, cut afterwards: the draws of a block depend on its length.
        block = generator.block(index, start, BLOCK_ROWS).slice(0, min(BLOCK_ROWS, n - start))
        pending.append(block)
        pending_rows += block.num_rows
        while pending_rows >= chunk_size:
            table = pa.concat_tables(pending)
            yield table.slice(0, chunk_size)
            rest = table.slice(chunk_size)
            pending, pending_rows = ([rest] if rest.num_rows else []), rest.num_rows
    if pending_rows:
        yield pa.concat_tables(pending)


def infer_format(path: Path | str) -> str:
    return "parquet" if str(path).endswith((".parquet", ".pq")) else "csv"


def write_people(
    path: Path | str,
    n: int,
    seed: int = 42,
    fmt: str | None = None,
    *,
    chunk_size: int = 200_000,
    progress: Progress | None = None,
    female_share: float = 0.5,
    migrant_share: float = 0.03,
    reference_date: date = REFERENCE_DATE,
) -> int:
    """Write `n` people to `path` as CSV or Parquet (`fmt`, else from the suffix); return the rows written.

    `progress(rows_written, n)` is called after each chunk. Memory stays around one chunk.
    """
    fmt = fmt or infer_format(path)
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"unknown format {fmt!r}: use csv or parquet")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    chunks = generate_people(
        n,
        seed,
        chunk_size,
        female_share=female_share,
        migrant_share=migrant_share,
        reference_date=reference_date,
    )
    writer: pacsv.CSVWriter | pq.ParquetWriter
    if fmt == "csv":
        writer = pacsv.CSVWriter(path, SCHEMA)
    else:
        writer = pq.ParquetWriter(path, SCHEMA, compression="zstd")
    written = 0
    with writer:
        for table in chunks:
            writer.write_table(table)
            written += table.num_rows
            if progress:
                progress(written, n)
    return written
