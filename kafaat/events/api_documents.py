"""API of an event's scores, survey, certificates and documents (the documents side of events).

Same rules as the pages: the event is found through the access mechanism (out of scope: 404), writing needs
MANAGE_EVENTS (403 otherwise), documents with names need VIEW_PARTICIPANTS; a certificate not earned is a
400 with the reason; summaries are suppressed for aggregate-only callers.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from ninja import Field, Router, Schema, Status

from kafaat.core import access, audit
from kafaat.events.access_rules import MANAGE_EVENTS, VIEW_EVENTS, VIEW_PARTICIPANTS
from kafaat.events.documents import badges_pdf, certificate_pdf, sign_in_sheet_pdf
from kafaat.events.models import Event, Registration
from kafaat.events.outcomes import certificates, scores, trainers
from kafaat.events.registrant_names import registrants

router = Router(tags=["event documents"])
PDF_RESPONSE = {
    "200": {
        "description": "A PDF file",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _event(request: HttpRequest, event_id: int, permission: str) -> Event:
    event = access.get_object_or_404(request.user, VIEW_EVENTS, Event.objects.all(), pk=event_id)
    access.require(request.user, permission, event)
    return event


class ScoreIn(Schema):
    registration: int = Field(..., ge=1, le=2**31 - 1)
    pre: float | None = Field(None, ge=0, le=100, allow_inf_nan=False, description="percent; null: none")
    post: float | None = Field(None, ge=0, le=100, allow_inf_nan=False, description="percent; null: none")


class ScoreOut(Schema):
    registration: int
    pre: float | None
    post: float | None
    gain: float | None


class SummaryOut(Schema):
    n: int | None = Field(..., description="answers (knowledge: participants with both scores); null: hidden")
    averages: dict[str, float | None]
    distribution: dict[str, int | None]
    suppressed: bool


class SummariesOut(Schema):
    knowledge: SummaryOut
    satisfaction: SummaryOut


class SurveyIn(Schema):
    registration: int | None = Field(None, ge=1, le=2**31 - 1, description="null: an anonymous answer")
    overall: int = Field(..., ge=1, le=5)
    content: int | None = Field(None, ge=1, le=5)
    organisation: int | None = Field(None, ge=1, le=5)
    usefulness: int | None = Field(None, ge=1, le=5)
    comment: str = Field("", max_length=2000)


class SurveyOut(Schema):
    id: int
    anonymous: bool


class CertificateOut(Schema):
    number: str
    language: str
    sessions_attended: int
    sessions_total: int
    registration: int = Field(..., alias="registration_id")


class CompletionIn(Schema):
    certified: bool = True


class CompletionOut(Schema):
    registration: int
    completion_certified: bool
    completion_date: str | None


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _scores_out(event: Event) -> list[ScoreOut]:
    return [
        ScoreOut(registration=pk, pre=_float(p.pre), post=_float(p.post), gain=_float(p.gain))
        for pk, p in sorted(scores.scores_of(event).items())
    ]


@router.get("/events/{event_id}/scores", response=list[ScoreOut])
def list_scores(request, event_id: int):
    """Each registrant's pre- and post-test score and gain (personal data: audited)."""
    event = _event(request, event_id, VIEW_PARTICIPANTS)
    out = _scores_out(event)
    audit.record_bulk(
        "list", request.user, Registration, [s.registration for s in out], details={"scores": event.pk}
    )
    return out


@router.put("/events/{event_id}/scores", response=list[ScoreOut])
def put_scores(request, event_id: int, payload: list[ScoreIn]):
    """Set scores (all or nothing; a null score removes it). Registrations of another event: 400."""
    event = _event(request, event_id, MANAGE_EVENTS)
    if len(payload) > 5000:
        raise ValidationError(translation.gettext("At most 5,000 scores at once."))
    entries = {item.registration: {"pre": item.pre, "post": item.post} for item in payload}
    scores.save_scores(request.user, event, entries)
    return _scores_out(event)


