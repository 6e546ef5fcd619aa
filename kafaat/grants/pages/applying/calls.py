"""The calls' pages: list, page, and the grants officer's set-up (lots, eligibility, grid, reviewers,
publication, invitations)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kafaat.core import access
from kafaat.grants import access_rules
from kafaat.grants.forms_applying import (
    CallForm,
    CriterionForm,
    InviteForm,
    LotForm,
    ReviewersForm,
    SectionForm,
    StartForm,
    WordingForm,
)
from kafaat.grants.models import Call, EligibilityCriterion, GridCriterion, GridSection, Lot, Stage
from kafaat.grants.pages.feedback import form_errors, refusal
from kafaat.grants.services import applicants, applications, calls

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
            refusal(request, error)
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
            refusal(request, error)
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
            refusal(request, error)
        return redirect("grants:call", pk=the_call.pk)

    wrapped.__name__ = view.__name__
    return wrapped


@_managed_post
def add_lot(request, the_call):
    form = LotForm(request.POST)
    if not form.is_valid():
        return form_errors(request, form)
    calls.add_lot(request.user, the_call, form.cleaned_data)
    messages.success(request, _("Lot added."))


@_managed_post
def add_eligibility(request, the_call):
    form = WordingForm(request.POST, call=the_call, prefix="elig")
    if not form.is_valid():
        return form_errors(request, form)
    calls.add_eligibility_criterion(request.user, the_call, form.cleaned_data)
    messages.success(request, _("Eligibility criterion added."))


@_managed_post
def add_section(request, the_call):
    form = SectionForm(request.POST, call=the_call, prefix="section")
    if not form.is_valid():
        return form_errors(request, form)
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
        return form_errors(request, form)
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
        return form_errors(request, form)
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
            refusal(request, error)
    else:
        form_errors(request, form)
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
        refusal(request, error)
    return redirect("grants:call", pk=the_call.pk)
