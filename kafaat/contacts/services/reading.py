"""Reading: part of kafaat.contacts.services (see its __init__)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kafaat.contacts.access_rules import CHANGE_CONTACTS, VIEW_CONTACTS
from kafaat.contacts.models import Contact
from kafaat.contacts.services.validation import phone_or_none
from kafaat.core import access, audit
from kafaat.core.models import Organisation, Territory
from kafaat.registry.normalise import name_tokens


def visible_contacts(actor) -> QuerySet[Contact]:
    """The directory as the actor may read it: merged duplicates are hidden (their survivor stands in)."""
    return access.scoped(actor, VIEW_CONTACTS, Contact.objects.filter(merged_into__isnull=True))


def search_contacts(
    actor,
    *,
    query: str = "",
    organisation_type: str = "",
    sector: str = "",
    territory_code: str = "",
    trainer: bool | None = None,
    expert: bool | None = None,
) -> QuerySet[Contact]:
    """The directory filtered: names by word prefix in either script (the registry's search key), e-mail,
    phone; organisation type, sector code, territory subtree, trainers, experts."""
    contacts = visible_contacts(actor).select_related("territory", "organisation", "sector")
    query = (query or "").strip()
    if query:
        if "@" in query:
            contacts = contacts.filter(email__iexact=query)
        elif phone_or_none(query):
            contacts = contacts.filter(phone=phone_or_none(query))
        else:
            for token in name_tokens(query):
                contacts = contacts.filter(search_name__contains=f" {token}")
    if organisation_type:
        contacts = contacts.filter(organisation_type=organisation_type)
    if sector:
        contacts = contacts.filter(sector__code=sector)
    if territory_code:
        territory = Territory.objects.filter(code=territory_code).first()
        contacts = (
            contacts.filter(territory__path__startswith=territory.path) if territory else contacts.none()
        )
    if trainer is not None:
        contacts = contacts.filter(is_trainer=trainer)
    if expert is not None:
        contacts = contacts.filter(is_expert=expert)
    return contacts


def audit_list(actor, contacts: Iterable[Contact], *, searched_by: str = "") -> None:
    """One `list` event for a page of the directory, with the ids shown (never the search terms)."""
    ids = [contact.pk for contact in contacts]
    if ids:
        details = {"searched_by": searched_by} if searched_by else {}
        audit.record_bulk(audit.Action.LIST, actor, Contact, ids, details=details)


def get_contact(actor, contact_id: int, *, audit_read: bool = True) -> Contact:
    """One contact the actor may read (404 otherwise); a merged duplicate opens as itself, for its history."""
    contact = access.get_object_or_404(
        actor,
        VIEW_CONTACTS,
        Contact.objects.select_related("territory", "organisation", "sector", "managed_by", "merged_into"),
        pk=contact_id,
    )
    if audit_read:
        audit.record(audit.Action.VIEW, actor, contact)
    return contact


def can_change(actor, contact: Contact) -> bool:
    return contact.merged_into_id is None and access.has_permission(actor, CHANGE_CONTACTS, contact)


def keeping_organisations(actor) -> QuerySet[Organisation]:
    """The organisations whose directory the actor may write to (a new contact is kept by one of them)."""
    return access.organisations_where(actor, CHANGE_CONTACTS)


def get_contact_for_change(actor, contact_id: int) -> Contact:
    contact = get_contact(actor, contact_id, audit_read=False)
    if contact.merged_into_id is not None:
        raise ValidationError(_("This contact was merged into another: edit the one it was merged into."))
    if not access.has_permission(actor, CHANGE_CONTACTS, contact):
        raise access.Refused(CHANGE_CONTACTS, contact)
    return contact
