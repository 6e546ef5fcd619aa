"""The worker as a child process of another command (`python -m kafaat demo`): a newcomer runs one command."""

from __future__ import annotations

import atexit
import subprocess
import sys

from django.conf import settings


def start_worker_process() -> subprocess.Popen:
    """Start `python -m kafaat worker` beside the caller; it is stopped (its job finished first) when the
    caller exits."""
    command = [sys.executable, "-m", "kafaat", "worker", "--no-startup-delay"]
    process = subprocess.Popen(command, cwd=settings.BASE_DIR)  # noqa: S603 — our own interpreter and command
    atexit.register(stop_worker_process, process)
    return process


def stop_worker_process(process: subprocess.Popen, seconds: float = 60) -> None:
    if process.poll() is None:
        process.terminate()  # the worker finishes its running job, then exits
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
