"""Labour endpoints: occupations and suggestions for a title, employers, vacancies and coding, surveys."""

from datetime import date

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from kafaat.core import access
from kafaat.core.api_schema import IsoDate, Pages
from kafaat.core.models import Territory
from kafaat.labour import services, survey_services
from kafaat.labour.access_rules import VIEW_LABOUR
from kafaat.labour.models import (
    CodingStatus,
    ContractType,
    Employer,
    HardToFillReason,
    HiringIntention,
    Occupation,
    RequiredLevel,
    Sector,
    SizeBand,
    Source,
    Survey,
    Vacancy,
)
from kafaat.registry.api import organisation_by_code

router = Router(tags=["labour"])


class OccupationSchema(Schema):
    code: str
    level: int
    label: str
    label_en: str
    label_fr: str
    label_ar: str


class SuggestionSchema(Schema):
    code: str
    label: str
    score: float


class EmployerSchema(Schema):
    id: int
    name: str
    sector: str | None = Field(None, alias="sector.code")
    territory: str = Field(..., alias="territory.code")
    size: str
    ice: str
    organisation: str = Field(..., alias="organisation.code")


class EmployerIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    sector: str | None = Field(None, max_length=8, description="ISIC Rev.4 section letter or division")
    territory: str = Field(..., max_length=20, description="code of a province or commune")
    size: SizeBand | None = None
    ice: str = Field("", max_length=20)
    organisation: str | None = Field(None, max_length=40)


class EmployerPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    sector: str | None = Field(None, max_length=8)
    territory: str | None = Field(None, max_length=20)
    size: SizeBand | None = None
    ice: str | None = Field(None, max_length=20)


class VacancySchema(Schema):
    id: int
    title: str
    description: str
    employer_id: int
    employer: str = Field(..., alias="employer.name")
    occupation: str | None = Field(None, alias="occupation.code")
    coding_status: CodingStatus
    coding_score: float | None
    sector: str | None = Field(None, alias="sector.code")
    territory: str = Field(..., alias="territory.code")
    positions: int
    contract_type: str
    required_level: str
    posted_on: date
    source: str
    source_name: str
    external_id: str
    organisation: str = Field(..., alias="organisation.code")


class VacancyIn(Schema):
    employer: int = Field(..., description="id of an employer")
    title: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    occupation: str | None = Field(None, max_length=4, description="ISCO-08 unit group; empty: suggested")
    sector: str | None = Field(None, max_length=8)
    territory: str | None = Field(None, max_length=20, description="default: the employer's")
    positions: int = Field(1, ge=1, le=10_000)
    contract_type: ContractType | None = None
    required_level: RequiredLevel | None = None
    posted_on: IsoDate
    source: Source = Source.OTHER
    source_name: str = Field("", max_length=100)
    external_id: str = Field("", max_length=64)
    organisation: str | None = Field(None, max_length=40)


class VacancyPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    positions: int | None = Field(None, ge=1, le=10_000)
    contract_type: ContractType | None = None
    required_level: RequiredLevel | None = None
    posted_on: IsoDate | None = None


class VacancyFilterSchema(Schema):
    q: str = Field("", max_length=100)
    occupation: str = Field("", max_length=4, pattern=r"^\d{0,4}$")
    sector: str = Field("", max_length=2)
    territory: str = Field("", max_length=20)
    contract_type: ContractType | None = None
    coding_status: CodingStatus | None = None
    posted_from: IsoDate | None = None
    posted_to: IsoDate | None = None


class CodingIn(Schema):
    occupation: str = Field(..., min_length=4, max_length=4)


class DuplicateSchema(Schema):
    detail: str
    existing_id: int


class NeedSchemaIn(Schema):
    title: str = Field("", max_length=200)
    occupation: str = Field(..., min_length=4, max_length=4)
    positions: int = Field(1, ge=1, le=10_000)
    skills: str = Field("", max_length=2000)
    hard_to_fill: bool = False
    reasons: list[HardToFillReason] = []


