"""The people and steps import as a background job: the upload page queues it, the worker runs it, the job
page polls its `ImportJob` row (and the live progress the worker leaves in the cache). The job's machinery is
core's (`kafaat.core.imports.background`), shared with the supply and vacancy imports."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from kafaat.core.imports import background
from kafaat.core.imports.spec import ImportSpec
from kafaat.core.models import ImportJob
from kafaat.registry.imports.kinds import spec_for

KIND = "registry.import"


def _spec(job: ImportJob) -> ImportSpec:
    options = {"project": job.project, "language": job.language, "file_name": job.file_name}
    return spec_for(job.kind, job.user, job.organisation, **options)


IMPORT = background.ImportKind(
    name=KIND, label=gettext_lazy("Import of people or steps"), spec=_spec, page="registry:import_job"
)


def start(job: ImportJob) -> ImportJob:
    """Queue the import of `job`'s uploaded file; the job row and the queue entry commit together."""
    return background.start(job, KIND)


def register() -> None:
    background.register(IMPORT)
