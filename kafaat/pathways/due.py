"""The follow-ups due at 3, 6 and 12 months of each placement, read from the database a page at a time.

For each number of months m, the placements due by `until` are those dated on or before the latest date d_m
with add_months(d_m, m) <= until (computed here, in Python, so that month ends clamp the same way on every
database) that have no follow-up step of m months answering to them (NOT EXISTS). Within one m the due date
never decreases with the placement date, so each m's placements sorted by date are already sorted by due
date: a page is the merge (heapq) of the first offset + page_size placements of each of the three querysets.
Totals stop at COUNT_CAP, as the people search's count does (the page says "1,000+"): each of the three
streams is counted up to COUNT_CAP + 1 rows in its date order, which PostgreSQL reads from the (kind, date)
index and stops early. Work is bounded by the page and the cap, not by the caseload (an exact total read
every placement of the window: 0.5 s for 200k people, after seconds of JIT compilation;
benchmarks/caseload.py).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kafaat.pathways.models import Step, StepKind
from kafaat.registry import services as registry
from kafaat.registry.models import Person

FOLLOW_UP_MONTHS = (3, 6, 12)
COUNT_CAP = 1000  # totals stop here, as the people search's count does (registry.views.people)
_STREAM_ORDER = ("date", "person_id", "id")  # within one m, the due date's order (see above)


@dataclass(frozen=True)
class DueItem:
    person: Person
    what: str
    due_on: date
    placement: Step | None = None
    months: int | None = None


@dataclass(frozen=True)
class DueCounts:
    overdue: int  # due before `today`, at most COUNT_CAP
    due: int  # due from `today` to `until`, both included, at most COUNT_CAP
    overdue_capped: bool = False  # more than COUNT_CAP are overdue
    due_capped: bool = False


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the last day of a shorter month (31 Jan + 1 -> 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last_day))
        except ValueError:
            continue
    raise ValueError(day)


def latest_placement_due(until: date, months: int) -> date:
    """The latest placement date d with add_months(d, months) <= until.

    add_months(add_months(until, -m), m) <= until always holds; clamping means later days may map onto the
    same month end (29 and 30 Nov + 3 months are both 28 Feb), so step forward while it still holds (at most
    three days)."""
    day = add_months(until, -months)
    while add_months(day + timedelta(days=1), months) <= until:
        day += timedelta(days=1)
    return day


def _window_start(until: date) -> date:
    # The placements looked at: 12 months and a month's margin before `until` (as before due.py).
    return add_months(until, -12) - timedelta(days=31)


def _placements(actor, until: date, mine_only: bool) -> QuerySet[Step]:
    people = registry.visible_people(actor)
    if mine_only:
        people = people.filter(case_worker=actor)
    return Step.objects.filter(
        kind=StepKind.PLACEMENT, person__in=people, date__gte=_window_start(until), date__lte=until
    )


def _followed_up(months: int) -> Exists:
    return Exists(
        Step.objects.filter(parent=OuterRef("pk"), kind=StepKind.FOLLOW_UP, follow_up_months=months)
    )


def _pending(placements: QuerySet[Step], months: int, after: date | None, until: date) -> QuerySet[Step]:
    """The placements whose m-month follow-up falls due after `after` (None: any time) and by `until`, and is
    not recorded, in the due date's order."""
    due = placements.filter(date__lte=latest_placement_due(until, months))
    if after is not None:
        due = due.filter(date__gt=latest_placement_due(after, months))
    return due.exclude(_followed_up(months)).order_by(*_STREAM_ORDER)


def _capped_count(streams: list[QuerySet[Step]], cap: int) -> int:
    """How many rows the streams hold together, counted up to cap + 1: more means "more than cap". Each
    stream is counted in its own order (sorted, limited): the plan then walks the date index and stops."""
    counted = 0
    for stream in streams:
        counted += stream[: cap + 1 - counted].count()
        if counted > cap:
            break
    return counted


