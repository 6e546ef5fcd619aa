"""Helpers of the funding tests (no test here): an awarded application written with the models (the review
services are another part's), and its agreement drawn up through the services."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from kafaat.grants.models import (
    Application,
    BudgetLine,
    Decision,
    IndicatorContribution,
    Stage,
    TargetGroup,
    Tranche,
)
from kafaat.grants.services import agreements

_NUMBER = iter(range(1, 10_000))


def awarded_application(grants, organisation: str = "ngo_a", lot: str = "oriental") -> Application:
    """An application awarded 500,000 MAD (total cost 560,000, of which 60,000 co-financing)."""
    n = next(_NUMBER)
    application = Application.objects.create(
        call=grants["call"],
        lot=grants["lots"][lot],
        organisation=grants[organisation],
        reference=f"T-{n:04}",
        status="awarded",
        title=f"Projet pilote {n}",
        summary="Former et insérer.",
        duration_months=12,
    )
    lines = [
        BudgetLine(
            application=application,
            position=1,
            category="staff",
            description="Coordination",
            unit="mois",
            quantity=Decimal("12"),
            unit_cost=Decimal("10000"),
            cofinancing=Decimal("20000"),
        ),
        BudgetLine(
            application=application,
            position=2,
            category="training",
            description="Formations",
            unit="session",
            quantity=Decimal("10"),
            unit_cost=Decimal("44000"),
            cofinancing=Decimal("40000"),
        ),
    ]
    BudgetLine.objects.bulk_create(lines)
    application.total_cost = Decimal("560000")
    application.requested_amount = Decimal("500000")
    application.save()
    TargetGroup.objects.create(application=application, group="neet_youth", women=30, men=20)
    for indicator in grants["indicators"]:
        IndicatorContribution.objects.create(
            application=application, indicator=indicator, target=Decimal("50")
        )
    Decision.objects.create(
        application=application,
        stage=Stage.FULL,
        outcome=Decision.Outcome.AWARDED,
        reason="Retenu.",
        amount=Decimal("500000"),
        decided_by=grants["users"]["committee"],
    )
    return application


def standard_schedule(today: date | None = None):
    """40 % on signature, 40 % once interim report 1 is accepted, 20 % once 70 % of the paid is justified."""
    today = today or timezone.localdate()
    tranches = [
        agreements.TrancheSpec(Decimal("40"), Tranche.Condition.SIGNATURE),
        agreements.TrancheSpec(Decimal("40"), Tranche.Condition.REPORT_ACCEPTED, report=1),
        agreements.TrancheSpec(Decimal("20"), Tranche.Condition.EXPENDITURE, expenditure_share=Decimal("70")),
    ]
    schedule = agreements.Schedule(
        [(today - timedelta(days=10), today + timedelta(days=5))],
        (today + timedelta(days=300), today + timedelta(days=360)),
    )
    return tranches, schedule


def draw_up(grants, application: Application, *, amount: Decimal = Decimal("500000"), sign: bool = True):
    today = timezone.localdate()
    tranches, schedule = standard_schedule(today)
    agreement = agreements.create_agreement(
        grants["users"]["officer"],
        application,
        reference=f"CS-{application.reference}",
        amount=amount,
        start_date=today - timedelta(days=60),
        end_date=today + timedelta(days=300),
        tranches=tranches,
        schedule=schedule,
    )
    if sign:
        agreements.sign_agreement(grants["users"]["officer"], agreement, today - timedelta(days=50))
        agreement.refresh_from_db()
    return agreement


def english():
    """The messages are checked in English (the default language is French)."""
    from django.utils import translation

    with translation.override("en"):
        yield
