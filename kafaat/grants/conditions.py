"""The conditions of the procedures' transitions (workflows.py): each takes the application and gives the
reason the transition is refused now, in the user's language, or None when it may be taken."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kafaat.grants.models import (
    Agreement,
    Application,
    Assignment,
    Call,
    Document,
    EligibilityCheck,
    Report,
    Stage,
    Tranche,
)


def _stage(application: Application) -> str:
    """The stage being decided: a restricted call's concept note until it is shortlisted."""
    restricted = application.call.procedure == Call.Procedure.RESTRICTED
    early = application.status in ("draft", "concept_submitted", "concept_eligible")
    return Stage.CONCEPT if restricted and early else Stage.FULL


def deadline_of(application: Application):
    """The deadline of the stage the applicant is writing (Africa/Casablanca time, as the call says)."""
    call = application.call
    if _stage(application) == Stage.FULL and call.procedure == Call.Procedure.RESTRICTED:
        return call.full_closes_at
    return call.closes_at


def ready_to_submit(application: Application) -> str | Promise | None:
    """Within the call's window, with what the stage asks filled in and a budget within the call's limits."""
    from django.utils.formats import date_format

    call, now = application.call, timezone.now()
    deadline = deadline_of(application)
    if call.status != Call.Status.PUBLISHED or now < call.opens_at:
        return _("The call is not open.")
    if deadline is None or now > deadline:
        return _("The deadline has passed: submissions closed on %(deadline)s.") % {
            "deadline": date_format(timezone.localtime(deadline), "DATETIME_FORMAT") if deadline else "—"
        }
    if not application.title.strip() or not application.summary.strip():
        return _("Give the project a title and a summary.")
    if not application.target_groups.exists():
        return _("Say whom the project will reach (at least one target group).")
    if _stage(application) == Stage.CONCEPT:
        return None
    if not application.budget_lines.exists():
        return _("The budget has no line.")
    if not (call.min_grant <= application.requested_amount <= call.max_grant):
        return _("The amount requested must lie between the call's minimum and maximum grant.")
    if (
        application.total_cost
        and (application.cofinancing * 100 / application.total_cost) < call.cofinancing_rate
    ):
        return _("The co-financing is below the call's minimum share of the total cost.")
    if not application.contributions.exists():
        return _("Pick at least one indicator of the programme the project will contribute to.")
    return None


def _checks(application: Application):
    stage = _stage(application) if application.status != "provisionally_selected" else Stage.FULL
    criteria = application.call.eligibility_criteria.filter(stage=stage)
    checks = EligibilityCheck.objects.filter(application=application, criterion__in=criteria)
    return criteria.count(), checks


def all_criteria_met(application: Application) -> str | Promise | None:
    expected, checks = _checks(application)
    if checks.count() < expected:
        return _("Answer every eligibility criterion first.")
    if checks.filter(passed=False).exists():
        return _("An eligibility criterion is not met.")
    return None


def some_criterion_failed(application: Application) -> str | Promise | None:
    expected, checks = _checks(application)
    if not checks.filter(passed=False).exists():
        return _("Every criterion answered so far is met: record the one that is not, with its reason.")
    return None


def reviews_complete(application: Application) -> str | Promise | None:
    """Every active reviewer of the stage has submitted, and there are as many as the call asks."""
    active = application.assignments.filter(stage=_stage(application), status__in=Assignment.ACTIVE)
    submitted = active.filter(status=Assignment.Status.SUBMITTED).count()
    if submitted < active.count() or submitted < application.call.reviewers_per_application:
        return _("The reviews are not complete (%(done)d of %(needed)d).") % {
            "done": submitted,
            "needed": max(active.count(), application.call.reviewers_per_application),
        }
    return None


def _full_checks_and_documents(application: Application) -> tuple[bool, bool]:
    """(everything checked, something refused) over the full stage's criteria and the supporting documents."""
    criteria = application.call.eligibility_criteria.filter(stage=Stage.FULL)
    checks = EligibilityCheck.objects.filter(application=application, criterion__in=criteria)
    documents = application.documents.filter(kind__in=Document.SUPPORTING)
    kinds_given = set(documents.values_list("kind", flat=True))
    all_checked = (
        checks.count() == criteria.count()
        and not documents.filter(checked__isnull=True).exists()
        and kinds_given >= set(Document.SUPPORTING)
    )
    refused = checks.filter(passed=False).exists() or documents.filter(checked=False).exists()
    return all_checked, refused


def documents_verified(application: Application) -> str | Promise | None:
    all_checked, refused = _full_checks_and_documents(application)
    if not all_checked:
        return _("Check every supporting document and every remaining eligibility criterion first.")
    if refused:
        return _("A supporting document or criterion was refused.")
    return None


def documents_refused(application: Application) -> str | Promise | None:
    if not _full_checks_and_documents(application)[1]:
        return _("No supporting document or criterion was refused.")
    return None


def agreement_signed(application: Application) -> str | Promise | None:
    agreement = Agreement.objects.filter(application=application).first()
    if agreement is None or agreement.status != Agreement.Status.SIGNED or not agreement.signed_on:
        return _("Record the agreement and the date it was signed first.")
    return None


def grant_completed(application: Application) -> str | Promise | None:
    agreement = Agreement.objects.filter(application=application).first()
    if agreement is None:
        return _("The grant has no agreement.")
    if not agreement.reports.filter(kind=Report.Kind.FINAL, status=Report.Status.ACCEPTED).exists():
        return _("The final report has not been accepted.")
    if agreement.tranches.exclude(status=Tranche.Status.PAID).exists():
        return _("A tranche has not been paid.")
    return None


def tranche_condition(tranche: Tranche) -> str | Promise | None:
    """Why this tranche cannot be released yet, or None: the agreement signed, its report accepted, or the
    expenditure of accepted reports reaching the share of what was paid before it."""
    agreement = tranche.agreement
    if agreement.status != Agreement.Status.SIGNED:
        return _("The agreement is not signed.")
    waits_for_report = tranche.condition == Tranche.Condition.REPORT_ACCEPTED
    if waits_for_report and (tranche.report is None or tranche.report.status != Report.Status.ACCEPTED):
        return _("The report this tranche waits for has not been accepted.")
    if tranche.condition == Tranche.Condition.EXPENDITURE:
        earlier = agreement.tranches.filter(number__lt=tranche.number)
        if earlier.exclude(status=Tranche.Status.PAID).exists():
            return _("The tranches before this one have not all been paid.")
        paid = agreement.tranches.filter(number__lt=tranche.number, status=Tranche.Status.PAID).aggregate(
            total=Sum("amount")
        )["total"] or Decimal("0")
        spent = Decimal("0")
        accepted = agreement.reports.filter(status=Report.Status.ACCEPTED)
        for report in accepted.prefetch_related("expenditures"):
            spent += sum((e.amount for e in report.expenditures.all()), Decimal("0"))
        needed = paid * (tranche.expenditure_share or Decimal("0")) / 100
        if spent < needed:
            return _("Accepted reports justify %(spent)s of the %(needed)s needed.") % {
                "spent": spent,
                "needed": needed.quantize(Decimal("0.01")),
            }
    return None
