"""The mission's workflow, as data: planned → done, planned → cancelled (DESIGN.md "workflows are data").

Each transition names the states it leaves, the state it reaches, the permission it needs and the condition
the mission must meet; `services.transition` checks them, records who and when in the audit log, and pages
and the API show the transitions the user may take now (`available`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kafaat.missions.access_rules import MANAGE_MISSIONS
from kafaat.missions.models import ExpertMission

Status = ExpertMission.Status


def _ended(mission: ExpertMission, today: date) -> Promise | None:
    if mission.end_date >= today:
        return _("A mission is done only once its end date has passed.")
    return None


def _reported(mission: ExpertMission, today: date) -> Promise | None:
    if not mission.report and not mission.deliverables.strip():
        return _("Attach the mission report or describe its deliverables first.")
    return None


@dataclass(frozen=True)
class Transition:
    name: str
    label: Promise
    sources: tuple[str, ...]
    target: str
    permission: str
    conditions: tuple[Callable[[ExpertMission, date], Promise | None], ...] = ()

    def unmet(self, mission: ExpertMission, today: date) -> list[Promise]:
        """What stops the transition now (empty when it may be taken)."""
        if mission.status not in self.sources:
            return [_("This mission is not in a state this step starts from.")]
        return [reason for check in self.conditions if (reason := check(mission, today)) is not None]


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "complete",
            _("Mark as done"),
            (Status.PLANNED,),
            Status.DONE,
            MANAGE_MISSIONS,
            (_ended, _reported),
        ),
        Transition("cancel", _("Cancel the mission"), (Status.PLANNED,), Status.CANCELLED, MANAGE_MISSIONS),
        Transition("reopen", _("Plan again"), (Status.CANCELLED,), Status.PLANNED, MANAGE_MISSIONS),
    )
}
