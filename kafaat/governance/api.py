"""Working groups' endpoints: groups, members, meetings, agenda, participants, minutes, outcomes, actions;
meetings and actions move by named transitions (`POST …/transitions/{name}`)."""

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from kafaat.core import access
from kafaat.core.api_schema import IsoDate, Pages, inline_choices
from kafaat.governance import access_rules, services, workflows
from kafaat.governance.models import Action, MemberRole, Outcome

router = Router(tags=["governance"])
OutcomeKind = inline_choices(Outcome.Kind)
Role = inline_choices(MemberRole)
_ID = Field(..., ge=1, le=2**31 - 1)


class GroupSchema(Schema):
    id: int
    code: str
    name_fr: str
    name_ar: str
    name_en: str
    kind: str
    territory: str = Field(..., alias="territory.code")
    secretariat: str = Field(..., alias="secretariat.code")
    mandate: str
    start_date: date
    end_date: date | None


class MemberSchema(Schema):
    id: int
    contact: int = Field(..., alias="contact_id")
    name: str
    role: str
    start_date: date
    end_date: date | None

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj.contact)


class MemberIn(Schema):
    contact: int = _ID
    role: Role = MemberRole.MEMBER
    start_date: IsoDate | None = None


class MemberEnd(Schema):
    end_date: IsoDate | None = None


class MeetingSchema(Schema):
    id: int
    group: int = Field(..., alias="group_id")
    title: str
    starts_at: datetime
    ends_at: datetime | None
    venue: str
    status: str
    closed_at: datetime | None
    transitions: list[str] = []


class MeetingIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    starts_at: datetime
    ends_at: datetime | None = None
    venue: str = Field("", max_length=200)


class MeetingPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    venue: str | None = Field(None, max_length=200)


class AgendaItemSchema(Schema):
    id: int
    position: int
    title: str
    presenter: int | None = Field(None, alias="presenter_id")
    duration_minutes: int | None


class AgendaItemIn(Schema):
    title: str = Field(..., min_length=1, max_length=300)
    presenter: int | None = Field(None, ge=1, le=2**31 - 1)
    duration_minutes: int | None = Field(None, ge=1, le=600)


class ParticipantSchema(Schema):
    contact: int = Field(..., alias="contact_id")
    name: str
    invited: bool
    attended: bool

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj.contact)


class InviteIn(Schema):
    contact: int = _ID


class AttendanceIn(Schema):
    attended: list[int] = Field(..., max_length=500, description="contact ids who attended")


class MinutesSchema(Schema):
    number: int
    text: str
    written_at: datetime


class MinutesIn(Schema):
    text: str = Field(..., min_length=1, max_length=services.MAX_MINUTES_CHARS)


class ActionSchema(Schema):
    id: int
    group: int = Field(..., alias="group_id")
    meeting: int = Field(..., alias="outcome.meeting_id")
    text: str = Field(..., alias="outcome.text")
    owner: int = Field(..., alias="owner_id")
    due_date: date
    status: str
    closed_on: date | None
    note: str
    overdue: bool = False


class OutcomeSchema(Schema):
    id: int
    kind: str
    text: str
    agenda_item: int | None = Field(None, alias="agenda_item_id")
    action: ActionSchema | None = None

    @staticmethod
    def resolve_action(obj):
        return getattr(obj, "action", None)


class OutcomeIn(Schema):
    kind: OutcomeKind
    text: str = Field(..., min_length=1, max_length=5000)
    agenda_item: int | None = Field(None, ge=1, le=2**31 - 1)
    owner: int | None = Field(None, ge=1, le=2**31 - 1, description="contact id; required for an action")
    due_date: IsoDate | None = Field(None, description="required for an action")


class TransitionIn(Schema):
    note: str | None = Field(None, max_length=5000)


def _meeting(request: HttpRequest, meeting) -> dict:
    transitions = [t.name for t in workflows.available(workflows.MEETING_TRANSITIONS, request.user, meeting)]
    return {
        **{
            f: getattr(meeting, f)
            for f in ("id", "group_id", "title", "starts_at", "ends_at", "venue", "status", "closed_at")
        },
        "transitions": transitions,
    }


