"""The public pages of applicant organisations: self-registration from a published call, and invitations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kafaat.grants.forms_applying import (
    RegistrationForm,
)
from kafaat.grants.models import Call
from kafaat.grants.services import applicants

REGISTRATIONS_PER_HOUR = 5  # per address: a public form must not mint accounts in bulk

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
