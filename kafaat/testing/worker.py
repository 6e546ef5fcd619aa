"""Tests with a real worker: a `python -m kafaat worker` subprocess on the test's own database.

`shared_queue` puts django-tasks' database backend back (the tests' default runs jobs inside the request) in
a database that the worker opens too: PostgreSQL's test database, or the in-memory SQLite test database
copied to a file, which this test then uses as well. `Worker` starts and stops the process; `wait_for` polls
a condition while checking that the worker still runs.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings as django_settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def shared_queue(settings, tmp_path: Path, **environment: str) -> Iterator[dict[str, str]]:
    """Yield the environment of a worker process sharing this test's database and media, cache and
    `environment` (KAFAAT_… settings as strings). For a fixture of a `transaction=True` test."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    env = dict(os.environ, KAFAAT_VAR_DIR=str(tmp_path / "var"), KAFAAT_LOG_LEVEL="INFO", **environment)
    env["KAFAAT_CACHE_DIR"] = django_settings.CACHES["default"]["LOCATION"]  # the live progress, shared
    database = connection.settings_dict
    if connection.vendor == "postgresql":
        credentials = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
        host = f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
        env["DATABASE_URL"] = f"postgres://{credentials}@{host}/{database['NAME']}"
        yield env
        return
    path = tmp_path / "queue.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    memory, name = connection.connection, database["NAME"]
    connection.connection, database["NAME"] = None, str(path)  # this test's queries go to the file now
    env["DATABASE_URL"] = f"sqlite:///{path}"
    try:
        yield env
    finally:
        connection.close()
        connection.connection, database["NAME"] = memory, name


class Worker:
    """`python -m kafaat worker` in a subprocess, its output in `log`."""

    def __init__(self, env: dict, log: Path, *arguments: str):
        self.log = log
        command = [
            sys.executable,
            "-m",
            "kafaat",
            "worker",
            "--no-startup-delay",
            "--interval",
            "0.1",
            *arguments,
        ]
        with open(log, "ab") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603

    def stop(self, sig=signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(30)  # waited for: a killed worker is no zombie that looks alive


def wait_for(condition: Callable[[], object], seconds: float, worker: Worker, what: str):
    """The first true value of `condition()` within `seconds`; fails with the worker's log otherwise."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        assert worker.process.poll() is None, f"the worker ended: {worker.log.read_text()[-3000:]}"
        time.sleep(0.05)
    raise AssertionError(f"{what} within {seconds} s; worker log: {worker.log.read_text()[-3000:]}")
