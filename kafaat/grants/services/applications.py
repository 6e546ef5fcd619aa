"""The applicant's side: start an application to a lot of a published call, write it (details, partners,
target groups, contributions to the programme's indicators, the structured budget, documents), submit it and
withdraw it.

Rules: only a member of the applicant organisation with the applicant role writes (`access_rules.
can_edit_application`, which also asks the procedure's state to let the applicant write); anyone who may not
see the application gets a 404, one who sees it but may not write a 403. Every change is saved at once (a
draft is never lost); `Application.total_cost` and `requested_amount` follow the budget lines in the same
transaction. Submitting and withdrawing go through `services.workflow.transition` (its conditions check the
deadline, in Africa/Casablanca time, and the budget's limits); `missing_for_submission` adds what the stage
asks that the conditions do not (the province, and at the full stage a proposal document)."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kafaat.core import access, audit
from kafaat.core.models import Organisation, Territory
from kafaat.grants import access_rules, conditions, workflows
from kafaat.grants.access_rules import APPLY
from kafaat.grants.models import (
    Application,
    BudgetLine,
    Call,
    Document,
    IndicatorContribution,
    Lot,
    Stage,
    TargetGroup,
)
from kafaat.grants.services import workflow

CENT = Decimal("0.01")
MAX_BUDGET_LINES = 200
MAX_AMOUNT = Decimal("999999999999.99")
DETAIL_FIELDS = ("title", "summary", "territory", "duration_months", "language", "partners")


# --- Reading -----------------------------------------------------------------------------------------------


def my_applications(user) -> QuerySet[Application]:
    """The applications of the organisations the user applies for (none for a national administrator: they
    oversee calls, they do not apply)."""
    if getattr(user, "is_superuser", False):
        return Application.objects.none()
    organisations = access.organisations_where(user, APPLY)
    return (
        Application.objects.filter(organisation__in=organisations)
        .select_related("call", "lot", "organisation", "territory")
        .order_by("-created_at", "-id")
    )


def get_application(user, pk: int) -> Application:
    """An application the user may see (`can_view_application`), else 404."""
    application = (
        Application.objects.select_related("call", "lot", "organisation", "territory", "lot__territory")
        .filter(pk=pk)
        .first()
    )
    if application is None or not access_rules.can_view_application(user, application):
        raise access.OutOfScope(Application, pk)
    return application


def require_editor(user, application: Application) -> None:
    if not access_rules.can_edit_application(user, application):
        if access_rules.is_applicant_of(user, application):
            raise ValidationError(
                _("This application is “%(state)s”: it can no longer be changed.")
                % {"state": workflows.state_of(application).public}
            )
        raise access.Refused(APPLY, application)


def deadline_of(application: Application):
    return conditions.deadline_of(application)


def provinces_for(lot: Lot) -> QuerySet[Territory]:
    """The provinces an application to this lot may name: those under the lot's region, or all."""
    provinces = Territory.objects.filter(level=Territory.Level.PROVINCE)
    if lot.territory_id:
        provinces = provinces.filter(path__startswith=lot.territory.path)
    return provinces.order_by("name_fr")


# --- Starting ----------------------------------------------------------------------------------------------


def applicant_organisations(user) -> QuerySet[Organisation]:
    if getattr(user, "is_superuser", False):
        return Organisation.objects.none()
    return access.organisations_where(user, APPLY)


def _next_reference(call: Call) -> str:
    prefix = call.code.upper()
    taken = set(Application.objects.filter(call=call).values_list("reference", flat=True))
    number = len(taken) + 1
    while (
        f"{prefix}-{number:04d}" in taken
        or Application.objects.filter(reference=f"{prefix}-{number:04d}").exists()
    ):
        number += 1
    return f"{prefix}-{number:04d}"


