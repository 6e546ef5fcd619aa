"""Training supply endpoints: establishments, programmes, their yearly statistics, totals for analysts."""

from dataclasses import asdict
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from kafaat.core import jobs
from kafaat.core.api_schema import Pages, inline_choices
from kafaat.core.models import Job, Territory
from kafaat.registry.api import organisation_by_code
from kafaat.training import derivation_jobs, services
from kafaat.training.models import AgeBand, Level, Mode, OperatorType, Sector, Source

router = Router(tags=["training"])
ProgrammeLevel = inline_choices(Level)  # Territory.Level is also "Level"
FigureSource = inline_choices(Source)  # labour has a Source too


class SectorSchema(Schema):
    code: str
    name_fr: str
    name_ar: str
    name_en: str


class EstablishmentSchema(Schema):
    id: int
    code: str
    name_fr: str
    name_ar: str
    name_en: str
    operator_type: OperatorType
    operator: str = Field(..., alias="operator.code")
    organisation: str | None = Field(None, alias="organisation.code")
    territory: str = Field(..., alias="territory.code")
    capacity: int | None
    is_active: bool
    sectors: list[str]

    @staticmethod
    def resolve_sectors(obj) -> list[str]:
        return sorted(sector.code for sector in obj.sectors.all())


class EstablishmentIn(Schema):
    code: str = Field(..., min_length=2, max_length=40, pattern=r"^[-a-zA-Z0-9_]+$")
    name_fr: str = Field(..., min_length=1, max_length=200)
    name_ar: str = Field("", max_length=200)
    name_en: str = Field("", max_length=200)
    operator_type: OperatorType
    operator: str = Field(..., max_length=40, description="code of the operating organisation")
    organisation: str | None = Field(None, max_length=40, description="code of its own organisation")
    territory: str = Field(..., max_length=20, description="territory code (commune or province)")
    capacity: int | None = Field(None, ge=0, le=100_000)
    sectors: list[str] = Field(default_factory=list, description="sector codes")


