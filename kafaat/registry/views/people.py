"""People pages: search, registration, the person's page, changes and consents.

Every read and write goes through `registry.services` (and `pathways.services` for the timeline), which check
access and write the audit log; an id out of the user's sight is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kafaat.core import access
from kafaat.core.pages import CappedPaginator
from kafaat.pathways import services as pathways_services
from kafaat.pathways.models import StepKind
from kafaat.pathways.stages import current_stages
from kafaat.registry import list_audit, services
from kafaat.registry.access_rules import CHANGE_PERSON, VIEW_PERSON
from kafaat.registry.forms import PersonForm, PersonSearchForm, ShareConsentForm, mask_identifier
from kafaat.registry.models import Consent, Language, Person, WashingtonGroup

PAGE_SIZE = 25
SEARCH_COUNT_CAP = 1000


def _page(request, items, param: str = "page"):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get(param))


def people_page(request, people):
    """A page of search results: the count stops at a thousand (the list says "more than")."""
    return CappedPaginator(people, PAGE_SIZE, cap=SEARCH_COUNT_CAP).get_page(request.GET.get("page"))


def with_ages(people) -> None:
    """Age today and stage on the pathway on each person of a page (the template cannot call methods with
    arguments); the stages in one query for the whole page."""
    today = timezone.localdate()
    stages = current_stages(person.pk for person in people)
    for person in people:
        person.age = person.age_on(today)
        person.stage = stages.get(person.pk)


def export_urls(request, drop: tuple[str, ...] = (), **extra) -> dict[str, str]:
    """Export links: the page's own query string plus the format (the export view reads the same filters)."""
    urls = {}
    for fmt in ("xlsx", "csv"):
        query = request.GET.copy()
        for key in ("page", *drop):
            query.pop(key, None)
        query.update(extra)
        query["format"] = fmt
        urls[fmt] = f"{reverse('registry:export')}?{query.urlencode()}"
    return urls


def search_filters(
    form: PersonSearchForm, *, mine_only: bool | None = None
) -> tuple[str, services.SearchFilters]:
    data = form.cleaned_data if form.is_valid() else {}
    filters = services.SearchFilters(
        sex=data.get("sex") or "",
        territory_code=data.get("territory") or "",
        mine_only=bool(data.get("mine")) if mine_only is None else mine_only,
    )
    return data.get("q") or "", filters


# --- Search -------------------------------------------------------------------------------------------------


