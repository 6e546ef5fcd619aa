"""Meetings: part of kafaat.governance.services (see its __init__)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kafaat.core import access, audit
from kafaat.governance import access_rules, workflows
from kafaat.governance.access_rules import MANAGE_GROUPS, VIEW_GROUPS
from kafaat.governance.models import (
    Meeting,
    MeetingParticipant,
    WorkingGroup,
)
from kafaat.governance.services.groups import ReadOnlyMeeting, members_of, require_manage


def meetings_of(group: WorkingGroup) -> QuerySet[Meeting]:
    return group.meetings.order_by("-starts_at", "-id")


def get_meeting(actor, meeting_id: int) -> Meeting:
    return access.get_object_or_404(
        actor,
        VIEW_GROUPS,
        Meeting.objects.select_related("group", "group__territory", "group__secretariat"),
        pk=meeting_id,
    )


def require_edit(actor, meeting: Meeting) -> None:
    """The meeting is open and the actor is its secretariat; a closed meeting says why, whoever asks."""
    require_manage(actor, meeting.group)
    if not access_rules.meeting_is_open(meeting):
        raise ReadOnlyMeeting(meeting)


def _check_times(starts_at: datetime | None, ends_at: datetime | None) -> None:
    if starts_at is None:
        raise ValidationError({"starts_at": [_("Give the meeting's date and time.")]})
    if ends_at is not None and ends_at < starts_at:
        raise ValidationError({"ends_at": [_("A meeting cannot end before it starts.")]})


@transaction.atomic
def create_meeting(actor, group: WorkingGroup, data: dict[str, Any]) -> Meeting:
    require_manage(actor, group)
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
    require_edit(actor, meeting)
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
    require_manage(actor, meeting.group)
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
