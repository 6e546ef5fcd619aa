"""Demo grants, continued: the awarded applications' agreements, with tranches in every state (planned,
released, paid), their payments, the reports (one interim report accepted with expenditure and indicator
values, one submitted, one due) and beneficiaries."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from kafaat.core.models import Organisation
from kafaat.grants.models import (
    Agreement,
    Application,
    Beneficiary,
    Expenditure,
    Payment,
    Report,
    ReportedValue,
    Tranche,
)
from kafaat.registry.models import Consent, Person


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def make_agreements(awarded: list[Application], officer, today: date) -> list[Agreement]:
    """Six agreements: five signed (tranches paid, released, planned; reports accepted, submitted, due) and
    one being prepared."""
    start = today - timedelta(days=120)
    created = []
    for index, application in enumerate(awarded):
        signed = index < 5
        agreement = Agreement.objects.create(
            application=application,
            reference=f"CS-{application.reference}",
            amount=application.requested_amount,
            start_date=start,
            end_date=start + timedelta(days=365),
            created_by=officer,
            status=Agreement.Status.SIGNED if signed else Agreement.Status.DRAFT,
            signed_on=start - timedelta(days=3) if signed else None,
        )
        interim = Report.objects.create(
            agreement=agreement,
            kind=Report.Kind.INTERIM,
            number=1,
            period_end=today - timedelta(days=20),
            due_date=today + timedelta(days=5 if index == 4 else 10),
        )
        Report.objects.create(
            agreement=agreement,
            kind=Report.Kind.FINAL,
            number=1,
            period_end=agreement.end_date,
            due_date=agreement.end_date + timedelta(days=60),
        )
        shares = (Decimal("40"), Decimal("40"), Decimal("20"))
        amounts = [(agreement.amount * s / 100).quantize(Decimal("0.01")) for s in shares[:2]]
        amounts.append(agreement.amount - sum(amounts))
        tranches = [
            Tranche.objects.create(
                agreement=agreement,
                number=1,
                share=shares[0],
                amount=amounts[0],
                condition=Tranche.Condition.SIGNATURE,
            ),
            Tranche.objects.create(
                agreement=agreement,
                number=2,
                share=shares[1],
                amount=amounts[1],
                condition=Tranche.Condition.REPORT_ACCEPTED,
                report=interim,
            ),
            Tranche.objects.create(
                agreement=agreement,
                number=3,
                share=shares[2],
                amount=amounts[2],
                condition=Tranche.Condition.EXPENDITURE,
                expenditure_share=Decimal("70"),
            ),
        ]
        if signed:
            application.status = "contracted"
            application.save(update_fields=["status"])
        # 0: first tranche paid, interim report accepted, second released; 1: first paid, report submitted;
        # 2: first released (to pay); 3: first planned (ready to release); 4: first paid, report due
        # this week.
        if index in (0, 1, 4):
            _pay(tranches[0], officer, start + timedelta(days=10))
        elif index == 2:
            _release(tranches[0], officer, start + timedelta(days=5))
        if index in (0, 1):
            _write_report(interim, application, today, accepted=index == 0, officer=officer)
        if index == 0:
            _release(tranches[1], officer, today - timedelta(days=2))
        if index == 4:
            _beneficiaries(agreement, application.organisation, officer)
        created.append(agreement)
    return created


def _release(tranche: Tranche, officer, day: date) -> None:
    tranche.status, tranche.released_at, tranche.released_by = Tranche.Status.RELEASED, at(day), officer
    tranche.save()


def _pay(tranche: Tranche, officer, day: date) -> None:
    _release(tranche, officer, day - timedelta(days=2))
    Payment.objects.create(
        tranche=tranche,
        paid_on=day,
        amount=tranche.amount,
        reference=f"VIR-{tranche.pk:06}",
        recorded_by=officer,
    )
    tranche.status = Tranche.Status.PAID
    tranche.save(update_fields=["status"])


def _write_report(report: Report, application: Application, today: date, *, accepted: bool, officer) -> None:
    report.narrative = (
        "Les deux premières sessions de formation ont eu lieu ; 48 jeunes inscrits, dont 27 "
        "femmes. Les partenariats avec trois employeurs locaux sont signés."
    )
    report.status = Report.Status.ACCEPTED if accepted else Report.Status.SUBMITTED
    report.submitted_at = at(today - timedelta(days=15 if accepted else 3))
    if accepted:
        report.reviewed_at, report.reviewed_by = at(today - timedelta(days=5)), officer
    report.save()
    for line in application.budget_lines.all():
        Expenditure.objects.create(
            report=report, budget_line=line, amount=(line.total * Decimal("0.10")).quantize(Decimal("0.01"))
        )
    for contribution, (value, women) in zip(
        application.contributions.order_by("indicator__code"), ((48, 27), (15, 8)), strict=False
    ):
        ReportedValue.objects.create(
            report=report, indicator=contribution.indicator, value=Decimal(value), women=women
        )


def _beneficiaries(agreement: Agreement, organisation: Organisation, officer) -> None:
    """Twelve people the grantee registered, with their consent."""
    consenting = Consent.objects.filter(purpose=Consent.Purpose.REGISTRATION, withdrawn_on__isnull=True)
    people = Person.objects.filter(
        registered_by=organisation, merged_into__isnull=True, pk__in=consenting.values("person_id")
    ).order_by("external_id")[:12]
    Beneficiary.objects.bulk_create(
        Beneficiary(agreement=agreement, person=p, added_by=officer) for p in people
    )
