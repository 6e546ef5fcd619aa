"""The sign-in sheet import as a background job (core's `imports.background`): its spec built from the job."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kafaat.core import access
from kafaat.core.imports.background import ImportKind
from kafaat.core.models import ImportJob
from kafaat.events.access_rules import MANAGE_EVENTS
from kafaat.events.models import Event
from kafaat.events.sign_in.sheet import KIND, SignInSheet


def spec_of(job: ImportJob) -> SignInSheet:
    event = (
        Event.objects.select_related("organiser", "territory")
        .filter(pk=(job.details or {}).get("event"))
        .first()
    )
    if event is None:
        raise ValidationError(_("The event of this sheet no longer exists."))
    access.require(job.user, MANAGE_EVENTS, event)
    return SignInSheet(job.user, event, language=job.language, file_name=job.file_name)


SIGN_IN_IMPORT = ImportKind(
    name=KIND,
    label=gettext_lazy("Sign-in sheet import"),
    spec=spec_of,
    page="events:import_job",
    details=lambda spec: spec.details(),
)
