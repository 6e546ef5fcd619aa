"""Expert missions endpoints: the missions in scope, their changes, steps and report, and the roll-ups."""

from datetime import date
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from kafaat.contacts.access_rules import VIEW_CONTACTS
from kafaat.contacts.models import Contact
from kafaat.core import access
from kafaat.core.api_schema import IsoDate, Pages
from kafaat.core.models import Organisation, Project, Territory
from kafaat.missions import services
from kafaat.missions.models import ExpertMission
from kafaat.results.models import LogframeNode

router = Router(tags=["missions"])


class MissionPages(Pages):
    """The API's bounded pages, each page of missions served recorded as one `list` event (experts' names)."""

    def paginate_queryset(self, queryset, pagination, request: HttpRequest, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        items = list(page[self.items_attribute])
        page[self.items_attribute] = items
        services.record_listed(request.user, items, page=pagination.page)
        return page


MissionStatus = Literal["planned", "done", "cancelled"]
Grouping = Literal["project", "component", "quarter", "country"]


class MissionSchema(Schema):
    id: int
    uid: str
    expert: int = Field(..., alias="expert_id")
    expert_country: str = Field(..., alias="expert.country")
    organiser: str = Field(..., alias="organiser.code")
    project: str = Field(..., alias="project.code")
    component: str | None = None
    territory: str = Field(..., alias="territory.code")
    beneficiary_institution: str
    purpose: str
    start_date: date
    end_date: date
    person_days: float
    person_days_entered: bool
    deliverables: str
    has_report: bool
    status: MissionStatus
    transitions: list[str] = Field(default_factory=list, description="steps the caller may take now")

    @staticmethod
    def resolve_uid(obj) -> str:
        return str(obj.uid)

    @staticmethod
    def resolve_component(obj) -> str | None:
        return obj.result.code if obj.result_id else None

    @staticmethod
    def resolve_has_report(obj) -> bool:
        return bool(obj.report)


class MissionIn(Schema):
    expert: int = Field(..., description="id of a directory contact marked as an expert")
    organiser: str = Field(..., max_length=40, description="code of an organisation you manage missions for")
    project: str = Field(..., max_length=40, description="project code")
    component: str | None = Field(None, max_length=20, description="code of a logframe result of the project")
    territory: str = Field(..., max_length=20, description="territory code")
    beneficiary_institution: str = Field("", max_length=200)
    purpose: str = Field(..., min_length=1, max_length=5000)
    start_date: IsoDate
    end_date: IsoDate
    person_days: float | None = Field(None, ge=0, le=9999, description="leave empty: working days")
    deliverables: str = Field("", max_length=10000)


class MissionPatch(Schema):
    component: str | None = Field(None, max_length=20)
    territory: str | None = Field(None, max_length=20)
    beneficiary_institution: str | None = Field(None, max_length=200)
    purpose: str | None = Field(None, min_length=1, max_length=5000)
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    person_days: float | None = Field(None, ge=0, le=9999)
    deliverables: str | None = Field(None, max_length=10000)


class MissionFilters(Schema):
    project: str | None = Field(None, max_length=40)
    status: MissionStatus | None = None
    country: str | None = Field(None, min_length=2, max_length=2, description="expert's country (ISO 3166)")
    year: int | None = Field(None, ge=1990, le=2100)
    q: str | None = Field(None, max_length=100)


class RollupFilters(Schema):
    by: Grouping = "project"
    project: str | None = Field(None, max_length=40)
    start: IsoDate | None = None
    end: IsoDate | None = None


class RollupRowSchema(Schema):
    key: str
    label: str
    missions: int
    experts: int
    mission_person_days: float
    study_visit_person_days: float
    person_days: float


class RollupSchema(Schema):
    by: Grouping
    rows: list[RollupRowSchema]
    total: RollupRowSchema


def _row(row: services.RollupRow) -> dict:
    return {
        "key": row.key,
        "label": str(row.label),
        "missions": row.missions,
        "experts": row.experts,
        "mission_person_days": row.mission_days,
        "study_visit_person_days": row.visit_days,
        "person_days": row.person_days,
    }


def _references(request: HttpRequest, data: dict) -> dict:
    """Codes and ids of the payload → the objects (ValidationError naming the field when unknown)."""
    resolved: dict = {}
    if "expert" in data:
        resolved["expert"] = access.get_object_or_404(
            request.user, VIEW_CONTACTS, Contact.objects.all(), pk=data.pop("expert")
        )
    for name, model in (("organiser", Organisation), ("project", Project), ("territory", Territory)):
        if name in data:
            code = data.pop(name)
            found = model.objects.filter(code=code).first()
            if found is None:
                raise ValidationError({name: [_("Unknown code: %(code)s.") % {"code": code}]})
            resolved[name] = found
    if "component" in data:
        code = data.pop("component")
        project = resolved.get("project") or data.get("_project")
        resolved["result"] = None
        if code:
            resolved["result"] = LogframeNode.objects.filter(project=project, code=code).first()
            if resolved["result"] is None:
                raise ValidationError({"component": [_("Unknown code: %(code)s.") % {"code": code}]})
    return {**data, **resolved}


def _out(request: HttpRequest, mission: ExpertMission) -> ExpertMission:
    mission.transitions = [t.name for t in services.available_transitions(request.user, mission)]
    return mission


@router.get("/missions", response=list[MissionSchema], summary="Expert missions in scope")
@paginate(MissionPages, page_size=50)
def list_missions(request: HttpRequest, filters: Query[MissionFilters]):
    return services.list_missions(
        request.user,
        project=filters.project,
        status=filters.status,
        country=filters.country,
        year=filters.year,
        query=filters.q,
    )


@router.get("/missions/rollup", response=RollupSchema, summary="Missions, distinct experts and person-days")
def mission_rollup(request: HttpRequest, filters: Query[RollupFilters]):
    result = services.rollup(
        request.user, filters.by, project=filters.project, start=filters.start, end=filters.end
    )
    return {"by": result.by, "rows": [_row(r) for r in result.rows], "total": _row(result.total)}


@router.get("/missions/{mission_id}", response=MissionSchema, summary="One expert mission")
def get_mission(request: HttpRequest, mission_id: int):
    return _out(request, services.get_mission(request.user, mission_id))


@router.post("/missions", response={201: MissionSchema}, summary="Plan an expert mission")
def create_mission(request: HttpRequest, payload: MissionIn):
    data = _references(request, payload.dict())
    return Status(201, _out(request, services.create_mission(request.user, data)))


@router.patch("/missions/{mission_id}", response=MissionSchema, summary="Change an expert mission")
def update_mission(request: HttpRequest, mission_id: int, payload: MissionPatch):
    mission = services.get_mission(request.user, mission_id)
    data = payload.dict(exclude_unset=True)
    data["_project"] = mission.project
    data = _references(request, data)
    data.pop("_project", None)
    return _out(request, services.update_mission(request.user, mission, data))


@router.post("/missions/{mission_id}/report", response=MissionSchema, summary="Attach the mission report")
def upload_report(request: HttpRequest, mission_id: int, report: File[UploadedFile]):
    mission = services.get_mission(request.user, mission_id)
    return _out(request, services.update_mission(request.user, mission, {}, report))


@router.get("/missions/{mission_id}/report", summary="Download the mission report", response={200: None})
def download_report(request: HttpRequest, mission_id: int):
    mission = services.report_of(request.user, mission_id)
    return FileResponse(
        mission.report.open("rb"),
        as_attachment=True,
        filename=f"mission-{mission.pk}{mission.report.name[mission.report.name.rfind('.') :]}",
    )


@router.post(
    "/missions/{mission_id}/transitions/{name}",
    response=MissionSchema,
    summary="Take a step (complete, cancel…)",
)
def take_transition(request: HttpRequest, mission_id: int, name: str):
    mission = services.get_mission(request.user, mission_id)
    return _out(request, services.transition(request.user, mission, name))
