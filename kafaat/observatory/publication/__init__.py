"""Open-data publication: a region's (or the country's) gap figures for a year as a Frictionless Data Package,
written once under a new version, never changed.

Public entry points: `publish` and the questions around it (who may publish where, which years), the
published packages (`published`, `get`, `latest`, `file_path`) and their models, `repeat` (a package that
would hold the last version's figures, warned before it is published) and `preview` (a package's chart and
first rows). The parts: `service` (who may publish, storing and listing), `figures` (the figures and rows of
a package), `schema` (Table Schemas and the methodology note), `package` (writing and validating the files),
`models`, and the public pages and API (`views`, `urls`, `api`, which Django and the project's API load by
their module paths).
"""

from kafaat.observatory.publication import repeat
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
    PackageInvalid,
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
    "SEXED",
    "ImmutableError",
    "PackageInvalid",
    "Publication",
    "PublicationFile",
    "default_year",
    "file_path",
    "get",
    "latest",
    "may_publish",
    "may_publish_somewhere",
    "open_data_root",
    "publish",
    "publishable_scopes",
    "repeat",
    "published",
    "resolve_scope",
    "years_available",
]
