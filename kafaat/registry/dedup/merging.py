"""Merging two records of one person, and undoing it exactly. No HTTP here.

Everything that points at the merged record (pathway steps, participations, consents, accesses, history,
and whatever later apps attach to a person) moves to the surviving record. Where the survivor already has
the equivalent row (an access for the same organisation, a participation in the same project), the merged
record's row is removed and kept in the snapshot, and the survivor's access is reactivated if only the
merged one was active. Blank fields of the survivor are filled from the merged record (never sensitive
ones). The merged record keeps its data, gets `merged_into` and disappears from search. One audit event.

`unmerge` reverses all of it from the snapshot: rows moved back by id, removed rows recreated with their
ids, the survivor's fields and accesses restored.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kafaat.core import access, audit
from kafaat.registry import services
from kafaat.registry.access_rules import CHANGE_PERSON
from kafaat.registry.dedup import match_keys
from kafaat.registry.models import MatchCandidate, Merge, Person, PersonAccess

# Fields copied from the merged record where the survivor has none; sensitive fields are never copied.
FILLABLE_FIELDS = (
    "first_name_ar", "last_name_ar", "first_name_latin", "last_name_latin", "birth_date", "phone",
    "phone_alt", "area", "education_level",
)  # fmt: skip
_OWN_MODELS = {MatchCandidate, Merge}


def _person_relations() -> list[models.ForeignKey]:
    """Every foreign key to Person from another model, except deduplication's own bookkeeping."""
    relations = []
    for relation in Person._meta.related_objects:
        field = relation.field
        if (
            relation.one_to_many
            and field.model is not Person
            and field.model not in _OWN_MODELS
            and field.model._meta.managed  # the search table follows the accesses by itself (triggers)
        ):
            relations.append(field)
    return relations


def _unique_sets(model: type[models.Model], field_name: str) -> list[tuple[str, ...]]:
    """Unconditional unique constraints of `model` that include the person field (e.g. person+project)."""
    sets = []
    for constraint in model._meta.constraints:
        unique = isinstance(constraint, models.UniqueConstraint) and constraint.condition is None
        if unique and field_name in constraint.fields:
            sets.append(tuple(f for f in constraint.fields if f != field_name))
    for together in model._meta.unique_together:
        if field_name in together:
            sets.append(tuple(f for f in together if f != field_name))
    return sets


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"__datetime__": value.isoformat()}
    if isinstance(value, date):
        return {"__date__": value.isoformat()}
    return value


def _from_json(value: Any) -> Any:
    if isinstance(value, dict) and "__datetime__" in value:
        return datetime.fromisoformat(value["__datetime__"])
    if isinstance(value, dict) and "__date__" in value:
        return date.fromisoformat(value["__date__"])
    return value


def _row(instance: models.Model) -> dict:
    return {f.attname: _jsonable(getattr(instance, f.attname)) for f in instance._meta.concrete_fields}


def _check_may_change(actor, *people: Person) -> None:
    for person in people:
        if not access.has_permission(actor, CHANGE_PERSON, person):
            raise PermissionDenied


@transaction.atomic
def merge(
    actor, survivor: Person, merged: Person, *, candidate: MatchCandidate | None = None, automatic=False
) -> Merge:
    """Merge `merged` into `survivor`; returns the Merge that `unmerge` takes."""
    survivor = Person.objects.select_for_update().get(pk=survivor.pk)
    merged = Person.objects.select_for_update().get(pk=merged.pk)
    if not automatic:
        _check_may_change(actor, survivor, merged)
    if survivor.pk == merged.pk or survivor.merged_into_id or merged.merged_into_id:
        raise ValidationError(_("These records cannot be merged: one of them is already merged."))
    snapshot: dict[str, Any] = {"moved": {}, "removed": {}, "reactivated": [], "filled": {}}
    for field in _person_relations():
        model, label = field.model, field.model._meta.label_lower
        rows = model._default_manager.filter(**{field.name: merged})
        for other_fields in _unique_sets(model, field.name):
            kept = set(
                model._default_manager.filter(**{field.name: survivor}).values_list(
                    *other_fields, named=False
                )
            )
            for row in list(rows):
                if tuple(getattr(row, model._meta.get_field(f).attname) for f in other_fields) in kept:
                    _absorb_duplicate_row(row, survivor, snapshot)
                    snapshot["removed"].setdefault(label, []).append(_row(row))
                    row.delete()
        ids = list(rows.values_list("pk", flat=True))
        if ids:
            model._default_manager.filter(pk__in=ids).update(**{field.name: survivor})
            snapshot["moved"][label] = {"field": field.name, "ids": ids}
    # The merged record's registering organisation keeps seeing the person, but no longer as its registrant:
    # the access rule's shortcut (registered_by) relies on "registered" meaning exactly that.
    relabelled = list(
        PersonAccess.objects.filter(person=survivor, reason=PersonAccess.Reason.REGISTERED)
        .exclude(organisation_id=survivor.registered_by_id)
        .values_list("pk", flat=True)
    )
    PersonAccess.objects.filter(pk__in=relabelled).update(reason=PersonAccess.Reason.MERGED)
    snapshot["relabelled_accesses"] = relabelled
    changed = []
    for name in FILLABLE_FIELDS:
        if getattr(survivor, name) in ("", None) and getattr(merged, name) not in ("", None):
            if name == "phone_alt" and getattr(merged, name) == survivor.phone:
                continue
            snapshot["filled"][name] = _jsonable(getattr(survivor, name))
            setattr(survivor, name, getattr(merged, name))
            changed.append(name)
    if merged.phone and merged.phone not in (survivor.phone, survivor.phone_alt) and not survivor.phone_alt:
        snapshot["filled"]["phone_alt"] = survivor.phone_alt
        survivor.phone_alt = merged.phone
        changed.append("phone_alt")
    if changed:
        services.apply_derived_fields(survivor)
        survivor.save()
    merged.merged_into = survivor
    merged.save(update_fields=["merged_into", "updated_at"])
    match_keys.refresh([survivor.pk, merged.pk])  # merged: no keys; survivor: with its fills
    record = Merge.objects.create(
        survivor=survivor,
        merged=merged,
        candidate=candidate,
        automatic=automatic,
        merged_by=actor if getattr(actor, "is_authenticated", False) else None,
        snapshot=snapshot,
    )
    if candidate is not None:
        candidate.status = MatchCandidate.Status.MERGED
        candidate.reviewed_at = timezone.now()
        candidate.reviewed_by = record.merged_by
        candidate.save(update_fields=["status", "reviewed_at", "reviewed_by"])
    moved = {label: len(entry["ids"]) for label, entry in snapshot["moved"].items()}
    audit.record(
        audit.Action.UPDATE,
        actor,
        survivor,
        details={"operation": "merge", "merged": merged.pk, "merge": record.pk, "moved": moved,
                 "automatic": automatic, "filled": sorted(snapshot["filled"])},
    )  # fmt: skip
    return record