def _action(action: Action) -> Action:
    action.overdue = services.is_overdue(action)
    return action


@router.get("/governance/groups", response=list[GroupSchema], summary="Working groups in scope")
@paginate(Pages, page_size=50)
def list_groups(request: HttpRequest):
    return services.visible_groups(request.user)


@router.get("/governance/groups/{int:pk}", response=GroupSchema, summary="One working group")
def get_group(request: HttpRequest, pk: int):
    return services.get_group(request.user, pk)


@router.get(
    "/governance/groups/{int:pk}/members", response=list[MemberSchema], summary="Members, past and present"
)
def list_members(request: HttpRequest, pk: int):
    return list(services.members_of(services.get_group(request.user, pk)))


@router.post("/governance/groups/{int:pk}/members", response={201: MemberSchema}, summary="Add a member")
def add_member(request: HttpRequest, pk: int, payload: MemberIn):
    group = services.get_group(request.user, pk)
    membership = services.add_member(
        request.user, group, payload.contact, role=payload.role.value, start_date=payload.start_date
    )
    return Status(201, membership)


@router.post("/governance/members/{int:pk}/end", response=MemberSchema, summary="End a membership")
def end_member(request: HttpRequest, pk: int, payload: MemberEnd):
    membership = services.get_membership(request.user, pk)
    return services.end_membership(request.user, membership, payload.end_date)


@router.get(
    "/governance/groups/{int:pk}/meetings", response=list[MeetingSchema], summary="The group's meetings"
)
def list_meetings(request: HttpRequest, pk: int):
    group = services.get_group(request.user, pk)
    return [_meeting(request, meeting) for meeting in services.meetings_of(group).select_related("group")]


@router.post("/governance/groups/{int:pk}/meetings", response={201: MeetingSchema}, summary="Plan a meeting")
def create_meeting(request: HttpRequest, pk: int, payload: MeetingIn):
    group = services.get_group(request.user, pk)
    meeting = services.create_meeting(request.user, group, payload.model_dump())
    return Status(201, _meeting(request, meeting))


@router.get(
    "/governance/groups/{int:pk}/actions", response=list[ActionSchema], summary="The group's open actions"
)
def list_open_actions(request: HttpRequest, pk: int):
    group = services.get_group(request.user, pk)
    return [_action(action) for action in services.open_actions(group)]


@router.get("/governance/meetings/{int:pk}", response=MeetingSchema, summary="One meeting")
def get_meeting(request: HttpRequest, pk: int):
    return _meeting(request, services.get_meeting(request.user, pk))


@router.patch("/governance/meetings/{int:pk}", response=MeetingSchema, summary="Edit an open meeting")
def update_meeting(request: HttpRequest, pk: int, payload: MeetingPatch):
    meeting = services.get_meeting(request.user, pk)
    meeting = services.update_meeting(request.user, meeting, payload.model_dump(exclude_unset=True))
    return _meeting(request, meeting)


@router.post(
    "/governance/meetings/{int:pk}/transitions/{name}",
    response=MeetingSchema,
    summary="Move a meeting: hold, close (needs minutes), cancel",
)
def meeting_transition(request: HttpRequest, pk: int, name: str):
    meeting = services.get_meeting(request.user, pk)
    return _meeting(request, services.transition_meeting(request.user, meeting, name))


@router.get("/governance/meetings/{int:pk}/agenda", response=list[AgendaItemSchema], summary="The agenda")
def list_agenda(request: HttpRequest, pk: int):
    return list(services.get_meeting(request.user, pk).agenda.order_by("position", "id"))


@router.post(
    "/governance/meetings/{int:pk}/agenda", response={201: AgendaItemSchema}, summary="Add an agenda item"
)
def add_agenda_item(request: HttpRequest, pk: int, payload: AgendaItemIn):
    meeting = services.get_meeting(request.user, pk)
    item = services.add_agenda_item(
        request.user,
        meeting,
        payload.title,
        presenter_id=payload.presenter,
        duration_minutes=payload.duration_minutes,
    )
    return Status(201, item)


