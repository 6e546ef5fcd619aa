"""People endpoints: search, registration, record, changes and consents — every call through the services.

Lists never carry the identity number; the record shows it masked, and the migration status and the
Washington Group answers only to users who may change the record.
"""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from kafaat.core import access
from kafaat.core.api_schema import IsoDate
from kafaat.core.models import Organisation
from kafaat.registry import services
from kafaat.registry.access_rules import CHANGE_PERSON
from kafaat.registry.list_audit import AuditedPages
from kafaat.registry.models import (
    Area,
    Consent,
    EducationLevel,
    IdType,
    Language,
    MigrationStatus,
    Person,
    Sex,
)

router = Router(tags=["people"])

NAME = Field("", max_length=100)
WG_ANSWER = Field(None, ge=1, le=4, description="Washington Group: 1 no difficulty … 4 cannot do at all")


# --- Output -------------------------------------------------------------------------------------------------


class PersonListSchema(Schema):
    id: int
    uid: UUID
    external_id: str
    first_name_ar: str
    last_name_ar: str
    first_name_latin: str
    last_name_latin: str
    display_name: str
    sex: Sex
    birth_date: date | None
    territory_code: str = Field(..., alias="territory.code")
    territory_name: str = Field(..., alias="territory.name")
    registered_by: str = Field(..., alias="registered_by.code")
    case_worker: str | None = Field(None, alias="case_worker.username")
    created_at: datetime


class PersonDetailSchema(PersonListSchema):
    birth_date_estimated: bool
    nationality: str
    area: str
    phone: str
    phone_alt: str
    id_type: str
    id_number_masked: str = Field("", description="the last 3 characters of the document number")
    education_level: str
    neet: bool | None
    household_head: bool
    languages: list[str]
    can_change: bool = False
    migration_status: str | None = Field(None, description="only for users who may change the record")
    disability_answers: dict[str, int] | None = Field(None, description="only for users who may change it")
    has_disability: bool | None = Field(None, description="Washington Group cut-off; same restriction")
    updated_at: datetime


class ConsentSchema(Schema):
    id: int
    purpose: Consent.Purpose
    shared_with: str | None = Field(None, alias="shared_with.code")
    given_on: date
    recorded_for: str = Field(..., alias="recorded_for.code")
    withdrawn_on: date | None
    is_active: bool
    note: str


# --- Input --------------------------------------------------------------------------------------------------


class PersonFields(Schema):
    """A person's fields as `clean_person` expects them; the residence is a commune code or name."""

    first_name_ar: str = NAME
    last_name_ar: str = NAME
    first_name_latin: str = NAME
    last_name_latin: str = NAME
    birth_date: IsoDate | None = None
    age: int | None = Field(None, ge=0, le=150, description="when the date of birth is unknown")
    nationality: str = Field("MA", max_length=2, description="ISO 3166-1 alpha-2 code of a country")
    migration_status: MigrationStatus | None = None
    area: Area | None = None
    phone: str = Field("", max_length=30)
    phone_alt: str = Field("", max_length=30)
    id_type: IdType | None = None
    id_number: str = Field("", max_length=30)
    education_level: EducationLevel | None = None
    neet: bool | None = None
    household_head: bool = False
    languages: list[Language] = Field(default_factory=list, max_length=10)
    wg_seeing: int | None = WG_ANSWER
    wg_hearing: int | None = WG_ANSWER
    wg_mobility: int | None = WG_ANSWER
    wg_cognition: int | None = WG_ANSWER
    wg_self_care: int | None = WG_ANSWER
    wg_communication: int | None = WG_ANSWER


class PersonIn(PersonFields):
    sex: Sex
    commune: str = Field(..., max_length=200, description="code (COM_0420) or name of the commune")
    external_id: str = Field("", max_length=64)
    consent_given_on: IsoDate = Field(..., description="the day the person agreed to be registered")
    contact_consent: bool = False
    organisation: str | None = Field(None, description="code of the organisation you register for")


class PersonPatch(PersonFields):
    """Only the fields sent are changed."""

    sex: Sex | None = None
    commune: str | None = Field(None, max_length=200)


class ConsentIn(Schema):
    purpose: Consent.Purpose = Consent.Purpose.SHARING
    given_on: IsoDate
    shared_with: str | None = Field(
        None, description="code of the organisation the record may be shared with"
    )
    note: str = Field("", max_length=300)


class WithdrawIn(Schema):
    on: IsoDate | None = Field(None, description="default: today")


class PeopleFilters(Schema):
    q: str | None = Field(None, max_length=200, description="name in either script, phone or document number")
    sex: Sex | None = None
    territory: str | None = Field(None, description="code of a territory: its whole subtree is included")
    mine: bool = Field(False, description="only the people whose case worker I am")


# --- Helpers ------------------------------------------------------------------------------------------------


def _not_in_future(field: str, day: date) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: [_("This date is in the future.")]})


def organisation_by_code(field: str, code: str | None) -> Organisation | None:
    """An active organisation by its code; a 400 on this field when there is none."""
    if not code:
        return None
    organisation = Organisation.objects.filter(code=code, is_active=True).first()
    if organisation is None:
        raise ValidationError({field: [_("Unknown organisation: %(code)s.") % {"code": code}]})
    return organisation


