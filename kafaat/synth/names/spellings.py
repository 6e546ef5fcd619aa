"""Name tables: Arabic spelling, weighted Latin spellings, and the look-ups deduplication will need.

The data live in `names_female`, `names_male`, `names_family` and `names_foreign`; this module parses them
once into `NameTable`s whose numpy arrays let the generator draw a million names without a Python loop.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from kafaat.synth.names.family import FAMILY_NAMES
from kafaat.synth.names.female import FEMALE_FIRST_NAMES
from kafaat.synth.names.foreign import (
    FOREIGN_FAMILY_NAMES,
    FOREIGN_FEMALE_FIRST_NAMES,
    FOREIGN_MALE_FIRST_NAMES,
)
from kafaat.synth.names.male import MALE_FIRST_NAMES

RawEntry = tuple[str, str, int]

# Arabic letters proper (hamza .. yaa), without the tatweel and without diacritics.
ARABIC_NAME_RE = re.compile(r"[\u0621-\u063A\u0641-\u064A]+(?: [\u0621-\u063A\u0641-\u064A]+)*")


@dataclass(frozen=True)
class NameEntry:
    arabic: str
    variants: tuple[tuple[str, float], ...]  # (Latin spelling, weight), most common first
    weight: float

    @property
    def canonical_latin(self) -> str:
        return self.variants[0][0]


def _parse(raw: tuple[RawEntry, ...], kind: str) -> tuple[NameEntry, ...]:
    entries = []
    for arabic, spec, weight in raw:
        variants = []
        for item in spec.split("|"):
            latin, _, variant_weight = item.rpartition("=")
            if not latin or float(variant_weight) <= 0:
                raise ValueError(f"{kind} name {arabic}: bad variant {item!r}")
            variants.append((latin, float(variant_weight)))
        variants.sort(key=lambda pair: -pair[1])  # stable: ties keep the order of the table
        entries.append(NameEntry(arabic, tuple(variants), float(weight)))
    return tuple(entries)


class NameTable:
    """One list of names with the arrays used for vectorised drawing.

    Drawing a variant uses one `searchsorted` for the whole batch: variant cumulative probabilities are stored
    shifted by their name's index (name i's variants lie in [i, i+1)), so `i + u` lands in name i's variants.
    """

    def __init__(self, kind: str, raw: tuple[RawEntry, ...]) -> None:
        self.kind = kind
        self.entries = _parse(raw, kind)
        weights = np.array([e.weight for e in self.entries])
        self.name_cdf = np.cumsum(weights / weights.sum())
        self.name_cdf[-1] = 1.0
        shifted: list[float] = []
        latin: list[str] = []
        for i, entry in enumerate(self.entries):
            total = sum(w for _, w in entry.variants)
            running = 0.0
            for spelling, w in entry.variants:
                running += w
                shifted.append(i + running / total)
                latin.append(spelling)
            shifted[-1] = i + 1.0  # no rounding gap before the next name
        self.variant_cdf = np.array(shifted)
        self.variant_first = np.searchsorted(self.variant_cdf, np.arange(len(self.entries)), side="right")
        self.arabic_array = pa.array([e.arabic for e in self.entries], pa.string())
        self.latin_array = pa.array(latin, pa.string())

    def __len__(self) -> int:
        return len(self.entries)

    def draw(self, rng: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
        """Indices of `size` names (into `arabic_array`) and of their Latin spellings (into `latin_array`)."""
        names = np.minimum(np.searchsorted(self.name_cdf, rng.random(size), side="right"), len(self) - 1)
        variants = np.searchsorted(self.variant_cdf, names + rng.random(size), side="right")
        return names, np.minimum(variants, len(self.variant_cdf) - 1)


@functools.cache
def tables() -> dict[str, NameTable]:
    return {
        "female": NameTable("female", FEMALE_FIRST_NAMES),
        "male": NameTable("male", MALE_FIRST_NAMES),
        "family": NameTable("family", FAMILY_NAMES),
        "foreign_female": NameTable("foreign_female", FOREIGN_FEMALE_FIRST_NAMES),
        "foreign_male": NameTable("foreign_male", FOREIGN_MALE_FIRST_NAMES),
        "foreign_family": NameTable("foreign_family", FOREIGN_FAMILY_NAMES),
    }


def latin_key(latin: str) -> str:
    """Spelling-insensitive key for Latin names: 'Ben-Ali', 'Ben Ali' and 'BENALI' all give 'benali'."""
    ascii_name = unicodedata.normalize("NFKD", latin).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", ascii_name.lower())


def arabic_key(arabic: str) -> str:
    """Arabic name with the spellings that vary in practice folded together.

    Clerks often drop the hamza seat (أ إ آ → ا), write ه for ة and ي for final ى, and vary the space in
    compound names; those differences do not make a different name.
    """
    folded = (
        re.sub("[أإآ]", "ا", arabic).replace("ة", "ه").replace("ى", "ي").replace("ؤ", "و").replace("ئ", "ي")
    )
    return re.sub(r"[^\u0621-\u064A]", "", folded)


@functools.cache
def _entries_by_arabic() -> dict[str, list[tuple[str, NameEntry]]]:
    index: dict[str, list[tuple[str, NameEntry]]] = {}
    for kind, table in tables().items():
        for entry in table.entries:
            index.setdefault(arabic_key(entry.arabic), []).append((kind, entry))
    return index


@functools.cache
def _arabic_by_latin() -> dict[str, list[tuple[str, str]]]:
    index: dict[str, list[tuple[str, str]]] = {}
    for kind, table in tables().items():
        for entry in table.entries:
            for spelling, _ in entry.variants:
                pairs = index.setdefault(latin_key(spelling), [])
                if (kind, entry.arabic) not in pairs:
                    pairs.append((kind, entry.arabic))
    return index


def latin_variants(arabic: str, kind: str | None = None) -> list[str]:
    """All Latin spellings of an Arabic name, most common first; [] for a name not in the tables.

    `kind` restricts the search to one table ('female', 'male', 'family', 'foreign_…'); the Arabic is
    matched after `arabic_key`, so 'فاطمه' finds the variants of 'فاطمة'.
    """
    result: list[str] = []
    for entry_kind, entry in _entries_by_arabic().get(arabic_key(arabic), []):
        if kind is None or entry_kind == kind:
            result.extend(s for s, _ in entry.variants if s not in result)
    return result


def arabic_candidates(latin: str, kind: str | None = None) -> list[str]:
    """Arabic names one of whose Latin spellings matches `latin` (compared with `latin_key`)."""
    return [
        arabic
        for entry_kind, arabic in _arabic_by_latin().get(latin_key(latin), [])
        if kind in (None, entry_kind)
    ]


def same_name(latin_a: str, latin_b: str, kind: str | None = None) -> bool:
    """True when two Latin spellings can be the same Arabic name (Mohamed / Mhamed, Benali / Ben-Ali)."""
    if latin_key(latin_a) == latin_key(latin_b):
        return True
    return bool(set(arabic_candidates(latin_a, kind)) & set(arabic_candidates(latin_b, kind)))
