"""Eligibility screening by the grants officer: each criterion of the stage answered yes or no with a reason
(a "no" always has one), then `declare_eligible` / `declare_ineligible` through the workflow; at the
provisional selection, the supporting documents checked (ok, or refused with a note) with the full stage's
criteria, before the officer's `award`."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kafaat.core import access, audit
from kafaat.grants import access_rules, workflows
from kafaat.grants.models import Application, Call, Document, EligibilityCheck, EligibilityCriterion, Stage
from kafaat.grants.services import workflow

# The states in which the officer screens: a submitted application (concept note, or an open call's), and a
# provisionally selected one (supporting documents and the full stage's criteria).
SCREENED = {
    Call.Procedure.RESTRICTED: ("concept_submitted", "provisionally_selected"),
    Call.Procedure.OPEN: ("submitted",),
}


def screening_list(user, call: Call, *, lot: int | None = None, status: str = "") -> QuerySet:
    """The applications of the call waiting for (or past) screening, filtered by lot and status."""
    if not access_rules.can_manage_call(user, call):
        raise access.OutOfScope(Call, call.pk)
    rows = Application.objects.filter(call=call).select_related("lot", "organisation")
    states = {s.key for s in workflows.procedure_of(call).states}
    if status and status in states:
        rows = rows.filter(status=status)
    else:
        rows = rows.filter(status__in=SCREENED[call.procedure])
    if lot:
        rows = rows.filter(lot_id=lot)
    return rows.order_by("reference", "id")


def screened_application(user, pk: int) -> Application:
    """An application its call's officer screens; 404 for anyone else."""
    application = Application.objects.select_related("call", "lot", "organisation").filter(pk=pk).first()
    if application is None or not access_rules.can_manage_call(user, application.call):
        raise access.OutOfScope(Application, pk)
    return application


def stage_checked(application: Application) -> str:
    """The stage whose criteria are being answered (the full stage's at the provisional selection)."""
    if application.status == "provisionally_selected":
        return Stage.FULL
    return workflows.stage_of(application)


def criteria_of(application: Application) -> list[tuple[EligibilityCriterion, EligibilityCheck | None]]:
    criteria = list(application.call.eligibility_criteria.filter(stage=stage_checked(application)))
    checks = {c.criterion_id: c for c in EligibilityCheck.objects.filter(application=application)}
    return [(criterion, checks.get(criterion.pk)) for criterion in criteria]


@dataclass(frozen=True)
class Answer:
    criterion: int
    passed: bool
    reason: str = ""


@transaction.atomic
def record_checks(user, application: Application, answers: list[Answer]) -> list[EligibilityCheck]:
    """Write the officer's answers (all or none): each criterion of the stage, a "no" with its reason."""
    if not access_rules.can_manage_call(user, application.call):
        raise access.OutOfScope(Application, application.pk)
    if application.status not in SCREENED[application.call.procedure]:
        raise ValidationError({"status": [_("This application is not being screened.")]})
    criteria = {c.pk: c for c, _check in criteria_of(application)}
    errors: dict[str, list[str]] = {}
    for answer in answers:
        if answer.criterion not in criteria:
            errors[f"criterion_{answer.criterion}"] = [_("This criterion is not one of this stage's.")]
        elif not answer.passed and not answer.reason.strip():
            errors[f"criterion_{answer.criterion}"] = [_("Give the reason a criterion is not met.")]
    if errors:
        raise ValidationError(errors)
    saved = []
    for answer in answers:
        check, _created = EligibilityCheck.objects.update_or_create(
            application=application,
            criterion_id=answer.criterion,
            defaults={"passed": answer.passed, "reason": answer.reason.strip()[:500], "checked_by": user},
        )
        saved.append(check)
    audit.record(
        audit.Action.UPDATE,
        user,
        application,
        details={"eligibility": {str(a.criterion): a.passed for a in answers}},
    )
    return saved


def declare(user, application: Application, *, eligible: bool, reason: str = "") -> Application:
    """The screening's outcome, through the procedure (its conditions: every criterion answered…)."""
    name = "declare_eligible" if eligible else "declare_ineligible"
    return workflow.transition(user, application, name, reason=reason)


@transaction.atomic
def check_document(user, document: Document, *, ok: bool, note: str = "") -> Document:
    """A supporting document checked at the provisional selection: conforming, or refused with a note."""
    application = document.application
    if not access_rules.can_manage_call(user, application.call):
        raise access.OutOfScope(Document, document.pk)
    if application.status != "provisionally_selected":
        raise ValidationError({"status": [_("Documents are checked at the provisional selection only.")]})
    note = (note or "").strip()
    if not ok and not note:
        raise ValidationError({"note": [_("Say why the document is refused.")]})
    document.checked, document.check_note = ok, note[:300]
    document.save(update_fields=["checked", "check_note"])
    audit.record(audit.Action.UPDATE, user, document, details={"checked": ok})
    return document


def supporting_documents(application: Application) -> list[Document]:
    return list(application.documents.filter(kind__in=Document.SUPPORTING).order_by("kind", "id"))
