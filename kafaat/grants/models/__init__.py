"""The grants app's models, by part of the process (Django finds them through this package)."""

from kafaat.grants.models.agreements import (
    Agreement,
    Beneficiary,
    Expenditure,
    Payment,
    Report,
    ReportedValue,
    Tranche,
)
from kafaat.grants.models.applications import (
    Application,
    BudgetLine,
    Decision,
    Document,
    EligibilityCheck,
    IndicatorContribution,
    TargetGroup,
    Transition,
)
from kafaat.grants.models.calls import Call, EligibilityCriterion, GridCriterion, GridSection, Lot, Stage
from kafaat.grants.models.reviews import Assignment, Score

__all__ = [
    "Agreement",
    "Application",
    "Assignment",
    "Beneficiary",
    "BudgetLine",
    "Call",
    "Decision",
    "Document",
    "EligibilityCheck",
    "EligibilityCriterion",
    "Expenditure",
    "GridCriterion",
    "GridSection",
    "IndicatorContribution",
    "Lot",
    "Payment",
    "Report",
    "ReportedValue",
    "Score",
    "Stage",
    "TargetGroup",
    "Tranche",
    "Transition",
]
