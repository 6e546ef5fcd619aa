"""The funding part of the grants API: agreements, tranches and payments, grantee reports, beneficiaries,
and the aggregates (`/grants/measures`). Errors: 400 (bad input, with the fields), 403 (wrong role), 404 (an
id out of the user's reach), 409 (a tranche whose condition does not hold, with the reason)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from kafaat.core import access
from kafaat.core.api_schema import Error, IsoDate
from kafaat.core.models import Project
from kafaat.grants import access_rules
from kafaat.grants.models import Agreement, Application, Report
from kafaat.grants.services import agreements as services
from kafaat.grants.services import measures, reports
from kafaat.grants.services.workflow import TransitionRefused

router = Router(tags=["grants"])
_ID = Field(..., ge=1, le=2**31 - 1)
# Amounts and shares come in as decimal text (the schema says exactly which): every schema-valid value parses,
# and a business rule (a zero amount, a share above 100) answers 400.
Amount = Annotated[str, Field(pattern=r"^[0-9]{1,12}(\.[0-9]{1,2})?$", examples=["180000.00"])]
Share = Annotated[str, Field(pattern=r"^[0-9]{1,3}(\.[0-9]{1,2})?$", examples=["40"])]


class FundingTranche(Schema):
    id: int
    number: int
    share: Decimal
    amount: Decimal
    condition: str
    report: int | None = None
    expenditure_share: Decimal | None = None
    status: str
    paid: Decimal
    releasable: bool
    refusal: str | None = None


class FundingPayment(Schema):
    id: int
    tranche: int = Field(..., alias="tranche_id")
    paid_on: date
    amount: Decimal
    reference: str


class FundingReportSummary(Schema):
    id: int
    agreement: int = Field(..., alias="agreement_id")
    kind: str
    number: int
    period_end: date
    due_date: date
    status: str
    submitted_at: datetime | None
    review_note: str


class FundingBudgetRow(Schema):
    budget_line: int | None
    description: str
    budget: Decimal
    actual: Decimal
    declared: Decimal


class FundingAgreementSummary(Schema):
    id: int
    reference: str
    application: int = Field(..., alias="application_id")
    grantee: str = Field(..., alias="application.organisation.code")
    amount: Decimal
    start_date: date
    end_date: date
    status: str
    signed_on: date | None


class FundingAgreement(Schema):
    id: int
    reference: str
    application: int
    grantee: str
    amount: Decimal
    start_date: date
    end_date: date
    status: str
    signed_on: date | None
    disbursed: Decimal
    tranches: list[FundingTranche]
    reports: list[FundingReportSummary]
    budget: list[FundingBudgetRow]


class FundingTrancheIn(Schema):
    share: Share
    condition: str = Field(..., max_length=20)
    report: int | str | None = None  # the interim report's number, or "final"
    expenditure_share: Share | None = None


class FundingReportDates(Schema):
    period_end: IsoDate
    due_date: IsoDate


class FundingAgreementIn(Schema):
    application: int = _ID
    reference: str = Field(..., min_length=1, max_length=30)
    amount: Amount
    start_date: IsoDate
    end_date: IsoDate
    tranches: list[FundingTrancheIn] = Field(..., min_length=1, max_length=12)
    interim_reports: list[FundingReportDates] = Field([], max_length=12)
    final_report: FundingReportDates


class FundingSignIn(Schema):
    signed_on: IsoDate


class FundingPaymentIn(Schema):
    paid_on: IsoDate
    amount: Amount
    reference: str = Field(..., min_length=1, max_length=60)


class FundingExpenditureIn(Schema):
    budget_line: int = _ID
    amount: Amount | None = None


class FundingValueIn(Schema):
    indicator: int = _ID
    value: Amount | None = None
    women: int | None = Field(None, ge=0, le=10**9)


class FundingReportIn(Schema):
    narrative: str | None = Field(None, max_length=20000)
    expenditures: list[FundingExpenditureIn] = Field([], max_length=200)
    values: list[FundingValueIn] = Field([], max_length=100)


class FundingReport(FundingReportSummary):
    narrative: str
    expenditures: list[dict]
    values: list[dict]


class FundingReviewIn(Schema):
    accept: bool
    note: str = Field("", max_length=5000)


class FundingBeneficiaryIn(Schema):
    person: int = _ID


class FundingBeneficiary(Schema):
    id: int
    agreement: int = Field(..., alias="agreement_id")
    person: int = Field(..., alias="person_id")


class FundingCount(Schema):
    key: str
    label: str
    applications: int
    funded: int


class FundingMeasures(Schema):
    calls: int
    applications: int
    by_lot: list[FundingCount]
    by_applicant_type: list[FundingCount]
    decided: int
    funded: int
    success_rate: Decimal | None
    awarded: Decimal
    disbursed: Decimal
    beneficiaries: int | None  # None: hidden (suppressed)
    beneficiaries_by_sex: dict[str, int | None]
    beneficiaries_by_vulnerability: dict[str, dict[str, int | None]]


def _tranches(agreement: Agreement) -> list[dict]:
    return [
        {
            "id": s.tranche.pk,
            "number": s.tranche.number,
            "share": s.tranche.share,
            "amount": s.tranche.amount,
            "condition": s.tranche.condition,
            "report": s.tranche.report_id,
            "expenditure_share": s.tranche.expenditure_share,
            "status": s.tranche.status,
            "paid": s.paid,
            "releasable": s.releasable,
            "refusal": s.refusal,
        }
        for s in services.tranche_states(agreement)
    ]


def _agreement(agreement: Agreement) -> dict:
    return {
        "id": agreement.pk,
        "reference": agreement.reference,
        "application": agreement.application_id,
        "grantee": agreement.application.organisation.code,
        "amount": agreement.amount,
        "start_date": agreement.start_date,
        "end_date": agreement.end_date,
        "status": agreement.status,
        "signed_on": agreement.signed_on,
        "disbursed": services.disbursed(agreement),
        "tranches": _tranches(agreement),
        "reports": list(agreement.reports.all()),
        "budget": [
            {
                "budget_line": r.line.pk if r.line else None,
                "description": r.line.description if r.line else "",
                "budget": r.budget,
                "actual": r.actual,
                "declared": r.declared,
            }
            for r in services.budget_vs_actual(agreement)
        ],
    }


def _report(report: Report) -> dict:
    return {
        **{
            f: getattr(report, f)
            for f in (
                "id",
                "agreement_id",
                "kind",
                "number",
                "period_end",
                "due_date",
                "status",
                "submitted_at",
                "review_note",
                "narrative",
            )
        },
        "expenditures": [
            {"budget_line": e.budget_line_id, "amount": str(e.amount)} for e in report.expenditures.all()
        ],
        "values": [
            {"indicator": v.indicator_id, "value": str(v.value), "women": v.women}
            for v in report.values.all()
        ],
    }


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _refused(error) -> Status:
    return Status(409, {"detail": " ".join(str(m) for m in error.messages)})


@router.get(
    "/grants/agreements", response=list[FundingAgreementSummary], summary="The agreements the user may open"
)
def list_agreements(request: HttpRequest):
    return list(services.agreements_for(request.user).order_by("reference")[:500])


@router.post(
    "/grants/agreements",
    response={201: FundingAgreement},
    summary="Draw up an awarded application's agreement",
)
def create_agreement(request: HttpRequest, payload: FundingAgreementIn):
    application = Application.objects.select_related("call").filter(pk=payload.application).first()
    if application is None or not access_rules.can_view_application(request.user, application):
        raise access.OutOfScope(Application, payload.application)
    agreement = services.create_agreement(
        request.user,
        application,
        reference=payload.reference,
        amount=Decimal(payload.amount),
        start_date=payload.start_date,
        end_date=payload.end_date,
        tranches=[
            services.TrancheSpec(Decimal(t.share), t.condition, t.report, _decimal(t.expenditure_share))
            for t in payload.tranches
        ],
        schedule=services.Schedule(
            [(r.period_end, r.due_date) for r in payload.interim_reports],
            (payload.final_report.period_end, payload.final_report.due_date),
        ),
    )
    return Status(201, _agreement(agreement))


@router.get("/grants/agreements/{int:pk}", response=FundingAgreement, summary="An agreement")
def get_agreement(request: HttpRequest, pk: int):
    return _agreement(services.get_agreement(request.user, pk))


@router.post("/grants/agreements/{int:pk}/sign", response=FundingAgreement, summary="Record the signature")
def sign(request: HttpRequest, pk: int, payload: FundingSignIn):
    agreement = services.sign_agreement(
        request.user, services.get_agreement(request.user, pk), payload.signed_on
    )
    return _agreement(agreement)


@router.post(
    "/grants/agreements/{int:pk}/close",
    response={200: FundingAgreement, 409: Error},
    summary="Close the grant (final report accepted, every tranche paid)",
)
def close(request: HttpRequest, pk: int):
    agreement = services.get_agreement(request.user, pk)
    try:
        agreement = services.close_grant(request.user, agreement)
    except TransitionRefused as refused:
        return _refused(refused)
    return _agreement(agreement)


@router.post(
    "/grants/tranches/{int:pk}/release",
    response={200: FundingTranche, 409: Error},
    summary="Release a tranche (409 with the reason when its condition does not hold)",
)
def release(request: HttpRequest, pk: int):
    tranche = services.get_tranche(request.user, pk)
    try:
        tranche = services.release_tranche(request.user, tranche)
    except services.TrancheRefused as refused:
        return _refused(refused)
    return next(t for t in _tranches(tranche.agreement) if t["id"] == tranche.pk)


@router.post(
    "/grants/tranches/{int:pk}/payments",
    response={201: FundingPayment, 409: Error},
    summary="Record a payment of a released tranche",
)
def pay(request: HttpRequest, pk: int, payload: FundingPaymentIn):
    tranche = services.get_tranche(request.user, pk)
    try:
        payment = services.record_payment(
            request.user,
            tranche,
            paid_on=payload.paid_on,
            amount=Decimal(payload.amount),
            reference=payload.reference,
        )
    except services.TrancheRefused as refused:
        return _refused(refused)
    return Status(201, payment)


@router.get(
    "/grants/tranches/{int:pk}/payments", response=list[FundingPayment], summary="A tranche's payments"
)
def payments(request: HttpRequest, pk: int):
    return list(services.get_tranche(request.user, pk).payments.all())


@router.post(
    "/grants/agreements/{int:pk}/beneficiaries",
    response={201: FundingBeneficiary},
    summary="Add a person of the registry (with consent) to the grant",
)
def add_beneficiary(request: HttpRequest, pk: int, payload: FundingBeneficiaryIn):
    agreement = services.get_agreement(request.user, pk)
    return Status(201, services.add_beneficiary(request.user, agreement, payload.person))


@router.get(
    "/grants/reports", response=list[FundingReportSummary], summary="Reports: to review, or due (grantee)"
)
def list_reports(request: HttpRequest, status: str | None = None):
    rows = Report.objects.filter(agreement__in=services.agreements_for(request.user))
    if status is not None:
        if status not in Report.Status.values:
            raise ValidationError({"status": [_("Unknown report status.")]})
        rows = rows.filter(status=status)
    return list(rows.order_by("due_date", "id")[:500])


@router.get("/grants/reports/{int:pk}", response=FundingReport, summary="A report")
def get_report(request: HttpRequest, pk: int):
    return _report(reports.get_report(request.user, pk))


@router.put("/grants/reports/{int:pk}", response=FundingReport, summary="Save the grantee's report")
def save_report(request: HttpRequest, pk: int, payload: FundingReportIn):
    report = reports.get_report(request.user, pk)
    report = reports.save_report(
        request.user,
        report,
        narrative=payload.narrative,
        expenditures={e.budget_line: e.amount for e in payload.expenditures},
        values={v.indicator: (v.value, v.women) for v in payload.values},
    )
    return _report(report)


@router.post("/grants/reports/{int:pk}/submit", response=FundingReport, summary="Submit the report")
def submit_report(request: HttpRequest, pk: int):
    return _report(reports.submit_report(request.user, reports.get_report(request.user, pk)))


@router.post("/grants/reports/{int:pk}/review", response=FundingReport, summary="Accept or return a report")
def review_report(request: HttpRequest, pk: int, payload: FundingReviewIn):
    report = reports.get_report(request.user, pk)
    return _report(reports.review_report(request.user, report, accept=payload.accept, note=payload.note))


def _cells(table) -> dict[str, int | None]:
    return {str(key): table.cells[key].value for key in table.keys}


@router.get(
    "/grants/measures", response=FundingMeasures, summary="The grants' aggregates (suppressed counts)"
)
def grant_measures(request: HttpRequest, project: str | None = None):
    record = get_object_or_404(Project, code=project[:40]) if project else None
    figures = measures.grant_figures(request.user, record)
    return {
        "calls": figures.calls,
        "applications": figures.applications,
        "by_lot": figures.by_lot,
        "by_applicant_type": figures.by_applicant_type,
        "decided": figures.decided,
        "funded": figures.funded,
        "success_rate": figures.success_rate,
        "awarded": figures.awarded,
        "disbursed": figures.disbursed,
        "beneficiaries": figures.beneficiaries.value,
        "beneficiaries_by_sex": _cells(figures.beneficiaries_by_sex),
        "beneficiaries_by_vulnerability": {
            k: _cells(t) for k, t in figures.beneficiaries_by_vulnerability.items()
        },
    }
