"""The review's pages: the officer's screening and assignments, the reviewer's queue (declaration first, then
the application and its scoring form), the ranking with its spreads (and its XLSX), the decisions (one, or
all results of a filter), the supporting documents' checks and the letters. Every change goes through the
services; a refused one comes back as a message, and nothing the user typed is lost."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kafaat.core import access
from kafaat.grants import access_rules, workflows
from kafaat.grants.access_rules import MANAGE_CALLS, REVIEW
from kafaat.grants.models import Application, Assignment, Call, Decision, Document, Stage
from kafaat.grants.pages.feedback import refusal
from kafaat.grants.services import assignment as assigning
from kafaat.grants.services import decisions, ranking, scoring, screening

PAGE_SIZE = 50
RANKING_PAGE = 25  # rows per lot: a committee pages through the rest


def _language() -> str:
    return (get_language() or "fr")[:2]


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def _decimal(value) -> Decimal | None:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() and 0 <= number <= 100 else None


def _stage(request, call: Call) -> str:
    wanted = request.GET.get("stage") or request.POST.get("stage") or ""
    return wanted if wanted in call.stages else call.stages[-1]


def _stages(call: Call) -> list[tuple[str, str]]:
    return [(s, Stage(s).label) for s in call.stages]


# --- the officer's and committee's entry ----------------------------------------------------------------


def calls(request):
    """The calls whose review the user runs (officer) or decides (committee)."""
    if not access.has_permission(request.user, MANAGE_CALLS):
        raise PermissionDenied
    organisations = access.organisations_where(request.user, MANAGE_CALLS)
    rows = (
        Call.objects.all()
        if request.user.is_superuser
        else Call.objects.filter(organisation__in=organisations)
    )
    return render(request, "grants/reviewing/calls.html", {"calls": rows.order_by("-opens_at", "code")})


def call_review(request, pk: int):
    call = ranking.visible_call(request.user, pk)
    context = {
        "call": call,
        "officer": access_rules.can_manage_call(request.user, call),
        "committee": access_rules.can_decide(request.user, call),
        "decisions": decisions.decisions_of(call)[:200],
        "conflicts": assigning.unreplaced_conflicts(call),
    }
    return render(request, "grants/reviewing/call.html", context)


# --- screening -------------------------------------------------------------------------------------------


def screening_list(request, pk: int):
    call = assigning.managed_call(request.user, pk)
    lot, status = _int(request.GET.get("lot")), (request.GET.get("status") or "")[:30]
    rows = screening.screening_list(request.user, call, lot=lot, status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    states = workflows.procedure_of(call).states
    labels = {state.key: state.label for state in states}
    context = {
        "call": call,
        "page": page,
        "rows": [(a, labels.get(a.status, a.status)) for a in page],
        "lots": call.lots.all(),
        "states": states,
        "lot": lot,
        "status": status,
    }
    return render(request, "grants/reviewing/screening.html", context)


def screen(request, pk: int):
    application = screening.screened_application(request.user, pk)
    posted: dict[int, tuple[str, str]] = {}
    if request.method == "POST":
        answers = []
        for criterion, _check in screening.criteria_of(application):
            value = request.POST.get(f"passed_{criterion.pk}", "")
            reason = request.POST.get(f"reason_{criterion.pk}", "")[:500]
            posted[criterion.pk] = (value, reason)
            if value in ("yes", "no"):
                answers.append(screening.Answer(criterion.pk, value == "yes", reason))
        try:
            if answers:
                screening.record_checks(request.user, application, answers)
            action = request.POST.get("action", "")
            if action in ("eligible", "ineligible"):
                screening.declare(
                    request.user,
                    application,
                    eligible=action == "eligible",
                    reason=request.POST.get("decision_reason", ""),
                )
                messages.success(request, _("Screening recorded."))
                return redirect("grants:review_screening", pk=application.call_id)
            messages.success(request, _("Answers saved."))
            return redirect("grants:review_screen", pk=application.pk)
        except ValidationError as error:
            refusal(request, error)
    rows = []
    for criterion, check in screening.criteria_of(application):
        value, reason = posted.get(criterion.pk, ("", ""))
        if not value and check is not None:
            value, reason = ("yes" if check.passed else "no"), check.reason
        rows.append({"criterion": criterion, "value": value, "reason": reason})
    context = {
        "application": application,
        "rows": rows,
        "transitions": [t.name for t in access_rules.available_transitions(request.user, application)],
        "documents": screening.supporting_documents(application)
        if application.status == "provisionally_selected"
        else [],
    }
    return render(request, "grants/reviewing/screen.html", context)


@require_POST
def check_document(request, pk: int):
    document = Document.objects.select_related("application__call").filter(pk=pk).first()
    if document is None:
        raise access.OutOfScope(Document, pk)
    try:
        screening.check_document(
            request.user, document, ok=request.POST.get("ok") == "yes", note=request.POST.get("note", "")
        )
        messages.success(request, _("Document checked."))
    except ValidationError as error:
        refusal(request, error)
    return redirect("grants:review_screen", pk=document.application_id)


# --- assignments ------------------------------------------------------------------------------------------


def assignments(request, pk: int):
    call = assigning.managed_call(request.user, pk)
    stage = _stage(request, call)
    rows = assigning.assignments_of(call, stage)
    status = request.GET.get("status", "")
    if status in Assignment.Status.values:
        rows = rows.filter(status=status)
    context = {
        "call": call,
        "stage": stage,
        "stages": _stages(call),
        "lots": call.lots.all(),
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "to_review": assigning.to_review(call, stage).count(),
        "conflicts": assigning.unreplaced_conflicts(call, stage),
        "statuses": Assignment.Status.choices,
        "status": status,
    }
    return render(request, "grants/reviewing/assignments.html", context)


@require_POST
def assign(request, pk: int):
    call = assigning.managed_call(request.user, pk)
    stage = _stage(request, call)
    result = assigning.assign_bulk(
        request.user,
        call,
        stage,
        lot=_int(request.POST.get("lot")),
        reference=request.POST.get("reference", "")[:30],
    )
    messages.success(
        request,
        _("%(created)d assignments made for %(applications)d applications.")
        % {"created": len(result.created), "applications": result.applications},
    )
    if result.short:
        messages.warning(
            request,
            _("Not enough reviewers available for: %(references)s")
            % {"references": ", ".join(result.short[:20])},
        )
    return redirect(f"{reverse('grants:review_assignments', args=[call.pk])}?stage={stage}")


@require_POST
def withdraw(request, pk: int):
    item = Assignment.objects.select_related("application__call").filter(pk=pk).first()
    if item is None:
        raise access.OutOfScope(Assignment, pk)
    try:
        assigning.withdraw(request.user, item)
        messages.success(request, _("Assignment withdrawn."))
    except ValidationError as error:
        refusal(request, error)
    return redirect("grants:review_assignments", pk=item.application.call_id)


# --- the reviewer -----------------------------------------------------------------------------------------


def queue(request):
    if not access.has_permission(request.user, REVIEW):
        raise PermissionDenied
    return render(request, "grants/reviewing/queue.html", {"assignments": assigning.queue(request.user)})


@require_POST
def declare(request, pk: int):
    item = assigning.own_assignment(request.user, pk)
    conflict = request.POST.get("conflict") == "yes"
    try:
        assigning.declare(request.user, item, conflict=conflict, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        refusal(request, error)
        return redirect("grants:review_queue")
    if conflict:
        messages.success(
            request, _("Conflict of interest recorded: the application was taken off your queue.")
        )
        return redirect("grants:review_queue")
    return redirect("grants:review_assignment", pk=item.pk)


def review(request, pk: int):
    """The application as the reviewer may see it (blind review hides who applied) and the scoring form."""
    item = assigning.own_assignment(request.user, pk, opened=True)
    application = item.application
    language = _language()
    values = {s.criterion_id: (str(s.score), s.comment) for s in item.scores.all()}
    errors: dict[str, list[str]] = {}
    overall = item.comment
    if request.method == "POST":
        entries, posted = [], {}
        for criterion in scoring.criteria_of(application.call, item.stage).values():
            raw = request.POST.get(f"score_{criterion.pk}", "")
            comment = request.POST.get(f"comment_{criterion.pk}", "")[:4000]
            posted[criterion.pk] = (raw, comment)
            score = _int(raw)
            entries.append(scoring.Entry(criterion.pk, score if raw else None, comment))
        overall = request.POST.get("comment", "")[:8000]
        submit = request.POST.get("action") == "submit"
        try:
            scoring.save(request.user, item, entries, comment=overall, submit=submit)
            messages.success(request, _("Review submitted.") if submit else _("Draft saved."))
            return redirect("grants:review_assignment", pk=item.pk)
        except ValidationError as error:
            errors = error.message_dict
            values = posted
            messages.error(request, _("The review was not saved: see the criteria marked."))
    sections = []
    for section in scoring.grid_of(application.call, item.stage):
        criteria = []
        for criterion in section.criteria.all():
            value, comment = values.get(criterion.pk, ("", ""))
            criteria.append(
                {
                    "criterion": criterion,
                    "value": value,
                    "comment": comment,
                    "errors": errors.get(f"criterion_{criterion.pk}", []),
                    "scale": [(n, scoring.descriptor(criterion, n, language)) for n in criterion.SCALE],
                }
            )
        sections.append({"section": section, "criteria": criteria})
    context = {
        "assignment": item,
        "application": assigning.as_reviewer_sees(request.user, item),
        "sections": sections,
        "editable": access_rules.can_score(request.user, item),
        "overall": overall,
    }
    return render(request, "grants/reviewing/review.html", context)


# --- ranking and decisions --------------------------------------------------------------------------------


def ranking_page(request, pk: int):
    call = ranking.visible_call(request.user, pk)
    stage, lot = _stage(request, call), _int(request.GET.get("lot"))
    export = request.GET.get("format") == "xlsx"
    rankings = ranking.ranking(call, stage, lot=lot, language=_language(), detail=export)
    if export:
        response = HttpResponse(
            ranking.ranking_xlsx(call, rankings, _language()),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{call.code}-{stage}-ranking.xlsx"'
        return response
    sections = list(call.grid_sections.filter(stage=stage).order_by("position", "id"))
    lots = []
    for lr in rankings:
        page = Paginator(lr.rows, RANKING_PAGE).get_page(request.GET.get(f"page_{lr.lot.pk}"))
        lots.append({"ranking": lr, "page": page, "flagged": sum(1 for r in lr.rows if r.flagged),
                     "param": f"page_{lr.lot.pk}", "anchor": f"lot-{lr.lot.code}"})  # fmt: skip
    ranking.fill_details(call, stage, [row for item in lots for row in item["page"]])
    procedure = workflows.procedure_of(call)
    bulk = [
        t
        for t in procedure.transitions
        if t.actor == workflows.Actor.COMMITTEE and t.name in decisions.DECISIONS
    ]
    context = {
        "call": call,
        "stage": stage,
        "stages": _stages(call),
        "lot": lot,
        "lots": lots,
        "sections": sections,
        "all_lots": call.lots.all(),
        "committee": access_rules.can_decide(request.user, call),
        "bulk": bulk,
    }
    return render(request, "grants/reviewing/ranking.html", context)


@require_POST
def decide_bulk(request, pk: int):
    call = ranking.visible_call(request.user, pk)
    stage = _stage(request, call)
    try:
        result = decisions.decide_bulk(
            request.user,
            call,
            stage,
            request.POST.get("transition", "")[:40],
            reason=request.POST.get("reason", ""),
            lot=_int(request.POST.get("lot")),
            min_mean=_decimal(request.POST.get("min_mean")) if request.POST.get("min_mean") else None,
        )
        messages.success(request, _("%(count)d decisions taken.") % {"count": len(result.decided)})
        if result.refused:
            refused = "; ".join(f"{ref}: {why}" for ref, why in list(result.refused.items())[:10])
            messages.warning(request, _("Refused: %(list)s") % {"list": refused})
    except ValidationError as error:
        refusal(request, error)
    return redirect(f"{reverse('grants:review_ranking', args=[call.pk])}?stage={stage}")


def decide(request, pk: int):
    application = Application.objects.select_related("call", "lot").filter(pk=pk).first()
    if application is None or not access_rules.can_view_application(request.user, application):
        raise access.OutOfScope(Application, pk)
    allowed = [
        t
        for t in access_rules.available_transitions(request.user, application)
        if t.name in (*decisions.DECISIONS, "reject_after_checks")
    ]
    if not allowed and not (
        access_rules.can_decide(request.user, application.call)
        or access_rules.can_manage_call(request.user, application.call)
    ):
        raise access.OutOfScope(Application, pk)
    reason = ""
    if request.method == "POST":
        reason = request.POST.get("reason", "")[:4000]
        amount = request.POST.get("amount", "").strip()
        try:
            value = Decimal(amount.replace(",", ".")) if amount else None
        except InvalidOperation:
            value = None
            messages.error(request, _("The amount is not a number."))
        else:
            try:
                decisions.decide(
                    request.user,
                    application,
                    request.POST.get("transition", "")[:40],
                    reason=reason,
                    amount=value,
                )
                messages.success(request, _("Decision recorded."))
                return redirect("grants:review_decide", pk=application.pk)
            except ValidationError as error:
                refusal(request, error)
    context = {
        "application": application,
        "transitions": allowed,
        "reason": reason,
        "decisions": Decision.objects.filter(application=application).order_by("decided_at"),
        "state": workflows.state_of(application),
    }
    return render(request, "grants/reviewing/decide.html", context)


def letter(request, pk: int):
    decision = decisions.visible_decision(request.user, pk)
    response = HttpResponse(decisions.letter(request.user, decision), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{decision.application.reference}-{decision.stage}.pdf"'
    )
    return response


@require_POST
def send_letter(request, pk: int):
    decision = decisions.visible_decision(request.user, pk)
    try:
        decisions.send_letter(request.user, decision)
        messages.success(request, _("Letter sent."))
    except ValidationError as error:
        refusal(request, error)
    return redirect("grants:review_call", pk=decision.application.call_id)
