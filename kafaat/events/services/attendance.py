"""Attendance and check-in: part of kafaat.events.services (see its __init__)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kafaat.core import access, audit
from kafaat.events.access_rules import MANAGE_EVENTS
from kafaat.events.models import (
    Attendance,
    AttendanceSource,
    Registration,
    RegistrationStatus,
    Session,
)


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