def search(request):
    # Roles without a person permission (analysts, donors, reviewers) are refused the page outright.
    access.require(request.user, VIEW_PERSON)
    form = PersonSearchForm(request.GET or None, user=request.user)
    query, filters = search_filters(form)
    page = people_page(request, services.search_people(request.user, query, filters))
    with_ages(page)
    list_audit.record_list(request.user, (person.pk for person in page), shown="people", query=query)
    context = {
        "form": form,
        "page": page,
        "export": export_urls(request),
        "can_register": access.has_permission(request.user, CHANGE_PERSON),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    response = render(request, "registry/_people_rows.html" if partial else "registry/search.html", context)
    patch_vary_headers(response, ("HX-Request",))  # the same address answers a page or a fragment
    return response


# --- Registration and changes -------------------------------------------------------------------------------


def register(request):
    access.require(request.user, CHANGE_PERSON)
    organisations = access.organisations_where(request.user, CHANGE_PERSON)
    form = PersonForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.register_person(
                request.user,
                form.person_raw(),
                organisation=form.cleaned_data.get("organisation"),
                consent_given_on=form.cleaned_data["consent_date"],
                contact_consent=form.cleaned_data["contact_consent"],
                territories=form.territories,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": person.display_name})
            return redirect("registry:detail", pk=person.pk)
    return render(
        request,
        "registry/register.html",
        {"form": form, "communes": services.communes_near(request.user)},
    )


def edit(request, pk: int):
    person = services.get_person(request.user, pk, audit_read=request.method == "GET")
    access.require(request.user, CHANGE_PERSON, person)
    form = PersonForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(request.user, person, form.person_raw())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The record is saved."))
            return redirect("registry:detail", pk=person.pk)
    return render(
        request,
        "registry/edit.html",
        {
            "form": form,
            "person": person,
            "communes": services.communes_near(request.user),
            "history": history_of(request, person),
        },
    )


def history_of(request, person: Person):
    """The record's versions, a page at a time: who, when, which fields (sensitive ones: only 'changed')."""
    page = _page(request, person.versions.select_related("changed_by"), "history")
    for version in page:
        version.rows = []
        for name, change in sorted(version.changes.items()):
            try:
                label = Person._meta.get_field(name).verbose_name
            except FieldDoesNotExist:
                label = name
            sensitive = name in services.SENSITIVE_FIELDS or not isinstance(change, list | tuple)
            before, after = (None, None) if sensitive else (change[0], change[-1])
            version.rows.append({"label": label, "sensitive": sensitive, "before": before, "after": after})
    return page


# --- The person's page --------------------------------------------------------------------------------------


def detail(request, pk: int):
    if request.GET.get("reveal") == "id_number":
        number = services.reveal_id_number(request.user, pk)
        if request.htmx:
            return render(request, "registry/_revealed.html", {"value": number})
        person = services.get_person(request.user, pk, audit_read=False)
        return render(request, "registry/detail.html", detail_context(request, person, revealed=number))
    person = services.get_person(request.user, pk)
    return render(request, "registry/detail.html", detail_context(request, person))


def _places(territory) -> list:
    chain = []
    while territory is not None:
        chain.append(territory)
        territory = territory.parent
    return chain  # commune › province › region


def disability_summary(person: Person) -> dict | None:
    answers = person.disability_answers or {}
    if not answers:
        return None
    labels = dict(WashingtonGroup.ANSWERS)
    difficulties = [
        {"domain": label, "answer": labels.get(int(answers[domain]), answers[domain])}
        for domain, label in WashingtonGroup.DOMAINS
        if answers.get(domain) and int(answers[domain]) > 1
    ]
    return {"has_disability": person.has_disability, "difficulties": difficulties}


def detail_context(request, person: Person, *, share_form=None, revealed: str | None = None) -> dict:
    user = request.user
    can_change = access.has_permission(user, CHANGE_PERSON, person)
    context = {
        "person": person,
        "age": person.age_on(timezone.localdate()),
        "places": _places(person.territory),
        "id_masked": mask_identifier(person.id_number),
        "revealed": revealed,
        "can_change": can_change,
        "timeline": pathways_services.timeline(user, person),
        "stage": current_stages([person.pk]).get(person.pk),
        "consents": person.consents.select_related("shared_with", "recorded_for"),
        "languages": [Language(code).label for code in person.languages or [] if code in Language.values],
    }
    if can_change:
        context.update(
            disability=disability_summary(person),
            share_form=share_form or ShareConsentForm(directory=services.partner_directory(user)),
            step_kinds=StepKind.choices,
        )
    return context


# --- Consents -----------------------------------------------------------------------------------------------


@require_POST
def consent_add(request, pk: int):
    person = services.get_person_for_change(request.user, pk)
    form = ShareConsentForm(request.POST, directory=services.partner_directory(request.user))
    if form.is_valid():
        try:
            services.record_consent(
                request.user,
                person,
                Consent.Purpose.SHARING,
                given_on=form.cleaned_data["given_on"],
                shared_with=form.cleaned_data["shared_with"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("Consent recorded: the record may be shared with %(organisation)s.")
                % {"organisation": form.cleaned_data["shared_with"]},
            )
            return redirect("registry:detail", pk=person.pk)
    return render(request, "registry/detail.html", detail_context(request, person, share_form=form))


@require_POST
def consent_withdraw(request, pk: int, consent_pk: int):
    person = services.get_person_for_change(request.user, pk)
    consent = access.in_scope_or_404(person.consents.all(), pk=consent_pk)
    services.withdraw_consent(request.user, consent)
    if consent.purpose == Consent.Purpose.REGISTRATION:
        messages.success(request, _("Consent withdrawn: the record is no longer shared with anyone."))
    else:
        messages.success(request, _("Consent withdrawn."))
    return redirect("registry:detail", pk=person.pk)
