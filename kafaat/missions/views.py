"""Missions pages: the list (filters), a mission, its create/edit form and steps, its report, the roll-up."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kafaat.core.imports.spreadsheets import xlsx_row
from kafaat.missions import services
from kafaat.missions.forms import GROUPING_LABELS, MissionFilterForm, MissionForm, RollupForm

PAGE_SIZE = 25


def mission_list(request):
    form = MissionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    project = filters.get("project")
    missions = services.list_missions(
        request.user,
        project=project.code if project else None,
        status=filters.get("status") or None,
        country=filters.get("country") or None,
        year=filters.get("year"),
        query=filters.get("q") or None,
    )
    page = Paginator(missions, PAGE_SIZE).get_page(request.GET.get("page"))
    services.record_listed(request.user, page.object_list, page=page.number)
    context = {"form": form, "page": page, "can_create": services.organisers_for(request.user).exists()}
    return render(request, "missions/list.html", context)


def mission_detail(request, pk: int):
    mission = services.get_mission(request.user, pk)
    context = {
        "mission": mission,
        "can_manage": services.can_manage(request.user, mission),
        "transitions": services.available_transitions(request.user, mission),
    }
    return render(request, "missions/detail.html", context)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def mission_create(request):
    services.require_manage(request.user)
    form = MissionForm(request.user, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            mission = services.create_mission(
                request.user, form.mission_data(), form.cleaned_data.get("report")
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Mission saved."))
            return redirect("missions:detail", pk=mission.pk)
    return render(request, "missions/form.html", {"form": form, "mission": None})


def mission_edit(request, pk: int):
    mission = services.get_mission(request.user, pk)
    if not services.can_manage(request.user, mission):
        raise PermissionDenied
    form = MissionForm(request.user, request.POST or None, request.FILES or None, instance=mission)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_mission(
                request.user, mission, form.mission_data(), form.cleaned_data.get("report")
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Mission saved."))
            return redirect("missions:detail", pk=pk)
    return render(request, "missions/form.html", {"form": form, "mission": mission})


@require_POST
def mission_transition(request, pk: int, name: str):
    mission = services.get_mission(request.user, pk)
    try:
        services.transition(request.user, mission, name)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Mission updated."))
    return redirect("missions:detail", pk=pk)


def mission_report(request, pk: int):
    mission = services.report_of(request.user, pk)
    extension = mission.report.name[mission.report.name.rfind(".") :]
    return FileResponse(mission.report.open("rb"), as_attachment=True, filename=f"mission-{pk}{extension}")


def _rollup(request):
    form = RollupForm(request.user, request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    project = filters.get("project")
    by = filters.get("by") or "project"
    result = services.rollup(
        request.user,
        by,
        project=project.code if project else None,
        start=filters.get("start"),
        end=filters.get("end"),
    )
    return form, result


def rollup_page(request):
    form, result = _rollup(request)
    context = {
        "form": form,
        "rollup": result,
        "grouping": GROUPING_LABELS[result.by],
        "export_query": request.GET.urlencode(),
    }
    return render(request, "missions/rollup.html", context)


def rollup_export(request):
    from openpyxl import Workbook

    form, result = _rollup(request)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Missions")[:31])
    headers = [
        str(GROUPING_LABELS[result.by]),
        _("Missions"),
        _("Distinct experts"),
        _("Person-days (missions)"),
        _("Person-days (study visits)"),
        _("Person-days (all)"),
    ]
    sheet.append(xlsx_row(sheet, headers))
    for values in services.rollup_rows_for_export(result):
        sheet.append(xlsx_row(sheet, values, numeric=(False, True, True, True, True, True)))
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="missions-rollup.xlsx"'
    workbook.save(response)
    return response
