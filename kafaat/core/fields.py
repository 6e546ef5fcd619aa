"""Model fields: encrypted values (clear in Python), and names cleaned of bidirectional controls."""

from __future__ import annotations

import json

from django.db import models

from kafaat.core import crypto
from kafaat.core.l10n.text import strip_bidi_controls


class NameField(models.CharField):
    """The name of a person or an organisation: bidirectional control characters never reach the database.

    Stripped when a form reads the value, when an instance is saved (one by one or in bulk) and when a query
    writes it, so the admin, pages, API and imports all store the same text.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return strip_bidi_controls(value) if isinstance(value, str) else value

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            value = strip_bidi_controls(value)
            setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return strip_bidi_controls(value) if isinstance(value, str) else value

    def deconstruct(self):
        # Stored as a plain CharField: the cleaning is Python-side, so migrations need not know the class.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token. Not searchable: pair it with a keyed hash when look-ups are needed."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))

    def get_prep_values(self, values: list) -> list:
        """`get_prep_value` of many values, encrypted as one batch (bulk writes)."""
        return _encrypt_present(values, lambda value: value in (None, ""), str)


class EncryptedJSONField(models.TextField):
    """A JSON document stored as one Fernet token (e.g. the Washington Group answers)."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return None
        return json.loads(crypto.decrypt(value))

    def to_python(self, value):
        if isinstance(value, str) and value:
            return json.loads(value)
        return value

    def get_prep_value(self, value):
        if value is None:
            return None
        return crypto.encrypt(json.dumps(value, sort_keys=True))

    def get_prep_values(self, values: list) -> list:
        """`get_prep_value` of many values, encrypted as one batch (bulk writes)."""
        return _encrypt_present(values, lambda value: value is None, lambda v: json.dumps(v, sort_keys=True))

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj))


def _encrypt_present(values: list, absent, as_text) -> list:
    """The values with every present one encrypted (in one batch); absent ones kept as they are."""
    present = [i for i, value in enumerate(values) if not absent(value)]
    out = list(values)
    for i, token in zip(present, crypto.encrypt_many([as_text(values[i]) for i in present]), strict=True):
        out[i] = token
    return out
