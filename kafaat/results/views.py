"""Results pages: projects, a project's dashboard, an indicator's disaggregations, the equity funnel, the
printable summary and the logframe editor. Every figure comes from `services` (engine + suppression)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from kafaat.core import audit
from kafaat.observatory.snapshot import NoSnapshot
from kafaat.results import categories, exports, iati, measures, ordering, services, xlsx_report
from kafaat.results.forms import (
    IndicatorForm,
    ManualValueForm,
    MoveForm,
    NodeEditForm,
    NodeForm,
    PeriodForm,
    TargetForm,
)
from kafaat.results.models import Indicator, LogframeNode

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period(request, project) -> tuple[date, date, PeriodForm]:
    start, end = services.default_period(project)
    form = PeriodForm(request.GET or None, initial={"start": start, "end": end})
    if request.GET and form.is_valid():
        start, end = form.cleaned_data["start"] or start, form.cleaned_data["end"] or end
    return start, end, form


def _project(request, code: str):
    if not services.may_read(request.user):
        raise PermissionDenied
    return services.get_project(request.user, code)


def projects(request):
    if not services.may_read(request.user):
        raise PermissionDenied
    return render(request, "results/projects.html", {"projects": services.visible_projects(request.user)})


def dashboard(request, code: str):
    project = _project(request, code)
    start, end, form = _period(request, project)
    try:
        results = services.project_results(request.user, project, start, end)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        results = services.project_results(request.user, project)
    context = {"project": project, "results": results, "form": form,
               "may_manage": services.may_manage(request.user, project),
               "chart": exports.progress_svg(results, get_language()[:2])}  # fmt: skip
    return render(request, "results/dashboard.html", context)


def report_xlsx(request, code: str):
    project = _project(request, code)
    _start, end, _form = _period(request, project)
    language = get_language()[:2]
    content = xlsx_report.report_bytes(exports.donor_report(project, end), language)
    audit.record(audit.Action.EXPORT, request.user, project, details={"report": "xlsx", "language": language})
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{project.code}-report-{end:%Y%m%d}.xlsx"'
    return response


def iati_xml(request, code: str):
    project = _project(request, code)
    _start, end, _form = _period(request, project)
    try:
        document = exports.iati_document(project, end)
    except iati.IatiError as error:
        messages.error(request, _("The IATI file could not be made: %(problems)s") % {
            "problems": "; ".join(error.problems[:5])})  # fmt: skip
        return redirect("results:dashboard", code=project.code)
    audit.record(audit.Action.EXPORT, request.user, project, details={"report": "iati"})
    response = HttpResponse(document, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{project.code}-iati-activities.xml"'
    return response


def summary(request, code: str):
    project = _project(request, code)
    start, end, _form = _period(request, project)
    results = services.compute_project(project, start, end, suppress=True)  # printed: an export
    return render(request, "results/summary.html", {"project": project, "results": results,
                                                    "profile": services.profile_of(project)})  # fmt: skip


def indicator(request, code: str, indicator_code: str):
    project = _project(request, code)
    start, end, form = _period(request, project)
    results, row = services.indicator_detail(request.user, project, indicator_code, start, end)
    tables = categories.tables(row.figure)
    manual_form = None
    if row.indicator.is_manual and services.may_manage(request.user, project):
        manual_form = ManualValueForm()
    return render(request, "results/indicator.html",
                  {"project": project, "results": results, "row": row, "tables": tables,
                   "form": form, "manual_form": manual_form})  # fmt: skip


@require_POST
def manual_value_add(request, code: str, indicator_code: str):
    project = services.get_project(request.user, code)
    indicator = get_object_or_404(project.indicators, code=indicator_code)
    form = ManualValueForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_manual_value(request.user, indicator, data["period_start"], data["period_end"],
                                      data["value"], data["evidence"], data["note"])  # fmt: skip
            messages.success(request, _("Value saved."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Check the value: %(errors)s") % {"errors": form.errors.as_text()})
    return redirect("results:indicator", code=project.code, indicator_code=indicator.code)


def funnel(request, code: str):
    project = _project(request, code)
    start, end, form = _period(request, project)
    dimension = request.GET.get("by", "sex")
    if dimension not in measures.FUNNEL_DIMENSIONS:
        raise Http404
    try:
        computation, groups = services.equity_funnel(request.user, project, dimension, start, end)
    except NoSnapshot:
        computation, groups = None, []
    return render(
        request,
        "results/funnel.html",
        {
            "project": project, "groups": groups, "form": form, "dimension": dimension,
            "dimensions": [(d, measures.DIMENSION_LABELS[d]) for d in measures.FUNNEL_DIMENSIONS],
            "stages": [label for _s, _c, label in measures.FUNNEL],
            "taken_at": computation.taken_at if computation else None,
            "chart": exports.funnel_svg(groups, dimension, get_language()[:2],
                                        computation.taken_at if computation else None),
            "suppressed": not services.sees_exact_figures(request.user, project),
        },
    )  # fmt: skip


# --- Logframe editor (managers; htmx swaps the logframe after each change) ---------------------------------


def logframe(request, code: str):
    project = services.get_project(request.user, code)
    services.require_manage(request.user, project)
    return render(request, "results/logframe.html", _logframe_context(project))


def _logframe_context(project, refusal: str = "", **forms) -> dict:
    tree = services.logframe_tree(project)
    indicators = list(project.indicators.prefetch_related("targets"))
    nodes = [node for node, _depth in tree]
    # Each item's place among its siblings: the move buttons send it, so a move from a stale page is refused.
    places = {**ordering.sibling_places(nodes), **ordering.sibling_places(indicators)}
    for item in [*nodes, *indicators]:
        item.place, item.siblings = places[item.pk]
        item.last = item.place == item.siblings - 1
    return {
        "project": project,
        "nodes": nodes,
        "tree": tree,
        "refusal": refusal,
        "indicators": indicators,
        "node_form": forms.get("node_form") or NodeForm(project=project),
        "indicator_form": forms.get("indicator_form") or IndicatorForm(project=project),
        "target_form": forms.get("target_form") or TargetForm(project=project),
    }


def _editor_response(request, project, status: int = 200, **forms):
    template = "results/_logframe_editor.html" if request.htmx else "results/logframe.html"
    return render(request, template, _logframe_context(project, **forms), status=status)


def _managed_project(request, code: str):
    project = services.get_project(request.user, code)
    services.require_manage(request.user, project)
    return project


@require_POST
def node_add(request, code: str):
    project = services.get_project(request.user, code)
    form = NodeForm(request.POST, project=project)
    if form.is_valid():
        try:
            services.save_node(request.user, project, form.cleaned_data)
            form = None
        except ValidationError as error:
            form.add_error(None, error.messages)
    return _editor_response(request, project, node_form=form)


@require_POST
def node_delete(request, code: str, pk: int):
    project = _managed_project(request, code)
    node = get_object_or_404(LogframeNode, project=project, pk=pk)
    try:
        services.delete_node(request.user, node)
    except ValidationError as error:  # something depends on it: say what, change nothing
        return _editor_response(request, project, status=409, refusal=" ".join(error.messages))
    return _editor_response(request, project)


def _edit_response(request, template: str, context: dict, status: int, target: str):
    """The edit form in place; when it comes back with errors (422) it replaces itself, not the editor."""
    response = render(request, template, context, status=status)
    if status != 200 and request.htmx:
        response = reswap(retarget(response, f"#{target}"), "outerHTML")
    return response


@require_http_methods(["GET", "POST"])
def node_edit(request, code: str, pk: int):
    project = _managed_project(request, code)
    node = get_object_or_404(LogframeNode, project=project, pk=pk)
    status = 200
    if request.method == "POST":
        form = NodeEditForm(request.POST)
        if form.is_valid():
            data = {**form.cleaned_data, "level": node.level, "parent": node.parent_id}
            try:
                services.save_node(request.user, project, data, node=node)
                return _editor_response(request, project)
            except ValidationError as error:
                form.add_error(None, error.messages)
        status = 422
        node.refresh_from_db()
    else:
        form = NodeEditForm(
            initial={"code": node.code, "name_fr": node.name_fr, "name_ar": node.name_ar,
                     "name_en": node.name_en}
        )  # fmt: skip
    context = {"project": project, "node": node, "form": form}
    return _edit_response(request, "results/_node_edit.html", context, status, f"node-edit-{node.pk}")


def _move(request, code: str, model, pk: int, move):
    """Move a logframe item (result or indicator) up or down among its siblings; 409 with the current order
    when the page that asked was out of date (`at`: the item's place on that page)."""
    project = _managed_project(request, code)
    item = get_object_or_404(model, project=project, pk=pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Move up or down."))
    try:
        move(request.user, item, form.cleaned_data["direction"], seen_at=form.cleaned_data["at"])
    except ordering.StaleOrder as stale:
        return _editor_response(request, project, status=409, refusal=" ".join(stale.messages))
    return _editor_response(request, project)


@require_POST
def node_move(request, code: str, pk: int):
    return _move(request, code, LogframeNode, pk, services.move_node)


@require_http_methods(["GET", "POST"])
def indicator_edit(request, code: str, pk: int):
    project = _managed_project(request, code)
    indicator = get_object_or_404(Indicator, project=project, pk=pk)
    status = 200
    if request.method == "POST":
        form = IndicatorForm(request.POST, project=project)
        if form.is_valid():
            try:
                services.save_indicator(
                    request.user, form.cleaned_data["node"], form.cleaned_data, indicator=indicator
                )
                return _editor_response(request, project)
            except ValidationError as error:
                form.add_error(None, error.messages)
        status = 422
        indicator.refresh_from_db()
    else:
        form = IndicatorForm(project=project, initial=IndicatorForm.initial_of(indicator))
    context = {"project": project, "indicator": indicator, "form": form}
    return _edit_response(
        request, "results/_indicator_edit.html", context, status, f"indicator-edit-{indicator.pk}"
    )


@require_POST
def indicator_move(request, code: str, pk: int):
    return _move(request, code, Indicator, pk, services.move_indicator)


@require_POST
def indicator_delete(request, code: str, pk: int):
    project = _managed_project(request, code)
    indicator = get_object_or_404(Indicator, project=project, pk=pk)
    try:
        services.delete_indicator(request.user, indicator)
    except ValidationError as error:
        return _editor_response(request, project, status=409, refusal=" ".join(error.messages))
    return _editor_response(request, project)


@require_POST
def indicator_add(request, code: str):
    project = services.get_project(request.user, code)
    form = IndicatorForm(request.POST, project=project)
    if form.is_valid():
        try:
            services.save_indicator(request.user, form.cleaned_data["node"], form.cleaned_data)
            form = None
        except ValidationError as error:
            form.add_error(None, error.messages)
    return _editor_response(request, project, indicator_form=form)


@require_POST
def target_set(request, code: str):
    project = services.get_project(request.user, code)
    form = TargetForm(request.POST, project=project)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.set_target(
                request.user, data["indicator"], data["period_start"], data["period_end"], data["value"]
            )
            messages.success(request, _("Target saved."))
            form = None
        except ValidationError as error:
            form.add_error(None, error.messages)
    return _editor_response(request, project, target_form=form)
