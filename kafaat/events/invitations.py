"""An event's calendar file (.ics) and its e-mails: invitations and reminders, each in the registrant's
language with the .ics attached, sent through Django's e-mail framework by a job of the worker (many at once).

The .ics is written with `icalendar` (docs/decisions/0029-events-calendar-and-mail.md): one VEVENT per session
(or one for the whole event when it has none), UIDs stable across downloads so that a calendar updates the
entries it already holds instead of adding copies.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from kafaat.core import access, audit, jobs
from kafaat.core.models import Job
from kafaat.events.access_rules import MANAGE_EVENTS
from kafaat.events.models import Event, Registration, RegistrationStatus

JOB_KIND = "events.mail"
KINDS = ("invitation", "reminder")
WAITING = (RegistrationStatus.INVITED, RegistrationStatus.REGISTERED)


def _name_in(event: Event, language: str) -> str:
    return getattr(event, f"name_{language}", "") or event.name_fr


def calendar_of(event: Event, language: str | None = None) -> bytes:
    """The event as an iCalendar file: a VEVENT per session (UTC times), or one all-day VEVENT."""
    language = (language or translation.get_language() or "fr")[:2]
    calendar = Calendar()
    calendar.add("prodid", "-//Kafaat//events//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    name = _name_in(event, language)
    place = ", ".join(part for part in (event.venue, event.country if event.country != "MA" else "") if part)
    sessions = list(event.sessions.all())
    stamp = timezone.now()
    for session in sessions or [None]:
        entry = CalendarEvent()
        if session is None:
            entry.add("uid", f"{event.uid}@kafaat")
            entry.add("dtstart", event.start_date)
            entry.add("dtend", event.end_date + timedelta(days=1))  # an all-day DTEND is exclusive
            entry.add("summary", name)
        else:
            entry.add("uid", f"{event.uid}-{session.pk}@kafaat")
            entry.add("dtstart", session.starts_at)
            entry.add("dtend", session.ends_at)
            entry.add("summary", f"{name} — {session.title}" if session.title else name)
        entry.add("dtstamp", stamp)
        if place:
            entry.add("location", place)
        if event.description:
            entry.add("description", event.description)
        if event.is_cancelled:
            entry.add("status", "CANCELLED")
        calendar.add_component(entry)
    return calendar.to_ical()


def ics_file_name(event: Event) -> str:
    return f"kafaat-event-{event.pk}.ics"


# --- Sending ------------------------------------------------------------------------------------------------


def queue_mail(user, event: Event, kind: str, registration_ids: list[int] | None = None) -> Job:
    """Queue the sending of invitations or reminders to the event's invited and registered people (or those
    named) who have an e-mail address; the worker sends them."""
    access.require(user, MANAGE_EVENTS, event)
    if kind not in KINDS:
        raise ValidationError(_("Unknown kind of e-mail."))
    if event.is_cancelled:
        raise ValidationError(_("This event is cancelled."))
    params = {"event": event.pk, "kind": kind, "registrations": registration_ids}
    return jobs.enqueue(JOB_KIND, user=user, organisation=event.organiser, target=event.pk, params=params)


def recipients(event: Event, registration_ids: list[int] | None = None):
    queryset = event.registrations.filter(status__in=WAITING, contact__isnull=False).exclude(
        contact__email=""
    )
    if registration_ids is not None:
        queryset = queryset.filter(pk__in=registration_ids)
    return queryset.select_related("contact").order_by("pk")


def message_for(registration: Registration, kind: str, connection=None) -> EmailMultiAlternatives:
    """One registrant's e-mail, in their language, with the event's .ics attached."""
    event = registration.event
    language = registration.language if registration.language in ("fr", "ar", "en") else "fr"
    with translation.override(language):
        context = {
            "event": event,
            "registration": registration,
            "contact": registration.contact,
            "kind": kind,
            "name": _name_in(event, language),
            "sessions": list(event.sessions.all()),
            "language": language,
        }
        subject = (_("Invitation: %(name)s") if kind == "invitation" else _("Reminder: %(name)s")) % {
            "name": context["name"]
        }
        body = render_to_string("events/mail/message.txt", context)
        html = render_to_string("events/mail/message.html", context)
        attachment = calendar_of(event, language)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[registration.contact.email],
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    message.attach(ics_file_name(event), attachment, "text/calendar; method=PUBLISH; charset=utf-8")
    return message


def send_mail_job(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    event = Event.objects.select_related("organiser").get(pk=job.params["event"])
    kind = job.params["kind"]
    people = list(recipients(event, job.params.get("registrations")))
    sent: list[int] = []
    connection = get_connection()
    connection.open()
    try:
        for number, registration in enumerate(people, start=1):
            message_for(registration, kind, connection).send()
            sent.append(registration.pk)
            progress(number, len(people), "sending")
    finally:
        connection.close()
        now = timezone.now()
        if kind == "invitation" and sent:
            Registration.objects.filter(pk__in=sent).update(invited_at=now, updated_at=now)
        audit.record_bulk(
            audit.Action.EXPORT, job.user, Registration, sent, details={"event": event.pk, "mail": kind}
        )
    return jobs.Outcome(Job.Status.DONE, _("%(count)s e-mails sent.") % {"count": len(sent)})


JOB = jobs.JobKind(name=JOB_KIND, label=gettext_lazy("Event e-mails"), run=send_mail_job)
