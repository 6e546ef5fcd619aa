"""Writing: part of kafaat.contacts.services (see its __init__)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kafaat.contacts.access_rules import CHANGE_CONTACTS, VIEW_CONTACTS
from kafaat.contacts.models import Contact
from kafaat.contacts.services.matches import PossibleDuplicates, matches_for
from kafaat.contacts.services.reading import get_contact_for_change, keeping_organisations
from kafaat.contacts.services.validation import EDITABLE_FIELDS, clean_contact_data
from kafaat.core import access, audit
from kafaat.core.models import Organisation


def _snapshot(contact: Contact) -> dict[str, Any]:
    return {field: _plain(getattr(contact, _attname(field))) for field in EDITABLE_FIELDS}


def _attname(field: str) -> str:
    return Contact._meta.get_field(field).attname


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


@transaction.atomic
def create_contact(
    actor, data: dict[str, Any], *, managed_by: Organisation | None = None, confirm_new: bool = False
) -> Contact:
    """A new directory entry kept by one of the actor's organisations.

    Unless `confirm_new`, a contact that likely exists already in the actor's directory raises
    PossibleDuplicates with the matches: the user picks the existing entry or confirms a new one."""
    organisations = keeping_organisations(actor)
    if managed_by is None:
        managed_by = organisations.first()
    if managed_by is None or not organisations.filter(pk=managed_by.pk).exists():
        raise access.Refused(CHANGE_CONTACTS)
    cleaned = clean_contact_data(data)
    if not cleaned.get("territory"):
        raise ValidationError({"territory": [_("Say where the contact works.")]})
    if not cleaned.get("organisation_type"):
        raise ValidationError({"organisation_type": [_("Say what kind of body the contact speaks for.")]})
    if not confirm_new:
        matches = matches_for(actor, cleaned)
        if matches:
            raise PossibleDuplicates(matches)
    _check_external_id(managed_by, cleaned.get("external_id", ""))
    contact = Contact(managed_by=managed_by, created_by=actor if actor and actor.pk else None)
    for field, value in cleaned.items():
        if field in EDITABLE_FIELDS:
            setattr(contact, field, value)
    contact.full_clean(exclude=["person", "merged_into", "created_by"])
    contact.save()
    audit.record(audit.Action.CREATE, actor, contact, details={"confirmed_new": confirm_new})
    return contact


def _check_external_id(managed_by: Organisation, external_id: str, *, exclude_id: int | None = None) -> None:
    if not external_id:
        return
    taken = Contact.objects.filter(managed_by=managed_by, external_id=external_id)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    if taken.exists():
        raise ValidationError(
            {"external_id": [_("Another contact of this organisation has this external id.")]}
        )


@transaction.atomic
def update_contact(actor, contact: Contact, data: dict[str, Any]) -> Contact:
    contact = get_contact_for_change(actor, contact.pk)
    before = _snapshot(contact)
    merged = {field: getattr(contact, field) for field in EDITABLE_FIELDS}
    merged.update({k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    cleaned = clean_contact_data(merged)
    _check_external_id(contact.managed_by, cleaned.get("external_id", ""), exclude_id=contact.pk)
    for field, value in cleaned.items():
        setattr(contact, field, value)
    contact.full_clean(exclude=["person", "merged_into", "created_by"])
    contact.save()
    changes = audit.changes_between(before, _snapshot(contact))
    if changes:
        audit.record(audit.Action.UPDATE, actor, contact, details={"changes": sorted(changes)})
    return contact


# The tables whose rows point to a contact: a merge moves them to the survivor. Each (app label, model,
# field); the events and missions apps own theirs, read through the app registry so contacts imports none.
REFERENCES = (
    ("governance", "GroupMembership", "contact"),
    ("governance", "MeetingParticipant", "contact"),
    ("governance", "AgendaItem", "presenter"),
    ("governance", "Action", "owner"),
    ("events", "Registration", "contact"),
    ("missions", "ExpertMission", "expert"),
)


def _reference_models():
    from django.apps import apps

    for app_label, model_name, field in REFERENCES:
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        if field in {f.name for f in model._meta.get_fields()}:
            yield model, field


@transaction.atomic
def merge_contacts(actor, survivor: Contact, duplicate: Contact) -> dict[str, int]:
    """Merge `duplicate` into `survivor`: every reference moves to the survivor, empty fields of the survivor
    take the duplicate's values, the duplicate stays (hidden) with `merged_into` set. Both must be editable
    by the actor. Returns how many rows of each table moved."""
    survivor = get_contact_for_change(actor, survivor.pk)
    duplicate = get_contact_for_change(actor, duplicate.pk)
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("A contact cannot be merged into itself."))
    moved: dict[str, int] = {}
    models_ = list(_reference_models())
    for model, field in models_:
        if model._meta.label_lower == "events.registration":
            # One registration per event and contact: two registrations to one event carry attendance and
            # scores the events app must reconcile first; refused, never a database error.
            both = model.objects.filter(**{field: duplicate}, event__registrations__contact=survivor)
            if both.exists():
                raise ValidationError(
                    _("Both contacts are registered to the same event: keep one registration there first.")
                )
    for model, field in models_:
        rows = model.objects.filter(**{field: duplicate})
        if model._meta.model_name == "meetingparticipant":
            # One seat per meeting: where both sat, keep the survivor's (attended if either did).
            for seat in rows.filter(meeting__participants__contact=survivor):
                if seat.attended:
                    model.objects.filter(meeting=seat.meeting, contact=survivor).update(attended=True)
                seat.delete()
        moved[model._meta.label_lower] = rows.update(**{field: survivor})
    before = _snapshot(survivor)
    for field in EDITABLE_FIELDS:
        if field == "external_id":
            continue
        if getattr(survivor, _attname(field)) in ("", None, []) and getattr(
            duplicate, _attname(field)
        ) not in (
            "",
            None,
            [],
        ):
            setattr(survivor, _attname(field), getattr(duplicate, _attname(field)))
    if survivor.person_id is None and duplicate.person_id is not None:
        survivor.person_id = duplicate.person_id
    survivor.is_trainer = survivor.is_trainer or duplicate.is_trainer
    survivor.is_expert = survivor.is_expert or duplicate.is_expert
    survivor.save()
    duplicate.merged_into = survivor
    duplicate.save(update_fields=["merged_into", "updated_at"])
    Contact.objects.filter(merged_into=duplicate).update(merged_into=survivor)
    audit.record(
        audit.Action.UPDATE,
        actor,
        survivor,
        details={
            "merged": duplicate.pk,
            "moved": moved,
            "changes": sorted(audit.changes_between(before, _snapshot(survivor))),
        },
    )
    audit.record(audit.Action.UPDATE, actor, duplicate, details={"merged_into": survivor.pk})
    return moved


@transaction.atomic
def link_person(actor, contact: Contact, person_id: int | None) -> Contact:
    """Link a contact to a beneficiary record the actor may see (registry rules), or unlink it (None)."""
    from kafaat.registry import services as registry

    contact = get_contact_for_change(actor, contact.pk)
    if person_id is None:
        contact.person = None
    else:
        contact.person = registry.get_person(actor, person_id, audit_read=False)  # 404 when out of reach
    contact.save(update_fields=["person", "updated_at"])
    audit.record(audit.Action.UPDATE, actor, contact, details={"person": person_id})
    return contact


def person_visible_to(actor, contact: Contact) -> bool:
    """Whether the contact's beneficiary record may be shown (and linked to) for this actor."""
    from kafaat.registry import services as registry

    return (
        contact.person_id is not None and registry.visible_people(actor).filter(pk=contact.person_id).exists()
    )


def require_view(actor) -> None:
    if not access.has_permission(actor, VIEW_CONTACTS):
        raise PermissionDenied
