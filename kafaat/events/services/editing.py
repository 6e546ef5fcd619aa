"""Events and sessions: part of kafaat.events.services (see its __init__)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kafaat.core import access, audit
from kafaat.core.models import Organisation
from kafaat.events.access_rules import MANAGE_EVENTS, VIEW_EVENTS
from kafaat.events.models import (
    Event,
    Session,
)
from kafaat.events.services.reading import EVENT_FIELDS, LANGUAGE_CODES, can_manage


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