class EstablishmentPatch(Schema):
    name_fr: str | None = Field(None, min_length=1, max_length=200)
    name_ar: str | None = Field(None, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    operator_type: OperatorType | None = None
    territory: str | None = Field(None, max_length=20)
    capacity: int | None = Field(None, ge=0, le=100_000)
    is_active: bool | None = None
    sectors: list[str] | None = None


class ProgrammeSchema(Schema):
    id: int
    establishment: str = Field(..., alias="establishment.code")
    code: str
    title_fr: str
    title_ar: str
    title_en: str
    sector: str = Field(..., alias="sector.code")
    level: ProgrammeLevel
    mode: Mode
    duration_months: int
    is_active: bool
    isco_codes: list[str]


class ProgrammeIn(Schema):
    code: str = Field(..., min_length=1, max_length=40)
    title_fr: str = Field(..., min_length=1, max_length=200)
    title_ar: str = Field("", max_length=200)
    title_en: str = Field("", max_length=200)
    sector: str = Field(..., max_length=30, description="sector code")
    level: ProgrammeLevel
    mode: Mode = Mode.RESIDENTIAL
    duration_months: int = Field(..., ge=1, le=60)
    isco_codes: list[str] = Field(default_factory=list, description="ISCO-08 unit groups (4 digits)")


class ProgrammePatch(Schema):
    title_fr: str | None = Field(None, min_length=1, max_length=200)
    title_ar: str | None = Field(None, max_length=200)
    title_en: str | None = Field(None, max_length=200)
    sector: str | None = Field(None, max_length=30)
    level: ProgrammeLevel | None = None
    mode: Mode | None = None
    duration_months: int | None = Field(None, ge=1, le=60)
    is_active: bool | None = None
    isco_codes: list[str] | None = None


class StatisticSchema(Schema):
    year: int
    source: FigureSource
    age_band: str
    seats: int | None
    applicants: int | None
    applicants_women: int | None
    enrolled: int | None
    enrolled_women: int | None
    graduates: int | None
    graduates_women: int | None


class StatisticIn(Schema):
    age_band: AgeBand = AgeBand.ALL
    seats: int | None = Field(None, ge=0)
    applicants: int | None = Field(None, ge=0)
    applicants_women: int | None = Field(None, ge=0)
    enrolled: int | None = Field(None, ge=0)
    enrolled_women: int | None = Field(None, ge=0)
    graduates: int | None = Field(None, ge=0)
    graduates_women: int | None = Field(None, ge=0)


class TotalsSchema(Schema):
    year: int
    source: FigureSource
    seats: int | None
    applicants: int | None
    enrolled: int | None
    enrolled_women: int | None
    graduates: int | None
    graduates_women: int | None


class EstablishmentFilters(Schema):
    territory: str | None = Field(None, description="region, province or commune code")
    sector: str | None = None
    operator_type: OperatorType | None = None
    q: str | None = Field(None, max_length=100)


class TotalsFilters(Schema):
    territory: str | None = None
    sector: str | None = None
    year: int | None = Field(None, ge=1990, le=2100)


class DerivationSchema(Schema):
    created: int
    updated: int
    deleted: int
    enrolments_matched: int
    enrolments_unmatched: int


class DerivationJobSchema(Schema):
    id: UUID
    status: Literal["queued", "running", "done", "refused", "failed"]
    stage: str = Field(description="what the job does now (in the language of the request that queued it)")
    done: int = Field(description="steps read (or statistics written) so far")
    total: int = Field(description="steps to read (or statistics to write) in all")
    message: str = Field(description="done: the summary; refused: the reasons; failed: the error's reference")
    created_at: datetime
    finished_at: datetime | None
    url: str = Field(description="this job's address: poll it until the status is done, refused or failed")
    report: DerivationSchema | None = Field(description="what the derivation changed, once done")


def _territory(code: str) -> Territory:
    territory = Territory.objects.filter(code=code).first()
    if territory is None:
        raise ValidationError({"territory": [_("Unknown territory: %(code)s.") % {"code": code}]})
    return territory


def _sector(code: str) -> Sector:
    sector = Sector.objects.filter(code=code).first()
    if sector is None:
        raise ValidationError({"sector": [_("Unknown sector: %(codes)s.") % {"codes": code}]})
    return sector


def _with_sectors(establishment):
    return services.establishments_with_sectors().get(pk=establishment.pk)


@router.get("/training/sectors", response=list[SectorSchema], summary="Training sectors (reference data)")
def list_sectors(request: HttpRequest):
    return list(Sector.objects.all())


@router.get("/training/establishments", response=list[EstablishmentSchema], summary="Establishments in scope")
@paginate(Pages, page_size=50)
def list_establishments(request: HttpRequest, filters: Query[EstablishmentFilters]):
    queryset = services.list_establishments(
        request.user,
        territory_code=filters.territory,
        sector=filters.sector,
        operator_type=filters.operator_type,
        query=filters.q,
    )
    return queryset.select_related("organisation").prefetch_related("sectors")


@router.post(
    "/training/establishments", response={201: EstablishmentSchema}, summary="Create an establishment"
)
def create_establishment(request: HttpRequest, payload: EstablishmentIn):
    data: dict[str, Any] = payload.model_dump(exclude={"sectors", "operator", "organisation", "territory"})
    data["operator"] = organisation_by_code("operator", payload.operator)
    data["organisation"] = organisation_by_code("organisation", payload.organisation)
    data["territory"] = _territory(payload.territory)
    establishment = services.create_establishment(request.user, data, payload.sectors)
    return Status(201, _with_sectors(establishment))


@router.get("/training/establishments/{int:pk}", response=EstablishmentSchema, summary="One establishment")
def get_establishment(request: HttpRequest, pk: int):
    return _with_sectors(services.get_establishment(request.user, pk))


@router.patch(
    "/training/establishments/{int:pk}", response=EstablishmentSchema, summary="Edit an establishment"
)
def update_establishment(request: HttpRequest, pk: int, payload: EstablishmentPatch):
    establishment = services.get_establishment(request.user, pk)
    data = payload.model_dump(exclude_unset=True, exclude={"sectors"})
    if "territory" in data:
        data["territory"] = _territory(data["territory"] or "")
    services.update_establishment(request.user, establishment, data, payload.sectors)
    return _with_sectors(establishment)


@router.get(
    "/training/establishments/{int:pk}/programmes", response=list[ProgrammeSchema], summary="Its programmes"
)
def list_programmes(request: HttpRequest, pk: int):
    establishment = services.get_establishment(request.user, pk)
    return list(services.programmes_of(establishment))


@router.post(
    "/training/establishments/{int:pk}/programmes", response={201: ProgrammeSchema}, summary="Add a programme"
)
def create_programme(request: HttpRequest, pk: int, payload: ProgrammeIn):
    establishment = services.get_establishment(request.user, pk)
    data = payload.model_dump(exclude={"isco_codes", "sector"})
    data["sector"] = _sector(payload.sector)
    if establishment.programmes.filter(code=payload.code).exists():
        raise ValidationError({"code": [_("This establishment already has a programme with this code.")]})
    programme = services.create_programme(request.user, establishment, data, payload.isco_codes)
    return Status(201, services.get_programme(request.user, programme.pk))


@router.get("/training/programmes/{int:pk}", response=ProgrammeSchema, summary="One programme")
def get_programme(request: HttpRequest, pk: int):
    return services.get_programme(request.user, pk)


@router.patch("/training/programmes/{int:pk}", response=ProgrammeSchema, summary="Edit a programme")
def update_programme(request: HttpRequest, pk: int, payload: ProgrammePatch):
    programme = services.get_programme(request.user, pk)
    data = payload.model_dump(exclude_unset=True, exclude={"isco_codes"})
    if "sector" in data:
        data["sector"] = _sector(data["sector"] or "")
    services.update_programme(request.user, programme, data, payload.isco_codes)
    return services.get_programme(request.user, pk)


@router.get(
    "/training/programmes/{int:pk}/statistics", response=list[StatisticSchema], summary="Its yearly figures"
)
def list_statistics(request: HttpRequest, pk: int):
    programme = services.get_programme(request.user, pk)
    return list(services.statistics_of([programme]))


@router.put(
    "/training/programmes/{int:pk}/statistics/{int:year}",
    response=StatisticSchema,
    summary="Enter or correct one year of published figures",
)
def save_statistic(request: HttpRequest, pk: int, year: int, payload: StatisticIn):
    programme = services.get_programme(request.user, pk)
    values = payload.model_dump(exclude={"age_band"})
    return services.save_statistic(request.user, programme, year, values, age_band=payload.age_band.value)


@router.get("/training/supply", response=list[TotalsSchema], summary="Supply totals by year and source")
def supply_totals(request: HttpRequest, filters: Query[TotalsFilters]):
    totals = services.supply_totals(
        request.user, territory_code=filters.territory, sector=filters.sector, year=filters.year
    )
    return [{"year": t.year, "source": t.source, **t.values} for t in totals]


def _derivation_out(job: Job) -> DerivationJobSchema:
    stage, done, total = jobs.live_progress(job)
    report = derivation_jobs.report_of(job)
    return DerivationJobSchema(
        id=job.pk,
        status=job.status,
        stage=stage,
        done=done,
        total=max(total, done),
        message=job.message,
        created_at=job.created_at,
        finished_at=job.finished_at,
        url=reverse("api:derivation_job", args=[job.pk]),
        report=DerivationSchema(**asdict(report)) if report else None,
    )


@router.post(
    "/training/derive",
    response={202: DerivationJobSchema},
    summary="Derive statistics from pathway steps (queued for the worker)",
)
def derive(request: HttpRequest, response: HttpResponse):
    """Derive every statistic from the enrolment and certification steps again. The permission is checked at
    once (403); the worker then derives: 202 with the job, whose `url` answers its progress and, once done,
    the report. A derivation already waiting for the worker is answered instead of queueing another."""
    out = _derivation_out(derivation_jobs.start_derivation(request.user))
    response["Location"] = out.url
    return Status(202, out)


@router.get(
    "/training/derive/jobs/{job_id}",
    response=DerivationJobSchema,
    url_name="derivation_job",
    summary="A derivation's progress, then its report",
)
def derivation_job(request: HttpRequest, job_id: UUID):
    """A derivation's job (the caller's own, or one the jobs page shows them)."""
    return _derivation_out(derivation_jobs.derivation_job(request.user, job_id))
