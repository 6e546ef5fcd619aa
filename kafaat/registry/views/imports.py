"""The import pages: upload a file, follow its job while it runs, download the error report and the templates.

An import runs in a background thread of the web process (one machine is enough); the `ImportJob` row holds
its status, counts and first errors, which the job page polls every second. In tests, and wherever
`KAFAAT_IMPORT_SYNCHRONOUS` is true, the job runs inside the request instead.
"""

from __future__ import annotations

import io
import logging
import threading
import time
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, connections, transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kafaat.core import access
from kafaat.core.import_jobs import mark_failed, record_result, save_finished
from kafaat.core.importing import ImportFileError, run_import, write_template
from kafaat.core.models import ImportJob, Organisation, Project
from kafaat.pathways.services import projects_for
from kafaat.registry.access_rules import CHANGE_PERSON
from kafaat.registry.import_kinds import KINDS, columns_for, spec_for

logger = logging.getLogger(__name__)
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
TEMPLATE_LANGUAGES = ("fr", "ar", "en")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND_LABELS = {"people": gettext_lazy("People"), "steps": gettext_lazy("Pathway steps")}
# Progress of the jobs running in this process, fresher than the database row while a transaction is open.
_LIVE: dict[uuid.UUID, tuple[str, int, int]] = {}


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
    upload = data["file"]
    job = ImportJob(
        user=request.user,
        organisation=data["organisation"],
        project=data["project"],
        kind=data["kind"],
        file_name=Path(upload.name).name[:200],
        language=translation.get_language() or settings.LANGUAGE_CODE,
        dry_run=dry_run,
        good_rows_only=data["good_rows_only"],
    )
    folder = Path("imports") / str(job.pk)
    (Path(settings.MEDIA_ROOT) / folder).mkdir(parents=True, exist_ok=True)
    job.file_path = str(folder / ("upload" + Path(upload.name).suffix.lower()))
    with open(Path(settings.MEDIA_ROOT) / job.file_path, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    job.save()
    start_job(job)
    return job


def start_job(job: ImportJob, *, synchronous: bool | None = None) -> None:
    """Run the job in a background thread, or now when `synchronous` (default: KAFAAT_IMPORT_SYNCHRONOUS)."""
    if synchronous is None:
        synchronous = getattr(settings, "KAFAAT_IMPORT_SYNCHRONOUS", False)
    if synchronous:
        run_job(job.pk)
        return

    def in_thread():
        try:
            run_job(job.pk)
        except Exception:  # run_job records its own failures; this is for the job row it could not read
            mark_failed(job)
            save_finished(job)
        finally:
            connections.close_all()  # this thread's connections only

    transaction.on_commit(
        lambda: threading.Thread(target=in_thread, name=f"import-{job.pk}", daemon=True).start()
    )


class _JobProgress:
    """Progress into memory and, at most twice a second, into the job row. While the import's transaction is
    open (PostgreSQL writes as it validates) the row is updated through a connection of its own."""

    def __init__(self, job: ImportJob):
        self.job, self.saved_at, self.side = job, 0.0, None

    def __call__(self, stage: str, done: int, total: int) -> None:
        _LIVE[self.job.pk] = (stage, done, total)
        now = time.monotonic()
        if now - self.saved_at < 0.5 and done < total:
            return
        self.saved_at = now
        writing = stage == "writing"
        status = ImportJob.Status.WRITING if writing else ImportJob.Status.VALIDATING
        counter = "rows_written" if writing else "rows_validated"
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job.pk).update(
                status=status, rows_total=total, **{counter: done}
            )
        elif connection.vendor == "postgresql":  # SQLite: the import holds the write lock, wait for the end
            self.side = self.side or connections.create_connection("default")
            with self.side.cursor() as cursor:
                cursor.execute(
                    f'UPDATE "{ImportJob._meta.db_table}" SET status = %s, rows_total = %s, "{counter}" = %s '  # noqa: S608
                    "WHERE id = %s",
                    [status, total, done, self.job.pk],
                )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def run_job(job_id) -> ImportJob:
    """Run a job to one of its final states: done, checked, rejected with reasons, or failed with a message
    (and, for an unexpected error, a reference to the log)."""
    job = ImportJob.objects.select_related("user", "organisation", "project").get(pk=job_id)
    path = Path(settings.MEDIA_ROOT) / job.file_path
    progress = _JobProgress(job)
    with translation.override(job.language):
        try:
            job.status, job.started_at = ImportJob.Status.VALIDATING, timezone.now()
            job.save(update_fields=["status", "started_at"])
            options = {"project": job.project, "language": job.language, "file_name": job.file_name}
            spec = spec_for(job.kind, job.user, job.organisation, **options)
            options = {"dry_run": job.dry_run, "good_rows_only": job.good_rows_only, "progress": progress}
            result = run_import(spec, path, job.file_name, **options)
            record_result(job, result, str(Path(job.file_path).parent / "errors.xlsx"))
        except ImportFileError as error:
            job.status, job.message = ImportJob.Status.FAILED, str(error)
        except PermissionDenied:
            job.status, job.message = ImportJob.Status.FAILED, _("You may not import for this organisation.")
        except Exception:
            mark_failed(job)
        finally:
            progress.close()
            _LIVE.pop(job.pk, None)
            path.unlink(missing_ok=True)  # personal data: the upload is not kept once read
        save_finished(job)
    return job


def _own_job(request, job_id) -> ImportJob:
    return get_object_or_404(
        ImportJob.objects.select_related("organisation", "project"), pk=job_id, user=request.user
    )


def job(request, job_id):
    job = _own_job(request, job_id)
    stage, done, total = _LIVE.get(job.pk, ("", 0, 0))
    if not stage:
        writing = job.status == ImportJob.Status.WRITING
        done, total = (job.rows_written if writing else job.rows_validated), job.rows_total
    context = {"job": job, "done": done, "total": max(total, done), "stage": stage or job.status}
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
