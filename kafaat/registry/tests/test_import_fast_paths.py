"""What makes the people import fast must change nothing it writes: batched encryption gives Fernet's own
tokens, bulk rows hold the same values as row by row, search look-ups keep their indexes."""

from __future__ import annotations

import base64
import os
import uuid
from datetime import UTC, date, datetime

import pytest
from cryptography.fernet import Fernet
from django.db import DataError, IntegrityError, connection, transaction
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from kafaat.core import crypto
from kafaat.core.imports import BulkTable, references_checked_once
from kafaat.core.imports import run as importing
from kafaat.core.models import Territory
from kafaat.registry.imports import PERSON_FIELDS, PeopleImport
from kafaat.registry.models import Consent, Person, PersonAccess
from kafaat.registry.services import identity_hash_of, identity_hashes_of, search_people
from kafaat.registry.validation import DATE_FORMATS, parse_date

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
        # The search table (migration 0009) is written with the people: analysed too, as autovacuum would.
        cursor.execute("ANALYZE registry_person, registry_personsearch")
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


# --- Foreign keys checked once per chunk (PostgreSQL) -------------------------------------------------------

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL triggers")
CSV_HEADER = "N°,Nom,Prénom,Sexe,Date de naissance,Commune,Consentement\n"


def import_two(admin, organisation, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(CSV_HEADER + "K-1,Alaoui,Fatima,F,12/03/2001,Oujda,05/01/2025\n"
                    "K-2,Benali,Youssef,M,2000-07-01,Oujda,2025-01-06\n", encoding="utf-8")  # fmt: skip
    with translation.override("en"):
        return importing.run_import(PeopleImport(admin, organisation, language="en"), path)


@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_an_import_checks_references_once_and_writes_them_all(world, tmp_path):
    with transaction.atomic(), references_checked_once((Person,), {}) as skipped:
        assert skipped  # the test database's role may: the fast path is the one under test
    result = import_two(world["users"]["admin_a"], world["ngo_a"], tmp_path)
    assert result.imported == 2
    people = Person.objects.filter(registered_by=world["ngo_a"], external_id__in=["K-1", "K-2"])
    assert {p.territory.name_fr for p in people} == {"Oujda"}
    assert PersonAccess.objects.filter(person__in=people, organisation=world["ngo_a"]).count() == 2
    assert Consent.objects.filter(person__in=people, recorded_for=world["ngo_a"]).count() == 2


@pytest.mark.django_db
@postgresql_only
def test_a_reference_deleted_meanwhile_fails_the_write(world):
    missing = Territory.objects.order_by("-pk").first().pk + 1000
    checked = references_checked_once((Person,), {Territory: [missing]})
    with pytest.raises(IntegrityError, match="core_territory"), transaction.atomic(), checked:
        pass


@pytest.mark.django_db
@postgresql_only
def test_tables_with_their_own_triggers_keep_every_check(world):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION pg_temp.noop() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'"
        )
        cursor.execute(
            "CREATE TRIGGER kafaat_test_noop BEFORE INSERT ON registry_consent "
            "FOR EACH ROW EXECUTE FUNCTION pg_temp.noop()"
        )  # rolled back with the test's transaction
    with references_checked_once((Person, Consent), {}) as skipped:
        assert not skipped


@pytest.mark.django_db
@postgresql_only
def test_a_role_that_may_not_skip_triggers_keeps_every_check(world):
    with connection.cursor() as cursor:
        cursor.execute("CREATE ROLE kafaat_import_test_role")  # rolled back with the test's transaction
        cursor.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO kafaat_import_test_role")
        cursor.execute("SET LOCAL ROLE kafaat_import_test_role")
        with references_checked_once((Person,), {}) as skipped:
            assert not skipped
        cursor.execute("SELECT 1")  # the refusal left the transaction usable
        cursor.execute("RESET ROLE")


@pytest.mark.django_db
@postgresql_only
def test_without_the_privilege_an_import_keeps_every_check_and_still_writes(world, tmp_path):
    with connection.cursor() as cursor:
        cursor.execute("CREATE ROLE kafaat_import_test_role")  # rolled back with the test's transaction
        cursor.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO kafaat_import_test_role")
        cursor.execute("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO kafaat_import_test_role")
        cursor.execute("SET LOCAL ROLE kafaat_import_test_role")
        result = import_two(world["users"]["admin_a"], world["ngo_a"], tmp_path)
        cursor.execute("RESET ROLE")
    assert (result.imported, result.errors) == (2, [])
    people = Person.objects.filter(registered_by=world["ngo_a"], external_id__in=["K-1", "K-2"])
    assert PersonAccess.objects.filter(person__in=people).count() == 2


@pytest.mark.django_db
@postgresql_only
def test_an_error_while_writing_surfaces_as_itself(world):
    checked = references_checked_once((Person,), {})
    with pytest.raises(DataError, match="division by zero"), transaction.atomic(), checked as skipped:
        assert skipped
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")


def _date_by_strptime(text: str):
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 — a calendar date
        except ValueError:
            continue
    return None


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.dates().flatmap(lambda day: st.sampled_from([day.strftime(f) for f in DATE_FORMATS])),
        st.text(alphabet="0123456789-/+ .٣", min_size=8, max_size=12),
    )
)
def test_dates_read_without_strptime_are_what_strptime_reads(text):
    expected = _date_by_strptime(text.strip())
    if expected is None:
        with pytest.raises(ValueError):
            parse_date(text)
    else:
        assert parse_date(text) == expected


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["cin", "passport", ""]), st.text(max_size=12)), max_size=20))
def test_identity_hashes_of_a_batch_are_each_documents_hash(documents):
    types, numbers = [t for t, _n in documents], [n for _t, n in documents]
    assert identity_hashes_of(types, numbers) == list(map(identity_hash_of, types, numbers))


@pytest.mark.django_db
def test_stored_fingerprints_are_those_of_the_people_read_one_by_one(world):
    """The fingerprints a re-import compares, read with the encrypted fields decrypted in one batch, are those
    of the model instances (each field decrypted by itself), whatever is empty or present."""
    from kafaat.registry import services
    from kafaat.registry.imports import fingerprint, stored_fingerprints
    from kafaat.registry.tests.conftest import PERSON

    answers = {f"wg_{domain}": "2" for domain in ("seeing", "hearing", "mobility", "cognition", "self_care",
                                                  "communication")}  # fmt: skip
    variants = [
        {**PERSON, "external_id": "F-1"},
        {
            **PERSON,
            "external_id": "F-2",
            "migration_status": "refugee",
            "nationality": "SN",
            **answers,
            "languages": "fr, ar",
            "id_number": "",
            "id_type": "",
        },  # fmt: skip
        {**PERSON, "external_id": "F-3", "migration_status": "", "birth_date": "", "age": "30", "phone": ""},
    ]
    worker = world["users"]["caseworker_a"]
    people = [services.register_person(worker, raw, consent_given_on=date(2026, 1, 5)) for raw in variants]
    stored = stored_fingerprints(people[0].registered_by_id, ["F-1", "F-2", "F-3", "F-4"])
    assert set(stored) == {"F-1", "F-2", "F-3"}
    for person in Person.objects.filter(pk__in=[p.pk for p in people]):
        expected = fingerprint(vars(person), person.territory_id, person.id_number_hash)
        assert stored[person.external_id] == expected
    assert len(set(stored.values())) == 3
