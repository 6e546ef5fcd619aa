"""The stakeholder directory's endpoints: list and search, read, create (with the likely same people), update,
merge, link to a beneficiary record."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from kafaat.contacts import services
from kafaat.contacts.models import ContactSex, OrganisationType
from kafaat.core.api_schema import IsoDate, Pages, inline_choices
from kafaat.core.models import Territory
from kafaat.registry.api import organisation_by_code

router = Router(tags=["contacts"])
ContactOrganisationType = inline_choices(OrganisationType)  # core's Organisation.Type differs
Sex = inline_choices(ContactSex)


class ContactSchema(Schema):
    id: int
    uid: str
    first_name_latin: str
    last_name_latin: str
    first_name_ar: str
    last_name_ar: str
    sex: str
    territory: str = Field(..., alias="territory.code")
    managed_by: str = Field(..., alias="managed_by.code")
    organisation: str | None = Field(None, alias="organisation.code")
    organisation_name: str
    organisation_type: str
    position: str
    sector: str | None = Field(None, alias="sector.code")
    is_trainer: bool
    is_expert: bool
    home_institution: str
    country: str
    email: str
    phone: str
    languages: list[str]
    preferred_language: str
    consent_to_contact: bool
    consent_date: date | None
    external_id: str
    person: int | None = Field(None, alias="person_id")
    merged_into: int | None = Field(None, alias="merged_into_id")

    @staticmethod
    def resolve_uid(obj) -> str:
        return str(obj.uid)


class ContactIn(Schema):
    first_name_latin: str = Field("", max_length=100)
    last_name_latin: str = Field("", max_length=100)
    first_name_ar: str = Field("", max_length=100)
    last_name_ar: str = Field("", max_length=100)
    sex: Sex
    territory: str = Field(..., max_length=20, description="territory code (region or province)")
    organisation: str | None = Field(None, max_length=40, description="code of a Kafaat organisation")
    organisation_name: str = Field("", max_length=200)
    organisation_type: ContactOrganisationType
    position: str = Field("", max_length=200)
    sector: str | None = Field(None, max_length=30, description="training sector code")
    is_trainer: bool = False
    is_expert: bool = False
    home_institution: str = Field("", max_length=200)
    country: str = Field("MA", max_length=2)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    languages: list[str] = Field(default_factory=list, max_length=5)
    preferred_language: str = Field("fr", pattern=r"^(fr|ar|en)$")
    consent_to_contact: bool = False
    consent_date: IsoDate | None = None
    external_id: str = Field("", max_length=64)
    managed_by: str | None = Field(None, max_length=40, description="keeping organisation (default: yours)")
    confirm_new: bool = Field(False, description="create even when likely same people exist")


class ContactPatch(Schema):
    first_name_latin: str | None = Field(None, max_length=100)
    last_name_latin: str | None = Field(None, max_length=100)
    first_name_ar: str | None = Field(None, max_length=100)
    last_name_ar: str | None = Field(None, max_length=100)
    sex: Sex | None = None
    territory: str | None = Field(None, max_length=20)
    organisation_name: str | None = Field(None, max_length=200)
    organisation_type: ContactOrganisationType | None = None
    position: str | None = Field(None, max_length=200)
    is_trainer: bool | None = None
    is_expert: bool | None = None
    home_institution: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    languages: list[str] | None = Field(None, max_length=5)
    preferred_language: str | None = Field(None, pattern=r"^(fr|ar|en)$")
    consent_to_contact: bool | None = None
    consent_date: IsoDate | None = None


class MatchSchema(Schema):
    contact: ContactSchema
    score: float
    reasons: list[str]


class DuplicatesSchema(Schema):
    detail: str
    matches: list[MatchSchema]


class ContactFilters(Schema):
    q: str | None = Field(None, max_length=100, description="names (either script), e-mail or phone")
    organisation_type: ContactOrganisationType | None = None
    sector: str | None = Field(None, max_length=30)
    territory: str | None = Field(None, max_length=20)
    trainer: bool | None = None
    expert: bool | None = None


class MergeIn(Schema):
    duplicate: int = Field(..., ge=1, le=2**31 - 1, description="the contact merged into this one")


class LinkIn(Schema):
    person: int | None = Field(..., ge=1, le=2**31 - 1, description="registry person id, or null to unlink")


class MatchQuery(Schema):
    first_name_latin: str = Field("", max_length=100)
    last_name_latin: str = Field("", max_length=100)
    first_name_ar: str = Field("", max_length=100)
    last_name_ar: str = Field("", max_length=100)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)


def _territory(code: str) -> Territory:
    territory = Territory.objects.filter(code=code).first()
    if territory is None:
        raise ValidationError({"territory": [_("Unknown territory: %(code)s.") % {"code": code}]})
    return territory


def _sector(code: str | None):
    from kafaat.training.models import Sector

    if not code:
        return None
    sector = Sector.objects.filter(code=code).first()
    if sector is None:
        raise ValidationError({"sector": [_("Unknown sector: %(codes)s.") % {"codes": code}]})
    return sector


def _match_rows(matches: list[services.Match]) -> list[dict[str, Any]]:
    return [{"contact": m.contact, "score": m.score, "reasons": list(m.reasons)} for m in matches]


class AuditedContactPages(Pages):
    """Each page of the directory served is one `list` event with the contacts' ids."""

    def paginate_queryset(self, queryset, pagination, request: HttpRequest, **params: Any) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        items = list(page[self.items_attribute])
        page[self.items_attribute] = items
        services.audit_list(request.user, items, searched_by="query" if request.GET.get("q") else "")
        return page


