"""`python -m kafaat worker`: run the background jobs (imports, deduplication, warehouse refresh, …)."""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading
import time
from types import FrameType

from django.db import close_old_connections, connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker

from kafaat.core import jobs
from kafaat.core.models import WorkerHeartbeat

logger = logging.getLogger("kafaat.jobs")
BEAT_SECONDS = 5  # how often the worker says it is alive
REAP_EVERY = 3  # beats between two looks for jobs whose worker died
PRUNE_EVERY_SECONDS = 3600  # between two prunings of the queue's old finished rows (and once at start)


class Command(DatabaseWorkerCommand):
    help = (
        "Run the background jobs (imports, deduplication, warehouse refresh, publication) as they are "
        "queued; stop with Ctrl+C (the running job is finished first)."
    )

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        # A reloading worker runs its jobs in a child process that its heartbeat would not name.
        parser.set_defaults(reload=False, interval=0.5)

    def handle(self, *args, worker_id: str, **options) -> None:
        # One id per process, naming its machine and process, so that a job's lost worker can be recognised.
        worker_id = f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={"hostname": socket.gethostname(), "pid": os.getpid(), "seen_at": timezone.now()},
        )
        for job in jobs.reap_lost_jobs():
            self.stderr.write(f"job {job.pk} ({job.kind}) failed: its worker had stopped")
        _prune(worker_id)
        stop = threading.Event()
        beating = threading.Thread(target=_beat, args=(worker_id, stop), name="worker-heartbeat", daemon=True)
        beating.start()
        try:
            self.configure_logging(options["verbosity"])
            worker = GracefulWorker(
                queue_names=options["queue_name"].split(","),
                interval=options["interval"],
                batch=options["batch"],
                backend_name=options["backend_name"],
                startup_delay=options["startup_delay"],
                max_tasks=options["max_tasks"],
                worker_id=worker_id,
                excluded_queue_names=[name for name in options["exclude_queues"].split(",") if name],
            )
            worker.configure_signals()
            worker.run()
        finally:
            stop.set()
            beating.join(BEAT_SECONDS + 25)
            _forget(worker_id)


class GracefulWorker(DatabaseWorker):
    """django-tasks' worker, stopped by a first SIGTERM or Ctrl+C at the end of its loop (within one
    `--interval` when idle, after the running job otherwise). The library's own handler exits at once when no
    job runs, which can land inside the queue's query: the transaction then cannot be closed and the worker
    exits with an error (1 stop in 40 on PostgreSQL, measured). A second signal still stops it at once."""

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        if not self.running:
            logger.warning("received %s again: stopping now", signal.strsignal(signum))
            self.reset_signals()
            sys.exit(1)
        logger.warning("received %s: stopping after this round", signal.strsignal(signum))
        self.running = False


def _beat(worker_id: str, stop: threading.Event) -> None:
    """Say this worker is alive; now and then fail the jobs of workers that died; once an hour delete the
    queue's old finished rows. A beat that cannot be written (SQLite locked by a long import) is skipped: on
    the same machine, liveness is the process's."""
    beats, pruned_at = 0, time.monotonic()  # pruned when the worker started
    while not stop.wait(BEAT_SECONDS):
        beats += 1
        try:
            close_old_connections()
            WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=timezone.now())
            if beats % REAP_EVERY == 0:
                jobs.reap_lost_jobs()
        except Exception:  # the next beat tries again
            logger.warning("worker %s: heartbeat skipped", worker_id, exc_info=True)
        if time.monotonic() - pruned_at >= PRUNE_EVERY_SECONDS:
            pruned_at = time.monotonic()
            _prune(worker_id)
    connections.close_all()


def _forget(worker_id: str) -> None:
    """Say this worker stopped. The stop signal may have interrupted a query of the queue (django-tasks exits
    at once when no task runs): on a fresh connection; if that fails too, the reaper deletes the row later."""
    try:
        connections.close_all()
        WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
    except Exception:
        logger.warning("worker %s: its heartbeat could not be deleted", worker_id, exc_info=True)


def _prune(worker_id: str) -> None:
    """Every worker prunes (deleting rows twice deletes nothing more); a failure waits for the next hour."""
    try:
        jobs.prune_finished_results()
    except Exception:
        logger.warning("worker %s: the queue's finished rows could not be pruned", worker_id, exc_info=True)
