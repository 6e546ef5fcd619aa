"""Stopping the worker: a first SIGTERM or Ctrl+C only asks its loop to end (django-tasks' own handler exited
at once, inside a query of the queue when unlucky, and the worker then ended with an error); a second one
stops it at once. The real process is stopped mid-job in registry/tests/test_import_worker.py."""

from __future__ import annotations

import signal

import pytest

from kafaat.core.management.commands.worker import GracefulWorker


def _worker() -> GracefulWorker:
    options = {"batch": False, "backend_name": "default", "startup_delay": False, "max_tasks": None}
    return GracefulWorker(
        queue_names=["default"], interval=0.1, worker_id="t", excluded_queue_names=[], **options
    )


def test_a_first_signal_ends_the_loop_without_raising_in_what_runs():
    worker = _worker()
    worker.shutdown(signal.SIGTERM, None)  # would raise SystemExit wherever the main thread was
    assert worker.running is False


@pytest.fixture
def handlers():
    """The test process's own handlers, put back: a second signal resets them to the system's."""
    kept = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for number, handler in kept.items():
        signal.signal(number, handler)


def test_a_second_signal_stops_at_once_with_an_error_code(handlers):
    worker = _worker()
    worker.shutdown(signal.SIGINT, None)
    with pytest.raises(SystemExit) as stopped:
        worker.shutdown(signal.SIGINT, None)
    assert stopped.value.code == 1
