"""Working groups, their members, meetings (agenda, participants, minutes, outcomes) and actions.

Rules: the group's secretariat manages it (`access_rules.can_manage_group`); a closed or cancelled meeting is
read-only (`can_edit_meeting`: any change is refused with a message); meetings and actions move by named
transitions (`workflows`); an action stays open, carried to each next meeting of its group, until done or
dropped. Reads go through `core.access`, changes are audited.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kafaat.contacts import services as contacts
from kafaat.contacts.models import Contact
from kafaat.core import access, audit
from kafaat.governance import access_rules, workflows
from kafaat.governance.access_rules import MANAGE_GROUPS, VIEW_GROUPS
from kafaat.governance.models import (
    Action,
    AgendaItem,
    GroupMembership,
    Meeting,
    MeetingParticipant,
    MemberRole,
    MinutesRevision,
    Outcome,
    WorkingGroup,
)

MAX_MINUTES_CHARS = 100_000


class ReadOnlyMeeting(ValidationError):
    """A change to a closed or cancelled meeting: refused with the reason (400 in the API, a message on
    the page)."""

    def __init__(self, meeting: Meeting) -> None:
        if meeting.status == Meeting.Status.CLOSED:
            message = _("This meeting is closed: its record can no longer be changed.")
        else:
            message = _("This meeting was cancelled: it can no longer be changed.")
        super().__init__(message)


# --- Groups -------------------------------------------------------------------------------------------------


def visible_groups(actor) -> QuerySet[WorkingGroup]:
    return access.scoped(actor, VIEW_GROUPS, WorkingGroup.objects.select_related("territory", "secretariat"))


def get_group(actor, group_id: int) -> WorkingGroup:
    return access.get_object_or_404(
        actor, VIEW_GROUPS, WorkingGroup.objects.select_related("territory", "secretariat"), pk=group_id
    )


def _require_manage(actor, group: WorkingGroup) -> None:
    if not access_rules.can_manage_group(actor, group):
        raise access.Refused(MANAGE_GROUPS, group)


def members_of(group: WorkingGroup, *, on: date | None = None, current_only: bool = False) -> QuerySet:
    memberships = group.memberships.select_related("contact", "contact__organisation")
    if current_only:
        on = on or timezone.localdate()
        memberships = memberships.filter(start_date__lte=on).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=on)
        )
    return memberships.order_by("end_date", "role", "contact__last_name_latin", "id")


def _contact_in_reach(actor, contact_id: int) -> Contact:
    """A contact the actor may read (members, owners and presenters are picked in the actor's directory)."""
    return access.get_object_or_404(
        actor, contacts.VIEW_CONTACTS, Contact.objects.filter(merged_into__isnull=True), pk=contact_id
    )


@transaction.atomic
def add_member(
    actor,
    group: WorkingGroup,
    contact_id: int,
    *,
    role: str = MemberRole.MEMBER,
    start_date: date | None = None,
) -> GroupMembership:
    _require_manage(actor, group)
    contact = _contact_in_reach(actor, contact_id)
    if role not in MemberRole.values:
        raise ValidationError({"role": [_("Unknown role.")]})
    start_date = start_date or timezone.localdate()
    current = members_of(group, on=start_date, current_only=True).filter(contact=contact)
    if current.exists():
        raise ValidationError({"contact": [_("This contact already sits on the group.")]})
    membership = GroupMembership.objects.create(
        group=group, contact=contact, role=role, start_date=start_date
    )
    audit.record(audit.Action.CREATE, actor, membership, details={"group": group.pk, "contact": contact.pk})
    return membership


def get_membership(actor, membership_id: int) -> GroupMembership:
    return access.get_object_or_404(
        actor, VIEW_GROUPS, GroupMembership.objects.select_related("group", "contact"), pk=membership_id
    )


@transaction.atomic
def end_membership(actor, membership: GroupMembership, end_date: date | None = None) -> GroupMembership:
    _require_manage(actor, membership.group)
    if membership.end_date is not None:
        raise ValidationError({"end_date": [_("This membership has already ended.")]})
    end_date = end_date or timezone.localdate()
    if end_date < membership.start_date:
        raise ValidationError({"end_date": [_("A membership cannot end before it started.")]})
    membership.end_date = end_date
    membership.save(update_fields=["end_date"])
    audit.record(audit.Action.UPDATE, actor, membership, details={"end_date": end_date.isoformat()})
    return membership


# --- Meetings -----------------------------------------------------------------------------------------------


def meetings_of(group: WorkingGroup) -> QuerySet[Meeting]:
    return group.meetings.order_by("-starts_at", "-id")


def get_meeting(actor, meeting_id: int) -> Meeting:
    return access.get_object_or_404(
        actor,
        VIEW_GROUPS,
        Meeting.objects.select_related("group", "group__territory", "group__secretariat"),
        pk=meeting_id,
    )


def _require_edit(actor, meeting: Meeting) -> None:
    """The meeting is open and the actor is its secretariat; a closed meeting says why, whoever asks."""
    _require_manage(actor, meeting.group)
    if not access_rules.meeting_is_open(meeting):
        raise ReadOnlyMeeting(meeting)


def _check_times(starts_at: datetime | None, ends_at: datetime | None) -> None:
    if starts_at is None:
        raise ValidationError({"starts_at": [_("Give the meeting's date and time.")]})
    if ends_at is not None and ends_at < starts_at:
        raise ValidationError({"ends_at": [_("A meeting cannot end before it starts.")]})


@transaction.atomic
def create_meeting(actor, group: WorkingGroup, data: dict[str, Any]) -> Meeting:
    _require_manage(actor, group)
    title = (data.get("title") or "").strip()
    if not title:
        raise ValidationError({"title": [_("Give the meeting a title.")]})
    _check_times(data.get("starts_at"), data.get("ends_at"))
    meeting = Meeting.objects.create(
        group=group,
        title=title[:200],
        starts_at=data["starts_at"],
        ends_at=data.get("ends_at"),
        venue=(data.get("venue") or "")[:200],
    )
    # Members sitting on the day are invited; the secretariat adds guests or removes seats while it is open.
    day = timezone.localtime(meeting.starts_at).date()
    MeetingParticipant.objects.bulk_create(
        MeetingParticipant(meeting=meeting, contact_id=m.contact_id, invited=True)
        for m in members_of(group, on=day, current_only=True)
    )
    audit.record(audit.Action.CREATE, actor, meeting)
    return meeting


@transaction.atomic
def update_meeting(actor, meeting: Meeting, data: dict[str, Any]) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_edit(actor, meeting)
    for field in ("title", "starts_at", "ends_at", "venue"):
        if field in data:
            setattr(
                meeting,
                field,
                data[field] if field in ("starts_at", "ends_at") else (data[field] or "").strip(),
            )
    if not meeting.title:
        raise ValidationError({"title": [_("Give the meeting a title.")]})
    _check_times(meeting.starts_at, meeting.ends_at)
    meeting.save()
    audit.record(audit.Action.UPDATE, actor, meeting, details={"fields": sorted(data)})
    return meeting


@transaction.atomic
def transition_meeting(actor, meeting: Meeting, name: str) -> Meeting:
    """Take a meeting's transition by name (hold, close, cancel): who may, and its condition, are checked."""
    meeting = Meeting.objects.select_for_update().select_related("group").get(pk=meeting.pk)
    transition = workflows.find(workflows.MEETING_TRANSITIONS, name)
    if transition is None:
        raise ValidationError({"transition": [_("Unknown transition: %(name)s.") % {"name": name[:40]}]})
    _require_manage(actor, meeting.group)
    if meeting.status not in transition.sources:
        if not access_rules.meeting_is_open(meeting):
            raise ReadOnlyMeeting(meeting)
        raise ValidationError(
            {
                "transition": [
                    _("A meeting that is “%(status)s” cannot be moved this way.")
                    % {"status": meeting.get_status_display()}
                ]
            }
        )
    if not transition.allowed(actor, meeting):
        raise access.Refused(MANAGE_GROUPS, meeting)
    reason = transition.condition(meeting) if transition.condition else None
    if reason:
        raise ValidationError({"transition": [str(reason)]})
    before = meeting.status
    meeting.status = transition.target
    if transition.target == Meeting.Status.CLOSED:
        meeting.closed_at, meeting.closed_by = timezone.now(), actor
    meeting.save()
    audit.record(
        audit.Action.UPDATE,
        actor,
        meeting,
        details={"transition": name, "from": before, "to": meeting.status},
    )
    return meeting


# Agenda


@transaction.atomic
def add_agenda_item(
    actor,
    meeting: Meeting,
    title: str,
    *,
    presenter_id: int | None = None,
    duration_minutes: int | None = None,
) -> AgendaItem:
    _require_edit(actor, meeting)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": [_("Give the agenda item a title.")]})
    if duration_minutes is not None and not 0 < duration_minutes <= 600:
        raise ValidationError({"duration_minutes": [_("Give a duration between 1 and 600 minutes.")]})
    presenter = _contact_in_reach(actor, presenter_id) if presenter_id else None
    position = (meeting.agenda.aggregate(last=Max("position"))["last"] or 0) + 1
    item = AgendaItem.objects.create(
        meeting=meeting,
        title=title[:300],
        presenter=presenter,
        duration_minutes=duration_minutes,
        position=position,
    )
    audit.record(audit.Action.CREATE, actor, item, details={"meeting": meeting.pk})
    return item


@transaction.atomic
def remove_agenda_item(actor, meeting: Meeting, item_id: int) -> None:
    _require_edit(actor, meeting)
    item = access.in_scope_or_404(meeting.agenda.all(), pk=item_id)
    audit.record(audit.Action.DELETE, actor, item, details={"meeting": meeting.pk})
    item.delete()


# Participants


@transaction.atomic
def invite(actor, meeting: Meeting, contact_id: int) -> MeetingParticipant:
    _require_edit(actor, meeting)
    contact = _contact_in_reach(actor, contact_id)
    seat, created = MeetingParticipant.objects.get_or_create(meeting=meeting, contact=contact)
    if not created and not seat.invited:
        seat.invited = True
        seat.save(update_fields=["invited"])
    audit.record(audit.Action.CREATE if created else audit.Action.UPDATE, actor, seat)
    return seat


@transaction.atomic
def record_attendance(actor, meeting: Meeting, attended_contact_ids: list[int]) -> int:
    """Who attended: the given contacts attended (a guest not invited gets a seat), the others did not."""
    _require_edit(actor, meeting)
    if meeting.status == Meeting.Status.PLANNED and meeting.starts_at > timezone.now():
        raise ValidationError({"attended": [_("Attendance is recorded once the meeting has started.")]})
    wanted = set(attended_contact_ids)
    for contact_id in wanted - set(meeting.participants.values_list("contact_id", flat=True)):
        contact = _contact_in_reach(actor, contact_id)
        MeetingParticipant.objects.create(meeting=meeting, contact=contact, invited=False, attended=True)
    meeting.participants.filter(contact_id__in=wanted).update(attended=True)
    meeting.participants.exclude(contact_id__in=wanted).update(attended=False)
    audit.record(audit.Action.UPDATE, actor, meeting, details={"attended": sorted(wanted)})
    return len(wanted)


def participants_of(meeting: Meeting) -> QuerySet[MeetingParticipant]:
    return meeting.participants.select_related("contact").order_by(
        "contact__last_name_latin", "contact__last_name_ar", "id"
    )


# Minutes


@transaction.atomic
def write_minutes(actor, meeting: Meeting, text: str) -> MinutesRevision:
    """A new revision of the minutes (the last one is the minutes); the earlier ones are kept."""
    meeting = Meeting.objects.select_for_update().select_related("group").get(pk=meeting.pk)
    _require_edit(actor, meeting)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("The minutes are empty.")]})
    if len(text) > MAX_MINUTES_CHARS:
        raise ValidationError({"text": [_("The minutes are too long (at most 100,000 characters).")]})
    last = meeting.minutes_revisions.order_by("-number").first()
    if last is not None and last.text == text:
        return last
    revision = MinutesRevision.objects.create(
        meeting=meeting, number=(last.number + 1) if last else 1, text=text, written_by=actor
    )
    audit.record(
        audit.Action.CREATE, actor, revision, details={"meeting": meeting.pk, "number": revision.number}
    )
    return revision


def minutes_of(meeting: Meeting) -> MinutesRevision | None:
    return meeting.minutes_revisions.order_by("-number").first()


def minutes_diff(meeting: Meeting) -> list[tuple[str, str]]:
    """The last two revisions compared line by line: (kind, line), kind among "same", "added", "removed"."""
    last_two = list(meeting.minutes_revisions.order_by("-number")[:2])
    if len(last_two) < 2:
        return []
    new, old = last_two[0].text.splitlines(), last_two[1].text.splitlines()
    lines = []
    for line in difflib.ndiff(old, new):
        code, text = line[:2], line[2:]
        if code == "? ":
            continue
        lines.append(({"+ ": "added", "- ": "removed"}.get(code, "same"), text))
    return lines


# Outcomes and actions


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
    _require_edit(actor, meeting)
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
    owner = _contact_in_reach(actor, owner_id) if kind == Outcome.Kind.ACTION else None
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
