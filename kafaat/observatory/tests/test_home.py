"""The analyst's home panels: the snapshot's age and what it holds since the previous one, counted in the
analyst's own regions with small counts suppressed; the latest publications of those regions."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kafaat.core.models import Project, Role
from kafaat.observatory import home, warehouse
from kafaat.observatory.models import Publication, Snapshot
from kafaat.pathways.models import Participation, Step
from kafaat.registry.models import Person

PREVIOUS = timezone.make_aware(datetime(2026, 3, 1, 12, 0))


def _people(organisation, territory, count: int, registered: date, project) -> None:
    for n in range(count):
        person = Person.objects.create(registered_by=organisation, territory=territory,
                                       first_name_latin=f"P{n}", last_name_latin="Test", sex="F")  # fmt: skip
        Person.objects.filter(pk=person.pk).update(
            created_at=timezone.make_aware(datetime.combine(registered, datetime.min.time()))
        )
        Participation.objects.create(person=person, project=project, organisation=organisation,
                                     joined_on=registered)  # fmt: skip
        Step.objects.create(person=person, project=project, organisation=organisation, kind="intake",
                            date=registered)  # fmt: skip


@pytest.fixture
def two_snapshots(world, territory):
    """Six people in Oujda and two in Tanger registered after the previous snapshot, three before it."""
    project = Project.objects.create(code="obs-home", name_fr="Projet", start_date=date(2024, 1, 1))
    _people(world["ngo_a"], territory("COM_0551"), 6, date(2026, 3, 10), project)
    _people(world["ngo_b"], territory("01.511"), 2, date(2026, 3, 10), project)
    _people(world["ngo_a"], territory("02.411"), 3, date(2025, 6, 1), project)
    Snapshot.objects.create(status=Snapshot.Status.DONE, taken_at=PREVIOUS)
    warehouse.refresh()


@pytest.mark.django_db
def test_what_changed_is_counted_in_the_analyst_s_region_only(world, two_snapshots, make_member):
    news = home.snapshot_news(world["users"]["analyst_oriental"])  # scope: the Oriental
    assert news.since == date(2026, 3, 1) and (news.new_people, news.new_steps) == (6, 6)
    assert news.age_days == 0 and not news.stale and not news.refresh_failed
    national = make_member("analyst_national", world["agency"], Role.ANALYST)
    assert (home.snapshot_news(national).new_people, home.snapshot_news(national).new_steps) == (8, 8)
    province = make_member("analyst_oujda", world["agency"], Role.ANALYST, scope="02.411")
    assert home.snapshot_news(province).new_people == 6


@pytest.mark.django_db
def test_a_count_below_the_threshold_is_suppressed(world, two_snapshots, make_member):
    tanger = make_member("analyst_tanger", world["agency"], Role.ANALYST, scope="MA-01")
    news = home.snapshot_news(tanger)
    assert news.new_people is None and news.new_steps is None and news.suppressed


@pytest.mark.django_db
def test_the_first_snapshot_has_nothing_to_compare_and_a_failed_refresh_is_told(world, territory):
    analyst = world["users"]["analyst_oriental"]
    news = home.snapshot_news(analyst)
    assert news.taken_at is None  # no snapshot yet
    warehouse.refresh()
    news = home.snapshot_news(analyst)
    assert news.taken_at is not None and news.since is None and not news.refresh_failed
    Snapshot.objects.create(status=Snapshot.Status.FAILED, message="disk full")
    assert home.snapshot_news(analyst).refresh_failed


@pytest.mark.django_db
def test_roles_without_aggregates_get_no_observatory_figures(world):
    for username in ("caseworker_a", "reviewer", "establishment", "nobody"):
        assert home.snapshot_news(world["users"][username]) is None
        assert home.publications(world["users"][username]) is None


def _publish(code: str, version: int = 1) -> Publication:
    return Publication.objects.create(
        scope_code=code, year=2025, version=version, snapshot_taken_at=PREVIOUS,
        directory=f"{code}/2025/v{version}", package_sha256="0" * 64,
    )  # fmt: skip


@pytest.mark.django_db
def test_the_latest_publications_of_the_analyst_s_regions_and_the_country(world):
    _publish("MA-02")
    _publish("MA-01")  # Tanger: not the Oriental analyst's
    _publish("MA")
    _publish("MA-02", 2)
    figures = home.publications(world["users"]["analyst_oriental"])
    assert [(p.scope_code, p.version) for p in figures.latest] == [("MA-02", 2), ("MA", 1), ("MA-02", 1)]
    assert figures.may_publish


@pytest.mark.django_db
def test_the_analyst_s_home_in_arabic_and_its_empty_states(client, world, two_snapshots):
    client.force_login(world["users"]["analyst_oriental"])
    client.cookies["kafaat_language"] = "ar"
    page = client.get(reverse("home")).content.decode()
    assert 'dir="rtl"' in page and 'id="panel-snapshot"' in page and 'id="panel-publications"' in page
    assert 'id="new-people"' in page and reverse("open_data:publish") in page
    assert 'id="panel-casework"' not in page and 'id="panel-logframe"' not in page
