"""The people and steps import as a background job: the upload page queues it, the worker runs it, the job
page polls its `ImportJob` row (and the live progress the worker leaves in the cache)."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kafaat.core import jobs
from kafaat.core.imports import ImportFileError, mark_failed, record_result, run_import, save_finished
from kafaat.core.models import ImportJob, Job
from kafaat.registry.imports.kinds import spec_for

KIND = "registry.import"


def start(job: ImportJob) -> ImportJob:
    """Queue the import of `job`'s uploaded file; the job row and the queue entry commit together."""
    job.job = jobs.enqueue(KIND, user=job.user, organisation=job.organisation, target=job.pk)
    ImportJob.objects.filter(pk=job.pk).update(job=job.job)
    job.refresh_from_db()
    return job


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


def run(task: Job, progress: jobs.Progress) -> jobs.Outcome:
    """Run an import to one of its final states: done, checked, rejected with reasons, or failed with a
    message (and, for an unexpected error, a reference to the log)."""
    job = ImportJob.objects.select_related("user", "organisation", "project").get(pk=task.target)
    path = Path(settings.MEDIA_ROOT) / job.file_path
    watcher, keep_upload = _JobProgress(job, progress), False
    try:
        job.status, job.started_at = ImportJob.Status.VALIDATING, timezone.now()
        job.save(update_fields=["status", "started_at"])
        options = {"project": job.project, "language": job.language, "file_name": job.file_name}
        spec = spec_for(job.kind, job.user, job.organisation, **options)
        options = {"dry_run": job.dry_run, "good_rows_only": job.good_rows_only, "progress": watcher}
        result = run_import(spec, path, job.file_name, **options)
        record_result(job, result, str(Path(job.file_path).parent / "errors.xlsx"))
    except ImportFileError as error:
        job.status, job.message = ImportJob.Status.FAILED, str(error)
    except PermissionDenied:
        job.status, job.message = ImportJob.Status.FAILED, _("You may not import for this organisation.")
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
        report_path="", started_at=None, finished_at=None,
    )  # fmt: skip


def register() -> None:
    jobs.register(
        jobs.JobKind(
            name=KIND,
            label=gettext_lazy("Import of people or steps"),
            run=run,
            failed=_failed,
            retry=_retry,
            link=lambda task: reverse("registry:import_job", args=[task.target]),
        )
    )
