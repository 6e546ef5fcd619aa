"""Registrations: part of kafaat.events.services (see its __init__)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kafaat.contacts.models import Contact
from kafaat.core import access, audit
from kafaat.events import workflow
from kafaat.events.access_rules import MANAGE_EVENTS, VIEW_PARTICIPANTS
from kafaat.events.models import (
    Event,
    Registration,
    RegistrationStatus,
)
from kafaat.events.services.reading import seats_taken


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
