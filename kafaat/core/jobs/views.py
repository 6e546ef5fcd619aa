"""The jobs page: administrators follow the background jobs and retry the failed ones."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kafaat.core import jobs

PAGE_SIZE = 25


def jobs_page(request):
    if not jobs.may_manage(request.user):
        raise PermissionDenied
    jobs.reap_lost_jobs()  # a job whose worker died shows as failed even while no worker runs
    page = Paginator(jobs.jobs_visible_to(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for job in page:
        stage, done, total = jobs.live_progress(job)
        percent = round(100 * done / total) if total else None
        rows.append({"job": job, "label": jobs.label_of(job), "link": jobs.link_of(job), "stage": stage,
                     "done": done, "total": total, "percent": percent})  # fmt: skip
    context = {"page": page, "rows": rows, "active": any(not row["job"].finished for row in rows)}
    template = "core/_job_rows.html" if request.htmx else "core/jobs.html"
    return render(request, template, context)


@require_POST
def job_retry(request, pk):
    job = get_object_or_404(jobs.jobs_visible_to(request.user), pk=pk)
    try:
        jobs.retry(job, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The job is queued again."))
    return redirect("core:jobs")
