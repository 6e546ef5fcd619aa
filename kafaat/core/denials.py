"""Recording refusals where they become responses: one `denied` audit event per refused request.

Two places turn a refusal into a response: Django's handling of a view's exception (pages, through
`AuditContextMiddleware.process_exception`) and the JSON API's exception handlers (`kafaat/api.py`). Both call
`record_refusal`, so every 403 and every 404 of a scoped look-up (`access.OutOfScope`, raised by
`access.get_object_or_404` and the services' own scoped look-ups) is in the log once, with the target when
it is known. A plain `Http404` (an address that does not exist, a file gone) is not a refusal and is not
recorded.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from kafaat.core import access, audit
from kafaat.core.models import AuditEvent


def record_refusal(user, exc: BaseException) -> AuditEvent | None:
    """The denial event for `exc` when it is one (out of scope, or forbidden), else None."""
    if isinstance(exc, access.OutOfScope):
        status = 404
    elif isinstance(exc, PermissionDenied):
        status = 403
    else:
        return None
    details = {"status": status}
    if getattr(exc, "permission", ""):
        details["permission"] = str(exc.permission)
    return audit.record(
        audit.Action.DENIED,
        user,
        target_type=getattr(exc, "target_type", ""),
        target_id=getattr(exc, "target_id", ""),
        details=details,
    )
