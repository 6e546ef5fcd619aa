"""Registering, finding, changing and sharing people's records, with consent and audit. No HTTP here."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kafaat.core import access, audit, crypto
from kafaat.core.models import Organisation, Territory
from kafaat.core.services import organisation_for
from kafaat.registry import normalise
from kafaat.registry.access_rules import CHANGE_PERSON, VIEW_PERSON
from kafaat.registry.dedup import key_upkeep
from kafaat.registry.models import Consent, Person, PersonAccess, PersonSearch, PersonVersion
from kafaat.registry.validation import TerritoryIndex, clean_person, territory_index

# Fields whose values never enter the history or the audit log (only the fact that they changed).
SENSITIVE_FIELDS = {"migration_status", "id_number", "disability_answers"}
EDITABLE_FIELDS = (
    "first_name_ar", "last_name_ar", "first_name_latin", "last_name_latin", "sex", "birth_date",
    "birth_date_estimated", "nationality", "migration_status", "territory", "area", "phone", "phone_alt",
    "id_type", "id_number", "education_level", "neet", "household_head", "languages", "disability_answers",
)  # fmt: skip

# The fields the match keys are made of (`match_keys.REGISTRY_FIELDS`): changing one recomputes them.
MATCHED_FIELDS = {
    "first_name_ar", "last_name_ar", "first_name_latin", "last_name_latin", "sex", "birth_date",
    "birth_date_estimated", "territory", "phone", "phone_alt", "id_type", "id_number",
}  # fmt: skip


def search_name_of(first_name_ar: str, last_name_ar: str, first_name_latin: str, last_name_latin: str) -> str:
    """The search key of a person's names (names in the order of `validation.NAME_FIELDS`)."""
    return normalise.search_key(first_name_latin, last_name_latin, first_name_ar, last_name_ar)


def identity_hash_of(id_type: str, id_number: str) -> str:
    """The keyed hash that finds a person by identity document without the number in clear."""
    return crypto.keyed_hash(normalise.id_lookup_key(id_type, id_number)) if id_number else ""


def identity_hashes_of(id_types: Sequence[str], id_numbers: Sequence[str]) -> list[str]:
    """`identity_hash_of` of many documents at once (a bulk import)."""
    hashes = iter(
        crypto.keyed_hashes(
            [normalise.id_lookup_key(t, n) for t, n in zip(id_types, id_numbers, strict=True) if n]
        )
    )
    return [next(hashes) if number else "" for number in id_numbers]


def apply_derived_fields(person: Person) -> None:
    """Search key and identity hash, recomputed from the clear values before every save."""
    person.search_name = search_name_of(
        person.first_name_ar, person.last_name_ar, person.first_name_latin, person.last_name_latin
    )
    person.id_number_hash = identity_hash_of(person.id_type, person.id_number)


def acting_organisation(actor, person: Person) -> Organisation:
    """The actor's organisation through which they hold the person's record."""
    organisation = (
        access.organisations_where(actor, CHANGE_PERSON)
        .filter(person_accesses__person=person, person_accesses__is_active=True)
        .first()
    )
    if organisation is None:
        raise PermissionDenied
    return organisation


