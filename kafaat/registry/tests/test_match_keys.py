"""Issue 13: the registration-time matches come from a key table in the database, which every web process
shares. Its rows follow the people (registration, change, import, merge and its undoing, rebuild); they hold
no value in clear; a stale row never shows a merged person; a garbage query finds and reveals nothing."""

from datetime import date

import pytest
from django.db import connection
from django.test import override_settings

from kafaat.core import crypto
from kafaat.core.models import AuditEvent
from kafaat.registry import services
from kafaat.registry.dedup import linkage, match_keys, merging
from kafaat.registry.dedup import services as dedup_services
from kafaat.registry.dedup.keys import BLOCKING_RULES
from kafaat.registry.models import MatchFrequency, MatchKey, MatchKeyState, Person
from kafaat.registry.tests import test_import_people, test_review_pages

pytestmark = pytest.mark.django_db
registry, _english = test_review_pages.registry, test_review_pages._english
FULL = {
    "first_name_latin": "Fatima Zahra",
    "last_name_latin": "Benali",
    "birth_date": "2001-03-12",
    "sex": "F",
    "commune": "Oujda",
}


def stored(*people: Person) -> dict[int, tuple]:
    return {
        row[0]: tuple(row[1:])
        for row in MatchKey.objects.filter(person__in=people).values_list(
            "person_id", *match_keys.KEY_COLUMNS
        )
    }


def expected(*people: Person) -> dict[int, tuple]:
    """The keys recomputed from the people's records as they are now in the database."""
    records = match_keys.registry_records(Person.objects.filter(pk__in=[p.pk for p in people]))
    return {row[0]: tuple(row[1:]) for row in match_keys.key_rows(linkage.prepare(records))}


def people_file(tmp_path):
    return test_import_people.write_csv(
        tmp_path / "people.csv", test_import_people.HEADER, test_import_people.GOOD
    )


def test_one_key_column_per_blocking_rule_a_registry_record_can_feed():
    assert len(match_keys.KEY_RULES) == len(match_keys.KEY_COLUMNS) == 10
    left_out = [rule for rule in BLOCKING_RULES if rule not in match_keys.KEY_RULES]
    assert left_out == [("address", "dob_year"), ("postcode", "fn_k1")]  # spreadsheets only
    assert not {"address", "postcode"} & set(match_keys.registry_records().column_names)


def test_registering_writes_the_persons_keys(fatima):
    keys = stored(fatima)[fatima.pk]
    assert keys == expected(fatima)[fatima.pk]
    assert sum(key is not None for key in keys) >= 8  # names, phone, document, date, commune
    assert all(isinstance(key, int) and -(2**63) <= key < 2**63 for key in keys if key is not None)


def test_keys_are_keyed_hashes_no_value_in_clear(fatima):
    """Nothing in the tables is a name, a phone or a date, and the keys change with the hash key: without it
    a guessed value cannot be hashed and looked up (no dictionary attack)."""
    before = stored(fatima)[fatima.pk]
    match_keys.rebuild()
    with connection.cursor() as cursor:
        for table in (MatchKey._meta.db_table, MatchFrequency._meta.db_table):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 — the model's table
            for row in cursor.fetchall():
                assert all(isinstance(value, int) for value in row if value is not None)
    with override_settings(KAFAAT_HASH_KEY="another-hash-key-for-this-test"):
        crypto.reset_key_cache()
        try:
            other = expected(fatima)[fatima.pk]
            assert match_keys.signature() != MatchKeyState.objects.get().signature
        finally:
            crypto.reset_key_cache()
    assert all(a != b for a, b in zip(before, other, strict=True) if a is not None)


def test_a_change_of_a_matched_field_changes_the_keys(world, fatima):
    before = stored(fatima)[fatima.pk]
    services.update_person(world["users"]["caseworker_a"], fatima, {"phone": "0699001122"})
    after = stored(fatima)[fatima.pk]
    assert after == expected(fatima)[fatima.pk]
    assert after[2] != before[2]  # the phone's rule
    assert after[:2] == before[:2]  # the names' rules


def test_an_imported_file_writes_the_keys_of_every_person(world, tmp_path):
    path = people_file(tmp_path)
    result = test_import_people.import_people(world["users"]["admin_a"], world["ngo_a"], path)
    assert result.imported == 3
    people = list(Person.objects.all())
    assert stored(*people) == expected(*people) and len(stored(*people)) == 3
    # The import grew the registry (from nothing): the term frequencies were refreshed in a job.
    assert MatchKeyState.objects.get().people == 3