@router.get("/contacts", response=list[ContactSchema], summary="The stakeholder directory, searched")
@paginate(AuditedContactPages, page_size=50)
def list_contacts(request: HttpRequest, filters: Query[ContactFilters]):
    services.require_view(request.user)
    return services.search_contacts(
        request.user,
        query=filters.q or "",
        organisation_type=filters.organisation_type or "",
        sector=filters.sector or "",
        territory_code=filters.territory or "",
        trainer=filters.trainer,
        expert=filters.expert,
    ).select_related("managed_by")


@router.get("/contacts/matches", response=list[MatchSchema], summary="Likely same people, before creating")
def contact_matches(request: HttpRequest, query: Query[MatchQuery]):
    services.require_view(request.user)
    matches = services.matches_for(request.user, query.model_dump())
    services.audit_list(request.user, [m.contact for m in matches], searched_by="matches")
    return _match_rows(matches)


@router.get("/contacts/{int:pk}", response=ContactSchema, summary="One contact (the read is audited)")
def get_contact(request: HttpRequest, pk: int):
    return services.get_contact(request.user, pk)


def _data(payload: Schema, *, exclude: set[str]) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True, exclude=exclude)
    data = {k: (v.value if hasattr(v, "value") else v) for k, v in data.items()}
    if "territory" in data:
        data["territory"] = _territory(data["territory"] or "")
    if "organisation" in data:
        data["organisation"] = organisation_by_code("organisation", data["organisation"])
    if "sector" in data:
        data["sector"] = _sector(data["sector"])
    for field in ("first_name_latin", "last_name_latin", "first_name_ar", "last_name_ar"):
        if field in data and data[field] is None:
            data[field] = ""
    return data


@router.post(
    "/contacts",
    response={201: ContactSchema, 409: DuplicatesSchema},
    summary="Create a contact (409 with the likely same people unless confirm_new)",
)
def create_contact(request: HttpRequest, payload: ContactIn):
    data = _data(payload, exclude={"managed_by", "confirm_new"})
    data.setdefault("territory", _territory(payload.territory))
    data.setdefault("organisation_type", payload.organisation_type.value)
    data.setdefault("sex", payload.sex.value)
    managed_by = organisation_by_code("managed_by", payload.managed_by)
    try:
        contact = services.create_contact(
            request.user, data, managed_by=managed_by, confirm_new=payload.confirm_new
        )
    except services.PossibleDuplicates as duplicates:
        return Status(409, {"detail": duplicates.messages[0], "matches": _match_rows(duplicates.matches)})
    return Status(201, services.get_contact(request.user, contact.pk, audit_read=False))


@router.patch("/contacts/{int:pk}", response=ContactSchema, summary="Edit a contact")
def update_contact(request: HttpRequest, pk: int, payload: ContactPatch):
    contact = services.get_contact_for_change(request.user, pk)
    data = _data(payload, exclude=set())
    services.update_contact(request.user, contact, data)
    return services.get_contact(request.user, pk, audit_read=False)


@router.post(
    "/contacts/{int:pk}/merge", response=ContactSchema, summary="Merge a duplicate into this contact"
)
def merge_contact(request: HttpRequest, pk: int, payload: MergeIn):
    survivor = services.get_contact_for_change(request.user, pk)
    duplicate = services.get_contact(request.user, payload.duplicate, audit_read=False)
    services.merge_contacts(request.user, survivor, duplicate)
    return services.get_contact(request.user, pk, audit_read=False)


@router.put(
    "/contacts/{int:pk}/person", response=ContactSchema, summary="Link or unlink a beneficiary record"
)
def link_person(request: HttpRequest, pk: int, payload: LinkIn):
    contact = services.get_contact_for_change(request.user, pk)
    services.link_person(request.user, contact, payload.person)
    return services.get_contact(request.user, pk, audit_read=False)
