"""The vacancy import page: upload, follow the job, every row checked, the errors shown and offered as an XLSX
report, the re-posted ads listed.

The import runs as a job in the worker (`labour.importing.IMPORT`, core's `imports.background`); its
`ImportJob` row keeps the outcome, the first errors and the re-posted ads (`details`), which the job page
polls every second; the error report is kept under MEDIA_ROOT for the user who imported.
"""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render

from kafaat.core import access
from kafaat.core.imports import background, pages, write_template
from kafaat.labour import services
from kafaat.labour.access_rules import CHANGE_LABOUR
from kafaat.labour.forms import ImportForm
from kafaat.labour.importing import IMPORT_JOB, VACANCY_COLUMNS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND = "vacancies"


def upload(request):
    if not access.has_permission(request.user, CHANGE_LABOUR):
        raise PermissionDenied
    form = ImportForm(request.user, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:  # the organisation the rows are for: the one chosen, else the user's only one
            organisation = services.organisation_for(request.user, data.get("organisation"))
        except ValidationError as error:
            form.add_error(None, error)  # a dict naming the field: shown beside it
        else:
            options = {"dry_run": "dry_run" in request.POST, "good_rows_only": data["good_rows_only"]}
            job = background.new_job(request.user, organisation, KIND, data["file"], **options)
            job = background.start(job, IMPORT_JOB)
            return redirect("labour:import_job", job_id=job.pk)
    jobs = pages.recent_jobs(request.user, [KIND])
    context = {"form": form, "languages": pages.template_languages(), "jobs": jobs}
    return render(request, "labour/import.html", context, status=400 if form.errors else 200)


def job(request, job_id):
    job = pages.own_job(request, job_id, kind=KIND)
    return pages.job_page(request, job, "labour/", {"reposted": job.details.get("reposted", [])})


def error_report(request, job_id):
    return pages.error_report(pages.own_job(request, job_id, kind=KIND))


def template(request, language: str):
    if language not in ("fr", "ar", "en"):
        raise Http404
    buffer = io.BytesIO()
    write_template(VACANCY_COLUMNS, language, buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=f"vacancies-{language}.xlsx", content_type=XLSX)