@router.get(
    "/governance/meetings/{int:pk}/participants",
    response=list[ParticipantSchema],
    summary="Invited and attended",
)
def list_participants(request: HttpRequest, pk: int):
    return list(services.participants_of(services.get_meeting(request.user, pk)))


@router.post(
    "/governance/meetings/{int:pk}/participants",
    response={201: ParticipantSchema},
    summary="Invite a contact",
)
def invite(request: HttpRequest, pk: int, payload: InviteIn):
    meeting = services.get_meeting(request.user, pk)
    return Status(201, services.invite(request.user, meeting, payload.contact))


@router.put(
    "/governance/meetings/{int:pk}/attendance",
    response=list[ParticipantSchema],
    summary="Record who attended",
)
def record_attendance(request: HttpRequest, pk: int, payload: AttendanceIn):
    meeting = services.get_meeting(request.user, pk)
    services.record_attendance(request.user, meeting, payload.attended)
    return list(services.participants_of(meeting))


@router.get(
    "/governance/meetings/{int:pk}/minutes", response=list[MinutesSchema], summary="Minutes revisions"
)
def list_minutes(request: HttpRequest, pk: int):
    return list(services.get_meeting(request.user, pk).minutes_revisions.order_by("number"))


@router.post("/governance/meetings/{int:pk}/minutes", response={201: MinutesSchema}, summary="A new revision")
def write_minutes(request: HttpRequest, pk: int, payload: MinutesIn):
    meeting = services.get_meeting(request.user, pk)
    return Status(201, services.write_minutes(request.user, meeting, payload.text))


@router.get("/governance/meetings/{int:pk}/outcomes", response=list[OutcomeSchema], summary="Outcomes")
def list_outcomes(request: HttpRequest, pk: int):
    outcomes = list(services.outcomes_of(services.get_meeting(request.user, pk)))
    for outcome in outcomes:
        if hasattr(outcome, "action"):
            _action(outcome.action)
    return outcomes


@router.post(
    "/governance/meetings/{int:pk}/outcomes", response={201: OutcomeSchema}, summary="Add an outcome"
)
def add_outcome(request: HttpRequest, pk: int, payload: OutcomeIn):
    meeting = services.get_meeting(request.user, pk)
    outcome = services.add_outcome(
        request.user,
        meeting,
        payload.kind.value,
        payload.text,
        agenda_item_id=payload.agenda_item,
        owner_id=payload.owner,
        due_date=payload.due_date,
    )
    outcome = services.outcomes_of(meeting).get(pk=outcome.pk)
    if hasattr(outcome, "action"):
        _action(outcome.action)
    return Status(201, outcome)


@router.get(
    "/governance/meetings/{int:pk}/carried-actions",
    response=list[ActionSchema],
    summary="Open actions of earlier meetings, carried to this one",
)
def carried_actions(request: HttpRequest, pk: int):
    return [_action(a) for a in services.carried_actions(services.get_meeting(request.user, pk))]


@router.get("/governance/actions/{int:pk}", response=ActionSchema, summary="One action")
def get_action(request: HttpRequest, pk: int):
    return _action(services.get_action(request.user, pk))


@router.post(
    "/governance/actions/{int:pk}/transitions/{name}",
    response=ActionSchema,
    summary="Move an action: start, complete, drop, reopen",
)
def action_transition(request: HttpRequest, pk: int, name: str, payload: TransitionIn):
    action = services.get_action(request.user, pk)
    return _action(services.transition_action(request.user, action, name, note=payload.note))


@router.get("/governance/overdue-actions", response=list[ActionSchema], summary="Overdue actions you manage")
def overdue(request: HttpRequest):
    if not access.has_permission(request.user, access_rules.MANAGE_GROUPS):
        return []
    return [_action(a) for a in services.overdue_actions(request.user)[:200]]
