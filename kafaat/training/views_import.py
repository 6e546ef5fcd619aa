"""The supply import page: upload a ministry or OFPPT table, follow its job, see what came of it, download the
error report; derive the statistics from Kafaat's steps again (a job too, `training.derivation_jobs`).

The import runs as a job in the worker (`training.importing.IMPORT`, core's `imports.background`); the
`ImportJob` row holds its status, counts and first errors, which the job page polls every second.
"""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kafaat.core import access, jobs
from kafaat.core.imports import background, pages, write_template
from kafaat.core.models import ImportJob
from kafaat.training import derivation_jobs
from kafaat.training.access_rules import CHANGE_ESTABLISHMENT
from kafaat.training.forms import SupplyUploadForm
from kafaat.training.importing import IMPORT_JOB, SUPPLY_COLUMNS

KIND = "supply"
LANGUAGES = ("fr", "ar", "en")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_import(user) -> None:
    if not access.has_permission(user, CHANGE_ESTABLISHMENT):
        raise PermissionDenied


def upload(request):
    _require_import(request.user)
    form = SupplyUploadForm(request.user, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = run_upload(request.user, form.cleaned_data, dry_run="dry_run" in request.POST)
        return redirect("training:import_job", job_id=job.pk)
    context = {
        "form": form,
        "languages": pages.template_languages(),
        "jobs": pages.recent_jobs(request.user, [KIND]),
        "derivations": derivation_jobs.derivation_jobs(request.user).filter(user=request.user)[:5],
    }
    return render(request, "training/import.html", context)


def run_upload(user, data: dict, *, dry_run: bool) -> ImportJob:
    """Save the upload and queue its import (the worker runs it; tests' immediate backend, at once)."""
    job = background.new_job(user, data["organisation"], KIND, data["file"], dry_run=dry_run)
    return background.start(job, IMPORT_JOB)


def job(request, job_id):
    return pages.job_page(request, pages.own_job(request, job_id, kind=KIND), "training/")


def error_report(request, job_id):
    return pages.error_report(pages.own_job(request, job_id, kind=KIND))


def template(request, language: str):
    if language not in LANGUAGES:
        raise Http404
    buffer = io.BytesIO()
    write_template(SUPPLY_COLUMNS, language, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="kafaat-supply-{language}.xlsx"'
    return response


@require_POST
def derive(request):
    """Derive the statistics from Kafaat's enrolment and certification steps again (POST): queued for the
    worker, then followed on the job's page."""
    job = derivation_jobs.start_derivation(request.user)
    return redirect("training:derive_job", job_id=job.pk)


def derive_job(request, job_id):
    """A derivation's job: its progress while it runs (the partial polls itself), then its report or why it
    was refused."""
    job = derivation_jobs.derivation_job(request.user, job_id)
    stage, done, total = jobs.live_progress(job)
    context = {
        "job": job, "stage": stage, "done": done, "total": total,
        "report": derivation_jobs.report_of(job),
    }  # fmt: skip
    template = "training/_derive_job.html" if request.htmx else "training/derive_job.html"
    return render(request, template, context)
