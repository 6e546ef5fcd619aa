"""The vacancy import page: upload, every row checked, the errors shown and offered as an XLSX report.

Agency and job-board exports are small (hundreds to a few thousand rows), so the import runs inside the
request; the error report is kept under MEDIA_ROOT for the user who imported, through an `ImportJob` row.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone, translation

from kafaat.core import access
from kafaat.core.imports import (
    ImportFileError,
    record_result,
    run_import,
    unexpected_failure,
    write_template,
)
from kafaat.core.models import ImportJob
from kafaat.labour.access_rules import CHANGE_LABOUR
from kafaat.labour.forms import ImportForm
from kafaat.labour.importing import VACANCY_COLUMNS, VacancyImport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_SHOWN = 200


def upload(request):
    if not access.has_permission(request.user, CHANGE_LABOUR):
        raise PermissionDenied
    form = ImportForm(request.user, request.POST or None, request.FILES or None)
    # Each template named in its own language ("Français", "العربية", "English"), as on the people import.
    languages = [(code, translation.get_language_info(code)["name_local"]) for code in ("fr", "ar", "en")]
    context = {"form": form, "languages": languages}
    if request.method == "POST" and form.is_valid():
        context.update(_run(request, form.cleaned_data, dry_run="dry_run" in request.POST))
    return render(request, "labour/import.html", context)


def _run(request, data: dict, *, dry_run: bool) -> dict:
    upload = data["file"]
    language = translation.get_language() or settings.LANGUAGE_CODE
    try:
        spec = VacancyImport(request.user, data.get("organisation"), language=language, file_name=upload.name)
    except ValidationError as error:
        return {"failure": error.messages[0]}
    try:
        result = run_import(
            spec, upload, upload.name, dry_run=dry_run, good_rows_only=data["good_rows_only"], workers=1
        )
    except ImportFileError as error:
        return {"failure": str(error)}
    except Exception:
        return {"failure": unexpected_failure()}
    job = ImportJob(
        user=request.user,
        organisation=spec.organisation,
        kind="vacancies",
        file_name=Path(upload.name).name[:200],
        language=language,
        dry_run=dry_run,
        good_rows_only=data["good_rows_only"],
        finished_at=timezone.now(),
    )
    # The one bookkeeping of every import page: counts, the first errors, the report under MEDIA_ROOT.
    record_result(job, result, str(Path("imports") / str(job.pk) / "errors.xlsx"))
    job.save()
    return {"result": result, "job": job, "reposted": spec.reposted, "errors": result.errors[:ERRORS_SHOWN]}


def error_report(request, job_id):
    job = access.in_scope_or_404(ImportJob.objects.all(), pk=job_id, user=request.user, kind="vacancies")
    if not job.report_path:
        raise Http404
    path = Path(settings.MEDIA_ROOT) / job.report_path
    return FileResponse(open(path, "rb"), as_attachment=True, filename="errors.xlsx", content_type=XLSX)  # noqa: SIM115


def template(request, language: str):
    if language not in ("fr", "ar", "en"):
        raise Http404
    buffer = io.BytesIO()
    write_template(VACANCY_COLUMNS, language, buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=f"vacancies-{language}.xlsx", content_type=XLSX)
