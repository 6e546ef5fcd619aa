"""Identity documents: the national identity card (CIN) of Moroccans, papers of migrants and refugees.

A CIN number is one or two capital letters naming the office that first issued the card, then up to six
digits (`BE123456`, `K45678`). The letters below are a plausible mapping of prefixes to issuing areas, built
from prefixes commonly seen on cards (A… Rabat, B… Casablanca, F… Oujda, K… Tanger, L… Tétouan, I… Béni
Mellal…); it is good enough for synthetic data, not an official table. Numbers of migrants' documents use
made-up formats that cannot be mistaken for real ones.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

CIN_RE = re.compile(r"[A-Z]{1,2}\d{5,6}")
PASSPORT_RE = re.compile(r"[A-Z]{2}\d{7}")
RESIDENCE_CARD_RE = re.compile(r"RC\d{8}")
REFUGEE_CARD_RE = re.compile(r"RF\d{8}")
ID_NUMBER_RES = {
    "cin": CIN_RE,
    "passport": PASSPORT_RE,
    "residence_card": RESIDENCE_CARD_RE,
    "refugee_card": REFUGEE_CARD_RE,
}
ID_TYPES = tuple(ID_NUMBER_RES)

# Prefixes of the regions (HCP code), used for every province not listed in PROVINCE_CIN_PREFIXES.
REGION_CIN_PREFIXES: dict[str, tuple[str, ...]] = {
    "01": ("K", "L", "LA"),
    "02": ("F", "FA", "FB"),
    "03": ("C", "D"),
    "04": ("A", "G"),
    "05": ("I", "IA"),
    "06": ("B", "M", "N"),
    "07": ("E", "H"),
    "08": ("U", "UA"),
    "09": ("J", "JA"),
    "10": ("JH",),
    "11": ("SH",),
    "12": ("SL",),
}
PROVINCE_CIN_PREFIXES: dict[str, tuple[str, ...]] = {
    "01.511": ("K", "KA", "KB"),  # Tanger-Assilah
    "01.571": ("L", "LA", "LB"),  # Tétouan
    "01.573": ("L", "LC"),  # M'diq-Fnideq
    "01.051": ("R",),  # Al Hoceima
    "02.411": ("F", "FA", "FB"),  # Oujda-Angad
    "02.381": ("S", "SA"),  # Nador
    "02.167": ("S",),  # Driouch
    "03.231": ("C", "CB", "CD"),  # Fès
    "03.061": ("D", "DA"),  # Meknès
    "03.561": ("Z",),  # Taza
    "04.421": ("A", "AB", "AE"),  # Rabat
    "04.441": ("AA", "AB"),  # Salé
    "04.501": ("AD",),  # Skhirate-Témara
    "04.281": ("G", "GA"),  # Kénitra
    "04.291": ("X",),  # Khémisset
    "04.481": ("GK",),  # Sidi Kacem
    "04.491": ("GM",),  # Sidi Slimane
    "05.091": ("I", "IA", "IB"),  # Béni Mellal
    "05.311": ("Q",),  # Khouribga
    "05.301": ("V",),  # Khénifra
    "06.141": ("B", "BA", "BB", "BE", "BH", "BJ", "BK", "BL", "BM", "BW"),  # Casablanca
    "06.371": ("T", "TA"),  # Mohammadia
    "06.181": ("M", "MA"),  # El Jadida
    "06.461": ("W", "WA"),  # Settat
    "07.351": ("E", "EA", "EE"),  # Marrakech
    "07.431": ("H", "HA"),  # Safi
    "08.201": ("U", "UA"),  # Errachidia
    "08.401": ("P", "PA"),  # Ouarzazate
    "09.001": ("J", "JA", "JB"),  # Agadir-Ida-Ou-Tanane
    "09.273": ("JE",),  # Inezgane-Aït Melloul
    "09.541": ("JT",),  # Taroudannt
    "09.581": ("JK",),  # Tiznit
    "10.261": ("JH",),  # Guelmim
    "11.321": ("SH",),  # Laâyoune
    "12.391": ("SL",),  # Oued Ed-Dahab
}

# A CIN is issued where its holder lived at 16; people move, so some live away from their prefix's area.
CIN_ISSUED_ELSEWHERE = 0.12

CIN_NUMBER_SPACE = 990_000  # numbers 10000..999999: five or six digits, no leading zero
DOCUMENT_NUMBER_SPACE = 10**7  # passports: seven digits
CARD_NUMBER_SPACE = 10**8  # residence and refugee cards: eight digits
# Multipliers of the per-prefix permutations: primes that share no factor with any number space above.
_MULTIPLIERS = (7919, 104729, 1299709, 15485863, 179424673, 2038074743)


def province_prefixes(province_code: str) -> tuple[str, ...]:
    return PROVINCE_CIN_PREFIXES.get(province_code) or REGION_CIN_PREFIXES[province_code[:2]]


class NumberAllocator:
    """Unique document numbers per series, independent of how the rows are split into batches.

    Series k hands out numbers perm_k(0), perm_k(1), … where perm_k(c) = (a_k·c + b_k) mod space is a
    bijection of [0, space): no two people of a series get the same number until the space is used up, and
    consecutive people do not get consecutive numbers.
    """

    def __init__(self, series: int, space: int, seed: int) -> None:
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(space,))))
        self.space = space
        self.used = np.zeros(series, dtype=np.int64)
        self.multiplier = np.array(
            [_MULTIPLIERS[i % len(_MULTIPLIERS)] for i in range(series)], dtype=np.int64
        )
        self.offset = rng.integers(0, space, series)

    def allocate(self, series: np.ndarray) -> np.ndarray:
        """One number for each element of `series` (series indices), in row order."""
        order = np.argsort(series, kind="stable")
        counts = np.bincount(series, minlength=len(self.used))
        group_start = np.concatenate(([0], np.cumsum(counts)[:-1]))
        rank = np.empty(len(series), dtype=np.int64)
        rank[order] = np.arange(len(series)) - np.repeat(group_start, counts)
        counter = self.used[series] + rank
        self.used += counts
        if (self.used > self.space).any():
            raise OverflowError("a document series has run out of numbers")
        # Python ints would overflow int64 for a·c with the largest primes; reduce the multiplier first.
        multiplier = self.multiplier[series] % self.space
        return (multiplier * counter % self.space + self.offset[series]) % self.space


def join_prefix(prefixes: pa.Array, numbers: np.ndarray, width: int = 0) -> pa.Array:
    """Prefix strings + numbers, left-padded with zeros to `width` digits."""
    digits = pc.cast(pa.array(numbers), pa.string())
    if width:
        digits = pc.utf8_lpad(digits, width, "0")
    return pc.binary_join_element_wise(prefixes, digits, "")
