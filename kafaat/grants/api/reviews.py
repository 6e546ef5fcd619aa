"""The review's endpoints (/api/grants/…): eligibility screening, reviewers' assignments (in bulk), the
conflict-of-interest declaration, scores and their submission, the ranking, the decisions (one, or all
results of a filter). A reviewer reaches an application only through their own assignment once they
declared no conflict: any other id is a 404, as for anything out of scope."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema, Status

from kafaat.core import access
from kafaat.core.api_schema import inline_choices
from kafaat.grants import access_rules
from kafaat.grants.models import Application, Assignment, Document, Stage
from kafaat.grants.services import assignment as assigning
from kafaat.grants.services import decisions, ranking, scoring, screening

router = Router(tags=["grants"])
StageChoice = inline_choices(Stage)
_ID = Field(..., ge=1, le=2**31 - 1)
_OPTIONAL_ID = Field(None, ge=1, le=2**31 - 1)
_MEAN = Field(None, ge=0, le=100)


# --- screening --------------------------------------------------------------------------------------------


class ReviewScreenedApplication(Schema):
    id: int
    reference: str
    lot: str = Field(..., alias="lot.code")
    status: str
    title: str


class ReviewCheckSchema(Schema):
    criterion: int
    question: str
    passed: bool | None
    reason: str


class ReviewCheckIn(Schema):
    criterion: int = _ID
    passed: bool
    reason: str = Field("", max_length=500)


class ReviewChecksIn(Schema):
    checks: list[ReviewCheckIn] = Field(..., max_length=50)


class ReviewTransitionIn(Schema):
    reason: str = Field("", max_length=4000)
    amount: float | None = Field(None, ge=0, le=999_999_999_999)


class ReviewApplicationState(Schema):
    id: int
    reference: str
    status: str


class ReviewDocumentCheckIn(Schema):
    ok: bool
    note: str = Field("", max_length=300)


def _checks(application: Application) -> list[dict]:
    return [
        {
            "criterion": c.pk,
            "question": c.name,
            "passed": check.passed if check else None,
            "reason": check.reason if check else "",
        }
        for c, check in screening.criteria_of(application)
    ]


@router.get(
    "/grants/calls/{int:pk}/screening",
    response=list[ReviewScreenedApplication],
    summary="Applications to screen (officer)",
)
def screening_list(
    request: HttpRequest,
    pk: int,
    lot: int | None = Query(None, ge=1, le=2**31 - 1),
    status: str = Query("", max_length=30),
):
    call = assigning.managed_call(request.user, pk)
    return list(screening.screening_list(request.user, call, lot=lot, status=status[:30]))


@router.get(
    "/grants/applications/{int:pk}/eligibility",
    response=list[ReviewCheckSchema],
    summary="The stage's eligibility criteria and the answers given",
)
def get_eligibility(request: HttpRequest, pk: int):
    return _checks(screening.screened_application(request.user, pk))


@router.put(
    "/grants/applications/{int:pk}/eligibility",
    response=list[ReviewCheckSchema],
    summary="Answer eligibility criteria (a no needs a reason)",
)
def put_eligibility(request: HttpRequest, pk: int, payload: ReviewChecksIn):
    application = screening.screened_application(request.user, pk)
    answers = [screening.Answer(c.criterion, c.passed, c.reason) for c in payload.checks]
    screening.record_checks(request.user, application, answers)
    return _checks(application)


@router.post(
    "/grants/documents/{int:pk}/check",
    response=ReviewApplicationState,
    summary="Check a supporting document: ok, or refused with a note",
)
def check_document(request: HttpRequest, pk: int, payload: ReviewDocumentCheckIn):
    document = Document.objects.select_related("application__call").filter(pk=pk).first()
    if document is None:
        raise access.OutOfScope(Document, pk)
    screening.check_document(request.user, document, ok=payload.ok, note=payload.note)
    return document.application


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


@router.post(
    "/grants/applications/{int:pk}/decisions/{name}",
    response=ReviewApplicationState,
    summary="Screening outcome or decision: declare_eligible, declare_ineligible, shortlist, "
    "reject_concept, select_provisionally, put_on_reserve, reject, award",
)
def take_decision(request: HttpRequest, pk: int, name: str, payload: ReviewTransitionIn):
    application = Application.objects.select_related("call").filter(pk=pk).first()
    if application is None or not access_rules.can_view_application(request.user, application):
        raise access.OutOfScope(Application, pk)
    if name in ("declare_eligible", "declare_ineligible"):
        return screening.declare(
            request.user, application, eligible=name == "declare_eligible", reason=payload.reason
        )
    return decisions.decide(
        request.user, application, name[:40], reason=payload.reason, amount=_decimal(payload.amount)
    )


# --- assignments ------------------------------------------------------------------------------------------


class ReviewAssignIn(Schema):
    stage: StageChoice
    lot: int | None = _OPTIONAL_ID
    reference: str = Field("", max_length=30)


class ReviewAssignOut(Schema):
    applications: int
    created: int
    short: list[str]


class ReviewAssignmentSchema(Schema):
    id: int
    application: int = Field(..., alias="application_id")
    reference: str = Field(..., alias="application.reference")
    stage: str
    reviewer: str = Field(..., alias="reviewer.username")
    status: str
    total: Decimal | None
    replaces: int | None = Field(None, alias="replaces_id")


@router.post(
    "/grants/calls/{int:pk}/assignments",
    response={201: ReviewAssignOut},
    summary="Assign reviewers to every application of a stage matching the filter",
)
def assign(request: HttpRequest, pk: int, payload: ReviewAssignIn):
    call = assigning.managed_call(request.user, pk)
    assigning.check_stage(call, payload.stage.value)
    result = assigning.assign_bulk(
        request.user, call, payload.stage.value, lot=payload.lot, reference=payload.reference
    )
    return Status(
        201, {"applications": result.applications, "created": len(result.created), "short": result.short}
    )


@router.get(
    "/grants/calls/{int:pk}/assignments",
    response=list[ReviewAssignmentSchema],
    summary="The assignments of a stage (officer)",
)
def list_assignments(request: HttpRequest, pk: int, stage: StageChoice = Stage.FULL):
    call = assigning.managed_call(request.user, pk)
    return list(assigning.assignments_of(call, assigning.check_stage(call, stage.value)))


@router.post(
    "/grants/assignments/{int:pk}/withdraw",
    response=ReviewAssignmentSchema,
    summary="Withdraw an assignment (officer)",
)
def withdraw(request: HttpRequest, pk: int):
    item = Assignment.objects.select_related("application__call", "reviewer").filter(pk=pk).first()
    if item is None:
        raise access.OutOfScope(Assignment, pk)
    return assigning.withdraw(request.user, item)


# --- the reviewer ------------------------------------------------------------------------------------------


class ReviewQueueItem(Schema):
    """What a reviewer sees before declaring: the reference and the lot, never the title or the applicant."""

    id: int
    reference: str = Field(..., alias="application.reference")
    lot: str = Field(..., alias="application.lot.code")
    stage: str
    status: str


class ReviewDeclarationIn(Schema):
    conflict: bool
    reason: str = Field("", max_length=4000)


class ReviewDocumentSchema(Schema):
    kind: str
    kind_label: str
    name: str  # empty under blind review


class ReviewOpenedApplication(Schema):
    id: int
    reference: str
    lot: str
    title: str
    summary: str
    requested_amount: Decimal
    total_cost: Decimal
    applicant: str | None  # None under blind review
    partners: list[str] | None
    documents: list[ReviewDocumentSchema]


class ReviewScoreSchema(Schema):
    criterion: int
    score: int | None
    comment: str


class ReviewScoreIn(Schema):
    criterion: int = _ID
    score: int | None = Field(None, ge=1, le=5)
    comment: str = Field("", max_length=4000)


class ReviewScoresIn(Schema):
    scores: list[ReviewScoreIn] = Field(..., max_length=100)
    comment: str | None = Field(None, max_length=8000)


class ReviewScoresOut(Schema):
    id: int
    status: str
    total: Decimal | None
    submitted_at: datetime | None
    scores: list[ReviewScoreSchema]


@router.get("/grants/reviews", response=list[ReviewQueueItem], summary="My review queue")
def my_queue(request: HttpRequest):
    return list(assigning.queue(request.user))


@router.post(
    "/grants/reviews/{int:pk}/declaration",
    response=ReviewQueueItem,
    summary="Declare a conflict of interest (with its reason) or none, before opening",
)
def declare(request: HttpRequest, pk: int, payload: ReviewDeclarationIn):
    item = assigning.own_assignment(request.user, pk)
    return assigning.declare(request.user, item, conflict=payload.conflict, reason=payload.reason)


@router.get(
    "/grants/reviews/{int:pk}/application",
    response=ReviewOpenedApplication,
    summary="The application under review (after a declaration of no conflict)",
)
def open_application(request: HttpRequest, pk: int):
    return assigning.as_reviewer_sees(request.user, assigning.own_assignment(request.user, pk, opened=True))


def _scores_out(item: Assignment) -> dict:
    return {
        "id": item.pk,
        "status": item.status,
        "total": item.total,
        "submitted_at": item.submitted_at,
        "scores": [
            {"criterion": s.criterion_id, "score": s.score, "comment": s.comment}
            for s in item.scores.order_by("criterion_id")
        ],
    }


@router.get("/grants/reviews/{int:pk}/scores", response=ReviewScoresOut, summary="My scores")
def get_scores(request: HttpRequest, pk: int):
    return _scores_out(assigning.own_assignment(request.user, pk, opened=True))


def _save(request, pk: int, payload: ReviewScoresIn, submit: bool) -> dict:
    item = assigning.own_assignment(request.user, pk, opened=True)
    entries = [scoring.Entry(s.criterion, s.score, s.comment) for s in payload.scores]
    return _scores_out(scoring.save(request.user, item, entries, comment=payload.comment, submit=submit))


@router.put("/grants/reviews/{int:pk}/scores", response=ReviewScoresOut, summary="Save scores (a draft)")
def put_scores(request: HttpRequest, pk: int, payload: ReviewScoresIn):
    return _save(request, pk, payload, submit=False)


@router.post(
    "/grants/reviews/{int:pk}/submit",
    response=ReviewScoresOut,
    summary="Submit the review (every criterion scored; comments for 1, 2 and 5)",
)
def submit(request: HttpRequest, pk: int, payload: ReviewScoresIn):
    return _save(request, pk, payload, submit=True)


class ReviewOfApplication(Schema):
    reviewer: str
    status: str
    total: Decimal | None
    scores: list[ReviewScoreSchema]


@router.get(
    "/grants/applications/{int:pk}/reviews",
    response=list[ReviewOfApplication],
    summary="The reviews of an application (officers and committee: all; a reviewer: their own)",
)
def application_reviews(request: HttpRequest, pk: int):
    application = Application.objects.select_related("call").filter(pk=pk).first()
    if application is None or not access_rules.can_view_application(request.user, application):
        raise access.OutOfScope(Application, pk)
    rows = application.assignments.select_related("reviewer").prefetch_related("scores")
    if not (
        access_rules.can_manage_call(request.user, application.call)
        or access_rules.can_decide(request.user, application.call)
    ):
        rows = rows.filter(reviewer=request.user, status__in=Assignment.OPEN)
    return [
        {
            "reviewer": a.reviewer.username,
            "status": a.status,
            "total": a.total,
            "scores": [
                {"criterion": s.criterion_id, "score": s.score, "comment": s.comment} for s in a.scores.all()
            ],
        }
        for a in rows
    ]


# --- ranking and decisions --------------------------------------------------------------------------------


class ReviewRankedRow(Schema):
    id: int
    reference: str
    title: str
    applicant: str
    status: str
    requested: Decimal
    totals: list[Decimal]
    mean: Decimal | None
    spread: Decimal | None
    flagged: bool
    sections: dict[str, Decimal]
    passes: bool
    rank: int | None
    cumulative: Decimal | None
    fundable: bool


class ReviewLotRanking(Schema):
    lot: str
    budget: Decimal
    rows: list[ReviewRankedRow]


@router.get(
    "/grants/calls/{int:pk}/ranking",
    response=list[ReviewLotRanking],
    summary="The ranking per lot (officers and committee)",
)
def get_ranking(
    request: HttpRequest,
    pk: int,
    stage: StageChoice = Stage.FULL,
    lot: int | None = Query(None, ge=1, le=2**31 - 1),
):
    call = ranking.visible_call(request.user, pk)
    rankings = ranking.ranking(
        call, assigning.check_stage(call, stage.value), lot=lot, language=(get_language() or "fr")[:2]
    )
    return [
        {
            "lot": lr.lot.code,
            "budget": lr.lot.budget,
            "rows": [
                {
                    "id": r.pk,
                    "reference": r.reference,
                    "title": r.title,
                    "applicant": r.applicant,
                    "status": r.status,
                    "requested": r.requested,
                    "totals": [t for _n, t in r.totals],
                    "mean": r.mean,
                    "spread": r.spread,
                    "flagged": r.flagged,
                    "sections": {str(s.section.pk): s.mean for s in r.sections},
                    "passes": r.passes,
                    "rank": r.rank,
                    "cumulative": r.cumulative,
                    "fundable": r.fundable,
                }
                for r in lr.rows
            ],
        }
        for lr in rankings
    ]


class ReviewBulkDecisionIn(Schema):
    transition: str = Field(..., max_length=40)
    stage: StageChoice
    reason: str = Field(..., max_length=4000)
    lot: int | None = _OPTIONAL_ID
    min_mean: float | None = _MEAN
    max_mean: float | None = _MEAN
    passes: bool | None = None
    fundable: bool | None = None


class ReviewBulkDecisionOut(Schema):
    decided: list[str]
    refused: dict[str, str]


@router.post(
    "/grants/calls/{int:pk}/decisions",
    response=ReviewBulkDecisionOut,
    summary="The same decision for every result of a ranking filter (committee)",
)
def bulk_decision(request: HttpRequest, pk: int, payload: ReviewBulkDecisionIn):
    call = ranking.visible_call(request.user, pk)
    result = decisions.decide_bulk(
        request.user,
        call,
        assigning.check_stage(call, payload.stage.value),
        payload.transition,
        reason=payload.reason,
        lot=payload.lot,
        min_mean=_decimal(payload.min_mean),
        max_mean=_decimal(payload.max_mean),
        passes=payload.passes,
        fundable=payload.fundable,
    )
    return {"decided": result.decided, "refused": result.refused}
