"""Calls and applications (/api/grants/calls…, /api/grants/applications…): the officer sets up a call and its
lots and publishes it; the applicant writes an application (details, budget lines, target groups,
contributions, documents), submits and withdraws it. A refused transition answers 409 with the reason; an
id out of sight 404; a role that may not 403; bad input 400."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import BeforeValidator, WithJsonSchema

from kafaat.core.api_schema import MAX_PAGE, Pages, inline_choices
from kafaat.grants import access_rules, workflows
from kafaat.grants.models import Application, BudgetLine, Call, TargetGroup
from kafaat.grants.services import applications, calls
from kafaat.grants.services import documents as grant_documents
from kafaat.grants.services.workflow import TransitionRefused

router = Router(tags=["grants"])
Procedure = inline_choices(Call.Procedure)
Category = inline_choices(BudgetLine.Category)
Group = inline_choices(TargetGroup.Group)
Language = inline_choices(Application.Language)
_ID = Field(..., ge=1, le=2**31 - 1)


def _amount(digits: int) -> Any:
    """A non-negative amount written as text ("1500.50"): up to `digits` digits and 2 decimals. The schema
    says so exactly, so generated input and the service agree; limits beyond it (above zero, at most 100)
    are the service's (400 with the field)."""
    pattern = re.compile(rf"\d{{1,{digits}}}(\.\d{{1,2}})?")

    def check(value: Any) -> Any:
        if isinstance(value, str) and pattern.fullmatch(value):
            return value
        raise ValueError(f'an amount is written as text, up to {digits} digits and 2 decimals: "1500.50"')

    schema = {"type": "string", "pattern": f"^{pattern.pattern}$"}
    return Annotated[Decimal, BeforeValidator(check), WithJsonSchema(schema)]


Money = _amount(12)
Quantity = _amount(10)
Points = _amount(3)


class GrantLot(Schema):
    id: int
    code: str
    name_fr: str
    name_ar: str
    name_en: str
    budget: Decimal
    territory: str | None = Field(None, alias="territory.code")
    target_group: str


class GrantLotIn(Schema):
    code: str = Field(..., min_length=1, max_length=20)
    name_fr: str = Field(..., min_length=1, max_length=200)
    name_ar: str = Field("", max_length=200)
    name_en: str = Field("", max_length=200)
    budget: Money
    territory: str | None = Field(None, max_length=20, description="territory code, e.g. MA-02")
    target_group: str = Field("", max_length=200)


