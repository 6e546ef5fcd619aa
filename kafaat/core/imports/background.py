"""An import page's file run as a background job: the page saves the upload and queues it, the worker runs it,
the page polls the `ImportJob` row (and the live progress the worker leaves in the cache).

Every import page (people and steps, supply tables, vacancies) registers one `ImportKind`: how to build its
spec from the `ImportJob`, and which page follows it; the rest — progress, outcome, the upload deleted once
read (kept for a retry after an unexpected error), the `failed` and `retry` hooks — is here, once.

It reads `core.models` and `core.jobs`: imported by its module path (not from `kafaat.core.imports`, which a
spawned validation worker imports before Django is set up).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from kafaat.core import jobs
from kafaat.core.imports.jobs import mark_failed, record_result, save_finished
from kafaat.core.imports.run import run_import
from kafaat.core.imports.spec import ImportSpec
from kafaat.core.imports.upload_limits import ImportFileError
from kafaat.core.models import ImportJob, Job


@dataclass(frozen=True)
class ImportKind:
    """What an import page tells the framework about its imports.

    `spec(job)` builds the spec of an `ImportJob` (PermissionDenied or ValidationError refuse it with a
    message); `page` names the URL of the job's page (reversed with the `ImportJob`'s pk); `details(spec)`,
    if given, is what the import adds to its report once run (kept in `ImportJob.details`); `workers`: how
    many processes validate (None: the framework's default)."""

    name: str
    label: str | Promise
    spec: Callable[[ImportJob], ImportSpec]
    page: str
    details: Callable[[ImportSpec], dict[str, Any]] | None = None
    workers: int | None = None


def register(kind: ImportKind) -> None:
    """Register the job kind of an import page (from its app's ready())."""
    jobs.register(
        jobs.JobKind(
            name=kind.name,
            label=kind.label,
            run=lambda task, progress: run(kind, task, progress),
            failed=_failed,
            retry=_retry,
            link=lambda task: reverse(kind.page, args=[task.target]),
        )
    )


def new_job(user, organisation, kind: str, upload, **fields) -> ImportJob:
    """An `ImportJob` for an uploaded file, the file saved under MEDIA_ROOT/imports/<id>/ (not yet queued)."""
    job = ImportJob(
        user=user,
        organisation=organisation,
        kind=kind,
        file_name=Path(upload.name).name[:200],
        language=translation.get_language() or settings.LANGUAGE_CODE,
        **fields,
    )
    folder = Path("imports") / str(job.pk)
    (Path(settings.MEDIA_ROOT) / folder).mkdir(parents=True, exist_ok=True)
    job.file_path = str(folder / ("upload" + Path(upload.name).suffix.lower()))
    with open(Path(settings.MEDIA_ROOT) / job.file_path, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    job.save()
    return job


def start(job: ImportJob, kind: str) -> ImportJob:
    """Queue the import of `job`'s uploaded file; the job row and the queue entry commit together."""
    job.job = jobs.enqueue(kind, user=job.user, organisation=job.organisation, target=job.pk)
    ImportJob.objects.filter(pk=job.pk).update(job=job.job)
    job.refresh_from_db()
    return job


def progress_of(job: ImportJob) -> dict[str, Any]:
    """What a job page shows while the import runs: stage, rows done, rows in all (the live progress the
    worker leaves in the cache, else the row's counters)."""
    stage, done, total = jobs.live_progress(job.job) if job.job and not job.finished else ("", 0, 0)
    if not stage:
        writing = job.status == ImportJob.Status.WRITING
        done, total = (job.rows_written if writing else job.rows_validated), job.rows_total
    return {"done": done, "total": max(total, done), "stage": stage or job.status}


class _JobProgress:
    """Progress into the cache (every process reads it) and, at most twice a second, into the job row. While
    the import's transaction is open (PostgreSQL writes as it validates) the row is updated through a
    connection of its own; SQLite's write lock is the import's until it ends: the cache tells meanwhile."""

    def __init__(self, job: ImportJob, progress: jobs.Progress):
        self.job, self.progress, self.saved_at, self.side = job, progress, 0.0, None

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.progress(done, total, stage)
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
        elif connection.vendor == "postgresql":
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


def run(kind: ImportKind, task: Job, progress: jobs.Progress) -> jobs.Outcome:
    """Run an import to one of its final states: done, checked, rejected with reasons, or failed with a
    message (and, for an unexpected error, a reference to the log)."""
    job = ImportJob.objects.select_related("user", "organisation", "project").get(pk=task.target)
    path = Path(settings.MEDIA_ROOT) / job.file_path
    watcher, keep_upload = _JobProgress(job, progress), False
    try:
        job.status, job.started_at = ImportJob.Status.VALIDATING, timezone.now()
        job.save(update_fields=["status", "started_at"])
        spec = kind.spec(job)
        options = {"dry_run": job.dry_run, "good_rows_only": job.good_rows_only, "progress": watcher}
        result = run_import(spec, path, job.file_name, workers=kind.workers, **options)
        record_result(job, result, str(Path(job.file_path).parent / "errors.xlsx"))
        if kind.details is not None:
            job.details = kind.details(spec)
    except ImportFileError as error:
        job.status, job.message = ImportJob.Status.FAILED, str(error)
    except PermissionDenied:
        job.status, job.message = ImportJob.Status.FAILED, _("You may not import for this organisation.")
    except ValidationError as error:  # the spec refused the job (an organisation the user no longer has)
        job.status, job.message = ImportJob.Status.FAILED, " ".join(error.messages)
    except Exception:
        mark_failed(job)
        keep_upload = True  # an administrator may retry once the cause is fixed
    finally:
        watcher.close()
    if not keep_upload:
        path.unlink(missing_ok=True)  # personal data: the upload is not kept once read
    save_finished(job)
    return _outcome(job, unexpected=keep_upload)


def _outcome(job: ImportJob, *, unexpected: bool) -> jobs.Outcome:
    if job.status in (ImportJob.Status.DONE, ImportJob.Status.CHECKED):
        return jobs.Outcome(Job.Status.DONE, job.get_status_display())
    if job.status == ImportJob.Status.REJECTED:
        reasons = _("%(count)s errors in the file.") % {"count": job.error_count}
        return jobs.Outcome(Job.Status.REFUSED, " ".join([reasons, job.message]).strip())
    return jobs.Outcome(Job.Status.FAILED if unexpected else Job.Status.REFUSED, job.message)


def _failed(task: Job, message: str) -> None:
    ImportJob.objects.filter(pk=task.target).exclude(status__in=ImportJob.FINISHED).update(
        status=ImportJob.Status.FAILED, message=message, finished_at=timezone.now()
    )


def _retry(task: Job) -> None:
    job = ImportJob.objects.get(pk=task.target)
    if not job.file_path or not (Path(settings.MEDIA_ROOT) / job.file_path).is_file():
        raise ValidationError(_("The uploaded file is no longer kept: upload it again."))
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.QUEUED, message="", rows_total=0, rows_validated=0, rows_written=0,
        rows_read=0, valid=0, imported=0, already_imported=0, rejected=0, error_count=0, errors=[],
        report_path="", details={}, started_at=None, finished_at=None,
    )  # fmt: skip
