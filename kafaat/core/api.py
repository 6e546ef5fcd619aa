"""Core endpoints: who am I, territories, organisations — all through the access mechanism."""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from kafaat.core import access, services
from kafaat.core.api_schema import Pages, inline_choices
from kafaat.core.models import Organisation, Territory

router = Router(tags=["core"])
TerritoryLevel = inline_choices(Territory.Level)


class TerritorySchema(Schema):
    code: str
    level: TerritoryLevel
    kind: str
    parent_code: str | None = Field(None, alias="parent.code")
    name_fr: str
    name_ar: str
    name_en: str
    population_2024: int | None


class TerritoryFilters(Schema):
    level: TerritoryLevel | None = None
    parent: str | None = Field(None, description="code of the parent territory")
    q: str | None = Field(None, description="part of the name, in any of the three languages")


class OrganisationSchema(Schema):
    id: int
    code: str
    type: Organisation.Type
    acronym: str
    name_fr: str
    name_ar: str
    name_en: str
    territory_code: str = Field(..., alias="territory.code")
    is_active: bool


class OrganisationFilters(Schema):
    type: Organisation.Type | None = None
    territory: str | None = Field(None, description="code of a territory: its whole subtree is included")
    q: str | None = None


class MembershipSchema(Schema):
    organisation_id: int
    organisation_code: str = Field(..., alias="organisation.code")
    role: str
    territory_scope: str | None = Field(None, alias="territory_scope.code")


class MeSchema(Schema):
    username: str
    is_superuser: bool
    memberships: list[MembershipSchema]
    permissions: list[str]


@router.get("/me", response=MeSchema, summary="The signed-in user, their memberships and permissions")
def me(request: HttpRequest):
    memberships = access.active_memberships(request.user)
    permissions = sorted({p for m in memberships for p in access.ROLE_PERMISSIONS.get(m.role, {})})
    return {
        "username": request.user.get_username(),
        "is_superuser": request.user.is_superuser,
        "memberships": memberships,
        "permissions": permissions,
    }


@router.get("/territories", response=list[TerritorySchema], summary="Regions, provinces and communes")
@paginate(Pages, page_size=100)
def list_territories(request: HttpRequest, filters: Query[TerritoryFilters]):
    return services.list_territories(
        request.user, level=filters.level, parent_code=filters.parent, query=filters.q
    )


@router.get("/territories/{code}", response=TerritorySchema)
def get_territory(request: HttpRequest, code: str):
    return services.get_territory(request.user, code)


@router.get("/organisations", response=list[OrganisationSchema], summary="Organisations the user may see")
@paginate(Pages, page_size=50)
def list_organisations(request: HttpRequest, filters: Query[OrganisationFilters]):
    return services.list_organisations(
        request.user, type=filters.type, territory_code=filters.territory, query=filters.q
    )


@router.get("/organisations/{int:organisation_id}", response=OrganisationSchema)
def get_organisation(request: HttpRequest, organisation_id: int):
    return services.get_organisation(request.user, organisation_id)
