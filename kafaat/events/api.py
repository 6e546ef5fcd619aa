"""Events endpoints: events, sessions, registrations and their workflow, attendance, check-in, sign-in sheets.

A token may do what its user's roles allow: a phone app holding one checks badges in with
`POST /events/sessions/{id}/check-in`.
"""

from datetime import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from kafaat.core.api_schema import IsoDate, Pages, inline_choices
from kafaat.core.models import Project, Territory
from kafaat.events import invitations, services, workflow
from kafaat.events.models import EventType, ParticipantRole, RegistrationStatus

router = Router(tags=["events"])
Role = inline_choices(ParticipantRole)
Status_ = inline_choices(RegistrationStatus)
Type = inline_choices(EventType)


class EventSchema(Schema):
    id: int
    uid: str
    type: Type
    name_fr: str
    name_ar: str
    name_en: str
    parent: int | None = Field(None, alias="parent_id")
    organiser: str = Field(..., alias="organiser.code")
    project: str | None = Field(None, alias="project.code")
    start_date: IsoDate
    end_date: IsoDate
    territory: str = Field(..., alias="territory.code")
    venue: str
    country: str
    capacity: int | None
    languages: list[str]
    is_cancelled: bool

    @staticmethod
    def resolve_uid(obj) -> str:
        return str(obj.uid)


class EventIn(Schema):
    type: Type
    name_fr: str = Field(..., min_length=1, max_length=200)
    name_ar: str = Field("", max_length=200)
    name_en: str = Field("", max_length=200)
    organiser: str = Field(..., max_length=40, description="code of the organising organisation")
    parent: int | None = Field(None, ge=1, le=2**31 - 1, description="id of the event this one is part of")
    project: str | None = Field(None, max_length=40, description="project code")
    start_date: IsoDate
    end_date: IsoDate
    territory: str = Field(..., max_length=20, description="territory code")
    venue: str = Field("", max_length=200)
    country: str = Field("MA", min_length=2, max_length=2, description="ISO 3166 code")
    capacity: int | None = Field(None, ge=1, le=100_000)
    languages: list[str] = Field(default_factory=list, max_length=5)
    description: str = Field("", max_length=5000)


class EventPatch(Schema):
    name_fr: str | None = Field(None, min_length=1, max_length=200)
    name_ar: str | None = Field(None, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    venue: str | None = Field(None, max_length=200)
    capacity: int | None = Field(None, ge=1, le=100_000)
    is_cancelled: bool | None = None


class EventFilterSchema(Schema):
    type: Type | None = None
    project: str | None = Field(None, max_length=40)
    territory: str | None = Field(None, max_length=20)
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None
    q: str | None = Field(None, max_length=100)


class SessionSchema(Schema):
    id: int
    event: int = Field(..., alias="event_id")
    title: str
    starts_at: datetime
    ends_at: datetime


class SessionIn(Schema):
    title: str = Field("", max_length=200)
    starts_at: datetime
    ends_at: datetime


class RegistrationSchema(Schema):
    id: int
    event: int = Field(..., alias="event_id")
    contact: int | None = Field(None, alias="contact_id")
    person: int | None = Field(None, alias="person_id")
    status: Status_
    role: Role
    language: str
    badge_code: str
    sessions_attended: list[int]

    @staticmethod
    def resolve_sessions_attended(obj) -> list[int]:
        return sorted(a.session_id for a in obj.attendances.all())


class RegistrationIn(Schema):
    contact: int | None = Field(None, ge=1, le=2**31 - 1, description="id of a contact of the directory")
    person: int | None = Field(None, ge=1, le=2**31 - 1, description="id of a beneficiary you may see")
    status: Status_ = RegistrationStatus.INVITED
    role: Role = ParticipantRole.PARTICIPANT
    language: str = Field("fr", pattern="^(fr|ar|en)$")


class RegistrationTransitionIn(Schema):
    action: str = Field(..., max_length=30, description="one of: " + ", ".join(workflow.TRANSITIONS))


class RegistrationAttendanceIn(Schema):
    session: int = Field(..., ge=1, le=2**31 - 1)
    present: bool = True


class CheckInIn(Schema):
    code: str = Field(..., min_length=1, max_length=200, description="the badge code (or the QR code's text)")


class CheckInSchema(Schema):
    outcome: str = Field(..., description="ok, already, unknown, other_event or withdrawn")
    message: str
    registration: int | None = None
    recorded_at: datetime | None = None


class MailIn(Schema):
    kind: str = Field("invitation", pattern="^(invitation|reminder)$")
    registrations: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] | None = Field(None, max_length=10_000)


