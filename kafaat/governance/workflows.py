"""The processes of working groups, declared as data (DESIGN.md "workflows are data").

A meeting goes planned → held → closed (or planned → cancelled); an action open → in progress → done or
dropped. Each transition names who may take it (a predicate of `access_rules`) and the condition it needs
(a function returning the reason it is refused, or None). Services perform a transition by name
(`services.transition_meeting`, `services.transition_action`); pages and the API list the transitions the
user may take now with `available`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kafaat.governance import access_rules
from kafaat.governance.models import Action, Meeting

Condition = Callable[[Any], "str | Promise | None"]  # the object → why the transition is refused, or None


@dataclass(frozen=True)
class Transition:
    name: str
    label: str | Promise
    sources: tuple[str, ...]
    target: str
    allowed: Callable[[Any, Any], bool]  # (user, object) → may this user take it
    condition: Condition | None = None


def _has_minutes(meeting: Meeting) -> str | Promise | None:
    if not meeting.minutes_revisions.exists():
        return _("A meeting can be closed only once its minutes are written.")
    return None


def _has_started(meeting: Meeting) -> str | Promise | None:
    from django.utils import timezone

    if meeting.starts_at > timezone.now():
        return _("A meeting can be marked as held only once it has started.")
    return None


MEETING_TRANSITIONS = (
    Transition(
        "hold",
        _("Mark as held"),
        (Meeting.Status.PLANNED,),
        Meeting.Status.HELD,
        access_rules.can_edit_meeting,
        _has_started,
    ),
    Transition(
        "close",
        _("Close the meeting"),
        (Meeting.Status.HELD,),
        Meeting.Status.CLOSED,
        access_rules.can_edit_meeting,
        _has_minutes,
    ),
    Transition(
        "cancel",
        _("Cancel the meeting"),
        (Meeting.Status.PLANNED,),
        Meeting.Status.CANCELLED,
        access_rules.can_edit_meeting,
    ),
)

ACTION_TRANSITIONS = (
    Transition(
        "start", _("Start"), (Action.Status.OPEN,), Action.Status.IN_PROGRESS, access_rules.can_update_action
    ),
    Transition(
        "complete",
        _("Mark as done"),
        (Action.Status.OPEN, Action.Status.IN_PROGRESS),
        Action.Status.DONE,
        access_rules.can_update_action,
    ),
    Transition(
        "drop",
        _("Drop"),
        (Action.Status.OPEN, Action.Status.IN_PROGRESS),
        Action.Status.DROPPED,
        access_rules.can_update_action,
    ),
    Transition(
        "reopen",
        _("Reopen"),
        (Action.Status.DONE, Action.Status.DROPPED),
        Action.Status.OPEN,
        access_rules.can_update_action,
    ),
)


def find(transitions: tuple[Transition, ...], name: str) -> Transition | None:
    return next((t for t in transitions if t.name == name), None)


def available(transitions: tuple[Transition, ...], user, obj) -> list[Transition]:
    """The transitions this user may take on the object now (its state, their rights; conditions aside:
    the page shows a refused condition's reason when the user tries)."""
    return [t for t in transitions if obj.status in t.sources and t.allowed(user, obj)]
