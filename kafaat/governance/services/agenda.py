"""Agenda and participants: part of kafaat.governance.services (see its __init__)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kafaat.core import access, audit
from kafaat.governance.models import (
    AgendaItem,
    Meeting,
    MeetingParticipant,
)
from kafaat.governance.services.groups import contact_in_reach
from kafaat.governance.services.meetings import require_edit


@transaction.atomic
def add_agenda_item(
    actor,
    meeting: Meeting,
    title: str,
    *,
    presenter_id: int | None = None,
    duration_minutes: int | None = None,
) -> AgendaItem:
    require_edit(actor, meeting)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": [_("Give the agenda item a title.")]})
    if duration_minutes is not None and not 0 < duration_minutes <= 600:
        raise ValidationError({"duration_minutes": [_("Give a duration between 1 and 600 minutes.")]})
    presenter = contact_in_reach(actor, presenter_id) if presenter_id else None
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
    require_edit(actor, meeting)
    item = access.in_scope_or_404(meeting.agenda.all(), pk=item_id)
    audit.record(audit.Action.DELETE, actor, item, details={"meeting": meeting.pk})
    item.delete()


# Participants


@transaction.atomic
def invite(actor, meeting: Meeting, contact_id: int) -> MeetingParticipant:
    require_edit(actor, meeting)
    contact = contact_in_reach(actor, contact_id)
    seat, created = MeetingParticipant.objects.get_or_create(meeting=meeting, contact=contact)
    if not created and not seat.invited:
        seat.invited = True
        seat.save(update_fields=["invited"])
    audit.record(audit.Action.CREATE if created else audit.Action.UPDATE, actor, seat)
    return seat


@transaction.atomic
def record_attendance(actor, meeting: Meeting, attended_contact_ids: list[int]) -> int:
    """Who attended: the given contacts attended (a guest not invited gets a seat), the others did not."""
    require_edit(actor, meeting)
    if meeting.status == Meeting.Status.PLANNED and meeting.starts_at > timezone.now():
        raise ValidationError({"attended": [_("Attendance is recorded once the meeting has started.")]})
    wanted = set(attended_contact_ids)
    for contact_id in wanted - set(meeting.participants.values_list("contact_id", flat=True)):
        contact = contact_in_reach(actor, contact_id)
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
