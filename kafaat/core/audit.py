"""Recording who read or changed what. Services call `record`; bulk writes call `record_bulk` once.

The request's address and path reach the services through a context variable set by
`AuditContextMiddleware`, so services stay free of HTTP objects.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import models

from kafaat.core.models import AuditEvent

Action = AuditEvent.Action

# How many ids a bulk event keeps verbatim; the count is always exact.
BULK_IDS_KEPT = 1000


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None
    path: str


_request_context: ContextVar[RequestContext | None] = ContextVar("kafaat_audit_request", default=None)


def set_request_context(context: RequestContext | None):
    return _request_context.set(context)


def reset_request_context(token) -> None:
    _request_context.reset(token)


def _actor_fields(actor) -> dict:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return {"actor": actor, "actor_username": actor.get_username()}
    return {"actor": None, "actor_username": ""}


def _context_fields() -> dict:
    context = _request_context.get()
    if context is None:
        return {}
    return {"ip_address": context.ip_address, "path": context.path[:300]}


def label_of(model: type[models.Model] | models.Model) -> str:
    return model._meta.label_lower


def record(
    action: str,
    actor=None,
    target: models.Model | None = None,
    *,
    target_type: str = "",
    target_id: str = "",
    details: dict | None = None,
    actor_username: str = "",
) -> AuditEvent:
    fields = _actor_fields(actor)
    if actor_username and not fields["actor_username"]:
        fields["actor_username"] = actor_username[:150]
    if target is not None:
        target_type = label_of(target)
        target_id = str(target.pk)
    return AuditEvent.objects.create(
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_repr=str(target)[:200] if target is not None else "",
        details=details or {},
        **fields,
        **_context_fields(),
    )


def record_bulk(
    action: str,
    actor,
    model: type[models.Model],
    ids: Iterable,
    *,
    details: dict | None = None,
) -> AuditEvent:
    """One event for a bulk operation (import, merge, mass update), with the count and the first ids."""
    id_list = [str(i) for i in ids]
    payload = dict(details or {})
    payload["ids"] = id_list[:BULK_IDS_KEPT]
    payload["ids_truncated"] = len(id_list) > BULK_IDS_KEPT
    return AuditEvent.objects.create(
        action=action,
        target_type=label_of(model),
        count=len(id_list),
        details=payload,
        **_actor_fields(actor),
        **_context_fields(),
    )


def changes_between(before: dict, after: dict) -> dict:
    """The fields whose value changed, as {field: [old, new]}, for update events."""
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}