@transaction.atomic
def start_application(
    user,
    call: Call,
    lot: Lot,
    *,
    title: str,
    language: str = Application.Language.FR,
    organisation: Organisation | None = None,
) -> Application:
    """A new draft for one of the user's applicant organisations, to a lot of a published call whose window
    is open."""
    organisations = applicant_organisations(user)
    organisation = organisation or organisations.order_by("pk").first()
    if organisation is None or not organisations.filter(pk=organisation.pk).exists():
        raise access.Refused(APPLY)
    call = Call.objects.select_for_update().get(pk=call.pk)  # one reference at a time per call
    if not access_rules.can_view_call(user, call):
        raise access.OutOfScope(Call, call.pk)
    if lot.call_id != call.pk:
        raise ValidationError({"lot": [_("Pick a lot of this call.")]})
    now = timezone.now()
    if call.status != Call.Status.PUBLISHED or now < call.opens_at or now > call.closes_at:
        raise ValidationError({"call": [_("The call is not open for applications.")]})
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": [_("Give the project a title.")]})
    if language not in Application.Language.values:
        raise ValidationError({"language": [_("Pick French, Arabic or English.")]})
    application = Application(
        call=call,
        lot=lot,
        organisation=organisation,
        reference=_next_reference(call),
        status=workflows.procedure_of(call).initial,
        title=title[:300],
        language=language,
        created_by=user,
    )
    application.save()
    audit.record(audit.Action.CREATE, user, application, details={"call": call.code, "lot": lot.code})
    return application


# --- Writing -----------------------------------------------------------------------------------------------


@transaction.atomic
def update_details(user, application: Application, data: dict) -> Application:
    """Title, summary, province, duration, language, partners (organisation ids)."""
    require_editor(user, application)
    errors: dict[str, list[str]] = {}
    if "title" in data:
        title = (data["title"] or "").strip()
        if not title:
            errors["title"] = [_("Give the project a title.")]
        application.title = title[:300]
    if "summary" in data:
        application.summary = (data["summary"] or "").strip()[:20000]
    if "territory" in data:
        territory = data["territory"]
        if territory in (None, ""):
            application.territory = None
        else:
            territory_id = territory.pk if isinstance(territory, Territory) else territory
            found = None
            if isinstance(territory_id, int) or str(territory_id).isdigit():
                found = provinces_for(application.lot).filter(pk=int(territory_id)).first()
            if found is None:
                errors["territory"] = [_("Pick a province of the lot's region.")]
            application.territory = found
    if "duration_months" in data:
        months = data["duration_months"]
        try:
            months = int(months) if months not in (None, "") else None
        except (TypeError, ValueError):
            months = 0  # refused below, as out of the range
        if months is not None and not (1 <= months <= 120):
            errors["duration_months"] = [_("A duration lies between 1 and 120 months.")]
        else:
            application.duration_months = months
    if "language" in data:
        if data["language"] not in Application.Language.values:
            errors["language"] = [_("Pick French, Arabic or English.")]
        else:
            application.language = data["language"]
    partners = None
    if "partners" in data:
        try:
            ids = {p.pk if isinstance(p, Organisation) else int(p) for p in data["partners"] or []}
        except (TypeError, ValueError):
            ids = {0}  # no such organisation: refused below
        partners = list(Organisation.objects.filter(pk__in=ids, is_active=True))
        if len(partners) != len(ids) or application.organisation_id in ids:
            errors["partners"] = [_("Partners are other active organisations.")]
    if errors:
        raise ValidationError(errors)
    application.save()
    if partners is not None:
        application.partners.set(partners)
    audit.record(audit.Action.UPDATE, user, application, details={"fields": sorted(data)})
    return application


def _count(value, field: str) -> int:
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        raise ValidationError({field: [_("Enter a whole number.")]}) from None
    if not (0 <= number <= 1_000_000):
        raise ValidationError({field: [_("Enter a number between 0 and 1,000,000.")]})
    return number


