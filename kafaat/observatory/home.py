"""The analyst's home panels (registered from ObservatoryConfig.ready): how old the warehouse snapshot is and
what it holds that the previous one did not, in the analyst's own regions; the latest open-data publications.

"What changed" is counted in the current snapshot: the people registered and the pathway steps dated from the
day of the previous snapshot on, in the regions (or provinces) the reader's scope holds, small counts
suppressed as every published figure is. Counted once per snapshot and scope (a bounded memo)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kafaat.core.models import Role
from kafaat.core.pages import RecentMemo, home
from kafaat.observatory import gaps, publication, snapshot
from kafaat.observatory.models import Snapshot
from kafaat.results.suppression import THRESHOLD

STALE_DAYS = 7  # a snapshot older than this is flagged: the figures lag the registry
PUBLICATIONS_LISTED = 5
_changes = RecentMemo(64)


@dataclass(frozen=True)
class SnapshotNews:
    taken_at: datetime | None  # None: no snapshot yet
    age_days: int
    stale: bool
    refresh_failed: bool  # the latest refresh failed: the snapshot is older than someone asked for
    since: date | None  # the day of the previous snapshot (None: this is the first one)
    new_people: int | None  # None: suppressed (1 to THRESHOLD - 1)
    new_steps: int | None

    @property
    def suppressed(self) -> bool:
        return self.since is not None and (self.new_people is None or self.new_steps is None)


def _published(count: int) -> int | None:
    return None if 0 < count < THRESHOLD else count


def _scope_condition(regions: set[str] | None, provinces: set[str] | None) -> tuple[str, dict]:
    if regions is None:
        return "TRUE", {}
    return (
        "(list_contains($regions, p.region) OR list_contains($provinces, p.province))",
        {"regions": sorted(regions), "provinces": sorted(provinces or ())},
    )


def _count_changes(since: date, regions: set[str] | None, provinces: set[str] | None) -> tuple[int, int]:
    condition, parameters = _scope_condition(regions, provinces)
    cursor = snapshot.cursor()
    try:
        people, steps = cursor.execute(
            f"""SELECT
                  (SELECT count(*) FROM people p WHERE p.registered_on >= $since AND {condition}),
                  (SELECT count(*) FROM events e JOIN people p USING (pnum)
                    WHERE e.day >= $since AND {condition})""",  # noqa: S608 (fixed text, values bound)
            {"since": since, **parameters},
        ).fetchone()
    finally:
        cursor.close()
    return people, steps


def changes_since(since: date, regions: set[str] | None, provinces: set[str] | None) -> tuple[int, int]:
    """(people registered, steps dated) from `since` on, in the scope: exact, to suppress before showing."""
    version = snapshot.warehouse_path().stat().st_mtime_ns
    key = (str(snapshot.warehouse_path()), version, since, _frozen(regions), _frozen(provinces))
    return _changes.get(key, lambda: _count_changes(since, regions, provinces))


def _frozen(codes: set[str] | None) -> tuple[str, ...] | None:
    return None if codes is None else tuple(sorted(codes))


def snapshot_news(actor) -> SnapshotNews | None:
    if not gaps.may_read(actor):
        return None
    info = snapshot.info()
    latest_status = Snapshot.objects.order_by("-started_at", "-id").values_list("status", flat=True).first()
    failed = latest_status == Snapshot.Status.FAILED
    if info is None:
        return SnapshotNews(None, 0, False, failed, None, None, None)
    age_days = max(0, (timezone.now() - info.taken_at).days)
    previous = (
        Snapshot.objects.filter(status=Snapshot.Status.DONE, taken_at__lt=info.taken_at)
        .order_by("-taken_at")
        .values_list("taken_at", flat=True)
        .first()
    )
    if previous is None:
        return SnapshotNews(info.taken_at, age_days, age_days > STALE_DAYS, failed, None, None, None)
    since = timezone.localtime(previous).date()
    people, steps = changes_since(since, gaps.visible_regions(actor), gaps.visible_provinces(actor))
    return SnapshotNews(
        taken_at=info.taken_at,
        age_days=age_days,
        stale=age_days > STALE_DAYS,
        refresh_failed=failed,
        since=since,
        new_people=_published(people),
        new_steps=_published(steps),
    )


@dataclass(frozen=True)
class Publications:
    latest: list[publication.Publication]  # newest first: the reader's regions' and the national ones
    may_publish: bool


def publications(actor) -> Publications | None:
    if not gaps.may_read(actor):
        return None
    published = publication.Publication.objects.select_related("territory").order_by("-published_at", "-id")
    regions = gaps.visible_regions(actor)
    if regions is not None:
        published = published.filter(scope_code__in=[*regions, publication.NATIONAL])
    return Publications(list(published[:PUBLICATIONS_LISTED]), publication.may_publish_somewhere(actor))


def register() -> None:
    analysts = frozenset({Role.ANALYST})
    home.register(
        home.HomePanel(
            key="snapshot",
            title=_("The observatory's data"),
            template="observatory/home/_snapshot.html",
            figures_of=snapshot_news,
            roles=analysts,
            order=60,
        )
    )
    home.register(
        home.HomePanel(
            key="publications",
            title=_("Open-data publications"),
            template="observatory/home/_publications.html",
            figures_of=publications,
            roles=analysts,
            order=65,
        )
    )
