"""Core's own home panels (registered from CoreConfig.ready): accounts and lockouts, background jobs and the
audit log's anomalies for administrators; a programme manager's imports and jobs that failed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kafaat.core import jobs, services
from kafaat.core.models import Role
from kafaat.core.pages import home

ADMINISTRATORS = frozenset({Role.ADMINISTRATOR})


@dataclass(frozen=True)
class Failure:
    what: str  # the job's kind, or the import's file
    status: str
    message: str
    at: datetime
    link: str  # the page that follows it ("" when there is none)


def _import_link(job) -> str:
    url_name = home.import_page(job.kind)
    return reverse(url_name, args=[job.pk]) if url_name else ""


def failures(user) -> list[Failure]:
    imports, failed_jobs = jobs.failures_of(user)
    rows = [
        Failure(i.file_name, i.get_status_display(), i.message, i.created_at, _import_link(i))
        for i in imports
    ]
    rows += [
        Failure(jobs.label_of(j), j.get_status_display(), j.message, j.created_at, jobs.link_of(j))
        for j in failed_jobs
    ]
    return sorted(rows, key=lambda row: row.at, reverse=True)


@dataclass(frozen=True)
class JobsFigures:
    overview: jobs.JobsOverview
    failed: list[Failure]


def jobs_figures(user) -> JobsFigures | None:
    overview = jobs.jobs_overview(user)
    if overview is None:
        return None
    failed = [
        Failure(jobs.label_of(j), j.get_status_display(), j.message, j.created_at, jobs.link_of(j))
        for j in overview.failed
    ]
    return JobsFigures(overview, failed)


def register() -> None:
    home.register(
        home.HomePanel(
            key="accounts",
            title=_("Accounts and sign-in"),
            template="core/home/_accounts.html",
            figures_of=services.accounts_overview,
            roles=ADMINISTRATORS,
            superuser=True,
            order=10,
        )
    )
    home.register(
        home.HomePanel(
            key="jobs",
            title=_("Background jobs"),
            template="core/home/_jobs.html",
            figures_of=jobs_figures,
            roles=ADMINISTRATORS,
            superuser=True,
            order=20,
        )
    )
    home.register(
        home.HomePanel(
            key="audit",
            title=_("Audit anomalies"),
            template="core/home/_audit.html",
            figures_of=services.denial_alerts,
            roles=ADMINISTRATORS,
            superuser=True,
            order=30,
        )
    )
    home.register(
        home.HomePanel(
            key="failures",
            title=_("Your imports and jobs that failed"),
            template="core/home/_failures.html",
            figures_of=failures,
            roles=frozenset({Role.PROGRAMME_MANAGER}),
            order=70,
        )
    )