class GrantLotPatch(Schema):
    code: str | None = Field(None, min_length=1, max_length=20)
    name_fr: str | None = Field(None, min_length=1, max_length=200)
    name_ar: str | None = Field(None, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    budget: Money | None = None
    territory: str | None = Field(None, max_length=20)
    target_group: str | None = Field(None, max_length=200)


class GrantCall(Schema):
    id: int
    code: str
    name_fr: str
    name_ar: str
    name_en: str
    project: str = Field(..., alias="project.code")
    organisation: str = Field(..., alias="organisation.code")
    procedure: str
    status: str
    description_fr: str
    description_ar: str
    description_en: str
    currency: str
    min_grant: Decimal
    max_grant: Decimal
    cofinancing_rate: Decimal
    opens_at: datetime
    closes_at: datetime
    full_closes_at: datetime | None
    blind_review: bool
    reviewers_per_application: int
    spread_threshold: Decimal
    pass_mark: Decimal
    lots: list[GrantLot] = []

    @staticmethod
    def resolve_lots(obj) -> list:
        return list(obj.lots.select_related("territory"))


class GrantCallIn(Schema):
    code: str = Field(..., min_length=1, max_length=40, pattern=r"^[-a-zA-Z0-9_]+$")
    project: int = _ID
    procedure: Procedure
    name_fr: str = Field(..., min_length=1, max_length=200)
    name_ar: str = Field("", max_length=200)
    name_en: str = Field("", max_length=200)
    description_fr: str = Field("", max_length=20000)
    description_ar: str = Field("", max_length=20000)
    description_en: str = Field("", max_length=20000)
    min_grant: Money
    max_grant: Money
    cofinancing_rate: Points = Decimal("0")
    opens_at: datetime
    closes_at: datetime
    full_closes_at: datetime | None = None
    blind_review: bool = False
    reviewers_per_application: int = Field(3, ge=1, le=10)
    spread_threshold: Points = Decimal("20")
    pass_mark: Points = Decimal("50")


class GrantCallPatch(Schema):
    name_fr: str | None = Field(None, min_length=1, max_length=200)
    name_ar: str | None = Field(None, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    description_fr: str | None = Field(None, max_length=20000)
    description_ar: str | None = Field(None, max_length=20000)
    description_en: str | None = Field(None, max_length=20000)
    min_grant: Money | None = None
    max_grant: Money | None = None
    cofinancing_rate: Points | None = None
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    full_closes_at: datetime | None = None
    blind_review: bool | None = None
    reviewers_per_application: int | None = Field(None, ge=1, le=10)
    spread_threshold: Points | None = None
    pass_mark: Points | None = None


class ProposalTargetGroup(Schema):
    group: Group
    women: int = Field(0, ge=0, le=1_000_000)
    men: int = Field(0, ge=0, le=1_000_000)


class ProposalContribution(Schema):
    indicator: int = _ID
    target: Money


class ProposalBudgetLine(Schema):
    category: Category
    description: str = Field(..., min_length=1, max_length=300)
    unit: str = Field(..., min_length=1, max_length=40)
    quantity: Quantity
    unit_cost: Money
    cofinancing: Money = Decimal("0")


class ProposalBudgetLineOut(Schema):
    category: str
    description: str
    unit: str
    quantity: Decimal
    unit_cost: Decimal
    cofinancing: Decimal
    total: Decimal


class ProposalContributionOut(Schema):
    indicator: int
    target: Decimal


class ProposalDocument(Schema):
    id: int
    kind: str
    name: str
    size: int
    uploaded_at: datetime


class ProposalOut(Schema):
    id: int
    reference: str
    call: int
    lot: int
    organisation: str | None
    status: str
    public_status: str
    title: str
    summary: str
    territory: str | None
    duration_months: int | None
    language: str
    partners: list[int]
    total_cost: Decimal
    requested_amount: Decimal
    deadline: datetime | None
    concept_submitted_at: datetime | None
    submitted_at: datetime | None
    transitions: list[str]
    target_groups: list[ProposalTargetGroup]
    contributions: list[ProposalContributionOut]
    budget_lines: list[ProposalBudgetLineOut]
    documents: list[ProposalDocument]


class ProposalIn(Schema):
    call: int = _ID
    lot: int = _ID
    title: str = Field(..., min_length=1, max_length=300)
    language: Language = Application.Language.FR


class ProposalPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=300)
    summary: str | None = Field(None, max_length=20000)
    territory: str | None = Field(None, max_length=20, description="province code")
    duration_months: int | None = Field(None, ge=1, le=120)
    language: Language | None = None
    partners: list[int] | None = Field(None, max_length=50, description="organisation ids")


class ProposalWithdrawIn(Schema):
    reason: str = Field("", max_length=5000)


class ProposalRefusal(Schema):
    detail: str | dict | list


def _proposal(request: HttpRequest, application: Application) -> dict:
    user = request.user
    identity = access_rules.sees_applicant_identity(user, application)
    return {
        "id": application.pk,
        "reference": application.reference,
        "call": application.call_id,
        "lot": application.lot_id,
        "organisation": application.organisation.code if identity else None,
        "status": application.status,
        "public_status": str(workflows.state_of(application).public),
        "title": application.title,
        "summary": application.summary,
        "territory": application.territory.code if application.territory else None,
        "duration_months": application.duration_months,
        "language": application.language,
        "partners": [p.pk for p in application.partners.all()] if identity else [],
        "total_cost": application.total_cost,
        "requested_amount": application.requested_amount,
        "deadline": applications.deadline_of(application),
        "concept_submitted_at": application.concept_submitted_at,
        "submitted_at": application.submitted_at,
        "transitions": [t.name for t in access_rules.available_transitions(user, application)],
        "target_groups": list(application.target_groups.all()),
        "contributions": [
            {"indicator": c.indicator_id, "target": c.target} for c in application.contributions.all()
        ],
        "budget_lines": list(application.budget_lines.all()),
        "documents": list(application.documents.all()),
    }


def _refused(error: TransitionRefused):
    detail = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return Status(409, {"detail": detail})


# --- Calls -------------------------------------------------------------------------------------------------


@router.get(
    "/grants/calls", response=list[GrantCall], summary="Calls: the published ones and those you manage"
)
@paginate(Pages, page_size=50)
def list_calls(request: HttpRequest):
    return calls.visible_calls(request.user).prefetch_related("lots__territory")


@router.get("/grants/calls/{int:pk}", response=GrantCall, summary="One call")
def get_call(request: HttpRequest, pk: int):
    return calls.get_call(request.user, pk)


@router.post("/grants/calls", response={201: GrantCall}, summary="Prepare a call (grants officer)")
def create_call(request: HttpRequest, payload: GrantCallIn):
    data = payload.model_dump()
    data["procedure"] = payload.procedure.value
    return Status(201, calls.create_call(request.user, data))


@router.patch("/grants/calls/{int:pk}", response=GrantCall, summary="Change a call")
def update_call(request: HttpRequest, pk: int, payload: GrantCallPatch):
    call = calls.get_managed_call(request.user, pk)
    return calls.update_call(request.user, call, payload.model_dump(exclude_unset=True))


@router.post(
    "/grants/calls/{int:pk}/lots", response={201: GrantLot}, summary="Add a lot (call in preparation)"
)
def add_lot(request: HttpRequest, pk: int, payload: GrantLotIn):
    call = calls.get_managed_call(request.user, pk)
    return Status(201, calls.add_lot(request.user, call, payload.model_dump()))


@router.patch("/grants/lots/{int:pk}", response=GrantLot, summary="Change a lot (call in preparation)")
def update_lot(request: HttpRequest, pk: int, payload: GrantLotPatch):
    lot = calls.get_lot(request.user, pk)
    return calls.update_lot(request.user, lot, payload.model_dump(exclude_unset=True))


@router.post(
    "/grants/calls/{int:pk}/publish", response=GrantCall, summary="Publish a call (after its checks)"
)
def publish_call(request: HttpRequest, pk: int):
    return calls.publish(request.user, calls.get_managed_call(request.user, pk))


@router.post("/grants/calls/{int:pk}/close", response=GrantCall, summary="Close a published call")
def close_call(request: HttpRequest, pk: int):
    return calls.close(request.user, calls.get_managed_call(request.user, pk))


# --- Applications ------------------------------------------------------------------------------------------


class ProposalPage(Schema):
    items: list[ProposalOut]
    count: int


@router.get("/grants/applications", response=ProposalPage, summary="Your organisation's applications")
def list_applications(
    request: HttpRequest,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(50, ge=1, le=200),
):
    rows = applications.my_applications(request.user).prefetch_related(
        "partners", "target_groups", "contributions", "budget_lines", "documents"
    )
    start = (page - 1) * page_size
    return {"items": [_proposal(request, a) for a in rows[start : start + page_size]], "count": rows.count()}


@router.post("/grants/applications", response={201: ProposalOut}, summary="Start an application (applicant)")
def start_application(request: HttpRequest, payload: ProposalIn):
    call = calls.get_call(request.user, payload.call)
    lot = calls.get_lot(request.user, payload.lot)
    application = applications.start_application(
        request.user, call, lot, title=payload.title, language=payload.language.value
    )
    return Status(201, _proposal(request, application))


@router.get("/grants/applications/{int:pk}", response=ProposalOut, summary="One application")
def get_application(request: HttpRequest, pk: int):
    return _proposal(request, applications.get_application(request.user, pk))


@router.patch(
    "/grants/applications/{int:pk}", response=ProposalOut, summary="Change an application's details"
)
def update_application(request: HttpRequest, pk: int, payload: ProposalPatch):
    application = applications.get_application(request.user, pk)
    data = payload.model_dump(exclude_unset=True)
    if "language" in data and payload.language is not None:
        data["language"] = payload.language.value
    if data.get("territory"):
        province = applications.provinces_for(application.lot).filter(code=data["territory"]).first()
        data["territory"] = province.pk if province else -1
    application = applications.update_details(request.user, application, data)
    return _proposal(request, application)


@router.put(
    "/grants/applications/{int:pk}/target-groups", response=ProposalOut, summary="Replace target groups"
)
def set_target_groups(request: HttpRequest, pk: int, payload: list[ProposalTargetGroup]):
    application = applications.get_application(request.user, pk)
    rows = [{"group": row.group.value, "women": row.women, "men": row.men} for row in payload[:20]]
    applications.set_target_groups(request.user, application, rows)
    return _proposal(request, application)


@router.put(
    "/grants/applications/{int:pk}/contributions", response=ProposalOut, summary="Replace contributions"
)
def set_contributions(request: HttpRequest, pk: int, payload: list[ProposalContribution]):
    application = applications.get_application(request.user, pk)
    applications.set_contributions(request.user, application, [row.model_dump() for row in payload[:100]])
    return _proposal(request, application)


@router.put("/grants/applications/{int:pk}/budget", response=ProposalOut, summary="Replace the budget lines")
def set_budget(request: HttpRequest, pk: int, payload: list[ProposalBudgetLine]):
    application = applications.get_application(request.user, pk)
    rows = [{**row.model_dump(), "category": row.category.value} for row in payload]
    application = applications.set_budget(request.user, application, rows)
    return _proposal(request, application)


@router.post(
    "/grants/applications/{int:pk}/documents", response={201: ProposalDocument}, summary="Attach a document"
)
def add_document(request: HttpRequest, pk: int, file: File[UploadedFile], kind: Form[str] = ""):
    application = applications.get_application(request.user, pk)
    return Status(201, grant_documents.add_document(request.user, application, kind[:20], file))


@router.post(
    "/grants/applications/{int:pk}/submit",
    response={200: ProposalOut, 409: ProposalRefusal},
    summary="Submit the concept note or the application (409 with the reason when refused)",
)
def submit(request: HttpRequest, pk: int):
    application = applications.get_application(request.user, pk)
    try:
        application = applications.submit(request.user, application)
    except TransitionRefused as error:
        return _refused(error)
    return _proposal(request, application)


@router.post(
    "/grants/applications/{int:pk}/withdraw",
    response={200: ProposalOut, 409: ProposalRefusal},
    summary="Withdraw the application",
)
def withdraw(request: HttpRequest, pk: int, payload: ProposalWithdrawIn):
    application = applications.get_application(request.user, pk)
    try:
        application = applications.withdraw(request.user, application, payload.reason)
    except TransitionRefused as error:
        return _refused(error)
    return _proposal(request, application)
