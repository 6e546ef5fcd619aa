"""The import pages: upload a file, follow its job while it runs, download the error report and the templates.

An import runs as a job in the worker (`kafaat.registry.imports.runs`); the `ImportJob` row holds its status,
counts and first errors, which the job page polls every second, with the live progress the worker leaves in
the cache while its transaction holds the row.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kafaat.core import access
from kafaat.core.imports import background, write_template
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


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (CSV or XLSX)"))
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

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = access.organisations_where(user, CHANGE_PERSON)
        self.fields["organisation"].queryset = organisations
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()
        self.fields["project"].queryset = projects_for(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in (".csv", ".txt", ".tsv", ".xlsx"):
            raise forms.ValidationError(_("Upload a CSV or XLSX file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB: split it."))
        return upload


def _can_import(user) -> bool:
    return access.has_permission(user, CHANGE_PERSON)


def upload(request):
    if not _can_import(request.user):
        raise PermissionDenied
    form = UploadForm(request.user, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = _create_job(request, form.cleaned_data, dry_run="dry_run" in request.POST)
        return redirect("registry:import_job", job_id=job.pk)
    jobs = ImportJob.objects.filter(user=request.user, kind__in=KINDS)[:10]  # not other apps' imports
    languages = [(code, translation.get_language_info(code)["name_local"]) for code in TEMPLATE_LANGUAGES]
    templates = [(KIND_LABELS[kind], languages, kind) for kind in KINDS]
    return render(request, "registry/import.html", {"form": form, "jobs": jobs, "templates": templates})


def _create_job(request, data: dict, *, dry_run: bool) -> ImportJob:
    upload, options = data["file"], {"dry_run": dry_run, "good_rows_only": data["good_rows_only"]}
    job = background.new_job(
        request.user, data["organisation"], data["kind"], upload, project=data["project"], **options
    )
    return import_runs.start(job)


def _own_job(request, job_id) -> ImportJob:
    related = ImportJob.objects.select_related("organisation", "project", "job")
    return access.in_scope_or_404(related, pk=job_id, user=request.user)


def job(request, job_id):
    job = _own_job(request, job_id)
    context = {"job": job, **background.progress_of(job)}
    template = "registry/import_job_status.html" if request.htmx else "registry/import_job.html"
    return render(request, template, context)


def error_report(request, job_id):
    job = _own_job(request, job_id)
    path = Path(settings.MEDIA_ROOT) / job.report_path if job.report_path else None
    if path is None or not path.is_file():
        raise Http404
    name = f"{Path(job.file_name).stem}-errors.xlsx"
    return FileResponse(open(path, "rb"), as_attachment=True, filename=name, content_type=XLSX)  # noqa: SIM115


def template(request, kind: str, language: str):
    if kind not in KINDS or language not in TEMPLATE_LANGUAGES:
        raise Http404
    buffer = io.BytesIO()
    write_template(columns_for(kind), language, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="kafaat-{kind}-{language}.xlsx"'
    return response
