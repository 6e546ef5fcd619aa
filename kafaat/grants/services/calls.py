"""Calls for proposals, set up by their grants officers (`access_rules.can_manage_call`): the call itself, its
lots, eligibility criteria, evaluation grid and reviewers; publishing (with its checks) and closing.

Rules: the lots, criteria and grid change only while the call is being prepared (DRAFT); a published call
keeps its texts, deadlines and review settings editable, not its procedure nor its money. Reads go through
`visible_calls` / `get_call` (a draft is seen by its officers only: anyone else gets a 404); every change is
audited."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kafaat.core import access, audit
from kafaat.core.models import Organisation, Project, Role, Territory
from kafaat.grants import access_rules, prag, workflows
from kafaat.grants.access_rules import MANAGE_CALLS
from kafaat.grants.models import Call, EligibilityCriterion, GridCriterion, GridSection, Lot, Stage

# What a published call may still change: its texts, deadlines and review settings.
PUBLISHED_EDITABLE = {
    "name_fr",
    "name_ar",
    "name_en",
    "description_fr",
    "description_ar",
    "description_en",
    "closes_at",
    "full_closes_at",
    "blind_review",
    "reviewers_per_application",
    "spread_threshold",
    "pass_mark",
}
CALL_FIELDS = PUBLISHED_EDITABLE | {
    "code",
    "project",
    "procedure",
    "currency",
    "min_grant",
    "max_grant",
    "cofinancing_rate",
    "opens_at",
}


class CallLocked(ValidationError):
    """A change the call's status no longer allows (400 in the API, a message on the page)."""

    def __init__(self, call: Call) -> None:
        super().__init__(
            _("The call is “%(status)s”: this can no longer be changed.")
            % {"status": call.get_status_display()}
        )


# --- Reading -----------------------------------------------------------------------------------------------


def managed_organisations(user) -> QuerySet[Organisation]:
    return access.organisations_where(user, MANAGE_CALLS)


def visible_calls(user) -> QuerySet[Call]:
    """The calls a user sees: every published or closed call, and the drafts of the calls they manage."""
    calls = Call.objects.select_related("project", "organisation")
    if getattr(user, "is_superuser", False):
        return calls
    return calls.filter(
        Q(status__in=(Call.Status.PUBLISHED, Call.Status.CLOSED))
        | Q(organisation__in=managed_organisations(user))
    )


def managed_calls(user) -> QuerySet[Call]:
    """The calls the user manages, each with its applications counted by status (`counts`)."""
    if getattr(user, "is_superuser", False):
        return Call.objects.select_related("project", "organisation")
    return Call.objects.select_related("project", "organisation").filter(
        organisation__in=managed_organisations(user)
    )


def counts_by_status(call: Call) -> list[tuple[str, int]]:
    """(state's name for staff, number of applications), in the procedure's order of states."""
    rows = {row["status"]: row["n"] for row in call.applications.values("status").annotate(n=Count("id"))}
    procedure = workflows.procedure_of(call)
    return [(str(state.label), rows[state.key]) for state in procedure.states if rows.get(state.key)]


def get_call(user, pk: int) -> Call:
    """A call the user may see (`can_view_call`), else 404."""
    call = Call.objects.select_related("project", "organisation").filter(pk=pk).first()
    if call is None or not access_rules.can_view_call(user, call):
        raise access.OutOfScope(Call, pk)
    return call


def get_managed_call(user, pk: int) -> Call:
    """A call the user manages: out of sight → 404; seen but not managed → 403."""
    call = get_call(user, pk)
    _require_manager(user, call)
    return call


def _require_manager(user, call: Call) -> None:
    if not access_rules.can_manage_call(user, call):
        raise access.Refused(MANAGE_CALLS, call)


def _require_draft(call: Call) -> None:
    if call.status != Call.Status.DRAFT:
        raise CallLocked(call)


# --- The call ----------------------------------------------------------------------------------------------


