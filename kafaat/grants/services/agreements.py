"""Grant agreements and the money (docs/grants/funding.md): the officer draws up an awarded application's
agreement (amount, period, tranche schedule with each tranche's condition, report schedule), records its
signature (then the application's `contract` transition), releases a tranche when its condition holds,
records its payments, and closes the grant; the grantee adds its beneficiaries. Every change is audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kafaat.core import access, audit
from kafaat.grants import access_rules, conditions
from kafaat.grants.models import (
    Agreement,
    Application,
    Beneficiary,
    BudgetLine,
    Decision,
    Expenditure,
    Payment,
    Report,
    Tranche,
)
from kafaat.grants.services.workflow import transition
from kafaat.registry.access_rules import shared_with
from kafaat.registry.models import Consent, Person

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
ZERO = Decimal("0")


class TrancheRefused(ValidationError):
    """A tranche whose condition does not hold now (a 409 for the API): the message says why."""


@dataclass(frozen=True)
class TrancheSpec:
    """One tranche of the schedule: its share of the grant (%) and its condition. `report` is the number of
    the interim report (or "final") a REPORT_ACCEPTED tranche waits for; `expenditure_share` the share of the
    tranches paid before it that accepted reports must justify (EXPENDITURE)."""

    share: Decimal
    condition: str
    report: int | str | None = None
    expenditure_share: Decimal | None = None


@dataclass(frozen=True)
class Schedule:
    """The reports the grantee owes: interim reports (period end, due date) and the final report."""

    interim: list[tuple[date, date]] = field(default_factory=list)
    final: tuple[date, date] | None = None


# --- Reading -----


def can_view_agreement(user, agreement: Agreement) -> bool:
    application = agreement.application
    return (
        access_rules.can_manage_call(user, application.call)
        or access_rules.can_decide(user, application.call)
        or access_rules.is_applicant_of(user, application)
    )


def agreements_for(user) -> QuerySet[Agreement]:
    """The agreements this user may open: their calls' (officers, committee) and their organisation's
    (grantees)."""
    rows = Agreement.objects.select_related(
        "application__organisation", "application__call", "application__lot"
    )
    if getattr(user, "is_superuser", False) and user.is_active:
        return rows
    managed = access.organisations_where(user, access_rules.MANAGE_CALLS)
    deciding = access.organisations_where(user, access_rules.DECIDE)
    applying = access.organisations_where(user, access_rules.APPLY)
    return rows.filter(
        Q(application__call__organisation__in=managed)
        | Q(application__call__organisation__in=deciding)
        | Q(application__organisation__in=applying)
    )


def grantee_agreements(user) -> QuerySet[Agreement]:
    """The grantee's own agreements ("my grants"): those of the organisations where the user applies."""
    applying = access.organisations_where(user, access_rules.APPLY)
    return Agreement.objects.filter(application__organisation__in=applying).select_related(
        "application__organisation", "application__call"
    )


def get_agreement(user, agreement_id: int) -> Agreement:
    """An agreement the user may open, else 404 (never "exists but forbidden")."""
    agreement = (
        Agreement.objects.select_related("application__call", "application__organisation", "application__lot")
        .filter(pk=agreement_id)
        .first()
    )
    if agreement is None or not can_view_agreement(user, agreement):
        raise access.OutOfScope(Agreement, agreement_id)
    return agreement


def get_tranche(user, tranche_id: int) -> Tranche:
    tranche = (
        Tranche.objects.select_related("agreement__application__call", "report").filter(pk=tranche_id).first()
    )
    if tranche is None or not can_view_agreement(user, tranche.agreement):
        raise access.OutOfScope(Tranche, tranche_id)
    return tranche


def _require_officer(user, agreement: Agreement) -> None:
    if not access_rules.can_manage_call(user, agreement.application.call):
        raise access.Refused(access_rules.MANAGE_CALLS, agreement)


def awarded_amount(application: Application) -> Decimal:
    """The most the agreement may give: the committee's amount when it set one, else the amount requested."""
    decision = application.decisions.filter(outcome=Decision.Outcome.AWARDED, amount__isnull=False).first()
    if decision is not None and decision.amount:
        return min(decision.amount, application.requested_amount)
    return application.requested_amount


# --- Agreement -----


