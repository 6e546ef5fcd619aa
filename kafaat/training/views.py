"""Training supply pages: establishments (filtered list, detail), programmes, edits, programme mappings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kafaat.core import access
from kafaat.core.models import Organisation
from kafaat.training import derivation, derivation_jobs, isco, services
from kafaat.training.access_rules import VIEW_SUPPLY
from kafaat.training.forms import EstablishmentFilterForm, EstablishmentForm, MappingForm, ProgrammeForm
from kafaat.training.models import AgeBand, Source

PAGE_SIZE = 25


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def establishments(request):
    if not access.has_permission(request.user, VIEW_SUPPLY):
        raise PermissionDenied
    form = EstablishmentFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    territory_code = form.territory_code()
    sector = filters.get("sector")
    queryset = services.list_establishments(
        request.user,
        territory_code=territory_code,
        sector=sector.code if sector else None,
        operator_type=filters.get("operator_type") or None,
        query=filters.get("q") or None,
    )
    totals = services.supply_totals(
        request.user, territory_code=territory_code, sector=sector.code if sector else None
    )
    context = {
        "form": form,
        "page": _page(request, queryset),
        "totals": totals[:10],
        "can_create": services.managing_organisations(request.user).exists(),
    }
    template = "training/_establishment_rows.html" if request.htmx else "training/establishments.html"
    return render(request, template, context)


def establishment_detail(request, pk: int):
    establishment = services.get_establishment(request.user, pk)
    programmes = services.programmes_of(establishment).order_by("-is_active", "title_fr")
    can_change = services.can_change(request.user, establishment)
    context = {
        "establishment": establishment,
        "programmes": programmes,
        "totals": services.yearly_totals(services.statistics_of(programmes)),
        "can_change": can_change,
        "unmatched": _unmatched(request.user, establishment) if can_change else [],
        "mapping_programmes": programmes.filter(is_active=True),
    }
    return render(request, "training/establishment_detail.html", context)


def _unmatched(user, establishment) -> list[tuple[str, int]]:
    if establishment.organisation is None:
        return []
    try:
        return derivation.unmatched_labels(user, establishment.organisation)[:20]
    except PermissionDenied:  # the user edits it through the operator, not as a member of its organisation
        return []


def establishment_create(request):
    operators = services.managing_organisations(request.user)
    if not operators.exists():
        raise PermissionDenied
    form = EstablishmentForm(request.user, request.POST or None, operators=operators)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "sectors"}
        try:
            establishment = services.create_establishment(
                request.user, data, [s.code for s in form.cleaned_data["sectors"]]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Establishment saved."))
            return redirect("training:establishment", pk=establishment.pk)
    return render(request, "training/establishment_form.html", {"form": form, "establishment": None})


def establishment_edit(request, pk: int):
    establishment = services.get_establishment(request.user, pk)
    if not services.can_change(request.user, establishment):
        raise PermissionDenied
    form = EstablishmentForm(request.user, request.POST or None, instance=establishment)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "sectors"}
        fresh = services.get_establishment(request.user, pk)  # the form has already set the new values
        try:
            services.update_establishment(
                request.user, fresh, data, [s.code for s in form.cleaned_data["sectors"]]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Establishment saved."))
            return redirect("training:establishment", pk=pk)
    return render(request, "training/establishment_form.html", {"form": form, "establishment": establishment})


def programme_detail(request, pk: int):
    programme = services.get_programme(request.user, pk)
    statistics = services.statistics_of([programme])
    occupations = [(code, isco.unit_groups().get(code)) for code in programme.isco_codes]
    context = {
        "programme": programme,
        "establishment": programme.establishment,
        "published": [s for s in statistics if s.source == Source.PUBLISHED],
        "derived": [s for s in statistics if s.source == Source.KAFAAT and s.age_band == AgeBand.ALL],
        "occupations": occupations,
        "can_change": services.can_change(request.user, programme.establishment),
    }
    return render(request, "training/programme_detail.html", context)


def programme_create(request, pk: int):
    establishment = services.get_establishment(request.user, pk)
    if not services.can_change(request.user, establishment):
        raise PermissionDenied
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "isco_codes"}
        if establishment.programmes.filter(code=data["code"]).exists():
            form.add_error("code", _("This establishment already has a programme with this code."))
        else:
            programme = services.create_programme(
                request.user, establishment, data, form.cleaned_data["isco_codes"]
            )
            messages.success(request, _("Programme saved."))
            return redirect("training:programme", pk=programme.pk)
    context = {"form": form, "establishment": establishment, "programme": None}
    return render(request, "training/programme_form.html", context)


def programme_edit(request, pk: int):
    programme = services.get_programme(request.user, pk)
    if not services.can_change(request.user, programme.establishment):
        raise PermissionDenied
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "isco_codes"}
        fresh = services.get_programme(request.user, pk)
        services.update_programme(request.user, fresh, data, form.cleaned_data["isco_codes"])
        messages.success(request, _("Programme saved."))
        return redirect("training:programme", pk=pk)
    context = {"form": form, "establishment": programme.establishment, "programme": programme}
    return render(request, "training/programme_form.html", context)


@require_POST
def map_label(request, pk: int):
    """Map one of the establishment's unmatched step labels to a programme (htmx: the mapping section)."""
    establishment = services.get_establishment(request.user, pk)
    if establishment.organisation is None:
        raise PermissionDenied
    programmes = services.programmes_of(establishment).filter(is_active=True)
    form = MappingForm(programmes, request.POST)
    if form.is_valid():
        organisation = Organisation.objects.get(pk=establishment.organisation_id)
        derivation.map_label(
            request.user, organisation, form.cleaned_data["label"], form.cleaned_data["programme"]
        )
        job = derivation_jobs.start_derivation(request.user)  # the worker derives; the page links to it
        messages.success(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                _("Mapping saved: the statistics from Kafaat records are being derived again."),
                reverse("training:derive_job", args=[job.pk]),
                _("Follow the derivation"),
            ),
        )
    return redirect("training:establishment", pk=pk)


def _add_errors(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)
