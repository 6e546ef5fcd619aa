"""The GTR secretariat's home panel (registered from GovernanceConfig.ready): the actions of its groups past
their due date, oldest first, and the next meeting. Counted over what the group pages list, in the same scope
(the groups the user manages)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kafaat.core import access
from kafaat.core.models import Role
from kafaat.core.pages import home
from kafaat.governance import services
from kafaat.governance.access_rules import MANAGE_GROUPS
from kafaat.governance.models import Action, Meeting, WorkingGroup

SHOWN = 8


@dataclass(frozen=True)
class Secretariat:
    overdue_count: int
    overdue: list[Action]  # the oldest first, at most SHOWN
    next_meeting: Meeting | None
    today: date


def secretariat(actor, today: date | None = None) -> Secretariat | None:
    """None unless the user manages at least one working group."""
    groups = access.scoped(actor, MANAGE_GROUPS, WorkingGroup.objects.all())
    if not access.has_permission(actor, MANAGE_GROUPS) or not groups.exists():
        return None
    today = today or timezone.localdate()
    overdue = services.overdue_actions(actor, today)
    next_meeting = (
        Meeting.objects.filter(group__in=groups, status=Meeting.Status.PLANNED, starts_at__gte=timezone.now())
        .select_related("group")
        .order_by("starts_at")
        .first()
    )
    return Secretariat(overdue.count(), list(overdue[:SHOWN]), next_meeting, today)


def register() -> None:
    home.register(
        home.HomePanel(
            key="governance-actions",
            title=_("Working groups: overdue actions"),
            template="governance/home/_secretariat.html",
            figures_of=secretariat,
            roles=frozenset({Role.ADMINISTRATOR, Role.PROGRAMME_MANAGER}),
            superuser=True,
            order=50,
        )
    )