@router.get("/events/{event_id}/summary", response=SummariesOut)
def summary(request, event_id: int):
    """Knowledge gain and satisfaction; figures of fewer than 5 answers hidden from aggregate-only callers."""
    event = _event(request, event_id, VIEW_EVENTS)
    knowledge, satisfaction = scores.summaries_for(request.user, event)
    return SummariesOut(
        knowledge=SummaryOut(**knowledge.__dict__), satisfaction=SummaryOut(**satisfaction.__dict__)
    )


@router.post("/events/{event_id}/survey", response={201: SurveyOut})
def post_survey(request, event_id: int, payload: SurveyIn):
    event = _event(request, event_id, MANAGE_EVENTS)
    registration = None
    if payload.registration is not None:
        registration = access.in_scope_or_404(event.registrations.all(), pk=payload.registration)
    values = payload.dict(exclude={"registration"})
    response = scores.record_survey(request.user, event, values, registration=registration)
    return Status(201, SurveyOut(id=response.pk, anonymous=response.registration_id is None))


@router.post("/events/{event_id}/registrations/{registration_id}/certificate", response={200: CertificateOut})
def issue_certificate(request, event_id: int, registration_id: int):
    """Issue (or return the already issued) certificate; 400 with the reason when it was not earned."""
    event = _event(request, event_id, MANAGE_EVENTS)
    registration = access.in_scope_or_404(event.registrations.all(), pk=registration_id)
    return certificates.issue(request.user, registration)


@router.get(
    "/events/{event_id}/registrations/{registration_id}/certificate.pdf",
    openapi_extra={"responses": PDF_RESPONSE},
)
def certificate_file(request, event_id: int, registration_id: int):
    event = _event(request, event_id, VIEW_PARTICIPANTS)
    registration = access.in_scope_or_404(event.registrations.all(), pk=registration_id)
    if not hasattr(registration, "certificate"):
        access.require(request.user, MANAGE_EVENTS, event)
    issued = certificates.certificate_for_download(request.user, registration)
    return _pdf(certificate_pdf(issued), f"certificate-{issued.number}.pdf")


def _language(language: str) -> str:
    return language if language in ("fr", "ar", "en") else "fr"


@router.get("/events/{event_id}/sign-in-sheet.pdf", openapi_extra={"responses": PDF_RESPONSE})
def sign_in_sheet(request, event_id: int, language: str = "fr"):
    event = _event(request, event_id, VIEW_PARTICIPANTS)
    content = sign_in_sheet_pdf(event, _language(language))
    ids = list(registrants(event).values_list("pk", flat=True))
    audit.record_bulk("read", request.user, Registration, ids,
                      details={"document": "sign_in_sheet"})  # fmt: skip
    return _pdf(content, f"sign-in-sheet-{event.pk}.pdf")


@router.get("/events/{event_id}/badges.pdf", openapi_extra={"responses": PDF_RESPONSE})
def badges(request, event_id: int, language: str = "fr"):
    event = _event(request, event_id, VIEW_PARTICIPANTS)
    content = badges_pdf(event, _language(language))
    ids = list(registrants(event).values_list("pk", flat=True))
    audit.record_bulk("read", request.user, Registration, ids,
                      details={"document": "badges"})  # fmt: skip
    return _pdf(content, f"badges-{event.pk}.pdf")


@router.post("/events/{event_id}/registrations/{registration_id}/completion", response=CompletionOut)
def completion(request, event_id: int, registration_id: int, payload: CompletionIn):
    """Certify (or withdraw) a trainer's completion of a training module; 400 with the reason if refused."""
    event = _event(request, event_id, MANAGE_EVENTS)
    registration = access.in_scope_or_404(event.registrations.select_related("contact"), pk=registration_id)
    trainers.certify_completion(request.user, registration, certified=payload.certified)
    return CompletionOut(
        registration=registration.pk,
        completion_certified=registration.completion_certified,
        completion_date=registration.completion_date.isoformat() if registration.completion_date else None,
    )


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