def _raise_if_invalid(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError({key: [message] for key, message in errors.items()})


# --- Registration and changes -------------------------------------------------------------------------------


@transaction.atomic
def register_person(
    actor,
    raw: Mapping[str, Any],
    *,
    organisation: Organisation | None = None,
    consent_given_on: date | None = None,
    contact_consent: bool = False,
    territories: TerritoryIndex | None = None,
) -> Person:
    """Register a person who consented to it; raises ValidationError with every bad field."""
    organisation = organisation_for(actor, CHANGE_PERSON, organisation)
    if consent_given_on is None:
        raise ValidationError({"consent": _("The person must agree to be registered.")})
    cleaned = clean_person(raw, territories or territory_index())
    _raise_if_invalid(cleaned.errors)
    if (
        cleaned.values["external_id"]
        and Person.objects.filter(
            registered_by=organisation, external_id=cleaned.values["external_id"]
        ).exists()
    ):
        raise ValidationError({"external_id": _("This external id is already used in your organisation.")})
    person = Person(registered_by=organisation, created_by=actor, case_worker=actor, **cleaned.values)
    apply_derived_fields(person)
    person.save()
    PersonAccess.objects.create(
        person=person, organisation=organisation, reason=PersonAccess.Reason.REGISTERED
    )
    purposes = [Consent.Purpose.REGISTRATION] + ([Consent.Purpose.CONTACT] if contact_consent else [])
    for purpose in purposes:
        Consent.objects.create(
            person=person,
            purpose=purpose,
            given_on=consent_given_on,
            recorded_by=actor,
            recorded_for=organisation,
        )
    key_upkeep.refresh([person.pk])  # the registration form's next queries find them, in every process
    audit.record(audit.Action.CREATE, actor, person)
    return person


def _comparable(person: Person, key: str):
    value = getattr(person, key)
    if key == "territory":
        return person.territory.code if person.territory_id else None
    if isinstance(value, date):
        return value.isoformat()
    return value


@transaction.atomic
def update_person(actor, person: Person, raw: Mapping[str, Any]) -> Person:
    """Change a record; the history keeps who changed which field from what to what (sensitive: "changed")."""
    person = get_person_for_change(actor, person.pk)
    merged = {key: _comparable(person, key) for key in EDITABLE_FIELDS}
    merged["commune"] = merged.pop("territory")
    merged.update(raw)
    for domain, value in (person.disability_answers or {}).items():
        merged.setdefault(f"wg_{domain}", value)
    cleaned = clean_person(merged, territory_index())
    _raise_if_invalid(cleaned.errors)
    changes = {}
    for key in EDITABLE_FIELDS:
        before = _comparable(person, key)
        setattr(person, key, cleaned.values[key])
        after = _comparable(person, key)
        if before != after:
            changes[key] = "changed" if key in SENSITIVE_FIELDS else [before, after]
    if not changes:
        return person
    apply_derived_fields(person)
    person.save()
    if changes.keys() & MATCHED_FIELDS:
        key_upkeep.refresh([person.pk])
    PersonVersion.objects.create(person=person, changed_by=actor, changes=changes)
    audit.record(audit.Action.UPDATE, actor, person, details={"fields": sorted(changes)})
    return person


# --- Reading and searching ----------------------------------------------------------------------------------


def visible_people(actor) -> QuerySet[Person]:
    return access.scoped(actor, VIEW_PERSON, Person.objects.filter(merged_into__isnull=True))


def visible_among(actor, person_ids: Iterable[int]) -> set[int]:
    """Which of these people the actor may open (the person page's own rule), in one query: a list links only
    those, so that no link leads to a 404."""
    ids = set(person_ids)
    if not ids:
        return set()
    return set(
        access.scoped(actor, VIEW_PERSON, Person.objects.filter(pk__in=ids)).values_list("pk", flat=True)
    )


def get_person(actor, person_id: int, *, audit_read: bool = True) -> Person:
    person = access.get_object_or_404(
        actor,
        VIEW_PERSON,
        Person.objects.select_related("territory__parent__parent", "registered_by"),
        pk=person_id,
    )
    if audit_read:
        audit.record(audit.Action.VIEW, actor, person)
    return person


def get_person_for_change(actor, person_id: int) -> Person:
    person = get_person(actor, person_id, audit_read=False)
    if not access.has_permission(actor, CHANGE_PERSON, person):
        raise PermissionDenied
    return person


_PHONE_LIKE = re.compile(r"^[+\d][\d\s.\-()]{7,}$")
_ID_LIKE = re.compile(r"^[A-Za-z]{1,2}[\s\-]*\d[\d\s\-]{2,10}$")


@dataclass(frozen=True)
class SearchFilters:
    sex: str = ""
    territory_code: str = ""
    registered_by: int | None = None
    mine_only: bool = False


def search_people(actor, query: str = "", filters: SearchFilters | None = None) -> QuerySet[Person]:
    """Name (either script, partial, accents and case ignored), phone or identity number; newest first."""
    people = visible_people(actor)
    query = (query or "").strip()
    filters = filters or SearchFilters()
    if query:
        condition, kind = _query_condition(query)
        organisation_id = _searching_organisation(actor)
        if organisation_id is not None:
            people = _table_search(organisation_id, query, condition, kind)
        else:
            people = people.filter(condition)
        # Recorded by the page or API that shows the results (`list_audit`), with the ids it shows.
    elif not filters.mine_only and (organisation_id := _searching_organisation(actor)) is not None:
        # A whole organisation's list, newest first: its access rule (registered here OR shared with it)
        # is an OR no index of `registry_person` serves in order; the search table's (organisation,
        # created_at, person) index does, and the page's people are the first rows it reads.
        people = _organisation_people(organisation_id)
    if filters.sex:
        people = people.filter(sex=filters.sex)
    if filters.territory_code:
        territory = Territory.objects.filter(code=filters.territory_code).first()
        people = people.filter(territory__path__startswith=territory.path) if territory else people.none()
    if filters.registered_by:
        people = people.filter(registered_by_id=filters.registered_by)
    if filters.mine_only:
        people = people.filter(case_worker=actor)
    return people.select_related("territory", "registered_by")


def _searching_organisation(actor) -> int | None:
    """The one organisation whose people the actor sees, when that is all they see (one organisation's
    reach, no territorial limit): the case of every case worker, answered by the search table. None for
    anyone else (several organisations, a territorial scope, a superuser), searched with the access rule."""
    if getattr(actor, "is_superuser", False):
        return None
    organisations: set[int] = set()
    for membership in access.active_memberships(actor):
        reach = access.ROLE_PERMISSIONS.get(membership.role, {}).get(VIEW_PERSON)
        if reach is None:
            continue
        if reach is not access.Reach.OWN_ORGANISATION or membership.territory_scope_id is not None:
            return None
        organisations.add(membership.organisation_id)
    return organisations.pop() if len(organisations) == 1 else None


class _TableSearch(QuerySet):
    """A name search answered by the search table, which it can also count on its own (`PersonSearch`
    holds no merged people): the search page's capped count then reads no `registry_person` row. Any
    further `filter`/`exclude` (sex, territory, …) goes back to counting the people themselves."""

    _table_rows: QuerySet | None = None

    def _clone(self):
        clone = super()._clone()
        clone._table_rows = self._table_rows
        return clone

    def _filter_or_exclude(self, negate, args, kwargs):
        clone = super()._filter_or_exclude(negate, args, kwargs)
        clone._table_rows = None
        return clone

    def _filter_or_exclude_inplace(self, negate, args, kwargs):
        self._table_rows = None
        super()._filter_or_exclude_inplace(negate, args, kwargs)

    def none(self):
        clone = super().none()
        clone._table_rows = None  # nothing to count (an unknown territory): not the table's rows
        return clone

    def count(self) -> int:
        if self._table_rows is None or self._result_cache is not None or self.query.distinct:
            return super().count()
        return self._table_rows[self.query.low_mark : self.query.high_mark].count()


def _table_search(organisation_id: int, query: str, condition: Q, kind: str) -> QuerySet[Person]:
    """The organisation's people matching a search, found through the search table (`PersonSearch`: one
    row per person and organisation that sees them, kept by triggers), newest first.

    A name is matched on the table's own name key: on PostgreSQL the trigram index of the organisation's
    partition, ANDed with its (organisation, created_at) index, finds this organisation's matches only, and
    the order is the table's (the same `created_at` and id as the person's), so that only the page's people
    are read from `registry_person`. A phone or document number is found by its index on the person, and
    the table tells whether the organisation sees them (one primary-key probe): no list of shared people to
    read first. Same people as `visible_people(actor).filter(condition)`, because the triggers maintain
    exactly the access rule (tests/test_search_table.py)."""
    rows = Q(search_rows__organisation_id=organisation_id)
    if kind == "name":
        tokens = normalise.name_tokens(query)
        if not tokens:
            return Person.objects.none()
        table_rows = PersonSearch.objects.filter(organisation_id=organisation_id)
        for token in tokens:
            rows &= Q(search_rows__search_name__contains=token)
            table_rows = table_rows.filter(search_name__contains=token)
        people = _TableSearch(Person).filter(rows, merged_into__isnull=True)
        people._table_rows = table_rows
    else:
        people = Person.objects.filter(rows & condition, merged_into__isnull=True)
    return people.order_by("-search_rows__created_at", "-search_rows__person_id")


def _organisation_people(organisation_id: int) -> QuerySet[Person]:
    """Everyone an organisation sees (the same people as `visible_people` for its case workers: the search
    table's triggers keep the access rule, tests/test_search_table.py), in the table's order; counted on
    the table alone (the list's capped count reads no `registry_person` row)."""
    people = _TableSearch(Person).filter(
        search_rows__organisation_id=organisation_id, merged_into__isnull=True
    )
    people._table_rows = PersonSearch.objects.filter(organisation_id=organisation_id)
    return people.order_by("-search_rows__created_at", "-search_rows__person_id")


def search_kind(query: str) -> str:
    """What a search text searches by (phone, identity_document, name): the audit log keeps this, not the
    terms, which may themselves be personal data."""
    return _query_condition(query)[1]


def _query_condition(query: str) -> tuple[Q, str]:
    """The filter for a search text, and what it searches by: phone, identity document or name."""
    if _PHONE_LIKE.match(query):
        try:
            phone = normalise.normalise_phone(query)
        except ValueError:
            pass
        else:
            return Q(phone=phone) | Q(phone_alt=phone), "phone"
    if _ID_LIKE.match(query):
        hashes = []
        for id_type in normalise.ID_TYPES:
            try:
                number = normalise.normalise_id_number(id_type, query)
            except ValueError:
                continue
            hashes.append(crypto.keyed_hash(normalise.id_lookup_key(id_type, number)))
        return Q(id_number_hash__in=hashes), "identity_document"
    condition = Q()
    for token in normalise.name_tokens(query):
        condition &= Q(search_name__contains=token)
    return (condition if condition else Q(pk__in=[])), "name"


# --- Consent and sharing ------------------------------------------------------------------------------------


@transaction.atomic
def record_consent(
    actor,
    person: Person,
    purpose: str,
    *,
    given_on: date,
    shared_with: Organisation | None = None,
    note: str = "",
) -> Consent:
    person = get_person_for_change(actor, person.pk)
    if purpose == Consent.Purpose.SHARING and shared_with is None:
        raise ValidationError({"shared_with": _("Say with which organisation the record may be shared.")})
    if not person.consents.filter(purpose=Consent.Purpose.REGISTRATION, withdrawn_on__isnull=True).exists():
        raise ValidationError(
            {"purpose": _("The person withdrew their consent: nothing more can be shared.")}
        )
    consent = Consent.objects.create(
        person=person,
        purpose=purpose,
        shared_with=shared_with,
        given_on=given_on,
        recorded_by=actor,
        recorded_for=acting_organisation(actor, person),
        note=note,
    )
    audit.record(audit.Action.CREATE, actor, consent, details={"purpose": purpose})
    return consent


def active_sharing_consent(person: Person, organisation: Organisation) -> Consent | None:
    return person.consents.filter(
        purpose=Consent.Purpose.SHARING, shared_with=organisation, withdrawn_on__isnull=True
    ).first()


@transaction.atomic
def withdraw_consent(actor, consent: Consent, *, on: date | None = None) -> Consent:
    """Honour a withdrawal: sharing stops at once; withdrawing registration stops every sharing."""
    person = get_person_for_change(actor, consent.person_id)
    if consent.withdrawn_on is not None:
        return consent
    on = on or timezone.localdate()
    consent.withdrawn_on, consent.withdrawn_by = on, actor
    consent.save(update_fields=["withdrawn_on", "withdrawn_by"])
    revoked = PersonAccess.objects.filter(person=person, is_active=True).exclude(
        reason=PersonAccess.Reason.REGISTERED
    )
    if consent.purpose == Consent.Purpose.SHARING:
        revoked = revoked.filter(organisation=consent.shared_with)
    elif consent.purpose == Consent.Purpose.REGISTRATION:
        person.consents.filter(withdrawn_on__isnull=True).update(withdrawn_on=on, withdrawn_by=actor)
    else:
        revoked = revoked.none()
    revoked_ids = list(revoked.values_list("organisation_id", flat=True))
    revoked.update(is_active=False, revoked_at=timezone.now())
    audit.record(
        audit.Action.UPDATE,
        actor,
        consent,
        details={"withdrawn": on.isoformat(), "access_revoked": revoked_ids},
    )
    return consent


def grant_access(person: Person, organisation: Organisation, consent: Consent) -> PersonAccess:
    """Let a partner organisation see the person (called when it accepts a referral made with consent)."""
    if consent.withdrawn_on is not None or consent.shared_with_id != organisation.pk:
        raise ValidationError(_("There is no active consent to share this record with this organisation."))
    person_access, _created = PersonAccess.objects.update_or_create(
        person=person,
        organisation=organisation,
        defaults={
            "reason": PersonAccess.Reason.REFERRAL,
            "consent": consent,
            "is_active": True,
            "revoked_at": None,
        },
    )
    return person_access


# --- Pages: suggestions, directory and on-demand reveal (added with the registry pages) ------------------

PARTNER_TYPES = (
    Organisation.Type.NGO,
    Organisation.Type.TRAINING_PROVIDER,
    Organisation.Type.IMPLEMENTING_AGENCY,
    Organisation.Type.EMPLOYER,
    Organisation.Type.OFPPT,
)


def communes_near(actor) -> QuerySet[Territory]:
    """Communes of the regions where the actor registers people: the suggestions of the residence field."""
    regions = {
        (m.territory_scope or m.organisation.territory).path.split("/")[0] + "/"
        for m in access.active_memberships(actor)
        if CHANGE_PERSON in access.ROLE_PERMISSIONS.get(m.role, {})
    }
    if not regions:
        return Territory.objects.none()
    condition = Q()
    for path in regions:
        condition |= Q(path__startswith=path)
    return Territory.objects.filter(condition, level=Territory.Level.COMMUNE).order_by("name_fr")


def partner_directory(actor) -> QuerySet[Organisation]:
    """Every active partner a record may be shared with or a person referred to, wherever it works."""
    if not access.has_permission(actor, CHANGE_PERSON):
        return Organisation.objects.none()
    own = access.organisations_where(actor, CHANGE_PERSON).values("pk")
    return (
        Organisation.objects.filter(is_active=True, type__in=PARTNER_TYPES)
        .exclude(pk__in=own)
        .select_related("territory")
    )


def reveal_id_number(actor, person_id: int) -> str:
    """The clear document number, for a user who may change the record; every reveal is audited."""
    person = get_person_for_change(actor, person_id)
    audit.record(audit.Action.VIEW, actor, person, details={"revealed": "id_number"})
    return person.id_number
