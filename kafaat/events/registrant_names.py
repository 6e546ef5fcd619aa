"""A registrant's name and organisation as documents and grids print them, in the reader's script.

A registration points to a contact or to a beneficiary of the registry; both keep names in Arabic and Latin
script. Arabic documents print the Arabic name when there is one, the others the Latin name (each falls back
on the other script). Sorting by name uses the same choice, so a sheet is in the order its reader expects.
"""

from __future__ import annotations

from django.db.models import QuerySet

from kafaat.core.l10n.names import name_in
from kafaat.events.models import Event, Registration, RegistrationStatus


def _names(holder, language: str) -> str:
    arabic = f"{holder.first_name_ar} {holder.last_name_ar}".strip()
    latin = f"{holder.first_name_latin} {holder.last_name_latin}".strip()
    first, second = (arabic, latin) if language == "ar" else (latin, arabic)
    return first or second


def _sort_key(holder, language: str) -> tuple[str, str]:
    if language == "ar" and (holder.last_name_ar or holder.first_name_ar):
        return (holder.last_name_ar.casefold(), holder.first_name_ar.casefold())
    return (holder.last_name_latin.casefold(), holder.first_name_latin.casefold())


def holder_of(registration: Registration):
    return registration.contact if registration.contact_id else registration.person


def name_of(registration: Registration, language: str) -> str:
    return _names(holder_of(registration), language[:2])


def organisation_of(registration: Registration, language: str) -> str:
    contact = registration.contact
    if contact is None:
        return ""
    if contact.organisation_id:
        return name_in(contact.organisation, language, prefix="name")[0]
    return contact.organisation_name


def participant_language(registration: Registration) -> str:
    """The language of a participant's documents: a contact's language for letters, else the language
    chosen at registration (a beneficiary)."""
    if registration.contact_id:
        return registration.contact.preferred_language or registration.language or "fr"
    return registration.language or "fr"


def registrants(event: Event, *, include_withdrawn: bool = False) -> QuerySet[Registration]:
    queryset = event.registrations.select_related("contact__organisation", "person")
    if not include_withdrawn:
        queryset = queryset.exclude(status=RegistrationStatus.WITHDRAWN)
    return queryset


def sorted_by_name(registrations, language: str) -> list[Registration]:
    return sorted(registrations, key=lambda r: (_sort_key(holder_of(r), language[:2]), r.pk))
