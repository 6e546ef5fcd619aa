"""Results of donor projects: who sees what, the project's figures for a period, the equity funnel, the
logframe and its indicators, targets and manual values. Every figure comes from `engine.compute` over the
current snapshot; aggregate-only readers (analysts, donor viewers) and every export get suppressed figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kafaat.core import access, audit
from kafaat.core.access import Permission
from kafaat.core.l10n import formatting
from kafaat.core.models import Project, Role
from kafaat.observatory.snapshot import NoSnapshot
from kafaat.results import categories, engine, measures, ordering
from kafaat.results.access_rules import MANAGE_RESULTS
from kafaat.results.models import Indicator, LogframeNode, ManualValue, ProjectProfile, Target
from kafaat.results.ordering import Direction
from kafaat.results.publish import Figure, PublishedIndicator, publish

# --- Access -------------------------------------------------------------------------------------------------


def may_read(user) -> bool:
    return access.has_permission(user, Permission.VIEW_AGGREGATES) or access.has_permission(
        user, MANAGE_RESULTS
    )


def funding_organisations(user) -> list[int]:
    """The donor organisations in which the user is a donor viewer: they see the projects those fund."""
    return [m.organisation_id for m in access.active_memberships(user) if m.role == Role.DONOR_VIEWER]


def visible_projects(user) -> QuerySet[Project]:
    """Projects whose results the user may read: those their organisation takes part in (every role), and
    for a donor viewer also those their donor organisation funds (`Project.donor`) — aggregates only, as
    `sees_exact_figures` gives exact figures to the project's managers alone."""
    if not may_read(user):
        return Project.objects.none()
    taking_part = access.scoped(user, Permission.VIEW_PROJECT, Project.objects.all())
    funded = funding_organisations(user)
    if not funded:
        return taking_part.order_by("code")
    return Project.objects.filter(Q(pk__in=taking_part.values("pk")) | Q(donor__in=funded)).order_by("code")


def get_project(user, code: str) -> Project:
    """A project the user may read, else 404 (an out-of-reach code is not told apart from a missing one)."""
    project = visible_projects(user).filter(code=code).first()
    if project is None:
        raise access.OutOfScope(Project, code)
    return project


def may_manage(user, project: Project) -> bool:
    return access.scoped(user, MANAGE_RESULTS, Project.objects.filter(pk=project.pk)).exists()


def require_manage(user, project: Project) -> None:
    if not may_manage(user, project):
        raise PermissionDenied


def sees_exact_figures(user, project: Project) -> bool:
    """Only the project's managers see unsuppressed figures; analysts and donor viewers never do."""
    return may_manage(user, project)


# --- Figures ------------------------------------------------------------------------------------------------