@transaction.atomic
def set_target_groups(user, application: Application, rows: list[dict]) -> list[TargetGroup]:
    """Replace the target groups: [{"group", "women", "men"}]; a group once, and nobody counted twice."""
    require_editor(user, application)
    groups: dict[str, TargetGroup] = {}
    for row in rows:
        group = row.get("group")
        if group not in TargetGroup.Group.values:
            raise ValidationError({"group": [_("Unknown target group.")]})
        if group in groups:
            raise ValidationError({"group": [_("Each target group once.")]})
        women, men = _count(row.get("women"), "women"), _count(row.get("men"), "men")
        if women + men == 0:
            continue
        groups[group] = TargetGroup(application=application, group=group, women=women, men=men)
    application.target_groups.all().delete()
    created = TargetGroup.objects.bulk_create(groups.values())
    audit.record(audit.Action.UPDATE, user, application, details={"target_groups": sorted(groups)})
    return created


def _amount(value, field: str, *, allow_zero: bool = True) -> Decimal:
    try:
        amount = Decimal(str(value).replace(" ", "").replace(",", ".")) if value not in (None, "") else None
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite():
        raise ValidationError({field: [_("Enter an amount.")]})
    if amount < 0 or (not allow_zero and amount == 0):
        raise ValidationError({field: [_("Amounts cannot be negative.")]})
    if amount > MAX_AMOUNT:
        raise ValidationError({field: [_("This amount is too large.")]})
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@transaction.atomic
def set_contributions(user, application: Application, rows: list[dict]) -> list[IndicatorContribution]:
    """Replace the contributions: [{"indicator": id, "target": number}], indicators of the call's project."""
    require_editor(user, application)
    from kafaat.results.models import Indicator

    allowed = set(Indicator.objects.filter(project=application.call.project).values_list("pk", flat=True))
    contributions: dict[int, IndicatorContribution] = {}
    for row in rows:
        try:
            indicator_id = int(row.get("indicator"))
        except (TypeError, ValueError):
            indicator_id = None
        if indicator_id not in allowed:
            raise ValidationError({"indicator": [_("Pick an indicator of the call's programme.")]})
        if indicator_id in contributions:
            raise ValidationError({"indicator": [_("Each indicator once.")]})
        target = _amount(row.get("target"), "target", allow_zero=False)
        contributions[indicator_id] = IndicatorContribution(
            application=application, indicator_id=indicator_id, target=target
        )
    application.contributions.all().delete()
    created = IndicatorContribution.objects.bulk_create(contributions.values())
    audit.record(audit.Action.UPDATE, user, application, details={"contributions": sorted(contributions)})
    return created


def line_errors(row: dict, index: int) -> BudgetLine:
    """A budget line from a row, checked: a category, a description, a unit, amounts ≥ 0, co-financing no
    more than the line's total."""
    prefix = f"lines[{index}]."
    category = row.get("category")
    if category not in BudgetLine.Category.values:
        raise ValidationError({prefix + "category": [_("Pick a budget category.")]})
    description = (row.get("description") or "").strip()
    unit = (row.get("unit") or "").strip()
    if not description or len(description) > 300:
        raise ValidationError({prefix + "description": [_("Describe the line (up to 300 characters).")]})
    if not unit or len(unit) > 40:
        raise ValidationError({prefix + "unit": [_("Give the unit (up to 40 characters).")]})
    quantity = _amount(row.get("quantity"), prefix + "quantity")
    if quantity > Decimal("9999999999.99"):
        raise ValidationError({prefix + "quantity": [_("This amount is too large.")]})
    unit_cost = _amount(row.get("unit_cost"), prefix + "unit_cost")
    cofinancing = _amount(row.get("cofinancing") or 0, prefix + "cofinancing")
    line = BudgetLine(
        category=category,
        description=description,
        unit=unit,
        quantity=quantity,
        unit_cost=unit_cost,
        cofinancing=cofinancing,
        position=index + 1,
    )
    if line.total > MAX_AMOUNT:
        raise ValidationError({prefix + "unit_cost": [_("This amount is too large.")]})
    if cofinancing > line.total:
        raise ValidationError(
            {prefix + "cofinancing": [_("The co-financing cannot exceed the line's total.")]}
        )
    return line


