"""The warehouse page: the current snapshot, the refresh button and its progress (htmx polling)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kafaat.observatory import services
from kafaat.observatory.models import describe_rows


def warehouse(request):
    if not services.may_refresh(request.user):
        raise PermissionDenied
    info = services.current_info()
    context = {"record": services.latest(), "info": info, "tables": describe_rows(info.rows) if info else []}
    template = "observatory/_progress.html" if request.htmx else "observatory/warehouse.html"
    return render(request, template, context)


@require_POST
def refresh(request):
    try:
        services.start_refresh(request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Refresh started."))
    return redirect("observatory:warehouse")