class DueFollowUps:
    """The follow-ups due by `until`, sorted by due date (then placement date, person, placement): a lazy
    sequence that Django's Paginator pages (`count()` and slicing each run a few queries, never the lot).
    The count stops at `cap` (`capped` then says there are more), so the pages do too."""

    def __init__(
        self, actor, *, until: date | None = None, mine_only: bool = True, cap: int | None = None
    ) -> None:
        self.until = until or timezone.localdate() + timedelta(days=7)
        self.placements = _placements(actor, self.until, mine_only)
        self.cap = COUNT_CAP if cap is None else cap
        self._count: int | None = None

    def _stream(self, months: int, limit: int | None) -> Iterator[tuple]:
        placements = _pending(self.placements, months, None, self.until).select_related("person")
        if limit is not None:
            placements = placements[:limit]
        for placement in placements:
            # The merge key; each stream is sorted by it already (the due date is monotonic in the date).
            due_on = add_months(placement.date, months)
            yield (due_on, placement.date, placement.person_id, placement.pk, months), placement

    def _items(self, limit: int | None) -> list[DueItem]:
        merged = heapq.merge(*(self._stream(m, limit) for m in FOLLOW_UP_MONTHS), key=lambda pair: pair[0])
        items = []
        for (due_on, _day, _person, _pk, months), placement in merged:
            if limit is not None and len(items) >= limit:
                break
            what = _("Follow-up at %(n)s months") % {"n": months}
            items.append(DueItem(placement.person, what, due_on, placement, months))
        return items

    def _counted(self) -> int:
        if self._count is None:
            streams = [_pending(self.placements, m, None, self.until) for m in FOLLOW_UP_MONTHS]
            self._count = _capped_count(streams, self.cap)
        return self._count

    def count(self) -> int:
        """How many are due, at most `cap` (the paginator's count: pages stop there)."""
        return min(self._counted(), self.cap)

    @property
    def capped(self) -> bool:
        """More than `cap` are due: the page says "1,000+"."""
        return self._counted() > self.cap

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[DueItem]:
        if not isinstance(index, slice) or (index.step or 1) != 1:
            raise TypeError("DueFollowUps pages by slices")
        start, stop = index.start or 0, index.stop
        return self._items(stop)[start:stop]

    def all(self) -> list[DueItem]:
        """Every item (the API's list): the three streams without a limit."""
        return self._items(None)


def due_follow_ups(actor, *, until: date | None = None, mine_only: bool = True) -> list[DueItem]:
    """Follow-ups at 3, 6 and 12 months of each placement that fall by `until` and are not recorded yet."""
    return DueFollowUps(actor, until=until, mine_only=mine_only).all()


def due_follow_ups_page(
    actor, *, until: date | None = None, mine_only: bool = True, page: int = 1, per_page: int = 20
) -> tuple[list[DueItem], int]:
    """One page of the follow-ups due (page 1 first) and how many are due in all, at most COUNT_CAP."""
    due = DueFollowUps(actor, until=until, mine_only=mine_only)
    start = (max(page, 1) - 1) * per_page
    return due[start : start + per_page], due.count()


def due_follow_up_counts(
    actor, *, today: date, until: date, mine_only: bool = True, cap: int | None = None
) -> DueCounts:
    """How many follow-ups are overdue (due before `today`) and due from `today` to `until`, each counted up
    to `cap` (six bounded reads: the overdue, then the week's, for each m)."""
    cap = COUNT_CAP if cap is None else cap
    placements = _placements(actor, until, mine_only)
    day_before = today - timedelta(days=1)
    overdue = _capped_count([_pending(placements, m, None, day_before) for m in FOLLOW_UP_MONTHS], cap)
    due = _capped_count([_pending(placements, m, day_before, until) for m in FOLLOW_UP_MONTHS], cap)
    return DueCounts(
        overdue=min(overdue, cap), due=min(due, cap), overdue_capped=overdue > cap, due_capped=due > cap
    )
