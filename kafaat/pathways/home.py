"""The case worker's home panels (registered from PathwaysConfig.ready): the follow-ups due and overdue and
the referrals waiting; the people registered this month, with a search box. Every figure is a count over what
the case worker's own pages list (the caseload, the referral inbox, the people search), in the same scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kafaat.core import access
from kafaat.core.models import Role
from kafaat.core.pages import home
from kafaat.pathways import services
from kafaat.registry import services as registry
from kafaat.registry.access_rules import CHANGE_PERSON, VIEW_PERSON

CASE_WORKERS = frozenset({Role.CASE_WORKER})


@dataclass(frozen=True)
class Casework:
    overdue: int  # follow-ups of the case worker's people whose date has passed
    due_this_week: int  # the others that fall due by the end of the week (the caseload's list)
    referrals_received: int  # referrals to the case worker's organisations waiting for an answer
    referrals_sent: int  # referrals the organisations sent that the other side has not answered
    week_end: date
    overdue_capped: bool = False  # more than 1,000 overdue (counted up to there: "1,000+")
    due_this_week_capped: bool = False

    @property
    def nothing(self) -> bool:
        return not (self.overdue or self.due_this_week or self.referrals_received or self.referrals_sent)


def casework(actor, today: date | None = None) -> Casework | None:
    if not access.has_permission(actor, VIEW_PERSON):
        return None
    today = today or timezone.localdate()
    week_end = services.end_of_week(today)
    # Counted up to 1,000 each, never loaded: the caseload pages the same list.
    due = services.due_follow_up_counts(actor, today=today, until=week_end, mine_only=True)
    return Casework(
        overdue=due.overdue,
        due_this_week=due.due,
        referrals_received=services.pending_referrals_received(actor).count(),
        referrals_sent=services.pending_referrals_sent(actor).count(),
        week_end=week_end,
        overdue_capped=due.overdue_capped,
        due_this_week_capped=due.due_capped,
    )


@dataclass(frozen=True)
class Registrations:
    this_month: int  # people the case worker's organisations registered since the first of the month
    by_you: int  # of which the case worker registered
    known: int  # everyone the case worker may open: none means the first thing to do is register someone
    may_register: bool
    month_start: date


def registrations(actor, today: date | None = None) -> Registrations | None:
    if not access.has_permission(actor, VIEW_PERSON):
        return None
    month_start = (today or timezone.localdate()).replace(day=1)
    since = timezone.make_aware(datetime.combine(month_start, time.min))
    ours = access.organisations_where(actor, CHANGE_PERSON)
    this_month = Q(created_at__gte=since)
    figures = registry.visible_people(actor).aggregate(
        known=Count("pk"),
        this_month=Count("pk", filter=this_month & Q(registered_by__in=ours)),
        by_you=Count("pk", filter=this_month & Q(created_by=actor)),
    )
    return Registrations(
        this_month=figures["this_month"],
        by_you=figures["by_you"],
        known=figures["known"],
        may_register=access.has_permission(actor, CHANGE_PERSON),
        month_start=month_start,
    )


def register() -> None:
    home.register(
        home.HomePanel(
            key="casework",
            title=_("What needs you this week"),
            template="pathways/home/_casework.html",
            figures_of=casework,
            roles=CASE_WORKERS,
            order=40,
        )
    )
    home.register(
        home.HomePanel(
            key="people",
            title=_("People"),
            template="pathways/home/_people.html",
            figures_of=registrations,
            roles=CASE_WORKERS,
            order=45,
        )
    )
