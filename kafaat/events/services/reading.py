"""Reading: part of kafaat.events.services (see its __init__)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from kafaat.core import access, audit
from kafaat.core.models import Territory
from kafaat.events import workflow
from kafaat.events.access_rules import MANAGE_EVENTS, VIEW_EVENTS, VIEW_PARTICIPANTS
from kafaat.events.models import (
    Attendance,
    Event,
    Registration,
    RegistrationStatus,
    Session,
)

EVENT_FIELDS = (
    "name_fr",
    "name_ar",
    "name_en",
    "type",
    "parent",
    "organiser",
    "project",
    "result",
    "working_group",
    "sector",
    "start_date",
    "end_date",
    "territory",
    "venue",
    "country",
    "capacity",
    "languages",
    "description",
    "certificate_threshold",
    "is_cancelled",
)
LANGUAGE_CODES = ("fr", "ar", "en", "es", "amz")


def events(user) -> QuerySet[Event]:
    return access.scoped(user, VIEW_EVENTS, Event.objects.all())


@dataclass(frozen=True)
class EventFilters:
    type: str | None = None
    project: str | None = None  # project code
    territory: str | None = None  # territory code: the subtree
    date_from: date | None = None
    date_to: date | None = None
    query: str | None = None


def list_events(user, filters: EventFilters | None = None) -> QuerySet[Event]:
    """Events in the user's scope, filtered, newest first, with their number of registrants (one query)."""
    filters = filters or EventFilters()
    queryset = events(user).select_related("territory", "organiser", "project")
    if filters.type:
        queryset = queryset.filter(type=filters.type)
    if filters.project:
        queryset = queryset.filter(project__code=filters.project)
    if filters.territory:
        territory = Territory.objects.filter(code=filters.territory).first()
        if territory is None:
            return queryset.none()
        queryset = queryset.filter(territory__path__startswith=territory.path)
    if filters.date_from:
        queryset = queryset.filter(end_date__gte=filters.date_from)
    if filters.date_to:
        queryset = queryset.filter(start_date__lte=filters.date_to)
    if filters.query:
        queryset = queryset.filter(
            Q(name_fr__icontains=filters.query)
            | Q(name_ar__icontains=filters.query)
            | Q(name_en__icontains=filters.query)
            | Q(venue__icontains=filters.query)
        )
    active = ~Q(registrations__status=RegistrationStatus.WITHDRAWN)
    return queryset.annotate(registrant_count=Count("registrations", filter=active)).order_by(
        "-start_date", "pk"
    )


def get_event(user, pk: int) -> Event:
    queryset = Event.objects.select_related("territory", "organiser", "project", "parent", "sector")
    return access.get_object_or_404(user, VIEW_EVENTS, queryset, pk=pk)


def can_manage(user, event: Event) -> bool:
    return access.has_permission(user, MANAGE_EVENTS, event)


def can_view_participants(user, event: Event) -> bool:
    return access.has_permission(user, VIEW_PARTICIPANTS, event)


def get_event_to_manage(user, pk: int) -> Event:
    event = get_event(user, pk)
    access.require(user, MANAGE_EVENTS, event)
    return event


def sessions_of(event: Event) -> list[Session]:
    return list(event.sessions.all())


def registrations_of(
    user, event: Event, *, status: str | None = None, with_attendance: bool = True
) -> QuerySet[Registration]:
    """The registrants of an event (VIEW_PARTICIPANTS), with their contact and, unless a page reads them with
    `attended_sessions`, their attendances prefetched: a few queries however many registrants."""
    access.require(user, VIEW_PARTICIPANTS, event)
    queryset = access.scoped(user, VIEW_PARTICIPANTS, Registration.objects.filter(event=event))
    if status:
        queryset = queryset.filter(status=status)
    queryset = queryset.select_related("contact").order_by(
        "contact__last_name_latin", "contact__first_name_latin", "contact__last_name_ar", "pk"
    )
    if with_attendance:
        attended = Attendance.objects.only("id", "registration_id", "session_id")
        queryset = queryset.prefetch_related(Prefetch("attendances", queryset=attended))
    return queryset


def attended_sessions(registrations: Iterable[Registration]) -> dict[int, set[int]]:
    """Registration id → the ids of the sessions it attended, in one query of plain pairs (no model objects:
    a page of a hundred registrants renders without building three hundred of them)."""
    found: dict[int, set[int]] = {r.pk: set() for r in registrations}
    pairs = Attendance.objects.filter(registration_id__in=list(found)).values_list(
        "registration_id", "session_id"
    )
    for registration_id, session_id in pairs:
        found[registration_id].add(session_id)
    for registration in registrations:
        registration.attended_session_ids = found[registration.pk]
    return found


def record_list_read(user, event: Event, shown: Iterable[Registration]) -> None:
    """One audit event for a shown list of registrants (personal data): the ids shown."""
    audit.record_bulk(
        audit.Action.LIST, user, Registration, [r.pk for r in shown], details={"event": event.pk}
    )


def status_counts(event: Event) -> dict[str, int]:
    rows = event.registrations.values_list("status").annotate(n=Count("pk"))
    return dict(rows)


def seats_taken(event: Event) -> int:
    return event.registrations.filter(status__in=workflow.HOLDS_A_SEAT).count()


def export_registrants(user, event: Event, stream) -> int:
    """The registrant list as XLSX (name in both scripts, organisation, e-mail, phone, status, one column per
    session): formulas neutralised (a name typed as "=HYPERLINK(…)" stays text), audited as one export."""
    from openpyxl import Workbook

    from kafaat.core.imports import xlsx_row

    registrations = list(registrations_of(user, event, with_attendance=False))
    attended = attended_sessions(registrations)
    sessions = sessions_of(event)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Participants")[:31])
    headers = [_("Name"), _("Name (Arabic)"), _("Organisation"), _("E-mail"), _("Phone"), _("Status")]
    sheet.append(xlsx_row(sheet, headers + [str(s) for s in sessions]))
    for registration in registrations:
        contact = registration.contact
        if contact is None:  # a beneficiary: the registry's record is not copied into an export
            names = [_("Beneficiary"), "", "", "", ""]
        else:
            names = [
                f"{contact.first_name_latin} {contact.last_name_latin}".strip(),
                f"{contact.first_name_ar} {contact.last_name_ar}".strip(),
                contact.organisation_name, contact.email, contact.phone,
            ]  # fmt: skip
        marks = ["x" if s.pk in attended[registration.pk] else "" for s in sessions]
        sheet.append(xlsx_row(sheet, [*names, registration.get_status_display(), *marks]))
    book.save(stream)
    audit.record_bulk(audit.Action.EXPORT, user, Registration, [r.pk for r in registrations],
                      details={"event": event.pk, "format": "xlsx"})  # fmt: skip
    return len(registrations)