def _check_call(call: Call) -> None:
    errors: dict[str, list[str]] = {}
    if call.opens_at and call.closes_at and call.closes_at <= call.opens_at:
        errors["closes_at"] = [_("The deadline must come after the opening.")]
    restricted = call.procedure == Call.Procedure.RESTRICTED
    if restricted and call.full_closes_at and call.closes_at and call.full_closes_at <= call.closes_at:
        errors["full_closes_at"] = [
            _("The full applications' deadline must come after the concept notes' deadline.")
        ]
    if call.min_grant is not None and call.max_grant is not None:
        if call.min_grant < 0:
            errors["min_grant"] = [_("Amounts cannot be negative.")]
        elif call.max_grant < call.min_grant:
            errors["max_grant"] = [_("The maximum grant must be at least the minimum grant.")]
    if call.cofinancing_rate is not None and not (0 <= call.cofinancing_rate <= 100):
        errors["cofinancing_rate"] = [_("A rate lies between 0 and 100.")]
    if call.reviewers_per_application is not None and not (1 <= call.reviewers_per_application <= 10):
        errors["reviewers_per_application"] = [_("Between 1 and 10 reviewers per application.")]
    for field in ("pass_mark", "spread_threshold"):
        value = getattr(call, field)
        if value is not None and not (0 <= value <= 100):
            errors[field] = [_("Points on 100 lie between 0 and 100.")]
    if errors:
        raise ValidationError(errors)
    call.full_clean(exclude=["reviewers", "created_by"])


def _project_for(organisation: Organisation, project: Project | int) -> Project:
    project_id = project.pk if isinstance(project, Project) else project
    found = Project.objects.filter(pk=project_id, participants=organisation).first()
    if found is None:
        raise ValidationError({"project": [_("Pick a project your organisation takes part in.")]})
    return found


