"""Registries with realistic duplicates and known true clusters, to measure deduplication.

The same person is registered several times by different organisations, each writing what it was told in
its own way: in Arabic script only, in Latin script only or both; with another Latin spelling of the same
Arabic name; with typos; with first and last names swapped; a compound first name cut short; the date of
birth missing, with day and month swapped, reduced to a year (an age given at the desk) or mistyped; a new
phone number; the identity card left out or written with spaces. People of one household share the family
name, the commune and often the phone, twins even the date of birth: they look alike but are different
people, the non-matches a deduplication must not merge.

`generate_registry(n)` returns n records (a pyarrow table) with `cluster_id`, the true person.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from kafaat.synth.names import latin_variants
from kafaat.synth.people import generate_people
from kafaat.synth.phones import normalise_phone

# How many records a person has: most once, some up to four times (several organisations, re-registration).
CLUSTER_SIZES = ((1, 0.74), (2, 0.17), (3, 0.065), (4, 0.025))
HOUSEHOLD_SHARE = 0.30  # people registered with another member of their household
ARABIC_NAMED = ("MA", "SY", "YE", "SD")  # nationalities whose names come from the Arabic tables
SOURCES = ("NGO Oujda", "ANAPEC", "OFPPT", "Entraide nationale", "INDH", "NGO Tanger")


@dataclass(frozen=True)
class Noise:
    """Probabilities of each change in one record of a person (the first record is noisy too)."""

    arabic_only: float = 0.25
    latin_only: float = 0.35
    other_spelling: float = 0.5
    latin_typo: float = 0.12
    arabic_variant: float = 0.2
    arabic_typo: float = 0.05
    swapped_names: float = 0.04
    short_compound: float = 0.3
    dob_missing: float = 0.08
    dob_swapped: float = 0.05
    dob_year_only: float = 0.07
    dob_typo: float = 0.03
    phone_changed: float = 0.15
    phone_missing: float = 0.08
    id_missing: float = 0.5
    id_typo: float = 0.02
    moved: float = 0.08
    sex_error: float = 0.003


_ARABIC_VARIANTS = (("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ة", "ه"), ("ى", "ي"))
_LATIN_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _latin_typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.random()
    if kind < 0.3:
        return text[:i] + text[i + 1 :]
    if kind < 0.55:
        return text[:i] + text[i] + text[i:]
    if kind < 0.8:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + rng.choice(_LATIN_LETTERS) + text[i + 1 :]


def _arabic_variant(rng: random.Random, text: str) -> str:
    """What differs between two clerks typing the same Arabic name: hamza seats, taa marbuta, diacritics."""
    for old, new in _ARABIC_VARIANTS:
        if old in text and rng.random() < 0.7:
            text = text.replace(old, new)
    if rng.random() < 0.15 and len(text) > 2:
        i = rng.randrange(1, len(text))
        text = text[:i] + "\u064e" + text[i:]  # a fatha typed by a careful clerk
    if rng.random() < 0.1:
        text = text.replace(" ", "", 1)  # compound name glued
    return text


def _arabic_typo(rng: random.Random, text: str) -> str:
    letters = [i for i, c in enumerate(text) if c != " "]
    if len(letters) < 4:
        return text
    i = rng.choice(letters[1:])
    return text[:i] + text[i + 1 :]


def _respell(rng: random.Random, arabic: str, latin: str, kind: str) -> str:
    variants = latin_variants(arabic, kind) or [latin]
    return rng.choice(variants)


def _write_date(rng: random.Random, day) -> str:
    style = rng.random()
    if style < 0.5:
        return day.isoformat()
    if style < 0.9:
        return f"{day.day:02d}/{day.month:02d}/{day.year}"
    return f"{day.day}-{day.month}-{day.year}"


def _birth_date(rng: random.Random, day, noise: Noise) -> str:
    roll = rng.random()
    if roll < noise.dob_missing:
        return ""
    roll -= noise.dob_missing
    if roll < noise.dob_year_only:
        return str(day.year)
    roll -= noise.dob_year_only
    if roll < noise.dob_swapped and day.day <= 12 and day.day != day.month:
        return f"{day.month:02d}/{day.day:02d}/{day.year}"
    roll -= noise.dob_swapped
    if roll < noise.dob_typo:
        day = day.replace(day=min(28, max(1, day.day + rng.choice((-10, -1, 1, 10)))))
    return _write_date(rng, day)


def _write_phone(rng: random.Random, e164_digits: str) -> str:
    national = "0" + e164_digits
    pairs = " ".join(national[i : i + 2] for i in range(0, 10, 2))
    return rng.choice((national, national, pairs, "+212" + e164_digits, "00212" + e164_digits))


def _new_phone(rng: random.Random) -> str:
    return rng.choice("67") + f"{rng.randrange(10**8):08d}"


def _write_id(rng: random.Random, number: str, noise: Noise) -> str:
    if rng.random() < noise.id_typo:
        i = rng.randrange(len(number.rstrip("0123456789")), len(number))
        number = number[:i] + rng.choice("0123456789") + number[i + 1 :]
    style = rng.random()
    if style < 0.15:
        letters = number.rstrip("0123456789")
        return letters + " " + number[len(letters) :]
    if style < 0.25:
        return number.lower()
    return number


def generate_registry(
    n: int, seed: int = 7, noise: Noise | None = None, household_share: float = HOUSEHOLD_SHARE
) -> pa.Table:
    """`n` records of fewer people, shuffled, with `cluster_id` (true person) and `household_id`."""
    noise = noise or Noise()
    rng = random.Random(seed)
    sizes = np.array([s for s, _ in CLUSTER_SIZES])
    shares = np.array([p for _, p in CLUSTER_SIZES])
    people_count = int(1.01 * n / float(sizes @ shares)) + 16  # a margin: the sizes are drawn at random
    base = pa.concat_tables(list(generate_people(people_count, seed=seed))).to_pydict()
    np_rng = np.random.default_rng(seed)
    cluster_size = np_rng.choice(sizes, size=people_count, p=shares / shares.sum())
    province_of = {c: p for c, p in zip(base["commune_code"], base["province_code"], strict=True) if c}
    communes = sorted(province_of)
    people = [{key: base[key][i] for key in base} for i in range(people_count)]
    for i, person in enumerate(people):
        person["phone_digits"] = normalise_phone(person["phone"])[4:]
        person["household"] = i
        if i and rng.random() < household_share:
            head = people[i - 1]
            person["household"] = head["household"]
            same_family = person["sex"] == "M" or rng.random() < 0.6  # a wife keeps her own family name
            shared = ("commune_code", "province_code", "region_code")
            for key in shared + (("last_name_ar", "last_name_latin") if same_family else ()):
                person[key] = head[key]
            if rng.random() < 0.6:
                person["phone_digits"] = head["phone_digits"]
            if rng.random() < 0.05 and head["birth_date"].year > 1975:  # twins
                person["birth_date"] = head["birth_date"]
    rows: dict[str, list] = {key: [] for key in COLUMNS}
    for cluster_id, person in enumerate(people):
        for _ in range(int(cluster_size[cluster_id])):
            _append_record(rows, rng, person, cluster_id, (communes, province_of), noise)
            if len(rows["cluster_id"]) >= n:
                break
        if len(rows["cluster_id"]) >= n:
            break
    order = np_rng.permutation(len(rows["cluster_id"]))
    table = pa.table({key: pa.array(values) for key, values in rows.items()}).take(pa.array(order))
    return table.append_column("record_id", pa.array(np.arange(table.num_rows), pa.int64()))


COLUMNS = (
    "cluster_id", "household_id", "source", "first_name_ar", "last_name_ar", "first_name_latin",
    "last_name_latin", "sex", "birth_date", "phone", "id_number", "commune_code", "province_code",
)  # fmt: skip


def _names(rng: random.Random, person: dict, noise: Noise) -> tuple[str, str, str, str]:
    first_ar, last_ar = person["first_name_ar"], person["last_name_ar"]
    first_lat, last_lat = person["first_name_latin"], person["last_name_latin"]
    first_kind = "female" if person["sex"] == "F" else "male"
    if person["nationality"] != "MA" and not latin_variants(first_ar, first_kind):
        first_kind = "foreign_" + first_kind
    if rng.random() < noise.other_spelling:
        first_lat = _respell(rng, first_ar, first_lat, first_kind)
    if rng.random() < noise.other_spelling:
        last_lat = _respell(rng, last_ar, last_lat, "family")
    short = first_ar.split()[0]
    if short != first_ar and latin_variants(short) and rng.random() < noise.short_compound:  # Fatima Zahra
        first_ar = short
        first_lat = _respell(rng, first_ar, first_lat.replace("-", " ").split()[0], first_kind)
    if rng.random() < noise.latin_typo:
        if rng.random() < 0.5:
            first_lat = _latin_typo(rng, first_lat)
        else:
            last_lat = _latin_typo(rng, last_lat)
    if rng.random() < noise.arabic_variant:
        first_ar, last_ar = _arabic_variant(rng, first_ar), _arabic_variant(rng, last_ar)
    if rng.random() < noise.arabic_typo:
        first_ar = _arabic_typo(rng, first_ar)
    script = rng.random()
    if script < noise.arabic_only:
        first_lat = last_lat = ""
    elif script < noise.arabic_only + noise.latin_only or person["nationality"] not in (
        "MA",
        "SY",
        "YE",
        "SD",
    ):
        first_ar = last_ar = ""
    if rng.random() < noise.swapped_names:
        first_ar, last_ar, first_lat, last_lat = last_ar, first_ar, last_lat, first_lat
    return first_ar, last_ar, first_lat, last_lat


def _append_record(
    rows: dict[str, list], rng: random.Random, person: dict, cluster_id: int, places: tuple, noise: Noise
) -> None:
    first_ar, last_ar, first_lat, last_lat = _names(rng, person, noise)
    phone = ""
    if rng.random() >= noise.phone_missing:
        digits = _new_phone(rng) if rng.random() < noise.phone_changed else person["phone_digits"]
        phone = _write_phone(rng, digits)
    id_number = "" if rng.random() < noise.id_missing else _write_id(rng, person["id_number"], noise)
    commune, province = person["commune_code"] or "", person["province_code"]
    if rng.random() < noise.moved:
        communes, province_of = places
        commune = rng.choice(communes)
        province = province_of[commune]
    sex = person["sex"]
    if rng.random() < noise.sex_error:
        sex = "M" if sex == "F" else "F"
    record = {
        "cluster_id": cluster_id,
        "household_id": person["household"],
        "source": rng.choice(SOURCES),
        "first_name_ar": first_ar,
        "last_name_ar": last_ar,
        "first_name_latin": first_lat,
        "last_name_latin": last_lat,
        "sex": sex,
        "birth_date": _birth_date(rng, person["birth_date"], noise),
        "phone": phone,
        "id_number": id_number,
        "commune_code": commune,
        "province_code": province,
    }
    for key, value in record.items():
        rows[key].append(value)
