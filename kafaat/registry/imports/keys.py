"""What makes a row of the people import the same as a person already imported: the fingerprint of the values
an import compares (docs/import.md, *Idempotence*), for the rows of a file and for the people stored."""

from __future__ import annotations

import hashlib
import json

from django.db import models
from django.db.models.functions import Cast

from kafaat.core import crypto
from kafaat.core.fields import EncryptedJSONField, EncryptedTextField
from kafaat.registry.models import Person
from kafaat.registry.validation import NAME_FIELDS

COMPARED_FIELDS = (
    *NAME_FIELDS, "sex", "birth_date_estimated", "nationality", "migration_status", "area", "phone",
    "phone_alt", "id_type", "education_level", "neet", "household_head",
)  # fmt: skip
FINGERPRINT_FIELDS = (
    *COMPARED_FIELDS,
    "birth_date",
    "territory",
    "id_number_hash",
    "languages",
    "disability_answers",
)


def fingerprint(values, territory_id: int | None, id_hash: str) -> str:
    """The values an import compares; an estimated birth date is compared as "estimated", not by its day."""
    parts = [values[k] for k in COMPARED_FIELDS]
    birth = None if values["birth_date_estimated"] else values["birth_date"]
    answers = sorted((values["disability_answers"] or {}).items())
    parts += [birth, territory_id, id_hash, sorted(values["languages"] or []), answers]
    return sha(parts)


def stored_fingerprints(organisation_id: int, keys) -> dict[str, str]:
    """External id → `fingerprint` of the organisation's people with these keys, read with their encrypted
    fields as stored and decrypted in one batch (`crypto.decrypt_many`) rather than a Fernet call each: a
    file imported again compares every row."""
    encrypted = [name for name in FINGERPRINT_FIELDS if _ENCRYPTED.get(name)]
    plain = [name for name in FINGERPRINT_FIELDS if name not in encrypted]
    tokens = {f"stored_{name}": Cast(name, models.TextField()) for name in encrypted}
    people = Person.objects.filter(registered_by_id=organisation_id, external_id__in=list(keys))
    rows = list(people.annotate(**tokens).values("external_id", *plain, *tokens))
    for name in encrypted:
        column = [row.pop(f"stored_{name}") for row in rows]
        present = [i for i, token in enumerate(column) if token not in (None, "")]
        clear = crypto.decrypt_many([column[i] for i in present])
        for row, token in zip(rows, column, strict=True):
            row[name] = token if _ENCRYPTED[name] == "text" else None  # what from_db_value gives when empty
        for i, text in zip(present, clear, strict=True):
            rows[i][name] = text if _ENCRYPTED[name] == "text" else json.loads(text)
    return {row["external_id"]: fingerprint(row, row["territory"], row["id_number_hash"]) for row in rows}


_ENCRYPTED = {
    name: "json" if isinstance(model_field, EncryptedJSONField) else "text"
    for name in FINGERPRINT_FIELDS
    if isinstance(model_field := Person._meta.get_field(name), EncryptedTextField | EncryptedJSONField)
}


def sha(parts) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()


def fingerprints(values: dict[str, list]) -> list[str]:
    """`fingerprint()` of every row, column by column (the same text hashed, so the same keys)."""
    parts = [list(map(str, values[key])) for key in COMPARED_FIELDS]
    parts.append(
        [
            "None" if estimated else str(birth)
            for birth, estimated in zip(values["birth_date"], values["birth_date_estimated"], strict=True)
        ]
    )
    parts += [list(map(str, values["territory"])), values["id_number_hash"]]
    parts.append(_memo_str(values["languages"], lambda languages: str(sorted(languages or []))))
    parts.append(
        _memo_str(values["disability_answers"], lambda answers: str(sorted((answers or {}).items())))
    )
    sha = hashlib.sha256
    return [sha("\x1f".join(row).encode()).hexdigest() for row in zip(*parts, strict=True)]


def _memo_str(column: list, text) -> list[str]:
    """`text(value)` of each value, once per value object (rows share the rules' cached lists and dicts)."""
    done: dict[int, str] = {}
    out = []
    for value in column:
        found = done.get(id(value))
        if found is None:
            found = done[id(value)] = text(value)
        out.append(found)
    return out
