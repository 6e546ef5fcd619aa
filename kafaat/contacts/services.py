"""The stakeholder directory's rules: who reads and edits a contact, what a valid contact is, the likely same
people before a new entry (and at import), merging two entries, linking a beneficiary record.

Every function takes the acting user and goes through `core.access`; reads of one contact are audited (a
contact is personal data), lists are one `list` event with the ids shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kafaat.contacts.access_rules import CHANGE_CONTACTS, VIEW_CONTACTS
from kafaat.contacts.models import Contact
from kafaat.core import access, audit
from kafaat.core.models import Organisation, Territory
from kafaat.registry.normalise import clean_name, name_tokens, normalise_phone, search_key

NAME_FIELDS = ("first_name_latin", "last_name_latin", "first_name_ar", "last_name_ar")
EDITABLE_FIELDS = (
    *NAME_FIELDS,
    "sex",
    "territory",
    "organisation",
    "organisation_name",
    "organisation_type",
    "position",
    "sector",
    "establishment",
    "is_trainer",
    "is_expert",
    "home_institution",
    "country",
    "email",
    "phone",
    "languages",
    "preferred_language",
    "consent_to_contact",
    "consent_date",
    "external_id",
)
LANGUAGE_CODES = ("fr", "ar", "en", "es", "amz")
# A likely match is at least this score; strong matches (same e-mail or phone, same names in both scripts)
# are the import's "same person": the row updates that contact instead of creating another.
LIKELY_SCORE = 0.5
STRONG_SCORE = 0.9
MAX_MATCHES = 10


# --- Reading ------------------------------------------------------------------------------------------------


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
        elif _phone_or_none(query):
            contacts = contacts.filter(phone=_phone_or_none(query))
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


# --- Validation ---------------------------------------------------------------------------------------------


def _phone_or_none(text: str) -> str | None:
    try:
        return normalise_phone(text)
    except ValueError:
        return None


def clean_contact_data(data: dict[str, Any]) -> dict[str, Any]:
    """The contact's fields checked and normalised; ValidationError by field, in the user's language."""
    cleaned = dict(data)
    errors: dict[str, list[str]] = {}
    for field in NAME_FIELDS:
        if field in cleaned:
            cleaned[field] = clean_name(cleaned[field] or "")
    if not any(cleaned.get(field) for field in NAME_FIELDS):
        errors["last_name_latin"] = [_("Give at least one name, in Latin or Arabic script.")]
    if "phone" in cleaned:
        raw = (cleaned["phone"] or "").strip()
        if raw:
            try:
                cleaned["phone"] = normalise_phone(raw)
            except ValueError as error:
                errors["phone"] = [_("This is not a phone number: %(reason)s.") % {"reason": error}]
        else:
            cleaned["phone"] = ""
    if "email" in cleaned:
        email = (cleaned["email"] or "").strip().lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors["email"] = [_("This is not an e-mail address.")]
        cleaned["email"] = email
    if cleaned.get("consent_to_contact") and not cleaned.get("consent_date"):
        errors["consent_date"] = [_("Give the date the contact agreed to be contacted.")]
    consent_date = cleaned.get("consent_date")
    if isinstance(consent_date, date) and consent_date > timezone.localdate():
        errors["consent_date"] = [_("The date of consent cannot be in the future.")]
    if "languages" in cleaned:
        languages = list(dict.fromkeys(cleaned["languages"] or []))
        unknown = [code for code in languages if code not in LANGUAGE_CODES]
        if unknown:
            errors["languages"] = [_("Unknown language codes: %(codes)s.") % {"codes": ", ".join(unknown)}]
        cleaned["languages"] = languages
    if "country" in cleaned:
        country = (cleaned["country"] or "MA").strip().upper()
        if len(country) != 2 or not country.isalpha():
            errors["country"] = [_("Give the country as a two-letter ISO code (MA, ES, FR…).")]
        cleaned["country"] = country
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- Likely same people -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    contact: Contact
    score: float  # 0..1
    reasons: tuple[str, ...]  # "email", "phone", "names_both_scripts", "names_latin", "names_arabic"

    @property
    def strong(self) -> bool:
        return self.score >= STRONG_SCORE

    @property
    def percent(self) -> float:
        return self.score * 100


def _tokens(*names: str) -> set[str]:
    return set(search_key(*names).split())


def find_matches(
    first_name_latin: str = "",
    last_name_latin: str = "",
    first_name_ar: str = "",
    last_name_ar: str = "",
    email: str = "",
    phone: str = "",
    *,
    among: QuerySet[Contact] | None = None,
    limit: int = MAX_MATCHES,
) -> list[tuple[Contact, float]]:
    """Contacts that are likely the same person, best first, as (contact, score between 0 and 1).

    Public for other apps (an event's sign-in sheet matches its names the same way). Same e-mail or same
    phone is a strong match (0.95); every name word of both scripts the same is strong too (0.9); all the
    words of one script the same is likely (0.7), most of them possible (0.5). Names are compared with the
    registry's normalised name keys, so "El Amrani" and "Elamrani", "أحمد" and "احمد" meet. `among` limits the
    candidates (the actor's directory); by default every contact not merged into another.
    """
    return [
        (m.contact, m.score)
        for m in match_details(
            first_name_latin,
            last_name_latin,
            first_name_ar,
            last_name_ar,
            email,
            phone,
            among=among,
            limit=limit,
        )
    ]


def match_details(
    first_name_latin: str = "",
    last_name_latin: str = "",
    first_name_ar: str = "",
    last_name_ar: str = "",
    email: str = "",
    phone: str = "",
    *,
    among: QuerySet[Contact] | None = None,
    limit: int = MAX_MATCHES,
    exclude_id: int | None = None,
) -> list[Match]:
    """`find_matches` with the reasons of each match (the duplicate panel shows them)."""
    candidates = among if among is not None else Contact.objects.filter(merged_into__isnull=True)
    if exclude_id is not None:
        candidates = candidates.exclude(pk=exclude_id)
    email = (email or "").strip().lower()
    phone = _phone_or_none(phone) if phone else None
    latin = _tokens(first_name_latin, last_name_latin)
    arabic = _tokens(first_name_ar, last_name_ar)
    words = latin | arabic
    condition = Q(pk__in=[])
    if email:
        condition |= Q(email__iexact=email)
    if phone:
        condition |= Q(phone=phone)
    if words:
        # Blocking: the contacts sharing the rarest-looking (longest) name word; scored below on every word.
        blocking = sorted(words, key=len, reverse=True)[:2]
        for token in blocking:
            condition |= Q(search_name__contains=f" {token} ")
    scored: list[Match] = []
    for contact in candidates.filter(condition).select_related("territory")[:500]:
        reasons: list[str] = []
        score = 0.0
        if email and contact.email.lower() == email:
            reasons.append("email")
            score = max(score, 0.95)
        if phone and contact.phone == phone:
            reasons.append("phone")
            score = max(score, 0.95)
        their_latin = _tokens(contact.first_name_latin, contact.last_name_latin)
        their_arabic = _tokens(contact.first_name_ar, contact.last_name_ar)
        same_latin = bool(latin) and latin == their_latin
        same_arabic = bool(arabic) and arabic == their_arabic
        if same_latin and same_arabic:
            reasons.append("names_both_scripts")
            score = max(score, 0.9)
        elif same_latin or same_arabic:
            reasons.append("names_latin" if same_latin else "names_arabic")
            score = max(score, 0.7)
        elif words:
            theirs = their_latin | their_arabic
            overlap = len(words & theirs) / max(len(words), len(theirs), 1)
            if overlap >= 0.5 and len(words & theirs) >= 2:
                reasons.append("names_partly")
                score = max(score, 0.5)
        if score >= LIKELY_SCORE:
            scored.append(Match(contact, round(score, 2), tuple(reasons)))
    scored.sort(key=lambda match: (-match.score, match.contact.pk))
    return scored[:limit]


def matches_for(actor, data: dict[str, Any], *, exclude_id: int | None = None) -> list[Match]:
    """The likely same people in the actor's directory, for a contact about to be entered."""
    return match_details(
        data.get("first_name_latin", ""),
        data.get("last_name_latin", ""),
        data.get("first_name_ar", ""),
        data.get("last_name_ar", ""),
        data.get("email", ""),
        data.get("phone", ""),
        among=visible_contacts(actor),
        exclude_id=exclude_id,
    )


class PossibleDuplicates(ValidationError):
    """Creating a contact that likely exists already: the caller shows the matches and asks again."""

    def __init__(self, matches: list[Match]) -> None:
        super().__init__(
            _("This contact may already be in the directory: pick the existing entry or confirm a new one.")
        )
        self.matches = matches


# --- Writing ------------------------------------------------------------------------------------------------


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
