"""The search rows of a bulk import on SQLite, written set-based with the insert triggers paused
(`search_rows.insert_triggers_paused`): the same rows as the triggers write, and the triggers always back."""

from contextlib import nullcontext
from datetime import date

import pytest
from django.db import connection, transaction
from django.utils import translation

from kafaat.core.imports import run as importing
from kafaat.registry import services
from kafaat.registry.imports import PeopleImport, search_rows
from kafaat.registry.imports import people as people_importing
from kafaat.registry.models import Person, PersonSearch
from kafaat.registry.tests.conftest import PERSON
from kafaat.registry.tests.test_search_table import rule_rows, table_rows

pytestmark = pytest.mark.django_db
sqlite_only = pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's row triggers")

HEADER = "N°,Nom,Prénom,Nom (arabe),Sexe,Date de naissance,Commune,Consentement\n"


def _file(tmp_path, count: int):
    path = tmp_path / "people.csv"
    lines = [f"B-{i},Alaoui{i},Fatima,العلوي,F,12/03/2001,Oujda,05/01/2025" for i in range(count)]
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def _import(world, path):
    with translation.override("en"):
        spec = PeopleImport(world["users"]["admin_a"], world["ngo_a"], language="en")
        return importing.run_import(spec, path)


def _rows_by_external_id() -> set[tuple]:
    external = dict(Person.objects.values_list("pk", "external_id"))
    return {
        (external[person], organisation, name)
        for person, organisation, name in PersonSearch.objects.values_list(
            "person_id", "organisation_id", "search_name"
        )
    }


def _register(world) -> Person:
    return services.register_person(world["users"]["caseworker_a"], PERSON, consent_given_on=date(2026, 1, 5))


def _triggers() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        return dict(cursor.fetchall())


def test_ids_become_ranges_of_consecutive_ids():
    assert search_rows.runs([]) == []
    assert search_rows.runs([5, 3, 4, 9, 10, 12, 3]) == [(3, 5), (9, 10), (12, 12)]


def test_an_import_writes_the_search_rows_the_triggers_write(world, tmp_path, monkeypatch):
    """The same file imported with the triggers firing row by row (rolled back) and with the set-based
    insert: the same rows, and they are the access rule's."""
    shared = _register(world)
    path = _file(tmp_path, 30)
    with monkeypatch.context() as patched, transaction.atomic():
        patched.setattr(people_importing, "insert_triggers_paused", lambda ids: nullcontext())
        assert _import(world, path).imported == 30
        by_triggers = _rows_by_external_id()
        transaction.set_rollback(True)
    assert _import(world, path).imported == 30
    assert _rows_by_external_id() == by_triggers
    assert len(by_triggers) == 31
    assert (shared.external_id, world["ngo_a"].pk, shared.search_name) in by_triggers
    assert table_rows() == rule_rows()


@sqlite_only
def test_the_triggers_are_back_after_an_import_and_still_fire(world, tmp_path):
    before = _triggers()
    assert set(search_rows.PAUSED) <= set(before)
    assert _import(world, _file(tmp_path, 5)).imported == 5
    assert _triggers() == before
    person = _register(world)
    assert PersonSearch.objects.filter(person=person, organisation=person.registered_by).exists()
    assert table_rows() == rule_rows()


@sqlite_only
def test_a_failed_write_leaves_the_triggers_and_writes_nothing(world):
    before = _triggers()
    with (
        pytest.raises(ZeroDivisionError),
        transaction.atomic(),
        search_rows.insert_triggers_paused([10_000]),
    ):
        assert not set(search_rows.PAUSED) & set(_triggers())
        raise ZeroDivisionError
    assert _triggers() == before


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_pausing_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError), search_rows.insert_triggers_paused([1]):
        pass
