"""The snapshot: pseudonymised, merged records resolved, sensitive fields reduced to categories, decrypted
again only where a record changed; the command and the refresh page."""

import duckdb
import pytest
from django.core.management import call_command
from django.urls import reverse

from kafaat.core.models import Job
from kafaat.observatory import services, snapshot, warehouse
from kafaat.observatory.models import Snapshot
from kafaat.registry.models import Person
from kafaat.results.tests.fixtures import build_programme


@pytest.fixture
def programme(make_organisation, territory):
    return build_programme(make_organisation, territory)


def _all_text(path) -> str:
    con = duckdb.connect(str(path), read_only=True)
    try:
        text = []
        for (table,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall():
            text.append(str(con.execute(f"SELECT * FROM {table}").fetchall()))  # noqa: S608
        return " ".join(text)
    finally:
        con.close()


@pytest.mark.django_db
def test_snapshot_holds_pseudonyms_and_categories_only(programme, settings):
    result = warehouse.refresh()
    text = _all_text(result.path)
    for person in programme.people.values():
        assert person.first_name_latin not in text
        assert str(person.uid).replace("-", "") not in text
    assert "refugee" in text and "Amina" not in text
    assert "mobility" not in text  # the Washington Group answers never reach the snapshot
    con = duckdb.connect(str(result.path), read_only=True)
    columns = {row[0] for row in con.execute("SELECT column_name FROM information_schema.columns").fetchall()}
    con.close()
    assert not columns & {"id", "person_id", "birth_date", "uid", "first_name_latin", "migration_status"}


@pytest.mark.django_db
def test_merged_records_count_once_under_their_survivor(programme):
    result = warehouse.refresh()
    assert result.rows["people"] == 5  # six records, one merged
    con = snapshot.cursor()
    pids = con.execute("SELECT count(DISTINCT pnum) FROM events WHERE project = 'p-results'").fetchone()[0]
    assert pids == 5  # A, B, C, E, F: D's steps are A's


@pytest.mark.django_db
def test_refresh_decrypts_only_the_records_that_changed(programme):
    first = warehouse.refresh()
    assert first.decrypted == 5
    assert warehouse.refresh().decrypted == 0
    b = programme.people["b"]
    b.migration_status = "regular_migrant"
    b.save()
    again = warehouse.refresh()
    assert again.decrypted == 1
    migration = snapshot.cursor().execute("SELECT migration FROM people ORDER BY migration").fetchall()
    assert [m for (m,) in migration].count("migrant") == 2
    assert warehouse.refresh(full=True).decrypted == 5


@pytest.mark.django_db
def test_snapshot_time_is_recorded_and_read_back(programme):
    result = warehouse.refresh()
    info = snapshot.info()
    assert info.taken_at == result.taken_at
    assert info.rows["journeys"] == result.rows["journeys"] == 6  # five people in P, E again in Q


@pytest.mark.django_db
def test_a_failed_refresh_keeps_the_previous_snapshot(programme, monkeypatch):
    warehouse.refresh()
    before = snapshot.info().taken_at

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(warehouse.build, "_build_tables", broken)
    with pytest.raises(RuntimeError):
        warehouse.refresh()
    assert snapshot.info().taken_at == before
    assert not list(warehouse.warehouse_path().parent.glob("*.building"))


@pytest.mark.django_db
def test_a_refresh_without_supply_or_demand_figures_stores_no_pattern(db):
    from kafaat.observatory import disclosure, gaps
    from kafaat.observatory.disclosure import store as disclosure_store

    result = warehouse.refresh()
    assert gaps.years_available() == [] and result.rows[disclosure_store.PATTERNS] == 0
    assert disclosure_store.stored(2025, "occupation", disclosure.THRESHOLD) is None


@pytest.mark.django_db
def test_command_reports_progress_and_records_the_snapshot(programme, capsys):
    call_command("refresh_warehouse")
    out = capsys.readouterr().out
    assert "[100%] done" in out and "5 people" in out
    assert "[ 95%] protecting" in out  # the published form's suppression patterns, stored in the snapshot
    record = Snapshot.objects.get()
    assert record.status == Snapshot.Status.DONE and record.rows["people"] == 5


@pytest.mark.django_db
def test_refresh_page_for_managers_only(client, world, programme):
    client.force_login(world["users"]["manager"])
    assert client.get(reverse("observatory:warehouse")).status_code == 200
    record = services.start_refresh(world["users"]["manager"], background=False)
    assert record.status == Snapshot.Status.DONE
    page = client.get(reverse("observatory:warehouse")).content.decode()
    assert 'id="snapshot-time"' in page and "<li>Personnes: 5</li>" in page  # the tables by name
    for name in ("caseworker_a", "analyst_oriental", "donor"):
        client.force_login(world["users"][name])
        assert client.get(reverse("observatory:warehouse")).status_code == 403
        assert client.post(reverse("observatory:refresh")).status_code == 403
    assert Person.objects.count() == 6


@pytest.mark.django_db
def test_the_refresh_page_queues_a_job_that_ends_with_the_snapshot(client, world, programme):
    """The button starts no thread of the web process: a job of the worker (run in the request in tests)."""
    manager = world["users"]["manager"]
    client.force_login(manager)
    assert client.post(reverse("observatory:refresh")).status_code == 302
    record = Snapshot.objects.get()
    job = Job.objects.get(kind=services.REFRESH_JOB)
    assert (job.status, job.target, job.user) == (Job.Status.DONE, str(record.pk), manager)
    assert record.status == Snapshot.Status.DONE and record.rows["people"] == 5
