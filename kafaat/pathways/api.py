"""Pathway endpoints: a person's steps and timeline, recording a step, the referral inbox, due follow-ups."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from kafaat.core import access
from kafaat.core.api_schema import IsoDate, inline_choices
from kafaat.pathways import services
from kafaat.pathways.models import (
    ContractType,
    Credential,
    DropoutReason,
    PlacementType,
    ReferralTarget,
    Step,
    StepKind,
    StepStatus,
    WageBand,
)
from kafaat.registry import list_audit
from kafaat.registry import services as registry
from kafaat.registry.access_rules import VIEW_PERSON
from kafaat.registry.api import organisation_by_code
from kafaat.registry.list_audit import AuditedPages

router = Router(tags=["pathways"])
PlacementContract = inline_choices(ContractType)  # labour has a ContractType too


class StepSchema(Schema):
    id: int
    person_id: int
    kind: StepKind
    date: date
    end_date: date | None
    status: StepStatus
    parent_id: int | None
    organisation: str = Field(..., alias="organisation.code")
    project: str = Field(..., alias="project.code")
    outcome: str
    external_id: str
    skill_level: str
    prior_learning_recognised: bool | None
    referral_target: str
    target_organisation: str | None = Field(None, alias="target_organisation.code")
    responded_at: datetime | None
    programme: str
    training_programme_id: int | None = Field(None, description="the catalogue's programme the text names")
    programme_to_match: bool = Field(False, description="a programme in free text, not in the catalogue")
    cohort: str
    dropout_reason: str
    credential: str
    level: str
    placement_type: str
    employer_name: str
    employer_id: int | None = Field(None, description="the registry's employer the text names")
    employer_to_match: bool = Field(False, description="an employer in free text, not in the registry")
    sector: str
    contract_type: str
    wage_band: str
    follow_up_months: int | None
    still_employed: bool | None
    income_band: str


class StepIn(Schema):
    kind: StepKind
    project: str = Field(..., max_length=40, description="code of the project")
    date: IsoDate
    parent: int | None = Field(None, description="id of the step this one answers to")
    outcome: str = Field("", max_length=300)
    external_id: str = Field("", max_length=64)
    # Fields of some kinds only (see KIND_FIELDS); sending one that does not belong to the kind is a 400.
    skill_level: str | None = Field(None, max_length=20)
    prior_learning_recognised: bool | None = None
    referral_target: ReferralTarget | None = None
    target_organisation: str | None = Field(None, max_length=40, description="code of the organisation")
    programme: str | None = Field(
        None,
        max_length=200,
        description="as the catalogue names it ('Title — Establishment', a title or a code): linked when it "
        "names one programme, else kept and marked to be matched",
    )
    cohort: str | None = Field(None, max_length=100)
    dropout_reason: DropoutReason | None = None
    credential: Credential | None = None
    level: str | None = Field(None, max_length=50)
    placement_type: PlacementType | None = None
    employer_name: str | None = Field(
        None,
        max_length=200,
        description="as the employers' registry names it ('Name — Territory', or a name): linked when found, "
        "else kept and marked to be matched",
    )
    sector: str | None = Field(None, pattern=r"^[A-U]$", description="ISIC section letter")
    contract_type: PlacementContract | None = None
    wage_band: WageBand | None = None
    follow_up_months: int | None = Field(None, ge=0, le=120)
    still_employed: bool | None = None
    income_band: WageBand | None = None


KIND_FIELD_NAMES = frozenset(name for names in services.KIND_FIELDS.values() for name in names)


class TimelineEntrySchema(Schema):
    on: date
    kind: str
    label: str
    detail: str
    step_id: int | None = Field(None, alias="step.id")


class ReferralSchema(Schema):
    id: int
    person_id: int
    person_name: str = Field(..., alias="person.display_name")
    date: date
    status: StepStatus
    referral_target: str
    programme: str
    outcome: str
    organisation: str = Field(..., alias="organisation.code")
    target_organisation: str = Field(..., alias="target_organisation.code")
    project: str = Field(..., alias="project.code")
    responded_at: datetime | None


class ReferralFilters(Schema):
    status: StepStatus | None = None


class RespondIn(Schema):
    note: str = Field("", max_length=300)


class DueSchema(Schema):
    person_id: int = Field(..., alias="person.id")
    person_name: str = Field(..., alias="person.display_name")
    what: str
    due_on: date
    placement_id: int | None = Field(None, alias="placement.id")
    months: int | None


class DueFilters(Schema):
    until: IsoDate | None = Field(None, description="default: a week from today")
    mine: bool = Field(True, description="only the people whose case worker I am")


STEP_RELATED = ("organisation", "project", "target_organisation")


@router.get(
    "/people/{int:person_id}/steps", response=list[StepSchema], summary="A person's steps, oldest first"
)
def list_steps(request: HttpRequest, person_id: int):
    person = registry.get_person(request.user, person_id)
    steps = access.scoped(request.user, VIEW_PERSON, Step.objects.filter(person=person))
    return list(steps.select_related(*STEP_RELATED).order_by("date", "id"))


def _step_fields(payload: StepIn) -> dict[str, Any]:
    sent = payload.model_dump(include=set(KIND_FIELD_NAMES), exclude_none=True)
    fields: dict[str, Any] = {name: getattr(value, "value", value) for name, value in sent.items()}
    if "target_organisation" in fields:
        fields["target_organisation"] = organisation_by_code(
            "target_organisation", fields["target_organisation"]
        )
    return fields


@router.post(
    "/people/{int:person_id}/steps", response={201: StepSchema}, summary="Record a step under the rules"
)
def record_step(request: HttpRequest, person_id: int, payload: StepIn):
    person = registry.get_person_for_change(request.user, person_id)
    project = services.projects_for(request.user).filter(code=payload.project).first()
    if project is None:
        raise ValidationError(
            {"project": [_("Unknown project, or your organisation does not take part in it.")]}
        )
    parent = None
    if payload.parent is not None:
        parent = Step.objects.filter(pk=payload.parent, person=person).first()
        if parent is None:
            raise ValidationError({"parent": [_("This person has no such step.")]})
    organisation = registry.acting_organisation(request.user, person)
    if (
        payload.external_id
        and Step.objects.filter(organisation=organisation, external_id=payload.external_id).exists()
    ):
        raise ValidationError({"external_id": [_("This external id is already used in your organisation.")]})
    step = services.record_step(
        request.user,
        person,
        payload.kind,
        project=project,
        on=payload.date,
        parent=parent,
        organisation=organisation,
        outcome=payload.outcome,
        external_id=payload.external_id,
        **_step_fields(payload),
    )
    return Status(201, Step.objects.select_related(*STEP_RELATED).get(pk=step.pk))


@router.get(
    "/people/{int:person_id}/timeline",
    response=list[TimelineEntrySchema],
    summary="Steps, consents and record changes, oldest first",
)
def timeline(request: HttpRequest, person_id: int):
    person = registry.get_person(request.user, person_id)
    return services.timeline(request.user, person)


@router.get("/referrals/inbox", response=list[ReferralSchema], summary="Referrals sent to my organisations")
@paginate(AuditedPages, shown="api/referrals/inbox", person_field="person_id")
def referral_inbox(request: HttpRequest, filters: Query[ReferralFilters]):
    referrals = services.referral_inbox(request.user)
    return referrals.filter(status=filters.status) if filters.status else referrals


def _respond(request: HttpRequest, referral_id: int, accept: bool, note: str) -> Step:
    if not services.referral_inbox(request.user).filter(pk=referral_id).exists():
        raise access.OutOfScope(Step, referral_id)  # another organisation's: do not reveal that it exists
    services.respond_to_referral(request.user, referral_id, accept=accept, note=note)
    return services.referral_inbox(request.user).get(pk=referral_id)


@router.post(
    "/referrals/{int:referral_id}/accept", response=ReferralSchema, summary="Accept: the person is shared"
)
def accept_referral(request: HttpRequest, referral_id: int, payload: RespondIn | None = None):
    return _respond(request, referral_id, True, payload.note if payload else "")


@router.post("/referrals/{int:referral_id}/decline", response=ReferralSchema, summary="Decline a referral")
def decline_referral(request: HttpRequest, referral_id: int, payload: RespondIn | None = None):
    return _respond(request, referral_id, False, payload.note if payload else "")


@router.get("/caseload/due", response=list[DueSchema], summary="Follow-ups due at 3, 6 and 12 months")
def due_follow_ups(request: HttpRequest, filters: Query[DueFilters]):
    due = services.due_follow_ups(request.user, until=filters.until, mine_only=filters.mine)
    list_audit.record_list(request.user, (item.person.pk for item in due), shown="api/caseload/due")
    return due