class JobSchema(Schema):
    id: str
    status: str
    message: str

    @staticmethod
    def resolve_id(obj) -> str:
        return str(obj.pk)


class ImportJobSchema(Schema):
    id: str
    status: str
    rows_read: int
    imported: int
    already_imported: int
    rejected: int
    error_count: int
    errors: list[Any]
    details: dict[str, Any]
    message: str

    @staticmethod
    def resolve_id(obj) -> str:
        return str(obj.pk)


def _territory(code: str) -> Territory:
    territory = Territory.objects.filter(code=code).first()
    if territory is None:
        raise ValidationError({"territory": [_("Unknown territory: %(code)s.") % {"code": code}]})
    return territory


def _event_data(request: HttpRequest, payload: EventIn) -> dict[str, Any]:
    from kafaat.registry.api import organisation_by_code

    data = payload.model_dump(exclude={"organiser", "parent", "project", "territory"})
    data["type"] = payload.type.value
    data["organiser"] = organisation_by_code("organiser", payload.organiser)
    data["territory"] = _territory(payload.territory)
    data["parent"] = services.get_event(request.user, payload.parent) if payload.parent else None
    data["project"] = None
    if payload.project:
        data["project"] = Project.objects.filter(code=payload.project).first()
        if data["project"] is None:
            raise ValidationError({"project": [_("Unknown project: %(code)s.") % {"code": payload.project}]})
    return data


@router.get("/events", response=list[EventSchema], summary="Events in scope")
@paginate(Pages, page_size=50)
def list_events(request: HttpRequest, filters: Query[EventFilterSchema]):
    return services.list_events(
        request.user,
        services.EventFilters(
            type=filters.type.value if filters.type else None,
            project=filters.project,
            territory=filters.territory,
            date_from=filters.date_from,
            date_to=filters.date_to,
            query=filters.q,
        ),
    )


@router.post("/events", response={201: EventSchema}, summary="Create an event")
def create_event(request: HttpRequest, payload: EventIn):
    event = services.create_event(request.user, _event_data(request, payload))
    return Status(201, services.get_event(request.user, event.pk))


@router.get("/events/{int:pk}", response=EventSchema, summary="One event")
def get_event(request: HttpRequest, pk: int):
    return services.get_event(request.user, pk)


@router.patch("/events/{int:pk}", response=EventSchema, summary="Edit an event")
def update_event(request: HttpRequest, pk: int, payload: EventPatch):
    event = services.get_event(request.user, pk)
    services.update_event(request.user, event, payload.model_dump(exclude_unset=True))
    return services.get_event(request.user, pk)


