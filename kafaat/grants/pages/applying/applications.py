"""The applicant's applications: list, page with its sections, documents, submit and withdraw. Every change
goes through the services; a refused one comes back as a message, and nothing already saved is lost."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kafaat.grants import access_rules, workflows
from kafaat.grants.forms_applying import (
    BudgetFormSet,
    ContributionsForm,
    DetailsForm,
    DocumentForm,
    StartForm,
    TargetGroupsForm,
)
from kafaat.grants.pages.feedback import form_errors, refusal
from kafaat.grants.services import applications, calls
from kafaat.grants.services import documents as grant_documents
from kafaat.grants.services.workflow import TransitionRefused

# --- Applications ------------------------------------------------------------------------------------------


def application_list(request):
    rows = [
        (
            a,
            workflows.state_of(a).public,
            applications.deadline_of(a),
            access_rules.available_transitions(request.user, a),
        )
        for a in applications.my_applications(request.user)[:200]
    ]
    return render(request, "grants/applying/applications.html", {"rows": rows})


@require_POST
def start(request, pk: int):
    the_call = calls.get_call(request.user, pk)
    form = StartForm(the_call, request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("grants:call", pk=pk)
    try:
        application = applications.start_application(
            request.user,
            the_call,
            form.cleaned_data["lot"],
            title=form.cleaned_data["title"],
            language=form.cleaned_data["language"],
        )
    except ValidationError as error:
        refusal(request, error)
        return redirect("grants:call", pk=pk)
    messages.success(request, _("Application started: it is saved as a draft at every step."))
    return redirect("grants:application", pk=application.pk)


def _indicators(application):
    from kafaat.results.models import Indicator

    return Indicator.objects.filter(project=application.call.project).order_by("code")


def application(request, pk: int):
    app = applications.get_application(request.user, pk)
    user = request.user
    editable = access_rules.can_edit_application(user, app)
    provinces = applications.provinces_for(app.lot)
    details = DetailsForm(
        app,
        provinces,
        initial={
            "title": app.title,
            "summary": app.summary,
            "territory": app.territory_id,
            "duration_months": app.duration_months,
            "language": app.language,
            "partners": list(app.partners.values_list("pk", flat=True)),
        },
    )
    groups = {g.group: g for g in app.target_groups.all()}
    target_form = TargetGroupsForm(
        initial={
            **{f"{k}_women": g.women for k, g in groups.items()},
            **{f"{k}_men": g.men for k, g in groups.items()},
        }
    )
    targets = {c.indicator_id: c.target for c in app.contributions.all()}
    contributions = ContributionsForm(
        _indicators(app), initial={f"indicator_{k}": v for k, v in targets.items()}
    )
    lines = app.budget_lines.all()
    budget = BudgetFormSet(
        initial=[
            {
                "category": line.category,
                "description": line.description,
                "unit": line.unit,
                "quantity": line.quantity,
                "unit_cost": line.unit_cost,
                "cofinancing": line.cofinancing,
            }
            for line in lines
        ],
        prefix="lines",
    )
    context = {
        "app": app,
        "state": workflows.state_of(app),
        "stage": workflows.stage_of(app),
        "deadline": applications.deadline_of(app),
        "editable": editable,
        "sees_identity": access_rules.sees_applicant_identity(user, app),
        "transitions": access_rules.available_transitions(user, app),
        "details_form": details,
        "target_form": target_form,
        "target_groups": app.target_groups.all(),
        "contributions_form": contributions,
        "contributions": app.contributions.select_related("indicator"),
        "budget_formset": budget,
        "lines": lines,
        "summary": applications.budget_summary(app),
        "documents": app.documents.all(),
        "document_form": DocumentForm(),
        "missing": applications.missing_for_submission(app) if editable else [],
    }
    return render(request, "grants/applying/application.html", context)


def _application_post(view):
    @require_POST
    def wrapped(request, pk: int):
        app = applications.get_application(request.user, pk)
        try:
            view(request, app)
        except ValidationError as error:
            refusal(request, error)
        return redirect("grants:application", pk=app.pk)

    wrapped.__name__ = view.__name__
    return wrapped


@_application_post
def save_details(request, app):
    form = DetailsForm(app, applications.provinces_for(app.lot), request.POST)
    if not form.is_valid():
        return form_errors(request, form)
    data = dict(form.cleaned_data)
    data["territory"] = data["territory"].pk if data["territory"] else None
    applications.update_details(request.user, app, data)
    messages.success(request, _("Draft saved."))


@_application_post
def save_target_groups(request, app):
    form = TargetGroupsForm(request.POST)
    if not form.is_valid():
        return form_errors(request, form)
    applications.set_target_groups(request.user, app, form.cleaned_rows())
    messages.success(request, _("Draft saved."))


@_application_post
def save_contributions(request, app):
    form = ContributionsForm(_indicators(app), request.POST)
    if not form.is_valid():
        return form_errors(request, form)
    applications.set_contributions(request.user, app, form.cleaned_rows())
    messages.success(request, _("Draft saved."))


@_application_post
def save_budget(request, app):
    formset = BudgetFormSet(request.POST, prefix="lines")
    if not formset.is_valid():
        errors = [" ".join(e) for form in formset.forms for e in form.errors.values()]
        messages.error(request, " ".join(errors + list(formset.non_form_errors())) or _("Check the form."))
        return None
    rows = [form.cleaned_data for form in formset.forms if not form.is_blank()]
    applications.set_budget(request.user, app, rows)
    messages.success(request, _("Draft saved."))


@_application_post
def add_document(request, app):
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return form_errors(request, form)
    grant_documents.add_document(request.user, app, form.cleaned_data["kind"], form.cleaned_data["file"])
    messages.success(request, _("Document attached."))


def download_document(request, pk: int):
    """A document of an application the user may see (404 otherwise), as an attachment."""
    document = grant_documents.get_document(request.user, pk)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.name)


@require_POST
def delete_document(request, pk: int):
    document = grant_documents.get_document(request.user, pk)
    try:
        grant_documents.delete_document(request.user, document)
        messages.success(request, _("Removed."))
    except ValidationError as error:
        refusal(request, error)
    return redirect("grants:application", pk=document.application_id)


@require_POST
def take_transition(request, pk: int, name: str):
    app = applications.get_application(request.user, pk)
    try:
        if name in ("submit", "submit_concept"):
            applications.submit(request.user, app)
            messages.success(request, _("Submitted."))
        elif name == "withdraw":
            applications.withdraw(request.user, app, request.POST.get("reason", "")[:5000])
            messages.success(request, _("Application withdrawn."))
        else:
            raise Http404
    except TransitionRefused as error:
        refusal(request, error)
    return redirect("grants:application", pk=app.pk)
