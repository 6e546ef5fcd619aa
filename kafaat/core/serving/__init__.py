"""Serving requests: the production web server, the middleware, the error pages and the health probe.

Public entry points: `serve` with its `ServeOptions` (gunicorn, docs/decisions/0018-serving-with-gunicorn.md),
`report` (what `/health/` answers), the middleware and `client_address` (named in `kafaat/settings.py`) and
the error views (`handler400`, `handler500` in `kafaat/urls.py`, `CSRF_FAILURE_VIEW`). The settings and the
project's URLs name the inner modules (`kafaat.core.serving.middleware`, `kafaat.core.serving.error_views`).
"""

from kafaat.core.serving.error_views import bad_request, csrf_failure, server_error
from kafaat.core.serving.health import report
from kafaat.core.serving.middleware import (
    ApiQueryOnceMiddleware,
    AuditContextMiddleware,
    LanguageMiddleware,
    client_address,
    language_of,
)
from kafaat.core.serving.server import ServeOptions, default_workers, serve

__all__ = [
    "ApiQueryOnceMiddleware",
    "AuditContextMiddleware",
    "LanguageMiddleware",
    "ServeOptions",
    "bad_request",
    "client_address",
    "csrf_failure",
    "default_workers",
    "language_of",
    "report",
    "serve",
    "server_error",
]
