"""Pages: employers (list, detail, new), vacancies (list with filters, detail, new) and the coding queue."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kafaat.core import access
from kafaat.labour import services
from kafaat.labour.access_rules import CHANGE_LABOUR, VIEW_LABOUR
from kafaat.labour.forms import CodingForm, EmployerForm, VacancyFilterForm, VacancyForm
from kafaat.labour.models import Employer, Vacancy

PAGE_SIZE = 25


def _page(request, queryset, param: str = "page"):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get(param))


def _form_errors(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        for message in errors:
            form.add_error(field if field in form.fields else None, message)


def employers(request):
    access.require(request.user, VIEW_LABOUR)
    queryset = services.employers_for(request.user)
    q = request.GET.get("q", "").strip()
    if q:
        queryset = queryset.filter(name__icontains=q)
    context = {
        "page": _page(request, queryset),
        "q": q,
        "can_add": access.has_permission(request.user, CHANGE_LABOUR),
    }
    template = "labour/_employer_rows.html" if request.htmx else "labour/employers.html"
    return render(request, template, context)


def employer_detail(request, pk: int):
    employer = access.get_object_or_404(request.user, VIEW_LABOUR, Employer.objects.all(), pk=pk)
    can_change = services.may_change(request.user, employer)
    form = VacancyForm(request.POST or None) if can_change else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                vacancy = services.create_vacancy(
                    request.user,
                    employer.organisation,
                    employer=employer,
                    territory=employer.territory,
                    **form.cleaned_data,
                )
            except services.DuplicateVacancy as duplicate:
                form.add_error(None, duplicate.messages[0])
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("Vacancy recorded."))
                return redirect("labour:vacancy", pk=vacancy.pk)
    vacancies = services.vacancies_for(request.user).filter(employer=employer)
    context = {
        "employer": employer,
        "can_change": can_change,
        "form": form,
        "page": _page(request, vacancies),
    }
    return render(request, "labour/employer_detail.html", context)


def employer_new(request):
    if not access.has_permission(request.user, CHANGE_LABOUR):
        raise PermissionDenied
    form = EmployerForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            employer = services.create_employer(request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Employer recorded."))
            return redirect("labour:employer", pk=employer.pk)
    return render(request, "labour/employer_new.html", {"form": form})


def vacancies(request):
    access.require(request.user, VIEW_LABOUR)
    form = VacancyFilterForm(request.GET or None)
    filters = services.VacancyFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = services.VacancyFilters(
            q=data["q"],
            occupation=data["occupation"],
            sector=data["sector"],
            territory=data["territory"],
            contract_type=data["contract_type"],
            coding_status=data["coding_status"],
            posted_from=data["posted_from"],
        )
    queryset = services.filter_vacancies(services.vacancies_for(request.user), filters)
    context = {
        "form": form,
        "page": _page(request, queryset),
        "can_import": access.has_permission(request.user, CHANGE_LABOUR),
    }
    template = "labour/_vacancy_rows.html" if request.htmx else "labour/vacancies.html"
    return render(request, template, context)


def vacancy_detail(request, pk: int):
    vacancy = access.get_object_or_404(request.user, VIEW_LABOUR, services.vacancies_for(request.user), pk=pk)
    can_change = services.may_change(request.user, vacancy)
    suggestions = services.suggestions(vacancy.title) if can_change else []
    context = {"vacancy": vacancy, "can_change": can_change, "suggestions": suggestions, "form": CodingForm()}
    return render(request, "labour/vacancy_detail.html", context)


def coding_queue(request):
    if not access.has_permission(request.user, CHANGE_LABOUR):
        raise PermissionDenied
    page = _page(request, services.review_queue(request.user))
    titles = [vacancy.title for vacancy in page]
    ranked = dict(zip(titles, services.classifier.suggest_many(titles, top=3), strict=True)) if titles else {}
    occupations = services.occupations_of({s.code for suggestions in ranked.values() for s in suggestions})
    rows = [
        (vacancy, [(s.code, occupations.get(s.code), s.score) for s in ranked.get(vacancy.title, [])])
        for vacancy in page
    ]
    return render(request, "labour/coding_queue.html", {"page": page, "rows": rows})


def code_vacancy(request, pk: int):
    """Confirm or correct one vacancy's code (htmx: the row is replaced by its new state)."""
    if request.method != "POST":
        return redirect("labour:coding_queue")
    vacancy = access.get_object_or_404(request.user, VIEW_LABOUR, Vacancy.objects.all(), pk=pk)
    form = CodingForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.code_vacancy(request.user, vacancy, form.cleaned_data["occupation"])
        except ValidationError as invalid:
            error = invalid.messages[0]
    else:
        error = _("Give a 4-digit ISCO-08 code.")
    vacancy = Vacancy.objects.select_related("occupation", "employer").get(pk=pk)
    if request.htmx:
        return render(request, "labour/_coded_row.html", {"vacancy": vacancy, "error": error})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Occupation confirmed."))
    target = request.POST.get("next", "")
    return redirect(
        target if target.startswith("/") and not target.startswith("//") else "labour:coding_queue"
    )
