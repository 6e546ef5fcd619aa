"""The demo's warehouse refresh: once, and only when the operational data changed since the last snapshot.

A refresh costs seconds and an audit event; a second `make demo` changes no data, so it must add neither.
The fingerprint is cheap (per table: row count, largest id, latest `updated_at`) and is stored in a small file
next to the DuckDB snapshot it describes, so that no model has to change for it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db.models import Count, IntegerField, Max

from kafaat.observatory import services, warehouse
from kafaat.observatory.models import Snapshot

# Tables that change on every read or refresh and feed no figure of the warehouse.
IGNORED = {"core.auditevent", "core.importjob", "core.job", "core.workerheartbeat"}


def source_fingerprint() -> str:
    """A digest of every Kafaat table's count, largest id and latest update, and of the warehouse format."""
    parts: dict[str, list] = {"warehouse_version": [warehouse.VERSION]}
    for model in apps.get_models():
        label = model._meta.label_lower
        if not model.__module__.startswith("kafaat.") or model._meta.app_label == "observatory":
            continue
        if label in IGNORED:
            continue
        aggregates = {"n": Count("*")}
        if isinstance(model._meta.pk, IntegerField):  # not a UUID (PostgreSQL has no max of uuid) or a pair
            aggregates["top"] = Max("pk")
        if any(field.name == "updated_at" for field in model._meta.concrete_fields):
            aggregates["updated"] = Max("updated_at")
        values = model.objects.aggregate(**aggregates)
        parts[label] = [str(values[key]) for key in sorted(values)]
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _stamp_path() -> Path:
    path = Path(settings.KAFAAT_WAREHOUSE_PATH)
    return path.with_name(path.name + ".source")


def refresh_if_changed() -> bool:
    """Refresh the warehouse unless its last snapshot was taken from the same data; True when refreshed."""
    fingerprint = source_fingerprint()
    stamp = _stamp_path()
    current = (
        Path(settings.KAFAAT_WAREHOUSE_PATH).exists()
        and stamp.exists()
        and stamp.read_text(encoding="utf-8").strip() == fingerprint
        and Snapshot.objects.filter(status=Snapshot.Status.DONE).exists()
    )
    if current:
        return False
    services.start_refresh(None, background=False)
    stamp.write_text(fingerprint + "\n", encoding="utf-8")
    return True
