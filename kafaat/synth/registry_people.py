"""A synthetic registry with known duplicates (`duplicates.generate_registry`) written as the registry's
people: the tests and the benchmark of the registration-time matches compare the in-memory index and the
database's match keys on it.

Each record is stored as a registration would store it: the date of birth parsed (a year or an age becomes
a date estimated from it), the phone in E.164, the CIN encrypted with its keyed hash, the commune (or, when
the record has none, the province) as the territory; one registration access for the organisation. The match
keys are not written here: call `match_keys.rebuild()` afterwards, as for any bulk load.
"""

from __future__ import annotations

import uuid
from datetime import date

import pyarrow as pa
from django.db import transaction
from django.utils import timezone

from kafaat.core.imports import BulkTable, reserve_ids
from kafaat.core.models import Organisation, Territory
from kafaat.registry import normalise
from kafaat.registry.dedup.keys import parse_birth_date
from kafaat.registry.models import Person, PersonAccess
from kafaat.registry.services import identity_hashes_of, search_name_of
from kafaat.registry.validation import NAME_FIELDS

PERSON_FIELDS = (
    "id", "registered_by", "created_at", "updated_at", "uid", "external_id", "first_name_ar", "last_name_ar",
    "first_name_latin", "last_name_latin", "search_name", "sex", "birth_date", "birth_date_estimated",
    "nationality", "migration_status", "territory", "area", "phone", "phone_alt", "id_type", "id_number",
    "id_number_hash", "education_level", "household_head", "languages",
)  # fmt: skip
ACCESS_FIELDS = ("person", "organisation", "reason", "is_active", "granted_at")
CHUNK = 50_000


def _birth(raw: str) -> tuple[date | None, bool]:
    parsed = parse_birth_date(raw, reference_year=2025)
    if parsed.value is not None:
        return parsed.value, False
    return (date(parsed.year, 7, 1), True) if parsed.year else (None, False)


def _phone(raw: str) -> str:
    try:
        return normalise.normalise_phone(raw) if raw else ""
    except ValueError:
        return ""


def _cin(raw: str) -> str:
    try:
        return normalise.normalise_id_number("cin", raw) if raw else ""
    except ValueError:
        return ""


def person_values(table: pa.Table, territories: dict[str, int]) -> dict[str, list]:
    """The stored values of the records (one list per field of `PERSON_FIELDS` but the constants)."""
    births = [_birth(raw) for raw in table["birth_date"].to_pylist()]
    numbers = [_cin(raw) for raw in table["id_number"].to_pylist()]
    places = zip(table["commune_code"].to_pylist(), table["province_code"].to_pylist(), strict=True)
    names = {name: table[name].to_pylist() for name in NAME_FIELDS}
    search_names: dict[tuple, str] = {}
    for combination in set(zip(*names.values(), strict=True)):
        search_names[combination] = search_name_of(*combination)
    return {
        "external_id": [f"synthetic-{n}" for n in table["record_id"].to_pylist()],
        **names,
        "search_name": [search_names[combination] for combination in zip(*names.values(), strict=True)],
        "sex": table["sex"].to_pylist(),
        "birth_date": [birth for birth, _estimated in births],
        "birth_date_estimated": [estimated for _birth, estimated in births],
        "territory": [territories.get(commune) or territories[province] for commune, province in places],
        "phone": [_phone(raw) for raw in table["phone"].to_pylist()],
        "id_type": ["cin" if number else "" for number in numbers],
        "id_number": numbers,
        "id_number_hash": identity_hashes_of(["cin" if n else "" for n in numbers], numbers),
    }


@transaction.atomic
def write_people(table: pa.Table, organisation: Organisation) -> list[int]:
    """Write the records of `table` as people registered by `organisation`; their ids, in table order."""
    territories = dict(Territory.objects.filter(level__in=["commune", "province"]).values_list("code", "pk"))
    people = BulkTable(Person, PERSON_FIELDS)
    accesses = BulkTable(PersonAccess, ACCESS_FIELDS)
    now = timezone.now()
    written: list[int] = []
    for start in range(0, table.num_rows, CHUNK):
        part = table.slice(start, CHUNK)
        values = person_values(part, territories)
        ids = reserve_ids(Person, part.num_rows)
        count = part.num_rows
        blank = [""] * count
        columns = [
            ids, [organisation.pk] * count, [now] * count, [now] * count,
            [uuid.uuid4() for _ in range(count)], values["external_id"], values["first_name_ar"],
            values["last_name_ar"], values["first_name_latin"], values["last_name_latin"],
            values["search_name"], values["sex"], values["birth_date"], values["birth_date_estimated"],
            ["MA"] * count, blank, values["territory"], blank, values["phone"], blank, values["id_type"],
            values["id_number"], values["id_number_hash"], blank, [False] * count, [[]] * count,
        ]  # fmt: skip
        people.write(people.from_columns(columns))
        registered = PersonAccess.Reason.REGISTERED.value
        accesses.write(accesses.row((pk, organisation.pk, registered, True, now)) for pk in ids)
        written += ids
    return written
