"""Pathway pages: the case worker's caseload, the referral inbox, and recording a step from the person's page.

Reads and writes go through `pathways.services` and `registry.services`, which check access and audit.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from kafaat.core import access
from kafaat.core.pages.paginator import CappedPaginator
from kafaat.pathways import catalogues, services
from kafaat.pathways.forms import RespondForm, StepForm
from kafaat.pathways.models import PARENT_KIND, StepKind, StepStatus
from kafaat.registry import list_audit
from kafaat.registry import services as registry_services
from kafaat.registry.access_rules import CHANGE_PERSON, VIEW_PERSON
from kafaat.registry.forms import PersonSearchForm
from kafaat.registry.views.people import (
    PAGE_SIZE,
    SEARCH_COUNT_CAP,
    export_urls,
    people_page,
    search_filters,
    with_ages,
)


def _page(request, items, param: str = "page"):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get(param))


def _is_partial(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


# --- Caseload -----------------------------------------------------------------------------------------------


def caseload(request):
    access.require(request.user, VIEW_PERSON)
    user = request.user
    whole_organisation = request.GET.get("scope") == "organisation"
    form = PersonSearchForm(request.GET or None, user=user, with_mine=False)
    query, filters = search_filters(form, mine_only=not whole_organisation)
    people = people_page(request, registry_services.search_people(user, query, filters))
    with_ages(people)
    export_filters = {} if whole_organisation else {"mine": "1"}
    export = export_urls(request, drop=("scope", "due", "sent"), **export_filters)
    context = {"form": form, "page": people, "export": export}
    if _is_partial(request):
        list_audit.record_list(user, (person.pk for person in people), shown="caseload", query=query)
        response = render(request, "registry/_people_rows.html", context)
        patch_vary_headers(response, ("HX-Request",))
        return response
    today = timezone.localdate()
    # Lazy: the paginator counts up to 1,000 and reads only its page's placements (pathways/due.py).
    week_end = services.end_of_week(today)
    due_list = services.DueFollowUps(user, until=week_end, mine_only=not whole_organisation)
    due = _page(request, due_list, "due")  # counted up to 1,000 ("1,000+"), as the people list
    # Counted up to 1,000 too: an organisation may wait for thousands of answers (pages stop there).
    sent_list = services.pending_referrals_sent(user).order_by("date", "id")  # step_pending_referral_sent
    sent = CappedPaginator(sent_list, PAGE_SIZE, cap=SEARCH_COUNT_CAP).get_page(request.GET.get("sent"))
    # One event for the whole page: the people listed, those with a follow-up due, those referred.
    shown = [person.pk for person in people] + [item.person.pk for item in due] + [s.person_id for s in sent]
    list_audit.record_list(user, shown, shown="caseload", query=query)
    context.update(
        whole_organisation=whole_organisation,
        can_register=access.has_permission(user, CHANGE_PERSON),
        today=today,
        week_end=week_end,
        due=due,
        due_capped=due_list.capped,
        sent=sent,
        inbox_pending=services.pending_referrals_received(user).count(),
    )
    response = render(request, "pathways/caseload.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- Referral inbox -----------------------------------------------------------------------------------------


def inbox(request):
    access.require(request.user, VIEW_PERSON)
    page = _page(request, services.referral_inbox(request.user))
    services.mark_openable(request.user, page)
    list_audit.record_list(request.user, (referral.person_id for referral in page), shown="referral_inbox")
    context = {
        "page": page,
        "pending": services.pending_referrals_received(request.user).count(),
        "statuses": StepStatus,
    }
    return render(request, "pathways/inbox.html", context)


@require_POST
def respond(request, pk: int):
    form = RespondForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or decline the referral."))
        return redirect("pathways:inbox")
    accept = form.cleaned_data["decision"] == "accept"
    try:
        referral = services.respond_to_referral(
            request.user, pk, accept=accept, note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("pathways:inbox")
    if accept:
        messages.success(
            request,
            _("Referral accepted: the record of %(name)s is now open to your organisation.")
            % {"name": referral.person.display_name},
        )
        return redirect("registry:detail", pk=referral.person_id)
    messages.success(request, _("Referral declined."))
    return redirect("pathways:inbox")


# --- Recording a step ---------------------------------------------------------------------------------------


def step_new(request, person_pk: int):
    user = request.user
    person = registry_services.get_person_for_change(user, person_pk)
    kind = request.POST.get("kind") or request.GET.get("kind") or ""
    if kind not in StepKind.values:
        if request.htmx:
            return HttpResponse("")  # the choice of step was cleared
        return redirect("registry:detail", pk=person.pk)
    projects = services.projects_for(user)
    parents = services.steps_of(user, person, PARENT_KIND[kind]) if kind in PARENT_KIND else None
    initial = {
        key: request.GET[key] for key in ("project", "parent", "follow_up_months") if key in request.GET
    }
    form = StepForm(
        request.POST or None,
        kind=kind,
        projects=projects,
        parents=parents,
        directory=registry_services.partner_directory(user),
        suggestions={
            name: catalogues.suggestions(user, name)
            for name in catalogues.SUGGESTED_FIELDS
            if name in services.KIND_FIELDS[kind]
        },
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            _record(user, person, form)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Step recorded: %(step)s.") % {"step": StepKind(kind).label})
            url = reverse("registry:detail", args=[person.pk])
            # No #fragment for htmx: a change of fragment alone would scroll the page instead of reloading it.
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url + "#timeline")
    context = {
        "form": form,
        "person": person,
        "kind": kind,
        "kind_label": StepKind(kind).label,
        "has_projects": projects.exists(),
    }
    template = "pathways/_step_form.html" if _is_partial(request) else "pathways/step_new.html"
    return render(request, template, context)


def suggest(request, field: str):
    """The options of a step's programme or employer list, for what the user has typed (htmx)."""
    access.require(request.user, CHANGE_PERSON)
    if field not in catalogues.SUGGESTED_FIELDS:
        raise Http404
    text = request.GET.get(field, "")[:200]
    response = render(
        request, "pathways/_options.html", {"options": catalogues.suggestions(request.user, field, text)}
    )
    patch_vary_headers(response, ("HX-Request",))
    return response


def _record(user, person, form: StepForm):
    data = form.cleaned_data
    common = {
        "project": data["project"],
        "on": data["date"],
        "parent": data.get("parent"),
        "outcome": data.get("outcome") or "",
    }
    fields = form.step_fields()
    if form.kind == StepKind.REFERRAL and fields.get("target_organisation") and data.get("share_consent"):
        return services.refer_with_consent(user, person, **common, **fields)
    return services.record_step(user, person, form.kind, **common, **fields)