@router.get("/events/{int:pk}/calendar.ics", summary="The event as an iCalendar file")
def event_calendar(request: HttpRequest, pk: int):
    event = services.get_event(request.user, pk)
    response = HttpResponse(invitations.calendar_of(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{invitations.ics_file_name(event)}"'
    return response


@router.get("/events/{int:pk}/sessions", response=list[SessionSchema], summary="Its sessions")
def list_sessions(request: HttpRequest, pk: int):
    return services.sessions_of(services.get_event(request.user, pk))


@router.post("/events/{int:pk}/sessions", response={201: SessionSchema}, summary="Add a session")
def add_session(request: HttpRequest, pk: int, payload: SessionIn):
    event = services.get_event(request.user, pk)
    session = services.add_session(
        request.user, event, starts_at=payload.starts_at, ends_at=payload.ends_at, title=payload.title
    )
    return Status(201, session)


@router.put("/events/sessions/{int:pk}", response=SessionSchema, summary="Change a session")
def update_session(request: HttpRequest, pk: int, payload: SessionIn):
    session = services.get_session(request.user, pk)
    return services.update_session(
        request.user, session, starts_at=payload.starts_at, ends_at=payload.ends_at, title=payload.title
    )


@router.delete(
    "/events/sessions/{int:pk}", response={204: None}, summary="Delete a session with no attendance"
)
def delete_session(request: HttpRequest, pk: int):
    services.delete_session(request.user, services.get_session(request.user, pk))
    return Status(204, None)


@router.get("/events/{int:pk}/registrations", response=list[RegistrationSchema], summary="Its registrants")
@paginate(Pages, page_size=100)
def list_registrations(request: HttpRequest, pk: int, status: Status_ | None = None):
    event = services.get_event(request.user, pk)
    return _AuditedList(request.user, event, services.registrations_of(request.user, event, status=status))


class _AuditedList:
    """The queryset, audited for the slice that is actually returned (one `list` event per page)."""

    def __init__(self, user, event, queryset) -> None:
        self.user, self.event, self.queryset = user, event, queryset

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        rows = list(self.queryset[item])
        services.record_list_read(self.user, self.event, rows)
        return rows


@router.post(
    "/events/{int:pk}/registrations", response={201: RegistrationSchema}, summary="Invite or register"
)
def register(request: HttpRequest, pk: int, payload: RegistrationIn):
    event = services.get_event(request.user, pk)
    if (payload.contact is None) == (payload.person is None):
        raise ValidationError({"contact": [_("Give either a contact or a beneficiary.")]})
    options = {"status": payload.status.value, "role": payload.role.value, "language": payload.language}
    if payload.contact:
        from kafaat.contacts.models import Contact

        contact = Contact.objects.filter(pk=payload.contact).first()
        if contact is None:
            from kafaat.core.access import OutOfScope

            raise OutOfScope(Contact, payload.contact)
        registration = services.register_contact(request.user, event, contact, **options)
    else:
        registration = services.register_person(request.user, event, payload.person, **options)
    return Status(201, services.get_registration(request.user, registration.pk))


@router.post(
    "/registrations/{int:pk}/transitions", response=RegistrationSchema, summary="Take a step of the workflow"
)
def take_transition(request: HttpRequest, pk: int, payload: RegistrationTransitionIn):
    registration = services.get_registration(request.user, pk)
    services.transition(request.user, registration, payload.action)
    return services.get_registration(request.user, pk)


@router.post("/registrations/{int:pk}/attendance", response=RegistrationSchema, summary="Present or absent")
def set_attendance(request: HttpRequest, pk: int, payload: RegistrationAttendanceIn):
    registration = services.get_registration(request.user, pk)
    session = services.get_session(request.user, payload.session)
    services.record_attendance(request.user, registration, session, present=payload.present)
    return services.get_registration(request.user, pk)


@router.post("/events/sessions/{int:pk}/check-in", response=CheckInSchema, summary="Check a badge in")
def check_in(request: HttpRequest, pk: int, payload: CheckInIn):
    session = services.get_session(request.user, pk)
    services.check_in_allowed(request.user, session)
    result = services.check_in(request.user, session, payload.code)
    return {
        "outcome": result.outcome,
        "message": services.describe_check_in(result),
        "registration": result.registration.pk if result.registration and result.ok else None,
        "recorded_at": result.recorded_at,
    }


@router.post("/events/{int:pk}/mail", response={202: JobSchema}, summary="Send invitations or reminders")
def send_mail(request: HttpRequest, pk: int, payload: MailIn):
    event = services.get_event(request.user, pk)
    return Status(202, invitations.queue_mail(request.user, event, payload.kind, payload.registrations))


@router.post(
    "/events/{int:pk}/sign-in-sheets", response={202: ImportJobSchema}, summary="Import a sign-in sheet"
)
def import_sign_in_sheet(request: HttpRequest, pk: int, file: File[UploadedFile], dry_run: bool = False):
    event = services.get_event(request.user, pk)
    return Status(202, services.start_sign_in_import(request.user, event, file, dry_run=dry_run))