def _check_schedule(amount, start_date, end_date, tranches: list[TrancheSpec], schedule: Schedule) -> dict:
    errors: dict[str, list[str]] = {}
    if not tranches:
        errors["tranches"] = [_("Give at least one tranche.")]
    elif sum((Decimal(t.share) for t in tranches), ZERO) != HUNDRED:
        errors["tranches"] = [_("The tranches' shares must add up to 100 %.")]
    for spec in tranches:
        if spec.condition not in Tranche.Condition.values:
            errors["tranches"] = [
                _("Unknown tranche condition: %(name)s.") % {"name": str(spec.condition)[:40]}
            ]
        elif not (ZERO < Decimal(spec.share) <= HUNDRED):
            errors["tranches"] = [_("Each tranche's share lies between 0 and 100 %.")]
        elif spec.condition == Tranche.Condition.REPORT_ACCEPTED and not (
            spec.report == "final" or str(spec.report).isdigit()
        ):
            errors["tranches"] = [_("Say which report a tranche waits for.")]
        elif spec.condition == Tranche.Condition.EXPENDITURE and not (
            spec.expenditure_share is not None and ZERO < Decimal(spec.expenditure_share) <= HUNDRED
        ):
            errors["tranches"] = [_("Say which share of the paid tranches the expenditure must justify.")]
    if schedule.final is None:
        errors["reports"] = [_("The report schedule needs a final report.")]
    for period_end, due in [*schedule.interim, *([schedule.final] if schedule.final else [])]:
        if due < period_end:
            errors["reports"] = [_("A report cannot be due before its period ends.")]
        elif start_date and end_date and not (start_date <= period_end <= end_date):
            errors["reports"] = [_("A report's period must end within the agreement's period.")]
    return errors


@transaction.atomic
def create_agreement(
    user,
    application: Application,
    *,
    reference: str,
    amount: Decimal,
    start_date: date,
    end_date: date,
    tranches: list[TrancheSpec],
    schedule: Schedule,
) -> Agreement:
    """Draw up the agreement of an awarded application, with its tranches and its reports."""
    application = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    if not access_rules.can_view_application(user, application):
        raise access.OutOfScope(Application, application.pk)
    if not access_rules.can_manage_call(user, application.call):
        raise access.Refused(access_rules.MANAGE_CALLS, application)
    if application.status != "awarded":
        raise ValidationError({"application": [_("Only an awarded application gets an agreement.")]})
    if Agreement.objects.filter(application=application).exists():
        raise ValidationError({"application": [_("This application already has an agreement.")]})
    reference = (reference or "").strip()
    errors: dict[str, list[str]] = {}
    if not reference:
        errors["reference"] = [_("Give the agreement a reference.")]
    elif Agreement.objects.filter(reference=reference).exists():
        errors["reference"] = [_("Another agreement has this reference.")]
    ceiling = awarded_amount(application)
    if amount is None or amount <= 0:
        errors["amount"] = [_("The grant amount must be positive.")]
    elif amount > ceiling:
        errors["amount"] = [_("The grant cannot exceed the amount awarded.")]
    if not start_date or not end_date or end_date <= start_date:
        errors["end_date"] = [_("The agreement must end after it starts.")]
    errors.update(_check_schedule(amount, start_date, end_date, tranches, schedule))
    if errors:
        raise ValidationError(errors)
    amount = amount.quantize(CENT)
    agreement = Agreement.objects.create(
        application=application,
        reference=reference,
        amount=amount,
        start_date=start_date,
        end_date=end_date,
        created_by=user,
    )
    reports = {}
    for number, (period_end, due) in enumerate(schedule.interim, start=1):
        reports[number] = Report.objects.create(
            agreement=agreement, kind=Report.Kind.INTERIM, number=number, period_end=period_end, due_date=due
        )
    final_end, final_due = schedule.final
    reports["final"] = Report.objects.create(
        agreement=agreement, kind=Report.Kind.FINAL, number=1, period_end=final_end, due_date=final_due
    )
    given = ZERO
    for number, spec in enumerate(tranches, start=1):
        share = Decimal(spec.share)
        value = (amount * share / HUNDRED).quantize(CENT) if number < len(tranches) else amount - given
        given += value
        report = None
        if spec.condition == Tranche.Condition.REPORT_ACCEPTED:
            report = reports.get(spec.report if spec.report == "final" else int(spec.report))
            if report is None:
                raise ValidationError(
                    {"tranches": [_("A tranche waits for a report the schedule does not have.")]}
                )
        Tranche.objects.create(
            agreement=agreement,
            number=number,
            share=share,
            amount=value,
            condition=spec.condition,
            report=report,
            expenditure_share=spec.expenditure_share
            if spec.condition == Tranche.Condition.EXPENDITURE
            else None,
        )
    audit.record(
        audit.Action.CREATE,
        user,
        agreement,
        details={"application": application.pk, "amount": str(amount), "tranches": len(tranches)},
    )
    return agreement


