"""Outcomes and actions: part of kafaat.governance.services (see its __init__)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kafaat.core import access, audit
from kafaat.governance import workflows
from kafaat.governance.access_rules import MANAGE_GROUPS, VIEW_GROUPS
from kafaat.governance.models import (
    Action,
    Meeting,
    Outcome,
    WorkingGroup,
)
from kafaat.governance.services.groups import contact_in_reach
from kafaat.governance.services.meetings import require_edit


@transaction.atomic
def add_outcome(
    actor,
    meeting: Meeting,
    kind: str,
    text: str,
    *,
    agenda_item_id: int | None = None,
    owner_id: int | None = None,
    due_date: date | None = None,
) -> Outcome:
    """Information noted, a decision taken, or an action (then with one owner and a due date)."""
    require_edit(actor, meeting)
    text = (text or "").strip()
    errors: dict[str, list[str]] = {}
    if kind not in Outcome.Kind.values:
        errors["kind"] = [_("Say whether this is information, a decision or an action.")]
    if not text:
        errors["text"] = [_("Write what was noted, decided or to be done.")]
    if kind == Outcome.Kind.ACTION:
        if not owner_id:
            errors["owner"] = [_("An action needs one owner.")]
        if due_date is None:
            errors["due_date"] = [_("An action needs a due date.")]
    if errors:
        raise ValidationError(errors)
    item = access.in_scope_or_404(meeting.agenda.all(), pk=agenda_item_id) if agenda_item_id else None
    owner = contact_in_reach(actor, owner_id) if kind == Outcome.Kind.ACTION else None
    position = (meeting.outcomes.aggregate(last=Max("position"))["last"] or 0) + 1
    outcome = Outcome.objects.create(
        meeting=meeting, agenda_item=item, kind=kind, text=text, position=position
    )
    if owner is not None:
        Action.objects.create(outcome=outcome, group=meeting.group, owner=owner, due_date=due_date)
    audit.record(audit.Action.CREATE, actor, outcome, details={"meeting": meeting.pk, "kind": kind})
    return outcome


def outcomes_of(meeting: Meeting) -> QuerySet[Outcome]:
    return meeting.outcomes.select_related("action", "action__owner", "agenda_item").order_by(
        "position", "id"
    )


def get_action(actor, action_id: int) -> Action:
    return access.get_object_or_404(
        actor,
        VIEW_GROUPS,
        Action.objects.select_related("group", "owner", "outcome", "outcome__meeting"),
        pk=action_id,
    )


@transaction.atomic
def transition_action(
    actor, action: Action, name: str, *, note: str | None = None, on: date | None = None
) -> Action:
    """Take an action's transition by name (start, complete, drop, reopen), with an optional progress note."""
    action = Action.objects.select_for_update().select_related("group").get(pk=action.pk)
    transition = workflows.find(workflows.ACTION_TRANSITIONS, name)
    if transition is None:
        raise ValidationError({"transition": [_("Unknown transition: %(name)s.") % {"name": name[:40]}]})
    if not transition.allowed(actor, action):
        raise access.Refused(MANAGE_GROUPS, action)
    if action.status not in transition.sources:
        raise ValidationError(
            {
                "transition": [
                    _("An action that is “%(status)s” cannot be moved this way.")
                    % {"status": action.get_status_display()}
                ]
            }
        )
    before = action.status
    action.status = transition.target
    action.closed_on = (on or timezone.localdate()) if transition.target in Action.CLOSED else None
    if note is not None:
        action.note = note.strip()[:5000]
    action.save()
    audit.record(
        audit.Action.UPDATE, actor, action, details={"transition": name, "from": before, "to": action.status}
    )
    return action


def open_actions(group: WorkingGroup) -> QuerySet[Action]:
    return (
        group.actions.exclude(status__in=Action.CLOSED)
        .select_related("owner", "outcome", "outcome__meeting")
        .order_by("due_date", "id")
    )


def carried_actions(meeting: Meeting) -> QuerySet[Action]:
    """The actions carried to this meeting: every action of the group still open that an earlier meeting
    decided (with its origin meeting). A closed meeting shows what was open when it was closed... as far as
    the record tells: the actions not closed before it."""
    actions = meeting.group.actions.filter(outcome__meeting__starts_at__lt=meeting.starts_at).select_related(
        "owner", "outcome", "outcome__meeting"
    )
    if meeting.status == Meeting.Status.CLOSED and meeting.closed_at:
        day = timezone.localtime(meeting.closed_at).date()
        actions = actions.filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))
    else:
        actions = actions.exclude(status__in=Action.CLOSED)
    return actions.order_by("due_date", "id")


def is_overdue(action: Action, today: date | None = None) -> bool:
    return action.status not in Action.CLOSED and action.due_date < (today or timezone.localdate())


def overdue_actions(actor, today: date | None = None) -> QuerySet[Action]:
    """The open actions past their due date of the groups the actor manages (the secretariat's home)."""
    today = today or timezone.localdate()
    return (
        access.scoped(actor, MANAGE_GROUPS, Action.objects.all())
        .exclude(status__in=Action.CLOSED)
        .filter(due_date__lt=today)
        .select_related("group", "owner", "outcome", "outcome__meeting")
        .order_by("due_date", "id")
    )


@dataclass(frozen=True)
class ActionTimeliness:
    closed_on_time: int
    closed_late: int
    open_overdue: int
    open: int


def timeliness(group: WorkingGroup, today: date | None = None) -> ActionTimeliness:
    today = today or timezone.localdate()
    actions = list(group.actions.values_list("status", "due_date", "closed_on"))
    done = [(due, closed) for status, due, closed in actions if status == Action.Status.DONE]
    still_open = [due for status, due, _closed in actions if status not in Action.CLOSED]
    return ActionTimeliness(
        closed_on_time=sum(1 for due, closed in done if closed and closed <= due),
        closed_late=sum(1 for due, closed in done if closed and closed > due),
        open_overdue=sum(1 for due in still_open if due < today),
        open=len(still_open),
    )
