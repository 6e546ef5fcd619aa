"""Survey pages: the list, the response form (occupations needed, hiring intentions, hard-to-fill reasons)
and the results aggregated by ISCO sub-major group, sector and province."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kafaat.core import access
from kafaat.labour import services, survey_services
from kafaat.labour.access_rules import VIEW_LABOUR
from kafaat.labour.forms import NeedFormSet, ResponseForm
from kafaat.labour.models import Survey


def surveys(request):
    access.require(request.user, VIEW_LABOUR)
    context = {
        "surveys": survey_services.surveys_for(request.user),
        "can_answer": survey_services.may_record(request.user),
    }
    return render(request, "labour/surveys.html", context)


def _survey(request, pk: int) -> Survey:
    return access.get_object_or_404(request.user, VIEW_LABOUR, Survey.objects.all(), pk=pk)


def respond(request, pk: int):
    survey = _survey(request, pk)
    if not survey_services.may_record(request.user):
        raise PermissionDenied
    employers = services.employers_for(request.user).filter(territory__path__startswith=survey.territory.path)
    form = ResponseForm(employers, request.POST or None)
    needs = NeedFormSet(request.POST or None, prefix="needs")
    if request.method == "POST" and form.is_valid() and needs.is_valid():
        wanted = [
            survey_services.NeedIn(
                title=need["title"],
                occupation=need["occupation"] or _suggested(need["title"]),
                positions=need["positions"] or 1,
                skills=need["skills"],
                hard_to_fill=need["hard_to_fill"],
                reasons=need["reasons"],
            )
            for need in needs.cleaned_data
            if need and (need.get("title") or need.get("occupation"))
        ]
        data = form.cleaned_data
        try:
            survey_services.record_response(
                request.user,
                survey,
                data["employer"],
                answered_on=data["answered_on"],
                hiring_intention=data["hiring_intention"],
                planned_hires=data["planned_hires"],
                needs=wanted,
                comment=data["comment"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Response recorded."))
            return redirect("labour:survey_results", pk=survey.pk)
    return render(request, "labour/survey_respond.html", {"survey": survey, "form": form, "needs": needs})


def _suggested(title: str) -> str:
    ranked = services.classifier.suggest(title, top=1) if title else []
    return ranked[0].code if ranked else ""


def results(request, pk: int):
    survey = _survey(request, pk)
    context = {"survey": survey, "results": survey_services.results(request.user, survey)}
    return render(request, "labour/survey_results.html", context)