@transaction.atomic
def sign_agreement(user, agreement: Agreement, signed_on: date) -> Agreement:
    """Record the date the agreement was signed, then move the application to "agreement signed"."""
    agreement = Agreement.objects.select_for_update().select_related("application__call").get(pk=agreement.pk)
    _require_officer(user, agreement)
    if agreement.status != Agreement.Status.DRAFT:
        raise ValidationError({"status": [_("This agreement is already signed.")]})
    if signed_on is None or signed_on > timezone.localdate():
        raise ValidationError({"signed_on": [_("The signature date cannot be in the future.")]})
    agreement.status, agreement.signed_on = Agreement.Status.SIGNED, signed_on
    agreement.save(update_fields=["status", "signed_on"])
    transition(user, agreement.application, "contract")
    audit.record(audit.Action.UPDATE, user, agreement, details={"signed_on": str(signed_on)})
    return agreement


@transaction.atomic
def close_grant(user, agreement: Agreement) -> Agreement:
    """Close the grant once the final report is accepted and every tranche paid (the `close` transition)."""
    agreement = Agreement.objects.select_for_update().select_related("application__call").get(pk=agreement.pk)
    _require_officer(user, agreement)
    transition(user, agreement.application, "close")
    agreement.status = Agreement.Status.CLOSED
    agreement.save(update_fields=["status"])
    audit.record(audit.Action.UPDATE, user, agreement, details={"status": "closed"})
    return agreement


# --- Tranches and payments -----


def paid_on_tranche(tranche: Tranche) -> Decimal:
    return tranche.payments.aggregate(total=Sum("amount"))["total"] or ZERO


@transaction.atomic
def release_tranche(user, tranche: Tranche) -> Tranche:
    """Release a planned tranche whose condition holds; else `TrancheRefused` with the reason."""
    tranche = (
        Tranche.objects.select_for_update().select_related("agreement__application__call").get(pk=tranche.pk)
    )
    _require_officer(user, tranche.agreement)
    if tranche.status != Tranche.Status.PLANNED:
        raise TrancheRefused({"tranche": [_("This tranche is already released.")]})
    refusal = conditions.tranche_condition(tranche)
    if refusal:
        raise TrancheRefused({"tranche": [str(refusal)]})
    tranche.status, tranche.released_at, tranche.released_by = Tranche.Status.RELEASED, timezone.now(), user
    tranche.save(update_fields=["status", "released_at", "released_by"])
    audit.record(
        audit.Action.UPDATE, user, tranche, details={"status": "released", "amount": str(tranche.amount)}
    )
    return tranche


@transaction.atomic
def record_payment(user, tranche: Tranche, *, paid_on: date, amount: Decimal, reference: str) -> Payment:
    """A payment of a released tranche; the payments never add up to more than the tranche, which is paid
    when they reach it."""
    tranche = (
        Tranche.objects.select_for_update().select_related("agreement__application__call").get(pk=tranche.pk)
    )
    _require_officer(user, tranche.agreement)
    reference = (reference or "").strip()
    errors: dict[str, list[str]] = {}
    if tranche.status == Tranche.Status.PLANNED:
        raise TrancheRefused({"tranche": [_("Release the tranche before paying it.")]})
    if tranche.status == Tranche.Status.PAID:
        raise TrancheRefused({"tranche": [_("This tranche is fully paid.")]})
    if not reference:
        errors["reference"] = [_("Give the payment's reference.")]
    if paid_on is None or paid_on > timezone.localdate():
        errors["paid_on"] = [_("The payment date cannot be in the future.")]
    already = paid_on_tranche(tranche)
    if amount is None or amount <= 0:
        errors["amount"] = [_("The amount must be positive.")]
    elif already + amount > tranche.amount:
        errors["amount"] = [
            _("The payments would exceed the tranche: %(left)s MAD remain to be paid.")
            % {"left": _money(tranche.amount - already)}
        ]
    if errors:
        raise ValidationError(errors)
    amount = amount.quantize(CENT)
    payment = Payment.objects.create(
        tranche=tranche, paid_on=paid_on, amount=amount, reference=reference[:60], recorded_by=user
    )
    if already + amount == tranche.amount:
        tranche.status = Tranche.Status.PAID
        tranche.save(update_fields=["status"])
    audit.record(
        audit.Action.CREATE,
        user,
        payment,
        details={"tranche": tranche.pk, "amount": str(amount), "paid": tranche.status == "paid"},
    )
    return payment


def _money(value: Decimal) -> str:
    from kafaat.core.l10n.formatting import format_number

    return format_number(value, decimals=2)


@dataclass(frozen=True)
class TrancheState:
    tranche: Tranche
    refusal: str | None  # why it cannot be released now (None: it may be, or it already is)
    paid: Decimal

    @property
    def releasable(self) -> bool:
        return self.tranche.status == Tranche.Status.PLANNED and self.refusal is None

    @property
    def left(self) -> Decimal:
        return self.tranche.amount - self.paid


