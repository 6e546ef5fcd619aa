"""Events' rules: events and sessions, registrations and their workflow, attendance per session, check-in.

Every read goes through `access.scoped` (VIEW_EVENTS for events, VIEW_PARTICIPANTS for who takes part), every
change through MANAGE_EVENTS on the event; each change is audited, and so is each read of a registrant list.
A beneficiary is registered only when the user may see them under the registry's rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kafaat.contacts.models import Contact
from kafaat.core import access, audit
from kafaat.core.models import Organisation, Territory
from kafaat.events import workflow
from kafaat.events.access_rules import MANAGE_EVENTS, VIEW_EVENTS, VIEW_PARTICIPANTS
from kafaat.events.models import (
    Attendance,
    AttendanceSource,
    Event,
    Registration,
    RegistrationStatus,
    Session,
    SignInReview,
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


# --- Reading ------------------------------------------------------------------------------------------------


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


# --- Events and sessions ------------------------------------------------------------------------------------


def managing_organisations(user) -> QuerySet[Organisation]:
    """Organisations the user may organise events for."""
    return access.organisations_where(user, MANAGE_EVENTS).filter(is_active=True)


def _clean_event(data: Mapping[str, Any], event: Event | None = None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    values = {key: value for key, value in data.items() if key in EVENT_FIELDS}
    start = values.get("start_date", event.start_date if event else None)
    end = values.get("end_date", event.end_date if event else None)
    if start and end and end < start:
        errors.setdefault("end_date", []).append(_("The end date is before the start date."))
    parent = values.get("parent", event.parent if event else None)
    if parent is not None:
        if event is not None and (parent.pk == event.pk or parent.parent_id == event.pk):
            errors.setdefault("parent", []).append(_("An event cannot be part of itself."))
        elif parent.parent_id is not None:
            errors.setdefault("parent", []).append(_("A part of an event cannot have parts of its own."))
        elif start and end and (start < parent.start_date or end > parent.end_date):
            errors.setdefault("parent", []).append(_("A part must take place within the dates of its event."))
    project = values.get("project", event.project if event else None)
    result = values.get("result", event.result if event else None)
    if result is not None and (project is None or result.project_id != project.pk):
        errors.setdefault("result", []).append(_("The logframe result must belong to the event's project."))
    country = str(values.get("country", event.country if event else "MA") or "").upper()
    if len(country) != 2 or not country.isalpha():
        errors.setdefault("country", []).append(_("Give the country as its two-letter ISO code."))
    values["country"] = country
    languages = values.get("languages")
    if languages is not None:
        unknown = [code for code in languages if code not in LANGUAGE_CODES]
        if unknown:
            errors.setdefault("languages", []).append(
                _("Unknown language: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
    if errors:
        raise ValidationError(errors)
    return values


def create_event(user, data: Mapping[str, Any]) -> Event:
    values = _clean_event(data)
    organiser = values.get("organiser")
    if organiser is None or not managing_organisations(user).filter(pk=organiser.pk).exists():
        raise access.Refused(MANAGE_EVENTS)
    event = Event(created_by=user if user.is_authenticated else None, **values)
    event.full_clean(exclude=["parent", "project", "result", "working_group", "sector"])
    with transaction.atomic():  # refused below: nothing stays written
        event.save()
        if not can_manage(user, event):  # the organiser is the user's, but the territory is outside its scope
            raise access.Refused(MANAGE_EVENTS, event)
    audit.record(audit.Action.CREATE, user, event)
    return event


def update_event(user, event: Event, data: Mapping[str, Any]) -> Event:
    access.require(user, MANAGE_EVENTS, event)
    values = _clean_event(data, event)
    values.pop("organiser", None)  # an event changes hands by a new event, never silently
    before = {key: str(getattr(event, key)) for key in values}
    for key, value in values.items():
        setattr(event, key, value)
    event.full_clean(exclude=["parent", "project", "result", "working_group", "sector"])
    with transaction.atomic():
        event.save()
        if not can_manage(user, event):  # moved out of the user's territory
            raise access.Refused(MANAGE_EVENTS, event)
    audit.record(
        audit.Action.UPDATE,
        user,
        event,
        details=audit.changes_between(before, {k: str(v) for k, v in values.items()}),
    )
    return event


def add_session(user, event: Event, *, starts_at: datetime, ends_at: datetime, title: str = "") -> Session:
    access.require(user, MANAGE_EVENTS, event)
    starts_at, ends_at = _check_session_times(event, starts_at, ends_at)
    position = event.sessions.count()
    session = Session.objects.create(
        event=event, title=title.strip()[:200], starts_at=starts_at, ends_at=ends_at, position=position
    )
    audit.record(audit.Action.CREATE, user, session)
    return session


def update_session(
    user, session: Session, *, starts_at: datetime, ends_at: datetime, title: str = ""
) -> Session:
    access.require(user, MANAGE_EVENTS, session.event)
    starts_at, ends_at = _check_session_times(session.event, starts_at, ends_at)
    session.title, session.starts_at, session.ends_at = title.strip()[:200], starts_at, ends_at
    session.save()
    audit.record(audit.Action.UPDATE, user, session)
    return session


def delete_session(user, session: Session) -> None:
    access.require(user, MANAGE_EVENTS, session.event)
    if session.attendances.exists():
        raise ValidationError(_("This session has recorded attendance: it cannot be deleted."))
    audit.record(audit.Action.DELETE, user, session)
    session.delete()


def _check_session_times(event: Event, starts_at: datetime, ends_at: datetime) -> tuple[datetime, datetime]:
    """The times as aware datetimes (a time without its zone is Morocco's), checked against the event."""
    try:
        starts_at, ends_at = (
            moment if timezone.is_aware(moment) else timezone.make_aware(moment)
            for moment in (starts_at, ends_at)
        )
        first, last = timezone.localtime(starts_at).date(), timezone.localtime(ends_at).date()
    except (OverflowError, ValueError) as error:
        raise ValidationError(
            {"starts_at": [_("A session takes place within the event's dates.")]}
        ) from error
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": [_("A session ends after it starts.")]})
    if first < event.start_date or last > event.end_date:
        raise ValidationError({"starts_at": [_("A session takes place within the event's dates.")]})
    return starts_at, ends_at


def get_session(user, pk: int) -> Session:
    return access.get_object_or_404(user, VIEW_EVENTS, Session.objects.select_related("event"), pk=pk)


def current_session(sessions: list[Session], now: datetime | None = None) -> Session | None:
    """The session running now, else the next one today, else the last one that started, else the first."""
    if not sessions:
        return None
    now = now or timezone.now()
    running = [s for s in sessions if s.starts_at <= now < s.ends_at]
    if running:
        return running[0]
    today = timezone.localtime(now).date()
    later_today = [
        s for s in sessions if s.starts_at > now and timezone.localtime(s.starts_at).date() == today
    ]
    if later_today:
        return later_today[0]
    started = [s for s in sessions if s.starts_at <= now]
    return started[-1] if started else sessions[0]


# --- Registrations ------------------------------------------------------------------------------------------


def register_contact(
    user,
    event: Event,
    contact: Contact,
    *,
    status: str = RegistrationStatus.INVITED,
    role: str = "participant",
    language: str | None = None,
) -> Registration:
    """Invite or register a contact the user may see (the directory's own rules)."""
    access.require(user, MANAGE_EVENTS, event)
    from kafaat.contacts.access_rules import VIEW_CONTACTS

    if not access.scoped(
        user, VIEW_CONTACTS, Contact.objects.filter(pk=contact.pk, merged_into=None)
    ).exists():
        raise access.OutOfScope(Contact, contact.pk, VIEW_CONTACTS)
    registration = Registration(
        event=event, contact=contact, role=role, language=language or contact.preferred_language or "fr"
    )
    return _save_new_registration(user, registration, status)


def register_person(
    user,
    event: Event,
    person_id: int,
    *,
    status: str = RegistrationStatus.INVITED,
    role: str = "participant",
    language: str = "fr",
) -> Registration:
    """Register a beneficiary: only one the user may see under the registry's rules (else 404)."""
    access.require(user, MANAGE_EVENTS, event)
    from kafaat.registry.access_rules import VIEW_PERSON
    from kafaat.registry.models import Person

    person = access.get_object_or_404(user, VIEW_PERSON, Person.objects.all(), pk=person_id)
    registration = Registration(event=event, person=person, role=role, language=language)
    return _save_new_registration(user, registration, status)


def _save_new_registration(user, registration: Registration, status: str) -> Registration:
    event = registration.event
    if status not in (RegistrationStatus.INVITED, RegistrationStatus.REGISTERED):
        raise ValidationError({"status": [_("A new registrant is invited or registered.")]})
    if event.is_cancelled:
        raise ValidationError(_("This event is cancelled."))
    now = timezone.now()
    registration.status = status
    registration.invited_at = now
    with transaction.atomic():
        if status == RegistrationStatus.REGISTERED:
            _lock_event(event)
            _check_capacity(event)
            registration.registered_at = now
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError as error:
            raise ValidationError(_("This participant is already registered for this event.")) from error
    audit.record(audit.Action.CREATE, user, registration, details={"status": status})
    return registration


def _lock_event(event: Event) -> None:
    # Two registrations at once must not both take the last seat: the event's row is the lock (PostgreSQL;
    # SQLite serialises writers anyway).
    Event.objects.select_for_update().filter(pk=event.pk).first()


def _check_capacity(event: Event) -> None:
    if event.capacity is not None and seats_taken(event) >= event.capacity:
        message = ngettext(
            "The event is full (%(capacity)s place): withdraw someone first.",
            "The event is full (%(capacity)s places): withdraw someone first.",
            event.capacity,
        )
        raise ValidationError(message % {"capacity": event.capacity})


def get_registration(user, pk: int, *, event: Event | None = None) -> Registration:
    queryset = Registration.objects.select_related("event", "contact", "person")
    if event is not None:
        queryset = queryset.filter(event=event)
    return access.get_object_or_404(user, VIEW_PARTICIPANTS, queryset, pk=pk)


def transitions_open_to(
    user, registration: Registration, today: date | None = None, *, may_manage: bool | None = None
) -> list[workflow.Transition]:
    """The steps the user may take now. A page of registrants passes `may_manage`, asked once per event."""
    today = today or timezone.localdate()
    if may_manage is None:
        may_manage = access.has_permission(user, MANAGE_EVENTS, registration.event)
    if not may_manage:
        return []
    return [
        t
        for t in workflow.TRANSITIONS.values()
        if registration.status in t.sources and t.condition(registration, today)
    ]


def transition(user, registration: Registration, name: str, today: date | None = None) -> Registration:
    """Take a transition of the workflow by name: checked (who, from where, its condition), recorded and
    audited."""
    step = workflow.TRANSITIONS.get(name)
    if step is None:
        raise ValidationError(_("Unknown action: %(name)s.") % {"name": name})
    access.require(user, workflow.PERMISSION_OF[name], registration.event)
    if registration.status not in step.sources:
        raise ValidationError(
            _("Not possible while the registration is “%(status)s”.")
            % {"status": registration.get_status_display()}
        )
    if not step.condition(registration, today or timezone.localdate()):
        raise ValidationError(str(step.refusal))
    before = registration.status
    with transaction.atomic():
        if step.counts_against_capacity and before not in workflow.HOLDS_A_SEAT:
            _lock_event(registration.event)
            _check_capacity(registration.event)
        registration.status = step.target
        if step.target == RegistrationStatus.REGISTERED and registration.registered_at is None:
            registration.registered_at = timezone.now()
        registration.save(update_fields=["status", "registered_at", "updated_at"])
    audit.record(
        audit.Action.UPDATE, user, registration, details={"status": [before, step.target], "transition": name}
    )
    return registration


# --- Attendance and check-in --------------------------------------------------------------------------------


def record_attendance(
    user,
    registration: Registration,
    session: Session,
    *,
    present: bool = True,
    source: str = AttendanceSource.MANUAL,
) -> bool:
    """Mark one registrant present at (or absent from) one session by hand; says whether anything changed."""
    access.require(user, MANAGE_EVENTS, registration.event)
    if session.event_id != registration.event_id:
        raise ValidationError(_("This session belongs to another event."))
    if registration.status == RegistrationStatus.WITHDRAWN and present:
        raise ValidationError(_("This registrant has withdrawn."))
    with transaction.atomic():
        if present:
            _attendance, created = Attendance.objects.get_or_create(
                registration=registration, session=session, defaults={"source": source, "recorded_by": user}
            )
            changed = created
            if registration.status != RegistrationStatus.ATTENDED:
                registration.status = RegistrationStatus.ATTENDED
                registration.save(update_fields=["status", "updated_at"])
        else:
            changed = bool(Attendance.objects.filter(registration=registration, session=session).delete()[0])
            if changed and not registration.attendances.exists():
                registration.status = RegistrationStatus.REGISTERED
                registration.save(update_fields=["status", "updated_at"])
    if changed:
        action = audit.Action.CREATE if present else audit.Action.DELETE
        audit.record(action, user, registration, details={"session": session.pk, "attendance": present})
    return changed


class CheckInResult:
    OK = "ok"
    ALREADY = "already"
    UNKNOWN = "unknown"
    OTHER_EVENT = "other_event"
    WITHDRAWN = "withdrawn"
    NO_SESSION = "no_session"


@dataclass
class CheckIn:
    outcome: str
    registration: Registration | None = None
    recorded_at: datetime | None = None  # when the presence was first recorded

    @property
    def ok(self) -> bool:
        return self.outcome in (CheckInResult.OK, CheckInResult.ALREADY)


def normalise_badge_code(raw: str) -> str:
    """What a scanner or a typist gives: spaces, dashes, lower case; a QR code may hold a URL ending in it."""
    text = (raw or "").strip().rstrip("/").rsplit("/", 1)[-1]
    return "".join(ch for ch in text.upper() if ch.isalnum())[:12]


def check_in(user, session: Session, raw_code: str) -> CheckIn:
    """Record the badge's holder present at the session. Scanned twice, one attendance ("already checked in at
    09:12"). Kept to a few queries when all is well: the registration with its contact (and this session's
    attendance, joined), then in one transaction the insert, its audit row and (the first time) the status."""
    event = session.event
    code = normalise_badge_code(raw_code)
    if not code:
        return CheckIn(CheckInResult.UNKNOWN)
    registration = (
        Registration.objects.select_related("contact")
        .filter(badge_code=code)
        .annotate(checked_in_at=_attendance_at(session))
        .first()
    )
    if registration is None:
        return CheckIn(CheckInResult.UNKNOWN)
    if registration.event_id != event.pk:
        # Another event's badge: no name from another event (that could be out of the user's scope).
        return CheckIn(CheckInResult.OTHER_EVENT)
    if registration.status == RegistrationStatus.WITHDRAWN:
        return CheckIn(CheckInResult.WITHDRAWN, registration)
    if registration.checked_in_at is not None:
        return CheckIn(CheckInResult.ALREADY, registration, registration.checked_in_at)
    now = timezone.now()
    with transaction.atomic():
        attendance = _insert_attendance(registration, session, user, now)
        if attendance is not None:
            _audit_check_in(user, attendance, registration)
        if attendance is not None and registration.status != RegistrationStatus.ATTENDED:
            Registration.objects.filter(pk=registration.pk).update(
                status=RegistrationStatus.ATTENDED, updated_at=now
            )
            registration.status = RegistrationStatus.ATTENDED
    if attendance is None:  # a second device scanned the same badge a moment ago
        first = (
            Attendance.objects.filter(registration=registration, session=session)
            .values_list("recorded_at", flat=True)
            .first()
        )
        return CheckIn(CheckInResult.ALREADY, registration, first)
    return CheckIn(CheckInResult.OK, registration, now)


def _attendance_at(session: Session):
    from django.db.models import OuterRef, Subquery

    return Subquery(
        Attendance.objects.filter(registration=OuterRef("pk"), session=session).values("recorded_at")[:1]
    )


def _insert_attendance(
    registration: Registration, session: Session, user, now: datetime
) -> Attendance | None:
    """The new attendance row, or None when a second device recorded it a moment ago."""
    recorder = user if user.is_authenticated else None
    try:
        with transaction.atomic():
            return Attendance.objects.create(
                registration=registration,
                session=session,
                source=AttendanceSource.CHECK_IN,
                recorded_by=recorder,
            )
    except IntegrityError:
        return None


def _audit_check_in(user, attendance: Attendance, registration: Registration) -> None:
    # One row per first check-in, written by hand (no str() of the target) so that it costs one insert.
    audit.record(
        audit.Action.CREATE,
        user,
        target_type=audit.label_of(Attendance),
        target_id=str(attendance.pk),
        details={
            "event": registration.event_id,
            "session": attendance.session_id,
            "registration": registration.pk,
            "contact": registration.contact_id,
            "person": registration.person_id,
            "source": AttendanceSource.CHECK_IN.value,
        },
    )


def describe_check_in(result: CheckIn) -> str:
    """What the check-in page and the API say, in the user's language."""
    registration = result.registration
    name = str(registration.contact) if registration is not None and registration.contact_id else ""
    if result.outcome == CheckInResult.OK:
        return _("Welcome, %(name)s: checked in.") % {"name": name} if name else _("Checked in.")
    if result.outcome == CheckInResult.ALREADY:
        at = f"{timezone.localtime(result.recorded_at):%H:%M}" if result.recorded_at else ""
        return _("%(name)s was already checked in at %(time)s.") % {
            "name": name or _("This participant"),
            "time": at,
        }
    if result.outcome == CheckInResult.OTHER_EVENT:
        return _("This badge belongs to another event.")
    if result.outcome == CheckInResult.WITHDRAWN:
        return _("%(name)s has withdrawn from this event: not checked in.") % {
            "name": name or _("This participant")
        }
    return _("Unknown badge code: check the code and try again.")


def check_in_allowed(user, session: Session) -> None:
    access.require(user, MANAGE_EVENTS, session.event)


# --- Sign-in sheets and their review queue ------------------------------------------------------------------


def start_sign_in_import(user, event: Event, upload, *, dry_run: bool = False):
    """Save an uploaded sign-in sheet and queue its import (the worker runs it; tests, at once)."""
    from kafaat.core.imports import background
    from kafaat.events.signin import KIND

    access.require(user, MANAGE_EVENTS, event)
    if not event.sessions.exists():
        raise ValidationError(_("Add the event's sessions first: the sheet has one column per session."))
    job = background.new_job(
        user, event.organiser, KIND, upload, dry_run=dry_run, details={"event": event.pk}
    )
    return background.start(job, KIND)


def sign_in_jobs(user, event: Event):
    from kafaat.core.models import ImportJob
    from kafaat.events.signin import KIND

    return ImportJob.objects.filter(user=user, kind=KIND, details__event=event.pk).order_by("-created_at")


def reviews_of(user, event: Event, *, open_only: bool = True) -> QuerySet[SignInReview]:
    access.require(user, MANAGE_EVENTS, event)
    queryset = SignInReview.objects.filter(event=event).prefetch_related("sessions")
    if open_only:
        queryset = queryset.filter(status=SignInReview.Status.OPEN)
    return queryset.order_by("row_number", "pk")


def get_review(user, event: Event, pk: int) -> SignInReview:
    review = access.get_object_or_404(
        user, VIEW_PARTICIPANTS, SignInReview.objects.filter(event=event).select_related("event"), pk=pk
    )
    access.require(user, MANAGE_EVENTS, event)
    return review


def review_candidates(user, review: SignInReview) -> list[tuple[Contact, dict]]:
    """The review's candidate contacts the user may still see, with their score and reasons."""
    from kafaat.contacts.access_rules import VIEW_CONTACTS

    proposed = [c for c in review.candidates if c.get("contact")]
    ids = [c["contact"] for c in proposed]
    visible = {c.pk: c for c in access.scoped(user, VIEW_CONTACTS, Contact.objects.filter(pk__in=ids))}
    return [(visible[c["contact"]], c) for c in proposed if c["contact"] in visible]


def review_people(user, reviews: list[SignInReview]) -> dict[int, list[tuple[Any, dict]]]:
    """The beneficiaries these reviews propose that the user may see now (the registry's rule, read again:
    access may have changed since the import), by review, in one query; the reading is audited."""
    from kafaat.registry.models import Person
    from kafaat.registry.services import visible_people

    ids = {c["person"] for review in reviews for c in review.candidates if c.get("person")}
    if not ids:
        return {}
    visible = {p.pk: p for p in visible_people(user).filter(pk__in=ids)}
    if visible:
        audit.record_bulk(audit.Action.LIST, user, Person, sorted(visible), details={"sign_in_reviews": True})
    return {
        review.pk: [(visible[c["person"]], c) for c in review.candidates if c.get("person") in visible]
        for review in reviews
    }


def resolve_review(
    user,
    review: SignInReview,
    *,
    contact_id: int | None = None,
    person_id: int | None = None,
    create: bool = False,
    dismiss: bool = False,
    sex: str = "",
) -> SignInReview:
    """Settle a doubtful row: link it to a candidate contact or beneficiary (one the user may still see),
    create a new contact, or dismiss it. Its presences are recorded on the (new or existing) registration."""
    from kafaat.contacts.models import OrganisationType
    from kafaat.events.signin import split_name
    from kafaat.registry.normalise import has_arabic

    event = review.event
    access.require(user, MANAGE_EVENTS, event)
    if review.status != SignInReview.Status.OPEN:
        raise ValidationError(_("This row has already been settled."))
    with transaction.atomic():
        if dismiss:
            review.status = SignInReview.Status.DISMISSED
        elif create:
            sex = sex or review.sex
            if sex not in ("F", "M"):
                raise ValidationError({"sex": [_("Give the sex (F or M) of the new contact.")]})
            first, last = split_name(review.name)
            script = "ar" if has_arabic(review.name) else "latin"
            contact = Contact.objects.create(
                managed_by=event.organiser,
                territory=event.territory,
                sex=sex,
                organisation_name=review.organisation_name,
                organisation_type=OrganisationType.OTHER,
                email=review.email,
                phone=review.phone,
                created_by=user,
                external_id=f"events-signin-{review.row_key[:40]}",
                **{f"first_name_{script}": first, f"last_name_{script}": last},
            )
            audit.record(audit.Action.CREATE, user, contact, details={"sign_in_review": review.pk})
            review.registration = _registration_with_presences(user, event, review, contact=contact)
            review.status = SignInReview.Status.CREATED
        elif person_id is not None:
            proposed = review_people(user, [review]).get(review.pk, [])
            person = next((p for p, _score in proposed if p.pk == person_id), None)
            if person is None:
                raise ValidationError({"person": [_("Pick one of the proposed beneficiaries.")]})
            review.registration = _registration_with_presences(user, event, review, person=person)
            review.status = SignInReview.Status.LINKED
        else:
            allowed = {contact.pk for contact, _score in review_candidates(user, review)}
            if contact_id not in allowed:
                raise ValidationError({"contact": [_("Pick one of the proposed contacts.")]})
            contact = Contact.objects.get(pk=contact_id)
            review.registration = _registration_with_presences(user, event, review, contact=contact)
            review.status = SignInReview.Status.LINKED
        review.resolved_by, review.resolved_at = user, timezone.now()
        review.save()
    audit.record(audit.Action.UPDATE, user, review, details={"status": review.status})
    return review


def _registration_with_presences(
    user, event: Event, review: SignInReview, *, contact: Contact | None = None, person=None
) -> Registration:
    now = timezone.now()
    participant = {"contact": contact} if contact is not None else {"person": person}
    registration, _created = Registration.objects.get_or_create(
        event=event,
        **participant,
        defaults={"status": RegistrationStatus.REGISTERED, "invited_at": now, "registered_at": now},
    )
    sessions = list(review.sessions.all())
    Attendance.objects.bulk_create(
        [
            Attendance(
                registration=registration, session=s, source=AttendanceSource.SIGN_IN_SHEET, recorded_by=user
            )
            for s in sessions
        ],
        ignore_conflicts=True,
    )
    if sessions and registration.status != RegistrationStatus.ATTENDED:
        registration.status = RegistrationStatus.ATTENDED
        registration.save(update_fields=["status", "updated_at"])
    return registration
