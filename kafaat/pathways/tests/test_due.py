"""The follow-ups due, read from the database a page at a time (pathways/due.py), against the algorithm it
replaced (every placement of the window loaded with its children, the due dates computed in Python), kept here
as the oracle: the same items on a varied dataset for several `until` dates around month ends and leap days,
pages that add up to the list, counts, scope, and a number of queries that does not grow with the data."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext as _

from kafaat.pathways import due, home, services
from kafaat.pathways.models import Step, StepKind
from kafaat.registry import services as registry
from kafaat.registry.models import Person
from kafaat.registry.tests.conftest import PERSON

UNTILS = (
    date(2024, 2, 29),  # leap day: 29 Nov 2023 + 3 months
    date(2025, 2, 28),  # 28, 29, 30 Nov + 3 months all fall on 28 Feb (not a leap year)
    date(2025, 2, 27),
    date(2025, 3, 1),
    date(2025, 5, 31),
    date(2025, 6, 30),
    date(2025, 8, 31),
    date(2025, 11, 30),
    date(2026, 2, 28),
)


def oracle(actor, until: date, mine_only: bool = True) -> list[tuple]:
    """The algorithm before due.py: (due_on, person, placement, months, label), sorted by due date only."""
    people = registry.visible_people(actor)
    if mine_only:
        people = people.filter(case_worker=actor)
    earliest = due.add_months(until, -12) - timedelta(days=31)
    placements = Step.objects.filter(
        kind=StepKind.PLACEMENT, person__in=people, date__gte=earliest, date__lte=until
    ).prefetch_related("children")
    items = []
    for placement in placements:
        done = {c.follow_up_months for c in placement.children.all() if c.kind == StepKind.FOLLOW_UP}
        for months in due.FOLLOW_UP_MONTHS:
            due_on = due.add_months(placement.date, months)
            if months not in done and due_on <= until:
                items.append(
                    (
                        due_on,
                        placement.person_id,
                        placement.pk,
                        months,
                        _("Follow-up at %(n)s months") % {"n": months},
                    )
                )
    return sorted(items, key=lambda item: item[0])


def _key(item: due.DueItem) -> tuple:
    return (item.due_on, item.placement.date, item.person.pk, item.placement.pk, item.months)


def _rows(items) -> list[tuple]:
    return [(i.due_on, i.person.pk, i.placement.pk, i.months, str(i.what)) for i in items]


def _person(actor, n: int, organisation=None) -> Person:
    raw = {
        **PERSON,
        "first_name_latin": f"Person{n}",
        "first_name_ar": f"شخص{n}",
        "id_number": f"F9{n:05d}",
        "phone": f"06 00 00 {n // 100:02d} {n % 100:02d}",
    }
    return registry.register_person(actor, raw, organisation=organisation, consent_given_on=date(2022, 1, 5))


def _placements(person: Person, project, days: list[date], rng: random.Random) -> None:
    placements = Step.objects.bulk_create(
        Step(
            person=person, organisation=person.registered_by, project=project, kind=StepKind.PLACEMENT, date=d
        )
        for d in days
    )
    follow_ups = [
        Step(
            person=person,
            organisation=person.registered_by,
            project=project,
            kind=StepKind.FOLLOW_UP,
            date=due.add_months(p.date, months),
            parent=p,
            follow_up_months=months,
            still_employed=True,
        )
        for p in placements
        for months in due.FOLLOW_UP_MONTHS
        if rng.random() < 0.35
    ]
    Step.objects.bulk_create(follow_ups)


def _dataset_days(rng: random.Random) -> list[date]:
    """Every 11th day from 2023 to mid-2026, and the last four days of every month (the clamped ones)."""
    days = {date(2023, 1, 1) + timedelta(days=k) for k in range(0, 1280, 11)}
    for year in (2023, 2024, 2025, 2026):
        for month in range(1, 13):
            first_next = date(year + month // 12, month % 12 + 1, 1)
            days.update(first_next - timedelta(days=k) for k in range(1, 5))
    return sorted(d for d in days if rng.random() < 0.6 and d <= date(2026, 6, 30))


@pytest.fixture
def caseload(world, project, make_member):
    """Case worker A's two people, a colleague's person in NGO A, and a person of NGO B, all placed often."""
    rng = random.Random(7)
    worker, other = world["users"]["caseworker_a"], world["users"]["caseworker_b"]
    colleague = make_member("colleague_a", world["ngo_a"])
    mine = [_person(worker, 1), _person(worker, 2)]
    theirs = _person(colleague, 3)
    foreign = _person(other, 4)
    for person in (*mine, theirs, foreign):
        _placements(person, project, _dataset_days(rng), rng)
    # A placement with every follow-up recorded, and one with none, on the same day: ties broken by id.
    _placements(mine[0], project, [date(2024, 11, 30)] * 2, random.Random(1))
    return {"worker": worker, "other": other, "mine": mine, "theirs": theirs, "foreign": foreign}


@pytest.mark.parametrize("until", UNTILS)
def test_the_same_items_as_the_python_computation(caseload, until):
    worker = caseload["worker"]
    for mine_only in (True, False):
        items = due.due_follow_ups(worker, until=until, mine_only=mine_only)
        assert items, (until, mine_only)
        assert [_key(i) for i in items] == sorted(_key(i) for i in items)
        assert sorted(_rows(items)) == sorted(oracle(worker, until, mine_only))
        # The old order (by due date only) is kept: the new one refines it.
        assert [row[0] for row in _rows(items)] == [row[0] for row in oracle(worker, until, mine_only)]


@pytest.mark.parametrize("until", (date(2025, 2, 28), date(2025, 11, 30), date(2026, 2, 28)))
def test_pages_add_up_to_the_list_and_count_it(caseload, until):
    worker = caseload["worker"]
    everything = due.due_follow_ups(worker, until=until, mine_only=False)
    lazy = services.DueFollowUps(worker, until=until, mine_only=False)
    assert lazy.count() == len(lazy) == len(everything)
    paginator = Paginator(lazy, 7)
    pages = [item for number in paginator.page_range for item in paginator.page(number)]
    assert _rows(pages) == _rows(everything)
    first, total = services.due_follow_ups_page(worker, until=until, mine_only=False, page=1, per_page=5)
    third, _ = services.due_follow_ups_page(worker, until=until, mine_only=False, page=3, per_page=5)
    assert total == len(everything)
    assert _rows(first) == _rows(everything[:5]) and _rows(third) == _rows(everything[10:15])
    beyond, _ = services.due_follow_ups_page(worker, until=until, mine_only=False, page=10_000, per_page=5)
    assert beyond == []
    with pytest.raises(TypeError):
        lazy[3]


def test_counts_for_the_home_panel_match_the_list(caseload):
    worker, today, week_end = caseload["worker"], date(2025, 11, 26), date(2025, 11, 30)
    items = oracle(worker, week_end)
    counts = services.due_follow_up_counts(worker, today=today, until=week_end)
    overdue = sum(1 for item in items if item[0] < today)
    assert (counts.overdue, counts.due) == (overdue, len(items) - overdue)
    assert counts.overdue and counts.due  # the dataset has both
    figures = home.casework(worker, today=today)
    assert (figures.overdue, figures.due_this_week) == (counts.overdue, counts.due)


def test_another_organisation_s_placements_never_appear(caseload):
    """Hostile: NGO B's person is never listed to case worker A, nor NGO A's people to case worker B; the
    colleague's person only in the whole organisation's list."""
    worker, other, until = caseload["worker"], caseload["other"], date(2026, 2, 28)
    people = {i.person.pk for i in due.due_follow_ups(worker, until=until, mine_only=False)}
    assert people == {p.pk for p in caseload["mine"]} | {caseload["theirs"].pk}
    assert {i.person.pk for i in due.due_follow_ups(worker, until=until)} == {p.pk for p in caseload["mine"]}
    theirs = {i.person.pk for i in due.due_follow_ups(other, until=until, mine_only=False)}
    assert theirs == {caseload["foreign"].pk}
    assert services.due_follow_up_counts(other, today=until, until=until, mine_only=False).due >= 0
    counts = services.due_follow_up_counts(other, today=date(2026, 2, 23), until=until, mine_only=False)
    assert counts.overdue + counts.due == len(oracle(other, until, mine_only=False))


def _queries(actor, until: date) -> int:
    with CaptureQueriesContext(connection) as queries:
        lazy = services.DueFollowUps(actor, until=until, mine_only=False)
        page = Paginator(lazy, 10).get_page(2)
        [item.person.display_name for item in page]
        services.due_follow_up_counts(actor, today=until, until=until, mine_only=False)
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_data(caseload, project):
    worker, until = caseload["worker"], date(2026, 2, 28)
    before = _queries(worker, until)
    # The count (three streams, each read up to the cap), three placement streams for the page, the home
    # panel's two counts (three bounded streams each); on PostgreSQL each read of the visible people first
    # reads the ids shared with the organisation (a bounded query).
    assert before <= (12 + 2 if connection.vendor == "postgresql" else 12)
    for person in caseload["mine"]:
        _placements(person, project, _dataset_days(random.Random(person.pk)), random.Random(3))
    assert _queries(worker, until) == before


def test_the_caseload_pages_the_follow_ups_due(client, caseload):
    """The page shows 20 at a time; a page number out of range or not a number shows a real page."""
    client.force_login(caseload["worker"])
    response = client.get(reverse("pathways:caseload"), {"due": "2"})
    assert response.status_code == 200
    page = response.context["due"]
    assert page.number == 2 and len(page) == page.paginator.per_page
    assert (
        page.paginator.count
        == services.DueFollowUps(caseload["worker"], until=response.context["week_end"]).count()
    )
    for wrong in ("abc", "99999", "-1"):
        assert client.get(reverse("pathways:caseload"), {"due": wrong}).status_code == 200
