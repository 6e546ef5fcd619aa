"""The bookkeeping of an import page's `ImportJob`: its outcome copied from the import's result, and the
failure every job ends in when something unexpected happens, so that no job stays "checking rows…" forever.

A failure is logged with the job's id (`logger.exception`), and the job's message gives that id to the user,
who hands it to the administrator.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from kafaat.core.imports.run import ERRORS_KEPT, ImportResult, errors_not_listed, write_error_report
from kafaat.core.imports.spreadsheets import printable

logger = logging.getLogger("kafaat.import")


def record_result(job, result: ImportResult, report_path: str) -> None:
    """Copy an import's outcome onto its `ImportJob` (not saved) and, when rows were rejected, write the
    error report at `report_path` under MEDIA_ROOT: the one bookkeeping of every import page."""
    from kafaat.core.models import ImportJob  # core.models is loaded after this framework

    job.status = {"done": ImportJob.Status.DONE, "checked": ImportJob.Status.CHECKED}.get(
        result.status, ImportJob.Status.REJECTED
    )
    job.rows_read = job.rows_validated = job.rows_total = result.rows_read
    job.valid, job.imported, job.rows_written = result.valid, result.imported, result.imported
    job.already_imported, job.rejected = result.already_imported, result.rejected
    job.error_count = result.error_count
    job.errors = [error.as_list() for error in result.errors[:ERRORS_KEPT]]
    if result.unknown_columns:
        columns = ", ".join(result.unknown_columns)[:2000]
        job.message = printable(_("Columns ignored: %(columns)s.") % {"columns": columns})
    if result.error_count > len(result.errors):
        job.message = " ".join([job.message, errors_not_listed(result)]).strip()
    if result.errors:
        target = Path(settings.MEDIA_ROOT) / report_path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_error_report(result, target, job.language)
        except Exception:  # the import's outcome stands; only its report is missing
            logger.exception("import job %s: the error report could not be written", job.pk)
            job.message = " ".join(
                [job.message, _("The error report could not be written (reference %(id)s).") % {"id": job.pk}]
            ).strip()
        else:
            job.report_path = report_path


def unexpected_failure(reference: object = None) -> str:
    """In an `except` block: log the exception under `reference` (a new one by default) and return the
    message that gives the user that reference."""
    reference = reference or uuid.uuid4().hex[:12]
    logger.exception("import %s failed", reference)
    return _(
        "The import failed on an unexpected error; nothing was written. Give the administrator this "
        "reference: %(id)s."
    ) % {"id": reference}


def mark_failed(job) -> None:
    """In an `except` block: log the exception with the job's id and mark the job failed (not saved)."""
    from kafaat.core.models import ImportJob

    job.status, job.message = ImportJob.Status.FAILED, unexpected_failure(job.pk)


def save_finished(job) -> None:
    """Save a finished job; when even that fails (the database refuses a value), still record the failure."""
    from kafaat.core.models import ImportJob

    job.finished_at = timezone.now()
    try:
        job.save()
    except Exception:
        mark_failed(job)
        ImportJob.objects.filter(pk=job.pk).update(
            status=job.status, message=job.message, finished_at=job.finished_at
        )
