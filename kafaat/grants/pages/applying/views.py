"""The applying pages: calls (list, page, set-up by the grants officer), the public self-registration and
invitation pages, and the applicant's applications (list, page with its sections, submit, withdraw). Every
change goes through the services; a refused one comes back as a message, and nothing already saved is lost."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kafaat.core import access
from kafaat.grants import access_rules, workflows
from kafaat.grants.forms_applying import (
    BudgetFormSet,
    CallForm,
    ContributionsForm,
    CriterionForm,
    DetailsForm,
    DocumentForm,
    InviteForm,
    LotForm,
    RegistrationForm,
    ReviewersForm,
    SectionForm,
    StartForm,
    TargetGroupsForm,
    WordingForm,
)
from kafaat.grants.models import Call, EligibilityCriterion, GridCriterion, GridSection, Lot, Stage
from kafaat.grants.services import applicants, applications, calls
from kafaat.grants.services.workflow import TransitionRefused

REGISTRATIONS_PER_HOUR = 5  # per address: a public form must not mint accounts in bulk


def _refusal(request, error: ValidationError) -> None:
    messages.error(request, " ".join(str(m) for m in error.messages))


def _form_errors(request, form) -> None:
    texts = [
        f"{form.fields[name].label if name in form.fields else ''}: {' '.join(errs)}".lstrip(": ")
        for name, errs in form.errors.items()
    ]
    messages.error(request, " ".join(texts) or _("Check the form."))


# --- Calls -------------------------------------------------------------------------------------------------


def call_list(request):
    user = request.user
    managed = [(call, calls.counts_by_status(call)) for call in calls.managed_calls(user)]
    managed_ids = {call.pk for call, _counts in managed}
    published = [
        call
        for call in calls.visible_calls(user).filter(status=Call.Status.PUBLISHED)
        if call.pk not in managed_ids
    ]
    can_create = calls.managed_organisations(user).exists()
    return render(
        request,
        "grants/applying/calls.html",
        {"managed": managed, "published": published, "can_create": can_create},
    )


def _projects(user):
    from kafaat.core.models import Project

    return (
        Project.objects.filter(participants__in=calls.managed_organisations(user)).distinct().order_by("code")
    )


def call_new(request):
    if not calls.managed_organisations(request.user).exists():
        raise access.Refused(access_rules.MANAGE_CALLS)
    form = CallForm(request.POST or None, projects=_projects(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            call = calls.create_call(request.user, dict(form.cleaned_data))
        except ValidationError as error:
            _refusal(request, error)
        else:
            messages.success(request, _("Call created: add its lots, eligibility criteria and grid."))
            return redirect("grants:call", pk=call.pk)
    return render(request, "grants/applying/call_form.html", {"form": form, "call": None})


def call_edit(request, pk: int):
    call = calls.get_managed_call(request.user, pk)
    locked = call.status != Call.Status.DRAFT
    # The services check and save: the form only reads (its model validation is off, see CallForm).
    form = CallForm(request.POST or None, instance=call, projects=_projects(request.user), locked=locked)
    if request.method == "POST" and form.is_valid():
        try:
            calls.update_call(request.user, call, dict(form.cleaned_data))
        except ValidationError as error:
            _refusal(request, error)
        else:
            messages.success(request, _("Call saved."))
            return redirect("grants:call", pk=call.pk)
    return render(request, "grants/applying/call_form.html", {"form": form, "call": call})


def call(request, pk: int):
    the_call = calls.get_call(request.user, pk)
    user = request.user
    manage = access_rules.can_manage_call(user, the_call)
    sections = the_call.grid_sections.prefetch_related("criteria")
    organisations = applications.applicant_organisations(user)
    mine = applications.my_applications(user).filter(call=the_call)
    draft = the_call.status == Call.Status.DRAFT
    context = {
        "call": the_call,
        "lots": the_call.lots.select_related("territory"),
        "eligibility": the_call.eligibility_criteria.all(),
        "sections": sections,
        "points": [(Stage(s).label, calls.grid_points(the_call, s)) for s in the_call.stages],
        "reviewers": the_call.reviewers.order_by("username"),
        "can_manage": manage,
        "editable": manage and draft,
        "problems": calls.publication_problems(the_call) if manage and draft else [],
        "counts": calls.counts_by_status(the_call) if manage else {},
        "mine": mine,
        "start_form": StartForm(the_call)
        if organisations.exists() and the_call.status == Call.Status.PUBLISHED
        else None,
        "lot_form": LotForm() if manage and draft else None,
        "eligibility_form": WordingForm(call=the_call, prefix="elig") if manage and draft else None,
        "section_form": SectionForm(call=the_call, prefix="section") if manage and draft else None,
        "criterion_form": CriterionForm(prefix="criterion") if manage and draft else None,
        "reviewers_form": ReviewersForm(
            calls.reviewer_candidates(the_call), initial={"reviewers": list(the_call.reviewers.all())}
        )
        if manage
        else None,
        "invite_form": InviteForm() if manage and the_call.status == Call.Status.PUBLISHED else None,
    }
    return render(request, "grants/applying/call.html", context)


def _managed_post(view):
    """A set-up action on a call the user manages (404 out of sight, 403 without the right)."""

    @require_POST
    def wrapped(request, pk: int):
        the_call = calls.get_managed_call(request.user, pk)
        try:
            view(request, the_call)
        except ValidationError as error:
            _refusal(request, error)
        return redirect("grants:call", pk=the_call.pk)

    wrapped.__name__ = view.__name__
    return wrapped


@_managed_post
def add_lot(request, the_call):
    form = LotForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, form)
    calls.add_lot(request.user, the_call, form.cleaned_data)
    messages.success(request, _("Lot added."))


@_managed_post
def add_eligibility(request, the_call):
    form = WordingForm(request.POST, call=the_call, prefix="elig")
    if not form.is_valid():
        return _form_errors(request, form)
    calls.add_eligibility_criterion(request.user, the_call, form.cleaned_data)
    messages.success(request, _("Eligibility criterion added."))


@_managed_post
def add_section(request, the_call):
    form = SectionForm(request.POST, call=the_call, prefix="section")
    if not form.is_valid():
        return _form_errors(request, form)
    calls.add_section(request.user, the_call, form.cleaned_data)
    messages.success(request, _("Section added."))


@_managed_post
def seed_grid(request, the_call):
    calls.seed_grid(request.user, the_call)
    messages.success(request, _("The PRAG-style grid and eligibility criteria were added: adapt them."))


@_managed_post
def set_reviewers(request, the_call):
    form = ReviewersForm(calls.reviewer_candidates(the_call), request.POST)
    if not form.is_valid():
        return _form_errors(request, form)
    calls.set_reviewers(request.user, the_call, [u.pk for u in form.cleaned_data["reviewers"]])
    messages.success(request, _("Reviewers saved."))


@_managed_post
def publish(request, the_call):
    calls.publish(request.user, the_call)
    messages.success(request, _("Call published."))


@_managed_post
def close(request, the_call):
    calls.close(request.user, the_call)
    messages.success(request, _("Call closed."))


@_managed_post
def invite(request, the_call):
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, form)
    applicants.invite(
        request.user,
        the_call,
        form.cleaned_data["email"],
        organisation=form.cleaned_data["organisation"],
        language=form.cleaned_data["language"],
        base_url=request.build_absolute_uri("/"),
    )
    messages.success(request, _("Invitation sent."))


@require_POST
def add_criterion(request, pk: int):
    section = GridSection.objects.select_related("call").filter(pk=pk).first()
    if section is None:
        raise Http404
    the_call = calls.get_managed_call(request.user, section.call_id)
    form = CriterionForm(request.POST, prefix="criterion")
    if form.is_valid():
        try:
            calls.add_criterion(request.user, section, form.cleaned_data)
            messages.success(request, _("Criterion added."))
        except ValidationError as error:
            _refusal(request, error)
    else:
        _form_errors(request, form)
    return redirect("grants:call", pk=the_call.pk)


_ITEMS = {"lot": Lot, "eligibility": EligibilityCriterion, "section": GridSection, "criterion": GridCriterion}


@require_POST
def delete_item(request, kind: str, pk: int):
    model = _ITEMS.get(kind)
    item = model.objects.filter(pk=pk).first() if model else None
    if item is None:
        raise Http404
    call_id = item.section.call_id if isinstance(item, GridCriterion) else item.call_id
    the_call = calls.get_managed_call(request.user, call_id)
    try:
        if isinstance(item, Lot):
            calls.delete_lot(request.user, item)
        else:
            calls.delete_grid_item(request.user, item)
        messages.success(request, _("Removed."))
    except ValidationError as error:
        _refusal(request, error)
    return redirect("grants:call", pk=the_call.pk)


# --- Applicants: self-registration and invitations (public pages) ------------------------------------------


def _throttled(request) -> bool:
    key = f"grants-register:{request.META.get('REMOTE_ADDR', '')}"
    count = cache.get(key, 0)
    if count >= REGISTRATIONS_PER_HOUR:
        return True
    cache.set(key, count + 1, 60 * 60)
    return False


def _registration(request, *, the_call, invitation=None):
    form = RegistrationForm(request.POST or None, invitation=invitation)
    status = 200
    if request.method == "POST":
        if _throttled(request):
            messages.error(request, _("Too many registrations from this address: try again in an hour."))
            status = 429
        elif form.is_valid():
            data = {**form.cleaned_data}
            if data.get("territory") is not None:
                data["territory"] = data["territory"].pk
            try:
                user = applicants.register(data, invitation=invitation)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("Your organisation is registered: you can apply now."))
                return redirect("grants:call", pk=the_call.pk)
    context = {"call": the_call, "form": form, "invitation": invitation}
    return render(request, "grants/applying/register.html", context, status=status)


@login_not_required
def register(request, pk: int):
    the_call = Call.objects.filter(pk=pk, status=Call.Status.PUBLISHED).first()
    if the_call is None:
        raise Http404
    return _registration(request, the_call=the_call)


@login_not_required
def invitation(request, token: str):
    try:
        found = applicants.read_invitation(token)
    except ValidationError as error:
        return render(
            request, "grants/applying/register.html", {"refusal": " ".join(error.messages)}, status=400
        )
    return _registration(request, the_call=found.call, invitation=found)


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
        _form_errors(request, form)
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
        _refusal(request, error)
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
            _refusal(request, error)
        return redirect("grants:application", pk=app.pk)

    wrapped.__name__ = view.__name__
    return wrapped


@_application_post
def save_details(request, app):
    form = DetailsForm(app, applications.provinces_for(app.lot), request.POST)
    if not form.is_valid():
        return _form_errors(request, form)
    data = dict(form.cleaned_data)
    data["territory"] = data["territory"].pk if data["territory"] else None
    applications.update_details(request.user, app, data)
    messages.success(request, _("Draft saved."))


@_application_post
def save_target_groups(request, app):
    form = TargetGroupsForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, form)
    applications.set_target_groups(request.user, app, form.cleaned_rows())
    messages.success(request, _("Draft saved."))


@_application_post
def save_contributions(request, app):
    form = ContributionsForm(_indicators(app), request.POST)
    if not form.is_valid():
        return _form_errors(request, form)
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
        return _form_errors(request, form)
    applications.add_document(request.user, app, form.cleaned_data["kind"], form.cleaned_data["file"])
    messages.success(request, _("Document attached."))


def download_document(request, pk: int):
    """A document of an application the user may see (404 otherwise), as an attachment."""
    document = applications.get_document(request.user, pk)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.name)


@require_POST
def delete_document(request, pk: int):
    document = applications.get_document(request.user, pk)
    try:
        applications.delete_document(request.user, document)
        messages.success(request, _("Removed."))
    except ValidationError as error:
        _refusal(request, error)
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
        _refusal(request, error)
    return redirect("grants:application", pk=app.pk)
