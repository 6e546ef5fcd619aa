"""The production web server: gunicorn, started from Python (docs/decisions/0018-serving-with-gunicorn.md).

`python -m kafaat serve` and the demo both use it: a laptop demo is served the way a national deployment is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command
from django.db import connections

# A page that has not answered in this time is killed (its worker restarted): the slowest pages (the donor
# report, a dashboard on a cold cache) take seconds; long work (imports, refreshes) runs outside the request.
TIMEOUT_SECONDS = 120
# On restart or stop, requests in flight get this long to finish.
GRACEFUL_TIMEOUT_SECONDS = 30
# Each worker is replaced after about this many requests: bounds the memory a long-lived process gathers.
MAX_REQUESTS, MAX_REQUESTS_JITTER = 1000, 100


def default_workers() -> int:
    """KAFAAT_WEB_WORKERS, else 2 × CPUs + 1 (gunicorn's rule of thumb; 5 on two cores), at most 8."""
    configured = os.environ.get("KAFAAT_WEB_WORKERS", "")
    if configured:
        return max(1, int(configured))
    return min(8, 2 * (os.cpu_count() or 1) + 1)


@dataclass(frozen=True)
class ServeOptions:
    addr: str = "127.0.0.1:8000"
    workers: int = 0  # 0: default_workers()

    def gunicorn(self) -> dict[str, object]:
        return {
            "bind": self.addr,
            "workers": self.workers or default_workers(),
            "worker_class": "sync",  # behind a buffering proxy (nginx); a stuck request is bounded by timeout
            "timeout": TIMEOUT_SECONDS,
            "graceful_timeout": GRACEFUL_TIMEOUT_SECONDS,
            "keepalive": 5,
            "max_requests": MAX_REQUESTS,
            "max_requests_jitter": MAX_REQUESTS_JITTER,
            "accesslog": "-",  # stdout: journald (systemd) or the terminal keeps it
            "errorlog": "-",
            "loglevel": "info",
            "proc_name": "kafaat",
            "control_socket_disable": True,  # its ~/.gunicorn control socket: unused
        }


def serve(options: ServeOptions) -> None:
    """Run gunicorn in this process until it is stopped (Ctrl+C, SIGTERM from systemd)."""
    from gunicorn.app.base import BaseApplication

    class KafaatServer(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.gunicorn().items():
                if key in self.cfg.settings:  # a setting older gunicorn versions lack is left out
                    self.cfg.set(key, value)

        def load(self):
            from kafaat.wsgi import application

            return application

    if getattr(settings, "PRODUCTION", False):
        # Manifest storage: every page names hashed static files, which must exist before the first page.
        call_command("collectstatic", interactive=False, verbosity=0)
    # Workers are forked from this process: none may inherit an open database connection.
    connections.close_all()
    KafaatServer().run()
