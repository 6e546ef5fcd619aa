"""Name tables: Arabic spelling, weighted Latin spellings, and the look-ups deduplication will need.

Public entry points: `tables` (a `NameTable` per kind), `latin_variants`, `arabic_candidates`, `same_name`,
`latin_key`, `arabic_key` and `ARABIC_NAME_RE`. The parts: `spellings` (the tables and look-ups) and the raw
lists it reads, `family`, `female`, `male` and `foreign`.
"""

from kafaat.synth.names.spellings import (
    ARABIC_NAME_RE,
    NameEntry,
    NameTable,
    arabic_candidates,
    arabic_key,
    latin_key,
    latin_variants,
    same_name,
    tables,
)

__all__ = [
    "ARABIC_NAME_RE",
    "NameEntry",
    "NameTable",
    "arabic_candidates",
    "arabic_key",
    "latin_key",
    "latin_variants",
    "same_name",
    "tables",
]