def recompute_totals(application: Application) -> Application:
    """Keep `total_cost` and `requested_amount` in step with the budget lines."""
    total = cofinancing = Decimal("0")
    for line in application.budget_lines.all():
        total += line.total
        cofinancing += line.cofinancing
    application.total_cost = total.quantize(CENT)
    application.requested_amount = (total - cofinancing).quantize(CENT)
    application.save(update_fields=["total_cost", "requested_amount", "updated_at"])
    return application


@transaction.atomic
def set_budget(user, application: Application, rows: list[dict]) -> Application:
    """Replace the budget lines (all or nothing: a bad line changes nothing) and recompute the totals."""
    require_editor(user, application)
    if len(rows) > MAX_BUDGET_LINES:
        raise ValidationError({"lines": [_("At most %(n)d lines.") % {"n": MAX_BUDGET_LINES}]})
    lines = [line_errors(row, i) for i, row in enumerate(rows)]
    application.budget_lines.all().delete()
    for line in lines:
        line.application = application
    BudgetLine.objects.bulk_create(lines)
    recompute_totals(application)
    audit.record(
        audit.Action.UPDATE,
        user,
        application,
        details={"budget_lines": len(lines), "total_cost": str(application.total_cost)},
    )
    return application


@dataclass(frozen=True)
class BudgetSummary:
    by_category: list[tuple[str, Decimal]]  # (category label, total), in the categories' order
    total_cost: Decimal
    cofinancing: Decimal
    requested: Decimal
    cofinancing_share: Decimal | None  # points on 100; None for an empty budget
    required_share: Decimal
    within_limits: bool


def budget_summary(application: Application) -> BudgetSummary:
    totals: OrderedDict[str, Decimal] = OrderedDict()
    for line in application.budget_lines.all():
        totals[line.category] = totals.get(line.category, Decimal("0")) + line.total
    by_category = [(label, totals[value]) for value, label in BudgetLine.Category.choices if value in totals]
    total = application.total_cost
    cofinancing = application.cofinancing
    share = (cofinancing * 100 / total).quantize(CENT) if total else None
    call = application.call
    within = bool(total) and call.min_grant <= application.requested_amount <= call.max_grant
    within = within and share is not None and share >= call.cofinancing_rate
    return BudgetSummary(
        by_category, total, cofinancing, application.requested_amount, share, call.cofinancing_rate, within
    )


# --- Submitting --------------------------------------------------------------------------------------------


def submission_name(application: Application) -> str | None:
    """The submit transition of the application's state ("submit_concept" or "submit"), if any."""
    for step in workflows.procedure_of(application).transitions:
        if step.name in workflow.SUBMISSIONS and application.status in step.sources:
            return step.name
    return None


def missing_for_submission(application: Application) -> list[str]:
    """What the stage asks that the transition's conditions do not check: the province; at the full stage,
    the proposal document."""
    missing = []
    if application.territory_id is None:
        missing.append(_("Pick the province where the project takes place."))
    full = workflows.stage_of(application) == Stage.FULL
    if full and not application.documents.filter(kind=Document.Kind.PROPOSAL).exists():
        missing.append(_("Attach the proposal document."))
    return missing


def submit(user, application: Application) -> Application:
    """Submit the concept note or the application: refused (TransitionRefused) with the reason — after the
    deadline, with the deadline shown."""
    application = Application.objects.select_related("call").get(pk=application.pk)  # fresh: the deadline
    name = submission_name(application)
    if name is None:
        return workflow.transition(user, application, "submit")  # refused with the state's reason
    if access_rules.can_view_application(user, application) and access_rules.is_applicant_of(
        user, application
    ):
        refusal = conditions.ready_to_submit(application)
        if refusal:
            raise workflow.TransitionRefused({"transition": [str(refusal)]})
        missing = missing_for_submission(application)
        if missing:
            raise workflow.TransitionRefused({"transition": missing})
    return workflow.transition(user, application, name)


def withdraw(user, application: Application, reason: str = "") -> Application:
    return workflow.transition(user, application, "withdraw", reason=reason)