def _absorb_duplicate_row(row: models.Model, survivor: Person, snapshot: dict) -> None:
    """The survivor already has this row's equivalent; an access still active on the merged side wins."""
    if isinstance(row, PersonAccess) and row.is_active:
        kept = PersonAccess.objects.get(person=survivor, organisation_id=row.organisation_id)
        if not kept.is_active:
            snapshot["reactivated"].append(_row(kept))
            kept.is_active, kept.revoked_at = True, None
            kept.save(update_fields=["is_active", "revoked_at"])


@transaction.atomic
def unmerge(actor, record: Merge) -> Merge:
    """Undo a merge exactly; the survivor must not itself have been merged since."""
    record = Merge.objects.select_for_update().get(pk=record.pk)
    if record.undone_at is not None:
        raise ValidationError(_("This merge was already undone."))
    survivor = Person.objects.select_for_update().get(pk=record.survivor_id)
    merged = Person.objects.select_for_update().get(pk=record.merged_id)
    _check_may_change(actor, survivor)
    if survivor.merged_into_id:
        raise ValidationError(_("Undo the later merge of the surviving record first."))
    snapshot = record.snapshot
    models_by_label = {field.model._meta.label_lower: field.model for field in _person_relations()}
    PersonAccess.objects.filter(pk__in=snapshot.get("relabelled_accesses", [])).update(
        reason=PersonAccess.Reason.REGISTERED
    )
    for label, entry in snapshot["moved"].items():
        models_by_label[label]._default_manager.filter(pk__in=entry["ids"]).update(**{entry["field"]: merged})
    for label, rows in snapshot["removed"].items():
        model = models_by_label[label]
        for values in rows:
            fields = {key: _from_json(value) for key, value in values.items()}
            model(**fields).save(force_insert=True)
            # auto_now_add fields were reset by the insert: put every value back as it was.
            model._default_manager.filter(pk=fields["id"]).update(
                **{key: value for key, value in fields.items() if key != "id"}
            )
    for values in snapshot["reactivated"]:
        PersonAccess.objects.filter(pk=values["id"]).update(
            is_active=values["is_active"], revoked_at=_from_json(values["revoked_at"])
        )
    if snapshot["filled"]:
        for name, value in snapshot["filled"].items():
            setattr(survivor, name, _from_json(value))
        services.apply_derived_fields(survivor)
        survivor.save()
    merged.merged_into = None
    merged.save(update_fields=["merged_into", "updated_at"])
    match_keys.refresh([survivor.pk, merged.pk])
    record.undone_at = timezone.now()
    record.undone_by = actor if getattr(actor, "is_authenticated", False) else None
    record.save(update_fields=["undone_at", "undone_by"])
    if record.candidate_id:
        MatchCandidate.objects.filter(pk=record.candidate_id).update(
            status=MatchCandidate.Status.PENDING, reviewed_at=None, reviewed_by=None
        )
    audit.record(
        audit.Action.UPDATE,
        actor,
        survivor,
        details={"operation": "unmerge", "merged": merged.pk, "merge": record.pk},
    )
    return record


def choose_survivor(a: Person, b: Person) -> tuple[Person, Person]:
    """The older record survives (it is the one partners already refer to); returns (survivor, merged)."""
    return (a, b) if (a.created_at, a.pk) <= (b.created_at, b.pk) else (b, a)