def test_an_imported_person_is_found_at_once(client, world, tmp_path):
    path = people_file(tmp_path)
    test_import_people.import_people(world["users"]["admin_a"], world["ngo_a"], path)
    found = dedup_services.likely_matches(
        world["users"]["caseworker_a"],
        {"first_name_latin": "Fatima", "last_name_latin": "Alaoui", "birth_date": "2001-03-12"},
    )
    assert [person.external_id for person, _p, _a in found.people] == ["A-1"]


def test_a_merge_removes_the_merged_keys_and_the_undo_restores_them(world, registry):
    survivor, merged = registry["fatima"], registry["again"]
    before = stored(survivor, merged)
    record = merging.merge(world["users"]["admin_a"], survivor, merged)
    assert set(stored(survivor, merged)) == {survivor.pk}
    assert stored(survivor) == expected(survivor)
    merging.unmerge(world["users"]["admin_a"], record)
    assert stored(survivor, merged) == before == expected(survivor, merged)


def test_a_merge_gives_the_survivor_the_keys_of_what_it_was_filled_with(world, registry):
    """The survivor had no phone: the merged record's fills it, and its key follows."""
    survivor = registry["other"]
    Person.objects.filter(pk=survivor.pk).update(phone="")
    match_keys.refresh([survivor.pk])
    assert stored(survivor)[survivor.pk][2] is None
    twin = services.register_person(
        world["users"]["caseworker_a"],
        {"first_name_latin": "Youssef", "last_name_latin": "Tazi", "sex": "M", "birth_date": "1990-01-01",
         "commune": "Oujda", "phone": "0655443322"},
        consent_given_on=date(2026, 3, 1),
    )  # fmt: skip
    merging.merge(world["users"]["admin_a"], survivor, twin)
    assert stored(survivor)[survivor.pk][2] == stored_phone_key("0655443322")


def stored_phone_key(phone: str) -> int:
    query = dedup_services.query_record({"phone": phone})
    return match_keys.key_columns(query)[2][0].as_py()


def test_a_stale_key_never_shows_a_merged_person(world, registry):
    """A merged record whose keys were left behind (a crash, a restore) is neither shown nor counted."""
    merging.merge(world["users"]["admin_a"], registry["fatima"], registry["again"])
    ghost = registry["again"]
    match_keys.write_imported([ghost.pk], [match_keys.import_rows(_linkage_columns(ghost))[0]])
    assert MatchKey.objects.filter(person=ghost).exists()
    ids = match_keys.candidates(dedup_services.query_record(FULL))
    assert ghost.pk in ids  # the stale row is a candidate …
    found = dedup_services.likely_matches(world["users"]["caseworker_a"], FULL)
    assert ghost.pk not in {person.pk for person, _p, _a in found.people}  # … never a match
    assert found.elsewhere == 1  # NGO B's record only, not the ghost
    match_keys.rebuild()
    assert not MatchKey.objects.filter(person=ghost).exists()  # and the rebuild removes it


def _linkage_columns(person: Person) -> dict[str, list]:
    row = Person.objects.filter(pk=person.pk).values_list(*match_keys.REGISTRY_FIELDS[1:]).get()
    return {name: [value] for name, value in zip(match_keys.REGISTRY_FIELDS[1:], row, strict=True)}


def test_a_person_of_another_organisation_is_counted_not_shown(world, registry):
    found = dedup_services.likely_matches(world["users"]["caseworker_b"], FULL)
    assert [person.pk for person, _p, _a in found.people] == [registry["elsewhere"].pk]
    assert found.elsewhere == 2  # NGO A's two records of Fatima
    partial = dedup_services.likely_matches(world["users"]["caseworker_b"], FULL, count_elsewhere=False)
    assert partial.elsewhere is None


def test_the_rebuild_puts_every_row_right(world, registry):
    people = list(Person.objects.all())
    right = expected(*people)
    MatchKey.objects.filter(person=registry["fatima"]).delete()
    MatchKey.objects.filter(person=registry["other"]).update(key_0=1, key_2=None)
    built = match_keys.rebuild()
    assert stored(*people) == right
    assert built.people == 4 and built.totals["fn_k1"] == 4 and built.signature == match_keys.signature()
    assert MatchFrequency.objects.count() > 4  # name keys, communes, provinces