class ResponseIn(Schema):
    employer: int
    answered_on: IsoDate
    hiring_intention: HiringIntention
    planned_hires: int = Field(0, ge=0, le=100_000)
    needs: list[NeedSchemaIn] = []
    comment: str = Field("", max_length=2000)
    organisation: str | None = Field(None, max_length=40)


class SurveySchema(Schema):
    id: int
    code: str
    title: str
    territory: str = Field(..., alias="territory.code")
    opens_on: date
    closes_on: date | None


class ResultRowSchema(Schema):
    key: str
    label: str
    employers: int
    positions: int
    hard_to_fill: int


class ResultsSchema(Schema):
    responses: int
    will_hire: int
    planned_hires: int
    by_occupation: list[ResultRowSchema]
    by_sector: list[ResultRowSchema]
    by_territory: list[ResultRowSchema]
    reasons: list[tuple[str, int]]


def _territory(field: str, code: str | None) -> Territory | None:
    if not code:
        return None
    found = Territory.objects.filter(code=code).first()
    if found is None:
        raise ValidationError({field: [_("Unknown territory: %(code)s.") % {"code": code}]})
    return found


def _sector(code: str | None) -> Sector | None:
    if not code:
        return None
    found = Sector.objects.filter(code=code.upper()).first()
    if found is None:
        raise ValidationError({"sector": [_("Give an ISIC Rev.4 section letter or 2-digit division.")]})
    return found


@router.get("/labour/occupations", response=list[OccupationSchema], summary="ISCO-08 groups")
@paginate(Pages, page_size=100)
def occupations(request: HttpRequest, level: int | None = None, code: str = ""):
    queryset = access.scoped(request.user, VIEW_LABOUR, Occupation.objects.all())
    if level is not None:
        queryset = queryset.filter(level=level)
    return queryset.filter(code__startswith=code) if code else queryset


@router.get(
    "/labour/occupations/suggest", response=list[SuggestionSchema], summary="ISCO-08 groups for a title"
)
def suggest(request: HttpRequest, title: str = Query(..., min_length=2, max_length=200), top: int = 3):
    access.require(request.user, VIEW_LABOUR)
    if not 1 <= top <= 10:
        raise ValidationError({"top": [_("Ask for 1 to 10 suggestions.")]})
    return [
        {"code": o.code, "label": o.label, "score": score} for o, score in services.suggestions(title, top)
    ]


@router.get("/labour/employers", response=list[EmployerSchema], summary="Employers in my territory")
@paginate(Pages)
def employers(request: HttpRequest, q: str = ""):
    queryset = services.employers_for(request.user).select_related("organisation")
    return queryset.filter(name__icontains=q) if q else queryset


@router.post("/labour/employers", response={201: EmployerSchema}, summary="Add an employer")
def employer_create(request: HttpRequest, payload: EmployerIn):
    employer = services.create_employer(
        request.user,
        organisation_by_code("organisation", payload.organisation),
        name=payload.name,
        sector=_sector(payload.sector),
        territory=_territory("territory", payload.territory),
        size=payload.size or "",
        ice=payload.ice,
    )
    return Status(201, employer)


@router.get("/labour/employers/{int:employer_id}", response=EmployerSchema)
def employer_detail(request: HttpRequest, employer_id: int):
    return access.get_object_or_404(request.user, VIEW_LABOUR, Employer.objects.all(), pk=employer_id)


@router.patch("/labour/employers/{int:employer_id}", response=EmployerSchema)
def employer_update(request: HttpRequest, employer_id: int, payload: EmployerPatch):
    employer = access.get_object_or_404(request.user, VIEW_LABOUR, Employer.objects.all(), pk=employer_id)
    values = payload.model_dump(exclude_unset=True)
    if "sector" in values:
        values["sector"] = _sector(values["sector"])
    if "territory" in values:
        values["territory"] = _territory("territory", values["territory"])
    return services.update_employer(request.user, employer, **values)


@router.get("/labour/vacancies", response=list[VacancySchema], summary="Vacancies in my territory")
@paginate(Pages)
def vacancies(request: HttpRequest, filters: Query[VacancyFilterSchema]):
    values = filters.model_dump()
    values["territory"] = _territory("territory", values["territory"])
    values["contract_type"] = values["contract_type"] or ""
    values["coding_status"] = values["coding_status"] or ""
    return services.filter_vacancies(services.vacancies_for(request.user), services.VacancyFilters(**values))