def tranche_states(agreement: Agreement) -> list[TrancheState]:
    states = []
    tranches = agreement.tranches.select_related("report", "agreement").annotate(
        paid_sum=Sum("payments__amount")
    )
    for tranche in tranches:
        refusal = conditions.tranche_condition(tranche) if tranche.status == Tranche.Status.PLANNED else None
        states.append(TrancheState(tranche, str(refusal) if refusal else None, _cents(tranche.paid_sum)))
    return states


def _cents(value) -> Decimal:
    """A sum read back from the database (SQLite gives Decimal('180000')) with its two decimals."""
    return Decimal(value or ZERO).quantize(CENT)


def disbursed(agreement: Agreement) -> Decimal:
    return _cents(
        Payment.objects.filter(tranche__agreement=agreement).aggregate(total=Sum("amount"))["total"]
    )


# --- Budget against actual -----


@dataclass(frozen=True)
class BudgetRow:
    line: BudgetLine | None  # None: the total
    budget: Decimal
    actual: Decimal  # justified by accepted reports
    declared: Decimal  # in reports submitted, not yet accepted

    @property
    def rate(self) -> Decimal | None:
        return (self.actual * HUNDRED / self.budget) if self.budget else None


def budget_vs_actual(agreement: Agreement) -> list[BudgetRow]:
    """Per budget line of the application, then the total: the budget, what accepted reports justify, and
    what submitted reports declare."""
    spent = Expenditure.objects.filter(report__agreement=agreement)
    accepted = dict(
        spent.filter(report__status=Report.Status.ACCEPTED)
        .values_list("budget_line")
        .annotate(total=Sum("amount"))
        .values_list("budget_line", "total")
    )
    pending = dict(
        spent.filter(report__status=Report.Status.SUBMITTED)
        .values_list("budget_line")
        .annotate(total=Sum("amount"))
        .values_list("budget_line", "total")
    )
    rows = [
        BudgetRow(line, line.total, _cents(accepted.get(line.pk)), _cents(pending.get(line.pk)))
        for line in agreement.application.budget_lines.all()
    ]
    total = BudgetRow(
        None,
        sum((r.budget for r in rows), ZERO),
        sum((r.actual for r in rows), ZERO),
        sum((r.declared for r in rows), ZERO),
    )
    return [*rows, total]


# --- Beneficiaries -----


def _grantee_people(organisation_id: int) -> QuerySet[Person]:
    """The registry's people the grantee organisation may see (those it registered, or that were shared with
    it), who gave their consent and did not withdraw it."""
    active = Consent.objects.filter(purpose=Consent.Purpose.REGISTRATION, withdrawn_on__isnull=True)
    return Person.objects.filter(
        Q(registered_by_id=organisation_id) | Q(pk__in=shared_with(organisation_id)),
        merged_into__isnull=True,
        pk__in=active.values("person_id"),
    )


def candidate_beneficiaries(user, agreement: Agreement) -> QuerySet[Person]:
    if not access_rules.is_applicant_of(user, agreement.application):
        return Person.objects.none()
    return _grantee_people(agreement.application.organisation_id).exclude(grants__agreement=agreement)


@transaction.atomic
def add_beneficiary(user, agreement: Agreement, person_id: int) -> Beneficiary:
    """The grantee adds a person of the registry it may see, with their consent, to the grant."""
    if not access_rules.is_applicant_of(user, agreement.application):
        raise access.Refused(access_rules.APPLY, agreement)
    if agreement.status != Agreement.Status.SIGNED:
        raise ValidationError({"agreement": [_("Beneficiaries are added to a signed grant.")]})
    people = Person.objects.filter(
        Q(registered_by_id=agreement.application.organisation_id)
        | Q(pk__in=shared_with(agreement.application.organisation_id)),
        merged_into__isnull=True,
    )
    person = access.in_scope_or_404(people, pk=person_id)
    if not person.consents.filter(purpose=Consent.Purpose.REGISTRATION, withdrawn_on__isnull=True).exists():
        raise ValidationError({"person": [_("The person has not given (or withdrew) their consent.")]})
    if Beneficiary.objects.filter(agreement=agreement, person=person).exists():
        raise ValidationError({"person": [_("This person is already a beneficiary of the grant.")]})
    beneficiary = Beneficiary.objects.create(agreement=agreement, person=person, added_by=user)
    audit.record(
        audit.Action.CREATE, user, beneficiary, details={"agreement": agreement.pk, "person": person.pk}
    )
    return beneficiary
