"""What every spreadsheet import page does the same way: list the template languages and the user's
recent imports, find the user's own job, render its page or (for htmx polls) its progress fragment, and send
its error report. Each app keeps its URLs, its words and its specifics (`contacts.views`,
`training.views_import`,
`registry.views.imports`, `labour.views.imports`, `events.views`).

Imported by the views only, never by `kafaat.core.imports` itself: a spawned validation worker imports that
package before Django is set up.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from uuid import UUID

from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from kafaat.core import access
from kafaat.core.imports import background
from kafaat.core.models import ImportJob

TEMPLATE_LANGUAGES = ("fr", "ar", "en")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template_languages(codes: Iterable[str] = TEMPLATE_LANGUAGES) -> list[tuple[str, str]]:
    """Each template's language named in itself ("Français", "العربية", "English")."""
    return [(code, translation.get_language_info(code)["name_local"]) for code in codes]


def recent_jobs(user, kinds: Iterable[str], limit: int = 10) -> QuerySet[ImportJob]:
    """The user's latest imports of these kinds (not other apps' imports)."""
    return ImportJob.objects.filter(user=user, kind__in=list(kinds))[:limit]


def own_job(
    request: HttpRequest, job_id: UUID | int, *, related: Iterable[str] = ("organisation",), **lookups
) -> ImportJob:
    """The user's import job, or 404 (another user's, another organisation's or another app's)."""
    jobs = ImportJob.objects.select_related(*related)
    return access.in_scope_or_404(jobs, pk=job_id, user=request.user, **lookups)


def job_page(
    request: HttpRequest, job: ImportJob, app_templates: str, extra: dict | None = None
) -> HttpResponse:
    """The job's page, or only its progress fragment when htmx polls it: `<app_templates>import_job.html` and
    `<app_templates>import_job_status.html`."""
    context = {"job": job, **background.progress_of(job), **(extra or {})}
    name = "import_job_status.html" if request.htmx else "import_job.html"
    return render(request, f"{app_templates}{name}", context)


def error_report(job: ImportJob) -> FileResponse:
    """The job's error report (XLSX) as a download named after the file imported; 404 when none was kept."""
    path = Path(settings.MEDIA_ROOT) / job.report_path if job.report_path else None
    if path is None or not path.is_file():
        raise Http404
    name = f"{Path(job.file_name).stem}-errors.xlsx"
    return FileResponse(open(path, "rb"), as_attachment=True, filename=name, content_type=XLSX)  # noqa: SIM115
