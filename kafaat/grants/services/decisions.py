"""The committee's decisions (and the officer's award after the documents are checked): one application, or
every result of a ranking filter (not only a page), each through the procedure's transition with its reason;
the letters to the applicants in their language, and when they were sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kafaat.core import access, audit
from kafaat.grants import access_rules, workflows
from kafaat.grants.models import Application, Call, Decision
from kafaat.grants.services import ranking, workflow

# The decisions a committee takes on a ranking (`award` after the checks is the officer's, one at a time).
DECISIONS = ("shortlist", "reject_concept", "select_provisionally", "put_on_reserve", "reject", "award")


def decide(
    user,
    application: Application,
    name: str,
    *,
    reason: str,
    amount: Decimal | None = None,
    rank: int | None = None,
) -> Application:
    """One decision, through the procedure (which checks who may, from which state, its condition and the
    reason)."""
    if name not in (*DECISIONS, "reject_after_checks"):
        raise ValidationError({"transition": [_("Not a decision: %(name)s.") % {"name": name[:40]}]})
    return workflow.transition(user, application, name, reason=reason, amount=amount, rank=rank)


@dataclass
class BulkDecision:
    decided: list[str] = field(default_factory=list)  # references
    refused: dict[str, str] = field(default_factory=dict)  # reference → why


def decide_bulk(
    user,
    call: Call,
    stage: str,
    name: str,
    *,
    reason: str,
    lot: int | None = None,
    min_mean: Decimal | None = None,
    max_mean: Decimal | None = None,
    passes: bool | None = None,
    fundable: bool | None = None,
) -> BulkDecision:
    """The same decision for every application of the stage's ranking matching the filter (all of them,
    whatever a page shows), each through the procedure; the ones refused are listed with their reason,
    the whole is audited once besides each transition."""
    if not access_rules.can_decide(user, call):
        raise PermissionDenied
    step = workflows.procedure_of(call).transition(name)
    if step is None or step.actor != workflows.Actor.COMMITTEE or name not in DECISIONS:
        raise ValidationError({"transition": [_("Not a decision that can be taken in bulk.")]})
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for this decision.")]})
    rankings = ranking.ranking(call, stage, lot=lot, detail=False)
    rows = ranking.select(
        rankings,
        min_mean=min_mean,
        max_mean=max_mean,
        passes=passes,
        fundable=fundable,
        statuses=step.sources,
    )
    result = BulkDecision()
    applications = Application.objects.select_related("call").in_bulk([r.pk for r in rows])
    for row in rows:
        try:
            workflow.transition(user, applications[row.pk], name, reason=reason, rank=row.rank)
            result.decided.append(row.reference)
        except ValidationError as error:
            result.refused[row.reference] = " ".join(str(m) for m in error.messages)
    audit.record_bulk(
        audit.Action.BULK_UPDATE,
        user,
        Application,
        [r.pk for r in rows if r.reference in result.decided],
        details={
            "transition": name,
            "call": call.code,
            "stage": stage,
            "lot": lot,
            "min_mean": str(min_mean) if min_mean is not None else None,
            "refused": len(result.refused),
        },
    )
    return result


def decisions_of(call: Call) -> QuerySet:
    return (
        Decision.objects.filter(application__call=call)
        .select_related("application__lot")
        .order_by("application__reference", "stage")
    )


def visible_decision(user, pk: int) -> Decision:
    """A decision the call's officers and committee (and the applicant) may read; 404 otherwise."""
    decision = Decision.objects.select_related("application__call", "application__organisation").filter(pk=pk)
    decision = decision.first()
    if decision is None:
        raise access.OutOfScope(Decision, pk)
    application = decision.application
    if not (
        access_rules.can_manage_call(user, application.call)
        or access_rules.can_decide(user, application.call)
        or access_rules.is_applicant_of(user, application)
    ):
        raise access.OutOfScope(Decision, pk)
    return decision


def letter(user, decision: Decision) -> bytes:
    """The letter of a decision, in the application's language; a download by staff counts as sent."""
    from kafaat.grants.documents.letters import letter_pdf

    pdf = letter_pdf(decision)
    application = decision.application
    staff = access_rules.can_manage_call(user, application.call) or access_rules.can_decide(
        user, application.call
    )
    if staff and decision.letter_sent_at is None:
        decision.letter_sent_at = timezone.now()
        decision.save(update_fields=["letter_sent_at"])
    audit.record(audit.Action.EXPORT, user, decision, details={"letter": True})
    return pdf


def send_letter(user, decision: Decision) -> Decision:
    """E-mail the letter to the applicant organisation's address, then mark it sent."""
    application = decision.application
    if not (
        access_rules.can_manage_call(user, application.call)
        or access_rules.can_decide(user, application.call)
    ):
        raise access.OutOfScope(Decision, decision.pk)
    address = application.organisation.email
    if not address:
        raise ValidationError({"email": [_("The applicant organisation has no e-mail address.")]})
    from kafaat.grants.documents.letters import letter_pdf

    with translation.override(application.language):
        subject = _("Your application %(reference)s") % {"reference": application.reference}
        body = _("Please find attached the decision on your application %(reference)s.") % {
            "reference": application.reference
        }
    message = EmailMessage(subject, body, to=[address])
    message.attach(f"{application.reference}-{decision.stage}.pdf", letter_pdf(decision), "application/pdf")
    message.send()
    decision.letter_sent_at = timezone.now()
    decision.save(update_fields=["letter_sent_at"])
    audit.record(audit.Action.UPDATE, user, decision, details={"letter_sent": address})
    return decision