@transaction.atomic
def create_call(user, data: dict, *, organisation: Organisation | None = None) -> Call:
    """A new call in preparation, run by one of the organisations the user manages calls for."""
    organisations = managed_organisations(user)
    if organisation is None:
        organisation = organisations.order_by("pk").first()
    if organisation is None or not organisations.filter(pk=organisation.pk).exists():
        raise access.Refused(MANAGE_CALLS)
    unknown = set(data) - CALL_FIELDS
    if unknown:
        raise ValidationError(
            {"__all__": [_("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))}]}
        )
    values = dict(data)
    values["project"] = _project_for(organisation, values.get("project"))
    call = Call(organisation=organisation, created_by=user, status=Call.Status.DRAFT, **values)
    if Call.objects.filter(code=call.code).exists():
        raise ValidationError({"code": [_("A call with this code already exists.")]})
    _check_call(call)
    call.save()
    audit.record(audit.Action.CREATE, user, call)
    return call


@transaction.atomic
def update_call(user, call: Call, data: dict) -> Call:
    """Change a call: any field while it is being prepared; texts, deadlines and review settings once
    published; nothing once closed."""
    _require_manager(user, call)
    call = Call.objects.select_for_update().get(pk=call.pk)
    unknown = set(data) - CALL_FIELDS
    if unknown:
        raise ValidationError(
            {"__all__": [_("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))}]}
        )
    if call.status != Call.Status.DRAFT:
        locked = set(data) - PUBLISHED_EDITABLE
        if call.status != Call.Status.PUBLISHED or locked:
            raise CallLocked(call)
    before = {name: str(getattr(call, name)) for name in data}
    for name, value in data.items():
        if name == "project":
            value = _project_for(call.organisation, value)
        setattr(call, name, value)
    if "code" in data and Call.objects.filter(code=call.code).exclude(pk=call.pk).exists():
        raise ValidationError({"code": [_("A call with this code already exists.")]})
    _check_call(call)
    call.save()
    after = {name: str(getattr(call, name)) for name in data}
    audit.record(audit.Action.UPDATE, user, call, details=audit.changes_between(before, after))
    return call


def publication_problems(call: Call) -> list[str]:
    """What keeps a call from being published; empty when it may be."""
    problems = []
    if call.status != Call.Status.DRAFT:
        problems.append(_("Only a call being prepared can be published."))
    if not call.lots.exists():
        problems.append(_("Add at least one lot."))
    for stage in call.stages:
        has_criteria = GridCriterion.objects.filter(section__call=call, section__stage=stage).exists()
        if not has_criteria:
            problems.append(
                _("The grid of the stage “%(stage)s” has no criterion.") % {"stage": Stage(stage).label}
            )
    if not call.eligibility_criteria.exists():
        problems.append(_("Add the eligibility criteria."))
    if call.closes_at <= timezone.now():
        problems.append(_("The deadline has passed: move it to the future first."))
    if call.procedure == Call.Procedure.RESTRICTED and call.full_closes_at is None:
        problems.append(_("Set the deadline of the full applications."))
    return problems


@transaction.atomic
def publish(user, call: Call) -> Call:
    _require_manager(user, call)
    call = Call.objects.select_for_update().get(pk=call.pk)
    problems = publication_problems(call)
    if problems:
        raise ValidationError({"publish": problems})
    call.status = Call.Status.PUBLISHED
    call.save(update_fields=["status"])
    audit.record(audit.Action.UPDATE, user, call, details={"status": Call.Status.PUBLISHED})
    return call


@transaction.atomic
def close(user, call: Call) -> Call:
    _require_manager(user, call)
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.status != Call.Status.PUBLISHED:
        raise ValidationError({"close": [_("Only a published call can be closed.")]})
    call.status = Call.Status.CLOSED
    call.save(update_fields=["status"])
    audit.record(audit.Action.UPDATE, user, call, details={"status": Call.Status.CLOSED})
    return call


# --- Lots --------------------------------------------------------------------------------------------------


def _check_lot(lot: Lot) -> None:
    if lot.budget is not None and lot.budget <= 0:
        raise ValidationError({"budget": [_("The lot's budget must be above zero.")]})
    duplicate = Lot.objects.filter(call_id=lot.call_id, code=lot.code).exclude(pk=lot.pk).exists()
    if duplicate:
        raise ValidationError({"code": [_("The call already has a lot with this code.")]})
    lot.full_clean(exclude=["call"])


@transaction.atomic
def add_lot(user, call: Call, data: dict) -> Lot:
    _require_manager(user, call)
    _require_draft(call)
    lot = Lot(call=call, **_lot_values(data))
    _check_lot(lot)
    lot.save()
    audit.record(audit.Action.CREATE, user, lot, details={"call": call.code})
    return lot


def _lot_values(data: dict) -> dict:
    allowed = {"code", "name_fr", "name_ar", "name_en", "budget", "territory", "target_group"}
    values = {k: v for k, v in data.items() if k in allowed}
    territory = values.get("territory")
    if territory is not None and not isinstance(territory, Territory):
        found = Territory.objects.filter(
            Q(code=territory) | Q(pk=territory if str(territory).isdigit() else 0)
        )
        values["territory"] = found.first()
        if values["territory"] is None:
            raise ValidationError({"territory": [_("Unknown territory.")]})
    return values


@transaction.atomic
def update_lot(user, lot: Lot, data: dict) -> Lot:
    _require_manager(user, lot.call)
    _require_draft(lot.call)
    for name, value in _lot_values(data).items():
        setattr(lot, name, value)
    _check_lot(lot)
    lot.save()
    audit.record(audit.Action.UPDATE, user, lot)
    return lot


@transaction.atomic
def delete_lot(user, lot: Lot) -> None:
    _require_manager(user, lot.call)
    _require_draft(lot.call)
    audit.record(audit.Action.DELETE, user, lot)
    lot.delete()


def get_lot(user, pk: int) -> Lot:
    lot = Lot.objects.select_related("call").filter(pk=pk).first()
    if lot is None or not access_rules.can_view_call(user, lot.call):
        raise access.OutOfScope(Lot, pk)
    return lot


# --- Eligibility criteria and grid -------------------------------------------------------------------------


def _names(data: dict) -> dict:
    names = {f"name_{lang}": (data.get(f"name_{lang}") or "").strip() for lang in ("fr", "ar", "en")}
    if not names["name_fr"]:
        raise ValidationError({"name_fr": [_("Give the French wording.")]})
    return names


def _stage_of(call: Call, stage: str | None) -> str:
    stage = stage or call.stages[-1]
    if stage not in call.stages:
        raise ValidationError({"stage": [_("This procedure has no such stage.")]})
    return stage


@transaction.atomic
def add_eligibility_criterion(user, call: Call, data: dict) -> EligibilityCriterion:
    _require_manager(user, call)
    _require_draft(call)
    position = call.eligibility_criteria.count() + 1
    criterion = EligibilityCriterion.objects.create(
        call=call, position=position, stage=_stage_of(call, data.get("stage")), **_names(data)
    )
    audit.record(audit.Action.CREATE, user, criterion, details={"call": call.code})
    return criterion


@transaction.atomic
def add_section(user, call: Call, data: dict) -> GridSection:
    _require_manager(user, call)
    _require_draft(call)
    threshold = data.get("threshold")
    if threshold is not None and Decimal(threshold) < 0:
        raise ValidationError({"threshold": [_("Amounts cannot be negative.")]})
    section = GridSection.objects.create(
        call=call,
        stage=_stage_of(call, data.get("stage")),
        position=call.grid_sections.count() + 1,
        threshold=threshold,
        **_names(data),
    )
    audit.record(audit.Action.CREATE, user, section, details={"call": call.code})
    return section


@transaction.atomic
def add_criterion(user, section: GridSection, data: dict) -> GridCriterion:
    _require_manager(user, section.call)
    _require_draft(section.call)
    weight = Decimal(data.get("weight") or 1)
    if not (0 < weight <= 10):
        raise ValidationError({"weight": [_("A weight lies above 0 and up to 10.")]})
    criterion = GridCriterion.objects.create(
        section=section,
        position=section.criteria.count() + 1,
        weight=weight,
        descriptors=prag.SCALE,
        **_names(data),
    )
    audit.record(audit.Action.CREATE, user, criterion, details={"call": section.call.code})
    return criterion


@transaction.atomic
def delete_grid_item(user, item: EligibilityCriterion | GridSection | GridCriterion) -> None:
    call = item.section.call if isinstance(item, GridCriterion) else item.call
    _require_manager(user, call)
    _require_draft(call)
    audit.record(audit.Action.DELETE, user, item, details={"call": call.code})
    item.delete()


@transaction.atomic
def seed_grid(user, call: Call) -> None:
    """The PRAG-style grid and eligibility questions as a start (replacing the call's own)."""
    _require_manager(user, call)
    _require_draft(call)
    prag.seed_grid(call)
    audit.record(audit.Action.UPDATE, user, call, details={"grid": "prag"})


def grid_points(call: Call, stage: str) -> Decimal:
    """The maximum points of a stage's grid."""
    criteria = GridCriterion.objects.filter(section__call=call, section__stage=stage)
    return sum((c.max_points for c in criteria), Decimal("0"))


# --- Reviewers ---------------------------------------------------------------------------------------------


def reviewer_candidates(call: Call):
    """Users with the grant reviewer role in an active organisation (any organisation: experts come from
    outside too)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__role=Role.GRANT_REVIEWER,
            memberships__organisation__is_active=True,
        )
        .distinct()
        .order_by("username")
    )


@transaction.atomic
def set_reviewers(user, call: Call, user_ids: list[int]) -> None:
    _require_manager(user, call)
    if call.status in (Call.Status.CLOSED, Call.Status.ARCHIVED):
        raise CallLocked(call)
    ids = set(user_ids)
    found = list(reviewer_candidates(call).filter(pk__in=ids))
    if len(found) != len(ids):
        raise ValidationError({"reviewers": [_("Only grant reviewers can be listed on a call.")]})
    call.reviewers.set(found)
    audit.record(audit.Action.UPDATE, user, call, details={"reviewers": sorted(ids)})
