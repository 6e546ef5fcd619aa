"""The funding part's home panels: the grants officer's (reports to review, tranches ready to release,
awarded applications waiting for their agreement) and the grantee's (reports due within a week or overdue).
Counted over what the agreements pages list, in the same scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from kafaat.core import access
from kafaat.grants import access_rules, conditions
from kafaat.grants.models import Agreement, Report, Tranche
from kafaat.grants.pages.funding.views import awaiting_agreement
from kafaat.grants.services import reports

SHOWN = 5
TRANCHES_CHECKED = 50  # the expenditure-conditioned tranches the panel evaluates (a bounded read)


@dataclass(frozen=True)
class OfficerFigures:
    to_review: int
    releasable: int
    awaiting: int


def officer_figures(user) -> OfficerFigures | None:
    if not access.has_permission(user, access_rules.MANAGE_CALLS):
        return None
    managed = access.organisations_where(user, access_rules.MANAGE_CALLS)
    tranches = Tranche.objects.filter(
        status=Tranche.Status.PLANNED, agreement__status=Agreement.Status.SIGNED
    )
    if not (user.is_superuser and user.is_active):
        tranches = tranches.filter(agreement__application__call__organisation__in=managed)
    # Signature and report conditions are counted in one query; the expenditure ones whose earlier
    # tranches are paid (a few at a time) are evaluated, at most TRANCHES_CHECKED of them.
    simple = tranches.filter(
        Q(condition=Tranche.Condition.SIGNATURE)
        | Q(condition=Tranche.Condition.REPORT_ACCEPTED, report__status=Report.Status.ACCEPTED)
    ).count()
    unpaid_before = Tranche.objects.filter(
        agreement=OuterRef("agreement"), number__lt=OuterRef("number")
    ).exclude(status=Tranche.Status.PAID)
    spending = (
        tranches.filter(condition=Tranche.Condition.EXPENDITURE)
        .exclude(Exists(unpaid_before))
        .select_related("agreement")
    )
    releasable = simple + sum(
        1 for t in spending.order_by("id")[:TRANCHES_CHECKED] if conditions.tranche_condition(t) is None
    )
    to_review = reports.reports_to_review(user).count()
    awaiting = awaiting_agreement(user).count()
    if not (
        to_review
        or releasable
        or awaiting
        or Agreement.objects.filter(application__call__organisation__in=managed).exists()
    ):
        return None  # an administrator of an organisation without calls: nothing to say
    return OfficerFigures(to_review, releasable, awaiting)


@dataclass(frozen=True)
class GranteeFigures:
    due_count: int
    due: list[Report]
    overdue: bool
    today: date


def grantee_figures(user) -> GranteeFigures | None:
    if not access.has_permission(user, access_rules.APPLY):
        return None
    today = timezone.localdate()
    due = reports.reports_due(user, today)
    shown = list(due[:SHOWN])
    return GranteeFigures(due.count(), shown, any(r.due_date < today for r in shown), today)
