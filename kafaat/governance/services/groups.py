"""Groups: part of kafaat.governance.services (see its __init__)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kafaat.contacts.access_rules import VIEW_CONTACTS
from kafaat.contacts.models import Contact
from kafaat.core import access, audit
from kafaat.governance import access_rules
from kafaat.governance.access_rules import MANAGE_GROUPS, VIEW_GROUPS
from kafaat.governance.models import (
    GroupMembership,
    Meeting,
    MemberRole,
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


def visible_groups(actor) -> QuerySet[WorkingGroup]:
    return access.scoped(actor, VIEW_GROUPS, WorkingGroup.objects.select_related("territory", "secretariat"))


def get_group(actor, group_id: int) -> WorkingGroup:
    return access.get_object_or_404(
        actor, VIEW_GROUPS, WorkingGroup.objects.select_related("territory", "secretariat"), pk=group_id
    )


def require_manage(actor, group: WorkingGroup) -> None:
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


def contact_in_reach(actor, contact_id: int) -> Contact:
    """A contact the actor may read (members, owners and presenters are picked in the actor's directory)."""
    return access.get_object_or_404(
        actor, VIEW_CONTACTS, Contact.objects.filter(merged_into__isnull=True), pk=contact_id
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
    require_manage(actor, group)
    contact = contact_in_reach(actor, contact_id)
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
    require_manage(actor, membership.group)
    if membership.end_date is not None:
        raise ValidationError({"end_date": [_("This membership has already ended.")]})
    end_date = end_date or timezone.localdate()
    if end_date < membership.start_date:
        raise ValidationError({"end_date": [_("A membership cannot end before it started.")]})
    membership.end_date = end_date
    membership.save(update_fields=["end_date"])
    audit.record(audit.Action.UPDATE, actor, membership, details={"end_date": end_date.isoformat()})
    return membership