def default_period(project: Project, today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    end = min(today, project.end_date) if project.end_date else today
    return project.start_date, max(end, project.start_date)


@dataclass
class IndicatorRow:
    indicator: Indicator
    figure: PublishedIndicator | None  # computed indicators (None: no snapshot yet)
    manual: ManualValue | None = None
    target: Target | None = None

    @property
    def value(self) -> float | None:
        if self.indicator.is_manual:
            return float(self.manual.value) if self.manual else None
        return self.figure.total.value if self.figure else None

    @property
    def suppressed(self) -> bool:
        return bool(self.figure and self.figure.total.suppressed)

    @property
    def text(self) -> str:
        """The value as published, in the active language: "*" when suppressed, "–" when there is none,
        "56,3 %" for rates (kafaat.core.l10n.formatting)."""
        if self.indicator.is_manual:
            return formatting.format_number(self.manual.value if self.manual else None, decimals=1, trim=True)
        if self.figure is None:
            return formatting.NOTHING
        if self.indicator.unit == Indicator.Unit.PERCENT and not self.suppressed:
            return formatting.format_percent(self.value)
        return self.figure.total.text()

    @property
    def progress_text(self) -> str:
        """Progress towards the target, "85,9 %" (empty when there is none)."""
        return "" if self.progress is None else formatting.format_percent(self.progress)

    @property
    def bar(self) -> int:
        """Progress clamped to 0–100, for the width of a bar."""
        return max(0, min(100, round(self.progress or 0)))

    @property
    def progress(self) -> float | None:
        """Share of the target reached, from the baseline (0 % at the baseline, 100 % at the target)."""
        if self.value is None or self.target is None:
            return None
        baseline = float(self.indicator.baseline or 0)
        span = float(self.target.value) - baseline
        return round(100 * (self.value - baseline) / span, 1) if span else None


@dataclass
class ProjectResults:
    project: Project
    start: date
    end: date
    taken_at: datetime | None
    suppressed: bool  # whether figures were suppressed for this reader
    rows: list[IndicatorRow] = field(default_factory=list)
    nodes: list[LogframeNode] = field(default_factory=list)

    def rows_of(self, node: LogframeNode) -> list[IndicatorRow]:
        return [row for row in self.rows if row.indicator.node_id == node.pk]


def spec_of(indicator: Indicator) -> engine.IndicatorSpec:
    return engine.IndicatorSpec(
        indicator.code,
        indicator.measure,
        dict(indicator.filters or {}),
        tuple(indicator.disaggregations or ()),
    )


def _target_for(indicator: Indicator, end: date) -> Target | None:
    targets = sorted(indicator.targets.all(), key=lambda t: t.period_end)
    return next((t for t in targets if t.period_end >= end), targets[-1] if targets else None)


def _manual_for(indicator: Indicator, end: date) -> ManualValue | None:
    values = [v for v in indicator.manual_values.all() if v.period_end <= end]
    return max(values, key=lambda v: (v.period_end, v.pk), default=None)


def compute_project(
    project: Project, start: date, end: date, *, suppress: bool, indicators: list[Indicator] | None = None
) -> ProjectResults:
    """Every indicator of the project for [start, end], in one pass of the engine (no access check)."""
    if indicators is None:
        indicators = list(
            project.indicators.select_related("node").prefetch_related("targets", "manual_values")
        )
    computed = [i for i in indicators if not i.is_manual]
    taken_at, figures = None, {}
    if computed:
        try:
            result = engine.compute(project.code, start, end, [spec_of(i) for i in computed])
            taken_at = result.taken_at
            figures = {code: publish(r, suppress=suppress) for code, r in result.results.items()}
        except NoSnapshot:
            pass
    rows = [
        IndicatorRow(
            indicator=i,
            figure=figures.get(i.code),
            manual=_manual_for(i, end) if i.is_manual else None,
            target=_target_for(i, end),
        )
        for i in indicators
    ]
    nodes = list(project.logframe.all())
    return ProjectResults(project, start, end, taken_at, suppress, rows, nodes)


def project_results(user, project: Project, start: date | None = None, end: date | None = None):
    if not may_read(user):
        raise PermissionDenied
    default_start, default_end = default_period(project)
    start, end = start or default_start, end or default_end
    if start > end:
        raise ValidationError(_("The period must start before it ends."))
    return compute_project(project, start, end, suppress=not sees_exact_figures(user, project))


def indicator_detail(user, project: Project, code: str, start: date | None = None, end: date | None = None):
    results = project_results(user, project, start, end)
    row = next((r for r in results.rows if r.indicator.code == code), None)
    if row is None:
        raise Http404
    return results, row


@dataclass
class FunnelGroup:
    dimension: str
    category: str
    stages: list[tuple[str, Figure, float | None]]  # (stage, count, share of the group's orientation in %)
    named: categories.CategoryLabel | None = None  # the group's name (a territory's, for regions)

    @property
    def label(self) -> str:
        return (
            self.named.name() if self.named else str(measures.category_label(self.dimension, self.category))
        )


def equity_funnel(user, project: Project, dimension: str, start: date | None = None, end: date | None = None):
    if not may_read(user):
        raise PermissionDenied
    if dimension not in measures.FUNNEL_DIMENSIONS:
        raise ValidationError(_("Unknown disaggregation."))
    default_start, default_end = default_period(project)
    start, end = start or default_start, end or default_end
    computation = engine.funnel(project.code, start, end, dimension)
    suppress = not sees_exact_figures(user, project)
    published = {stage: publish(r, suppress=suppress) for stage, r in computation.results.items()}
    keys = [f.category for f in published["orientation"].by[dimension]]
    named = categories.labels(dimension, keys)
    groups = []
    for category in keys:
        stages = []
        base = next(f for f in published["orientation"].by[dimension] if f.category == category)
        for stage, _code, _label in measures.FUNNEL:
            figure = next(f for f in published[stage].by[dimension] if f.category == category)
            share = None
            if not figure.suppressed and not base.suppressed and base.value:
                share = round(100 * (figure.value or 0) / base.value, 1)
            stages.append((stage, figure, share))
        groups.append(FunnelGroup(dimension, category, stages, named[category]))
    return computation, groups


# --- Logframe and indicators --------------------------------------------------------------------------------


def profile_of(project: Project) -> ProjectProfile:
    return ProjectProfile.objects.get_or_create(project=project)[0]


def _clean_names(data: dict) -> dict:
    names = {k: (data.get(k) or "").strip() for k in ("name_fr", "name_ar", "name_en")}
    if not names["name_fr"]:
        raise ValidationError({"name_fr": _("A French name is required.")})
    return names


@transaction.atomic
def save_node(user, project: Project, data: dict, node: LogframeNode | None = None) -> LogframeNode:
    require_manage(user, project)
    level = data.get("level") or (node.level if node else "")
    if level not in LogframeNode.Level.values:
        raise ValidationError({"level": _("Choose impact, outcome or output.")})
    parent = None
    if data.get("parent"):
        parent = LogframeNode.objects.filter(project=project, pk=data["parent"]).first()
    expected = LogframeNode.PARENT_LEVEL.get(level)
    if (expected is None and parent is not None) or (
        expected and (parent is None or parent.level != expected)
    ):
        raise ValidationError({"parent": _("An outcome sits under the impact, an output under an outcome.")})
    code = (data.get("code") or "").strip()
    if not code:
        raise ValidationError({"code": _("A code is required.")})
    clash = LogframeNode.objects.filter(project=project, code=code).exclude(pk=node.pk if node else None)
    if clash.exists():
        raise ValidationError({"code": _("This code is already used in the logframe.")})
    node = node or LogframeNode(project=project)
    node.level, node.parent, node.code = level, parent, code
    for key, value in _clean_names(data).items():
        setattr(node, key, value)
    created = node.pk is None
    node.save()
    audit.record(audit.Action.CREATE if created else audit.Action.UPDATE, user, node)
    return node


def node_dependents(node: LogframeNode) -> list[str]:
    """What keeps a result from being deleted: the results under it and its indicators (empty: none)."""
    reasons = []
    if children := node.children.count():
        reasons.append(
            ngettext("%(n)d result under it", "%(n)d results under it", children) % {"n": children}
        )
    if indicators := node.indicators.count():
        reasons.append(ngettext("%(n)d indicator", "%(n)d indicators", indicators) % {"n": indicators})
    return reasons


@transaction.atomic
def delete_node(user, node: LogframeNode) -> None:
    """Delete a result that nothing depends on; refused (ValidationError saying why) otherwise."""
    require_manage(user, node.project)
    if reasons := node_dependents(node):
        raise ValidationError(
            _("“%(code)s” cannot be deleted: it still has %(reasons)s. Delete or move those first.")
            % {"code": node.code, "reasons": ", ".join(reasons)}
        )
    audit.record(audit.Action.DELETE, user, node)
    node.delete()


def indicator_dependents(indicator: Indicator) -> list[str]:
    """What keeps an indicator from being deleted: values entered with their evidence (targets go with it)."""
    if values := indicator.manual_values.count():
        return [ngettext("%(n)d value entered", "%(n)d values entered", values) % {"n": values}]
    return []


@transaction.atomic
def delete_indicator(user, indicator: Indicator) -> None:
    """Delete an indicator (and its targets) unless values were entered for it; refused otherwise."""
    require_manage(user, indicator.project)
    if reasons := indicator_dependents(indicator):
        raise ValidationError(
            _("“%(code)s” cannot be deleted: it has %(reasons)s, with their evidence.")
            % {"code": indicator.code, "reasons": ", ".join(reasons)}
        )
    audit.record(audit.Action.DELETE, user, indicator, details={"targets": indicator.targets.count()})
    indicator.delete()


def _node_siblings(node: LogframeNode) -> QuerySet[LogframeNode]:
    siblings = LogframeNode.objects.filter(project=node.project_id, parent=node.parent_id, level=node.level)
    return siblings.order_by("position", "code", "pk")


def _indicator_siblings(indicator: Indicator) -> QuerySet[Indicator]:
    return Indicator.objects.filter(node=indicator.node_id).order_by("position", "code", "pk")


@transaction.atomic
def move_node(user, node: LogframeNode, direction: Direction, *, seen_at: int | None = None) -> bool:
    """Move a result one place among the results of the same level under the same parent (StaleOrder when
    `seen_at`, its place on the user's page, is no longer its place)."""
    require_manage(user, node.project)
    moved = ordering.move(list(_node_siblings(node).select_for_update()), node, direction, seen_at)
    if moved:
        audit.record(audit.Action.UPDATE, user, node, details={"moved": direction})
    return moved


@transaction.atomic
def move_indicator(user, indicator: Indicator, direction: Direction, *, seen_at: int | None = None) -> bool:
    """Move an indicator one place among the indicators of its result (StaleOrder as `move_node`)."""
    require_manage(user, indicator.project)
    siblings = list(_indicator_siblings(indicator).select_for_update())
    moved = ordering.move(siblings, indicator, direction, seen_at)
    if moved:
        audit.record(audit.Action.UPDATE, user, indicator, details={"moved": direction})
    return moved


def logframe_tree(project: Project) -> list[tuple[LogframeNode, int]]:
    """The project's results depth first (impact, its outcomes each followed by its outputs), with depth."""
    nodes = list(project.logframe.all().order_by("position", "code", "pk"))
    children: dict[int | None, list[LogframeNode]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    tree: list[tuple[LogframeNode, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for node in children.get(parent, []):
            tree.append((node, depth))
            walk(node.pk, depth + 1)

    walk(None, 0)
    return tree


def validate_indicator(data: dict) -> dict:
    """The indicator's definition checked against the measure registry; ValidationError says what is wrong."""
    errors: dict[str, str] = {}
    measure_code = (data.get("measure") or "").strip()
    unit = data.get("unit") or ""
    if measure_code:
        if measure_code not in measures.REGISTRY:
            errors["measure"] = _("Unknown measure.")
        else:
            unit = measures.REGISTRY[measure_code].unit
    if unit not in Indicator.Unit.values:
        errors["unit"] = _("Choose a unit.")
    dims = list(data.get("disaggregations") or [])
    measure = measures.REGISTRY.get(measure_code)
    if set(dims) - set(measures.DIMENSION_LABELS):
        errors["disaggregations"] = _("Unknown disaggregation.")
    elif (
        measure is not None
        and measure.fact != measures.JOURNEYS
        and set(dims) - set(measures.dimensions_of(measure))
    ):
        errors["disaggregations"] = _("This measure has no such disaggregation.")
    elif measure is not None and set(dims) - set(measures.dimensions_of(measure)):
        errors["disaggregations"] = _(
            "This measure has no sector disaggregation: registration, assessment and referral record "
            "no sector (training measures use the training's sector, placement measures the job's)."
        )
    filters = dict(data.get("filters") or {})
    if set(filters) - (measures.filterable_of(measure) if measure is not None else measures.FILTERABLE):
        errors["filters"] = _("These attributes cannot be filtered on.")
    if errors:
        raise ValidationError(errors)
    return {"measure": measure_code, "unit": unit, "disaggregations": dims, "filters": filters}


@transaction.atomic
def save_indicator(user, node: LogframeNode, data: dict, indicator: Indicator | None = None) -> Indicator:
    project = node.project
    require_manage(user, project)
    fields = validate_indicator(data)
    code = (data.get("code") or "").strip()
    if not code:
        raise ValidationError({"code": _("A code is required.")})
    if (
        Indicator.objects.filter(project=project, code=code)
        .exclude(pk=indicator.pk if indicator else None)
        .exists()
    ):
        raise ValidationError({"code": _("This code is already used by another indicator.")})
    indicator = indicator or Indicator(project=project)
    indicator.node, indicator.code = node, code
    indicator.baseline = data.get("baseline") if data.get("baseline") not in ("", None) else None
    for key, value in {**fields, **_clean_names(data)}.items():
        setattr(indicator, key, value)
    created = indicator.pk is None
    indicator.save()
    audit.record(audit.Action.CREATE if created else audit.Action.UPDATE, user, indicator)
    return indicator


@transaction.atomic
def set_target(user, indicator: Indicator, period_start: date, period_end: date, value: Decimal) -> Target:
    require_manage(user, indicator.project)
    if period_start > period_end:
        raise ValidationError(_("The period must start before it ends."))
    target, _created = Target.objects.update_or_create(
        indicator=indicator, period_end=period_end, defaults={"period_start": period_start, "value": value}
    )
    audit.record(
        audit.Action.UPDATE, user, indicator, details={"target": str(value), "until": str(period_end)}
    )
    return target


@transaction.atomic
def add_manual_value(user, indicator: Indicator, period_start: date, period_end: date, value: Decimal,
                     evidence=None, note: str = "") -> ManualValue:  # fmt: skip
    require_manage(user, indicator.project)
    if not indicator.is_manual:
        raise ValidationError(_("This indicator is computed: its values come from the data."))
    if period_start > period_end:
        raise ValidationError(_("The period must start before it ends."))
    entry = ManualValue(indicator=indicator, period_start=period_start, period_end=period_end, value=value,
                        note=note[:300], entered_by=user if user.is_authenticated else None)  # fmt: skip
    if evidence is not None:
        entry.evidence.save(evidence.name, evidence, save=False)
    entry.save()
    audit.record(audit.Action.CREATE, user, entry)
    return entry
