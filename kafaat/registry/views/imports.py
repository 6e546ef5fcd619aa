"""The import pages: upload a file, follow its job while it runs, download the error report and the templates.

An import runs as a job in the worker (`kafaat.registry.imports.runs`); the `ImportJob` row holds its status,
counts and first errors, which the job page polls every second, with the live progress the worker leaves in
the cache while its transaction holds the row.
"""

from __future__ import annotations

import io
import logging

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy

from kafaat.core import access
from kafaat.core.imports import background, pages, write_template
from kafaat.core.imports.forms import SpreadsheetUploadForm, offer_organisations
from kafaat.core.models import ImportJob, Organisation, Project
from kafaat.pathways.services import projects_for
from kafaat.registry.access_rules import CHANGE_PERSON
from kafaat.registry.imports import KINDS, columns_for
from kafaat.registry.imports import runs as import_runs

logger = logging.getLogger(__name__)
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
TEMPLATE_LANGUAGES = ("fr", "ar", "en")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND_LABELS = {"people": gettext_lazy("People"), "steps": gettext_lazy("Pathway steps")}


class UploadForm(SpreadsheetUploadForm):
    kind = forms.ChoiceField(label=gettext_lazy("The file holds"), choices=list(KIND_LABELS.items()))
    organisation = forms.ModelChoiceField(Organisation.objects.none(), label=gettext_lazy("Organisation"))
    project = forms.ModelChoiceField(
        Project.objects.none(),
        required=False,
        label=gettext_lazy("Project"),
        help_text=gettext_lazy("For steps: the project of the rows that name none."),
    )
    good_rows_only = forms.BooleanField(
        required=False,
        label=gettext_lazy("Import only the good rows"),
        help_text=gettext_lazy("Otherwise nothing is imported while any row has an error."),
    )
    max_upload_bytes = MAX_UPLOAD_BYTES
    too_large = gettext_lazy("The file is larger than 50 MB: split it.")

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_organisations(self, access.organisations_where(user, CHANGE_PERSON))
        self.fields["project"].queryset = projects_for(user)


def _can_import(user) -> bool:
    return access.has_permission(user, CHANGE_PERSON)


def upload(request):
    if not _can_import(request.user):
        raise PermissionDenied
    form = UploadForm(request.user, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = _create_job(request, form.cleaned_data, dry_run="dry_run" in request.POST)
        return redirect("registry:import_job", job_id=job.pk)
    jobs = pages.recent_jobs(request.user, KINDS)  # not other apps' imports
    languages = pages.template_languages(TEMPLATE_LANGUAGES)
    templates = [(KIND_LABELS[kind], languages, kind) for kind in KINDS]
    return render(request, "registry/import.html", {"form": form, "jobs": jobs, "templates": templates})


def _create_job(request, data: dict, *, dry_run: bool) -> ImportJob:
    upload, options = data["file"], {"dry_run": dry_run, "good_rows_only": data["good_rows_only"]}
    job = background.new_job(
        request.user, data["organisation"], data["kind"], upload, project=data["project"], **options
    )
    return import_runs.start(job)


def _own_job(request, job_id) -> ImportJob:
    return pages.own_job(request, job_id, related=("organisation", "project", "job"))


def job(request, job_id):
    return pages.job_page(request, _own_job(request, job_id), "registry/")


def error_report(request, job_id):
    return pages.error_report(_own_job(request, job_id))


def template(request, kind: str, language: str):
    if kind not in KINDS or language not in TEMPLATE_LANGUAGES:
        raise Http404
    buffer = io.BytesIO()
    write_template(columns_for(kind), language, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="kafaat-{kind}-{language}.xlsx"'
    return response