@router.post(
    "/labour/vacancies",
    response={201: VacancySchema, 409: DuplicateSchema},
    summary="Add a vacancy (409 when the same ad is already there)",
)
def vacancy_create(request: HttpRequest, payload: VacancyIn):
    employer = access.get_object_or_404(
        request.user, VIEW_LABOUR, Employer.objects.all(), pk=payload.employer
    )
    values = payload.model_dump(exclude={"organisation", "employer"})
    values["occupation"] = services.occupation(values["occupation"]) if values["occupation"] else None
    values["sector"] = _sector(values["sector"])
    values["territory"] = _territory("territory", values["territory"]) or employer.territory
    values["contract_type"] = values["contract_type"] or ""
    values["required_level"] = values["required_level"] or ""
    try:
        vacancy = services.create_vacancy(
            request.user,
            organisation_by_code("organisation", payload.organisation),
            employer=employer,
            **values,
        )
    except services.DuplicateVacancy as duplicate:
        return Status(409, {"detail": duplicate.messages[0], "existing_id": duplicate.existing.pk})
    return Status(201, vacancy)


@router.get("/labour/vacancies/{int:vacancy_id}", response=VacancySchema)
def vacancy_detail(request: HttpRequest, vacancy_id: int):
    return access.get_object_or_404(request.user, VIEW_LABOUR, Vacancy.objects.all(), pk=vacancy_id)


@router.patch("/labour/vacancies/{int:vacancy_id}", response=VacancySchema)
def vacancy_update(request: HttpRequest, vacancy_id: int, payload: VacancyPatch):
    vacancy = access.get_object_or_404(request.user, VIEW_LABOUR, Vacancy.objects.all(), pk=vacancy_id)
    return services.update_vacancy(request.user, vacancy, **payload.model_dump(exclude_unset=True))


@router.post(
    "/labour/vacancies/{int:vacancy_id}/coding",
    response=VacancySchema,
    summary="Confirm or correct the vacancy's ISCO-08 unit group",
)
def vacancy_code(request: HttpRequest, vacancy_id: int, payload: CodingIn):
    vacancy = access.get_object_or_404(request.user, VIEW_LABOUR, Vacancy.objects.all(), pk=vacancy_id)
    services.code_vacancy(request.user, vacancy, payload.occupation)
    vacancy.refresh_from_db()
    return vacancy


@router.get("/labour/surveys", response=list[SurveySchema], summary="Employer-needs surveys")
@paginate(Pages)
def surveys(request: HttpRequest):
    return survey_services.surveys_for(request.user)


@router.post("/labour/surveys/{int:survey_id}/responses", response={201: dict}, summary="Record a response")
def response_create(request: HttpRequest, survey_id: int, payload: ResponseIn):
    survey = survey_services.surveys_for(request.user).filter(pk=survey_id).first()
    employer = services.employers_for(request.user).filter(pk=payload.employer).first()
    if survey is None:
        raise access.OutOfScope(Survey, survey_id)
    if employer is None:
        raise access.OutOfScope(Employer, payload.employer)
    needs = [survey_services.NeedIn(**need.model_dump()) for need in payload.needs]
    response = survey_services.record_response(
        request.user,
        survey,
        employer,
        answered_on=payload.answered_on,
        hiring_intention=payload.hiring_intention,
        planned_hires=payload.planned_hires,
        needs=needs,
        comment=payload.comment,
        organisation=organisation_by_code("organisation", payload.organisation),
    )
    return Status(201, {"id": response.pk, "needs": response.needs.count()})


@router.get("/labour/surveys/{int:survey_id}/results", response=ResultsSchema, summary="Aggregated needs")
def survey_results(request: HttpRequest, survey_id: int):
    survey = survey_services.surveys_for(request.user).filter(pk=survey_id).first()
    if survey is None:
        raise access.OutOfScope(Survey, survey_id)
    return survey_services.results(request.user, survey)
