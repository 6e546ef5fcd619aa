"""Pages of the core domain. Every query goes through `services`, which goes through `access`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from kafaat.core import access, services
from kafaat.core.access import Permission
from kafaat.core.forms import AddMemberForm, ApiTokenForm, AuditFilterForm, OrganisationFilterForm
from kafaat.core.models import Territory
from kafaat.core.pages import home as home_panels
from kafaat.core.pages import home_cards
from kafaat.core.serving import health

PAGE_SIZE = 25


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@login_not_required  # a monitor asks without signing in: counts and ages only (kafaat/core/serving/health.py)
@never_cache
@require_GET
def health_check(request):
    document, reachable = health.report()
    return JsonResponse(document, status=200 if reachable else 503)


def home(request):
    context = {"cards": home_cards(request.user), "panels": home_panels.panels_for(request.user)}
    return render(request, "core/home.html", context)


def territories(request):
    parent_code = request.GET.get("parent") or None
    parent = services.get_territory(request.user, parent_code) if parent_code else None
    level = None if parent else Territory.Level.REGION
    children = services.list_territories(request.user, level=level, parent_code=parent_code)
    context = {"parent": parent, "page": _page(request, children), "ancestors": _ancestors(parent)}
    template = "core/_territory_rows.html" if request.htmx else "core/territories.html"
    return render(request, template, context)


def _ancestors(territory):
    chain = []
    while territory is not None:
        chain.insert(0, territory)
        territory = territory.parent
    return chain


def organisations(request):
    form = OrganisationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    region = filters.get("region")
    queryset = services.list_organisations(
        request.user,
        type=filters.get("type") or None,
        territory_code=region.code if region else None,
        query=filters.get("q") or None,
    )
    context = {"form": form, "page": _page(request, queryset)}
    template = "core/_organisation_rows.html" if request.htmx else "core/organisations.html"
    return render(request, template, context)


def organisation_detail(request, pk: int):
    organisation = services.get_organisation(request.user, pk)
    can_manage = access.has_permission(request.user, Permission.MANAGE_ORGANISATION, organisation)
    return render(
        request, "core/organisation_detail.html", {"organisation": organisation, "can_manage": can_manage}
    )


def organisation_manage(request, pk: int):
    organisation = services.get_managed_organisation(request.user, pk)
    form = AddMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_member(request.user, organisation, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Member saved."))
            return redirect("core:organisation_manage", pk=organisation.pk)
    members = services.members_of(request.user, organisation)
    return render(
        request,
        "core/organisation_manage.html",
        {"organisation": organisation, "form": form, "members": members},
    )


@require_POST
def membership_deactivate(request, pk: int, membership_pk: int):
    organisation = services.get_managed_organisation(request.user, pk)
    membership = services.members_of(request.user, organisation).filter(pk=membership_pk).first()
    if membership is None:
        messages.error(request, _("No such member."))
    else:
        services.deactivate_membership(request.user, membership)
        messages.success(request, _("Membership deactivated."))
    return redirect("core:organisation_manage", pk=organisation.pk)


def audit_log(request):
    events = services.audit_events_visible_to(request.user)
    form = AuditFilterForm(request.GET or None)
    if form.is_valid():
        if form.cleaned_data["action"]:
            events = events.filter(action=form.cleaned_data["action"])
        if form.cleaned_data["user"]:
            events = events.filter(actor_username__icontains=form.cleaned_data["user"])
    return render(request, "core/audit_log.html", {"form": form, "page": _page(request, events)})


ISSUED_KEY_SESSION = "kafaat_issued_api_key"


def api_tokens(request):
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        issued = services.issue_api_token(
            request.user, form.cleaned_data["name"], valid_days=form.cleaned_data["valid_days"]
        )
        # Post/redirect/get, so that a refresh creates no second token; the key waits for one display only.
        request.session[ISSUED_KEY_SESSION] = issued.key
        return redirect("core:api_tokens")
    context = {
        "form": form,
        "tokens": services.api_tokens_of(request.user),
        "issued_key": request.session.pop(ISSUED_KEY_SESSION, None),
    }
    return render(request, "core/api_tokens.html", context)


@require_POST
def api_token_revoke(request, pk: int):
    try:
        services.revoke_api_token(request.user, pk)
    except ValidationError:
        messages.error(request, _("No such token."))
    else:
        messages.success(request, _("Token revoked."))
    return redirect("core:api_tokens")
