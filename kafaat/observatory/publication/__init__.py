"""Open-data publication: a region's (or the country's) gap figures for a year as a Frictionless Data Package,
written once under a new version, never changed.

Public entry points: `publish` and the questions around it (who may publish where, which years), the
published packages (`published`, `get`, `latest`, `file_path`) and their models; publishing as a background
job (`start_publishing`, the jobs a user may follow: `publishing_jobs`, `publishing_job`, `package_of`;
`register_jobs` from the app's ready()); `repeat` (a package that would hold the last version's figures,
warned before it is published) and `preview` (a package's chart and first rows). The parts: `service` (who
may publish, storing and listing), `jobs` (the job), `figures` (the figures and rows of a package), `schema`
(Table Schemas and the methodology note), `package` (writing and validating the files), `models`, and the
pages and API (`views`, `urls`, `api`, which Django and the project's API load by their module paths).
"""

from kafaat.observatory.publication import repeat
from kafaat.observatory.publication.jobs import (
    PUBLISH_JOB,
    package_of,
    publishing_job,
    publishing_jobs,
    register_jobs,
    start_publishing,
)
from kafaat.observatory.publication.models import (
    NATIONAL,
    ImmutableError,
    Publication,
    PublicationFile,
)
from kafaat.observatory.publication.service import (
    ALL_GROUPS,
    COUNTS,
    PUBLISHED_COUNTS,
    SEXED,
    STEPS,
    PackageInvalid,
    check,
    default_year,
    file_path,
    get,
    latest,
    may_publish,
    may_publish_somewhere,
    open_data_root,
    publish,
    publishable_scopes,
    published,
    resolve_scope,
    years_available,
)

__all__ = [
    "ALL_GROUPS",
    "COUNTS",
    "NATIONAL",
    "PUBLISHED_COUNTS",
    "PUBLISH_JOB",
    "SEXED",
    "STEPS",
    "ImmutableError",
    "PackageInvalid",
    "Publication",
    "PublicationFile",
    "check",
    "default_year",
    "file_path",
    "get",
    "latest",
    "may_publish",
    "may_publish_somewhere",
    "open_data_root",
    "package_of",
    "publish",
    "publishable_scopes",
    "repeat",
    "published",
    "publishing_job",
    "publishing_jobs",
    "register_jobs",
    "resolve_scope",
    "start_publishing",
    "years_available",
]