def test_a_change_made_while_the_rebuild_runs_is_not_overwritten(world, registry, monkeypatch):
    """The rebuild read Fatima, then a case worker changed her phone (and wrote her new keys) before the
    rebuild wrote its rows: the rebuild sees the change and writes her keys from her new record."""
    fatima, stale_read = registry["fatima"], match_keys._stored

    def read_then_someone_edits(low, high):
        rows = stale_read(low, high)
        services.update_person(world["users"]["caseworker_a"], fatima, {"phone": "0677889900"})
        return rows

    MatchKey.objects.filter(person=fatima).update(key_2=None)  # so that the rebuild writes her row
    monkeypatch.setattr(match_keys, "_stored", read_then_someone_edits)
    match_keys.rebuild()
    assert stored(fatima) == expected(fatima)
    assert stored(fatima)[fatima.pk][2] == stored_phone_key("0677889900")


def test_a_first_fill_builds_the_indexes_after_the_rows(world, registry, monkeypatch):
    """A large registry's first fill writes the rows, then builds the ten indexes (PostgreSQL); an index left
    out (a fill that stopped half-way) is built again by the next rebuild, on either database."""
    people = list(Person.objects.all())
    monkeypatch.setattr(match_keys, "CHUNK", 2)  # 4 people: "large"
    MatchKey.objects.all().delete()
    match_keys.rebuild()
    assert stored(*people) == expected(*people)
    with connection.cursor() as cursor:
        names = set(connection.introspection.get_constraints(cursor, MatchKey._meta.db_table))
    assert {index.name for index in MatchKey._meta.indexes} <= names
    with connection.cursor() as cursor:
        cursor.execute(match_keys._index_sql(MatchKey._meta.indexes[3], "remove"))
    match_keys.rebuild()
    assert match_keys.ensure_indexes() == []  # the rebuild put it back


def test_the_job_and_the_command_rebuild(world, registry, capsys):
    from django.core.management import call_command

    MatchKey.objects.all().delete()
    job = match_keys.start_rebuild()  # tests run jobs at once
    job.refresh_from_db()
    assert job.status == "done" and "4" in job.message
    assert MatchKey.objects.count() == 4
    call_command("match_keys", "--frequencies")
    assert "term frequencies of 4 people" in capsys.readouterr().out


def test_keys_built_for_other_rules_or_another_hash_key_are_reported(world, registry, caplog):
    match_keys.rebuild()
    MatchKeyState.objects.update(signature="0" * 64)
    dedup_services.likely_matches(world["users"]["caseworker_a"], FULL)
    assert "rebuild them" in caplog.text


def test_migrating_fills_a_registry_whose_keys_were_never_built(world, registry):
    MatchKey.objects.all().delete()
    MatchKeyState.objects.all().delete()
    match_keys.fill_if_never_built()
    assert MatchKey.objects.count() == 4 and MatchKeyState.objects.get().people == 4
    MatchKey.objects.all().delete()
    match_keys.fill_if_never_built()  # built once: left to registrations and rebuilds
    assert MatchKey.objects.count() == 0


HOSTILE = [
    {"first_name_latin": "A" * 100_000, "last_name_latin": "B" * 100_000, "phone": "0" * 5_000},
    {
        "first_name_ar": "\u202eفاطمة\u2066",
        "last_name_ar": "\u200f\u061c",
        "sex": "\u202dF",
        "commune": "\u202e",
    },
    {"first_name_latin": "'; DROP TABLE registry_matchkey; --", "phone": "%s %s %%", "id_number": "\x00\x00"},
    {
        "first_name_latin": "\x00",
        "birth_date": "99/99/9999",
        "age": "-5",
        "commune": "<script>",
        "id_type": "x",
    },
    {"first_name_latin": "🙂" * 50, "last_name_ar": "\ufffd" * 50, "birth_date": "2001-02-30", "sex": "Z"},
    {"phone": "   ", "first_name_latin": "\t\n"},
]


@pytest.mark.parametrize("query", HOSTILE, ids=["huge", "bidi", "injection", "nul", "emoji", "blank"])
def test_a_garbage_query_does_not_crash_and_reveals_nothing(client, world, registry, query):
    client.force_login(world["users"]["caseworker_b"])  # NGO A holds two Fatimas NGO B cannot see
    response = client.get("/people/new/matches/", query, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    found = response.context["found"]
    assert found is None or (not found.people and not found.elsewhere)
    assert not AuditEvent.objects.filter(details__elsewhere__isnull=False).exists()
    assert MatchKey.objects.count() == 4  # nothing written, nothing dropped
