"""What makes the people import fast must change nothing it writes: batched encryption gives Fernet's own
tokens, bulk rows hold the same values as row by row, search look-ups keep their indexes."""

from __future__ import annotations

import base64
import os
import uuid
from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from kafaat.core import crypto
from kafaat.core.bulk import BulkTable
from kafaat.registry.importing import PERSON_FIELDS
from kafaat.registry.models import Person
from kafaat.registry.services import search_people

texts = st.text(max_size=80)


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, min_size=1, max_size=40), st.integers(0, 2**40))
def test_batched_encryption_makes_the_tokens_fernet_makes(plaintexts, now):
    key = Fernet.generate_key()
    datas = [text.encode() for text in plaintexts]
    ivs = os.urandom(16 * len(datas))
    fernet = Fernet(key)
    expected = [
        fernet._encrypt_from_parts(data, now, ivs[16 * i : 16 * i + 16]).decode()
        for i, data in enumerate(datas)
    ]
    assert crypto._fernet_tokens(base64.urlsafe_b64decode(key), datas, ivs, now) == expected


@settings(max_examples=50, deadline=None)
@given(st.lists(texts, min_size=1, max_size=40))
def test_batched_encryption_round_trips_with_fresh_ivs(plaintexts):
    tokens = crypto.encrypt_many(plaintexts)
    assert [crypto.decrypt(token) for token in tokens] == plaintexts
    assert len(set(tokens)) == len(tokens)  # a random IV each: equal values do not give equal tokens


def test_encrypt_many_of_nothing_is_nothing():
    assert crypto.encrypt_many([]) == []


@pytest.mark.django_db
def test_bulk_rows_store_what_row_by_row_stores(world):
    table = BulkTable(Person, PERSON_FIELDS)
    now = datetime(2025, 1, 1, tzinfo=UTC)
    base = [0, world["ngo_a"].pk, None, None, now, now, uuid.uuid4(), "X-1",
            "فاطمة", "العلوي", "Fatima", "Alaoui", " fatima alaoui ", "F", None, False, "MA"]  # fmt: skip
    rows = []
    for status, id_number, answers in (
        ("refugee", "AB123", {"seeing": 1, "hearing": 2}),
        ("", "", None),
        ("moroccan", "P" * 40, None),
    ):
        values = dict(zip(PERSON_FIELDS, [*base, status, 1, "urban", "", "", "cin", id_number, "", "", None,
                                          False, ["fr"], answers], strict=True))  # fmt: skip
        rows.append(tuple(values[name] for name in PERSON_FIELDS))
    batched, single = table.rows(rows), [table.row(values) for values in rows]
    sensitive = ("migration_status", "id_number", "disability_answers")
    encrypted = {PERSON_FIELDS.index(name) for name in sensitive}
    for got, expected in zip(batched, single, strict=True):
        for index, (a, b) in enumerate(zip(got, expected, strict=True)):
            if index in encrypted and b not in (None, ""):
                field = Person._meta.get_field(PERSON_FIELDS[index])
                assert field.from_db_value(a, None, connection) == field.from_db_value(b, None, connection)
            else:
                assert a == b


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL indexes")
@pytest.mark.parametrize(
    ("query", "index"),
    [
        ("0612345678", "person_phone_idx"),
        ("0612345678", "person_phone_alt_idx"),
        ("AB123456", "person_id_number_hash_idx"),
    ],
)
def test_search_look_ups_use_their_index(world, query, index):
    territory = world["ngo_a"].territory
    Person.objects.bulk_create(
        Person(registered_by=world["ngo_a"], territory=territory, sex="F", last_name_latin=f"Person {n}",
               search_name=f" person {n} ", phone=f"+2126{n:08d}", id_number_hash=f"{n:064x}")
        for n in range(3000)
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_person")
    plan = search_people(world["users"]["admin_a"], query)[:25].explain()
    assert index in plan, plan


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL indexes")
def test_no_like_copies_of_the_look_up_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'registry_person'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"person_phone_idx", "person_phone_alt_idx", "person_id_number_hash_idx"} <= names
    assert not [name for name in names if name.endswith("_like")]