def _raw(payload: Schema, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The fields sent, as clean_person reads them: choices as their codes, dates as ISO text."""
    return payload.model_dump(mode="json", exclude_unset=True, exclude=set(exclude))


def _masked(number: str) -> str:
    return "•••" + number[-3:] if number else ""


def person_detail(user: AbstractBaseUser, person: Person) -> PersonDetailSchema:
    """The record as this user may see it: sensitive fields only for those who may change it."""
    can_change = access.has_permission(user, CHANGE_PERSON, person)
    data = PersonListSchema.from_orm(person).model_dump(by_alias=True)
    data.update(
        birth_date_estimated=person.birth_date_estimated,
        nationality=person.nationality,
        area=person.area,
        phone=person.phone,
        phone_alt=person.phone_alt,
        id_type=person.id_type,
        id_number_masked=_masked(person.id_number or ""),
        education_level=person.education_level,
        neet=person.neet,
        household_head=person.household_head,
        languages=list(person.languages or []),
        can_change=can_change,
        updated_at=person.updated_at,
    )
    if can_change:
        data.update(
            migration_status=person.migration_status or None,
            disability_answers=person.disability_answers,
            has_disability=person.has_disability,
        )
    return PersonDetailSchema(**data)


# --- Endpoints ----------------------------------------------------------------------------------------------


@router.get("/people", response=list[PersonListSchema], summary="People the user may see, newest first")
@paginate(AuditedPages, shown="api/people")
def list_people(request: HttpRequest, filters: Query[PeopleFilters]):
    search_filters = services.SearchFilters(
        sex=filters.sex or "", territory_code=filters.territory or "", mine_only=filters.mine
    )
    return services.search_people(request.user, filters.q or "", search_filters).select_related("case_worker")


@router.post("/people", response={201: PersonDetailSchema}, summary="Register a person who consented")
def register_person(request: HttpRequest, payload: PersonIn):
    if not access.has_permission(request.user, CHANGE_PERSON):
        raise PermissionDenied
    _not_in_future("consent_given_on", payload.consent_given_on)
    organisation = organisation_by_code("organisation", payload.organisation)
    raw = _raw(payload, frozenset({"consent_given_on", "contact_consent", "organisation"}))
    person = services.register_person(
        request.user,
        raw,
        organisation=organisation,
        consent_given_on=payload.consent_given_on,
        contact_consent=payload.contact_consent,
    )
    person = services.get_person(request.user, person.pk, audit_read=False)
    return Status(201, person_detail(request.user, person))


@router.get("/people/{int:person_id}", response=PersonDetailSchema, summary="One record (404 out of scope)")
def get_person(request: HttpRequest, person_id: int):
    return person_detail(request.user, services.get_person(request.user, person_id))


@router.patch("/people/{int:person_id}", response=PersonDetailSchema, summary="Change the fields sent")
def update_person(request: HttpRequest, person_id: int, payload: PersonPatch):
    person = services.get_person_for_change(request.user, person_id)
    person = services.update_person(request.user, person, _raw(payload))
    return person_detail(request.user, services.get_person(request.user, person.pk, audit_read=False))


@router.get(
    "/people/{int:person_id}/consents", response=list[ConsentSchema], summary="Consents, newest first"
)
def list_consents(request: HttpRequest, person_id: int):
    person = services.get_person(request.user, person_id)
    return list(person.consents.select_related("shared_with", "recorded_for"))


@router.post("/people/{int:person_id}/consents", response={201: ConsentSchema}, summary="Record a consent")
def add_consent(request: HttpRequest, person_id: int, payload: ConsentIn):
    person = services.get_person_for_change(request.user, person_id)
    _not_in_future("given_on", payload.given_on)
    shared_with = organisation_by_code("shared_with", payload.shared_with)
    if payload.purpose != Consent.Purpose.SHARING and shared_with is not None:
        raise ValidationError({"shared_with": [_("Only a sharing consent names an organisation.")]})
    consent = services.record_consent(
        request.user,
        person,
        payload.purpose,
        given_on=payload.given_on,
        shared_with=shared_with,
        note=payload.note,
    )
    return Status(201, consent)


@router.post(
    "/people/{int:person_id}/consents/{int:consent_id}/withdraw",
    response=ConsentSchema,
    summary="Withdraw a consent: sharing stops at once",
)
def withdraw_consent(
    request: HttpRequest, person_id: int, consent_id: int, payload: WithdrawIn | None = None
):
    person = services.get_person_for_change(request.user, person_id)
    consents = person.consents.select_related("shared_with", "recorded_for")
    consent = access.in_scope_or_404(consents, pk=consent_id)
    on = payload.on if payload is not None and payload.on else timezone.localdate()
    _not_in_future("on", on)
    if on < consent.given_on:
        raise ValidationError({"on": [_("A consent cannot be withdrawn before it was given.")]})
    return services.withdraw_consent(request.user, consent, on=on)
