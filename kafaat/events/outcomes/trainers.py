"""Trainers professionalised: trainers of the directory who completed a training module, certified by its
organiser.

A professionalisation is a registration of a contact who is a trainer to an event of type `training_module`
(not cancelled) whose `completion_certified` is set. The organiser certifies a completion only for a trainer
who attended at least the module's certificate threshold of its sessions (`certify_completion`).

`professionalised(...)` is the one definition every count uses (pages here, the results engine's measure,
govmeasures' warehouse), in SQL terms:

    SELECT r.* FROM events_registration r
      JOIN events_event e ON e.id = r.event_id
      JOIN contacts_contact c ON c.id = r.contact_id
     WHERE e.type = 'training_module' AND NOT e.is_cancelled
       AND r.completion_certified AND c.is_trainer AND c.merged_into_id IS NULL
       [AND r.completion_date BETWEEN :start AND :end]   -- period (completion date, else the module's end)
       [AND e.sector_id IN (:sectors)] [AND c.sex = :sex] [AND c.territory path under :region]
       [AND e.project_id = :project] [AND e.id IN (:events the reader may see)]

A trainer is counted once per group however many modules they completed (COUNT(DISTINCT c.id)): by sector a
trainer certified in two trades counts in each, never twice in one. Sector is the module's (the trade
trained in), sex the trainer's, region the trainer's workplace (the region part of their territory).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import Count, F, QuerySet
from django.db.models.functions import Coalesce, Left
from django.utils import timezone
from django.utils.translation import gettext as _

from kafaat.core import access, audit
from kafaat.events.access_rules import MANAGE_EVENTS
from kafaat.events.models import Event, EventType, Registration
from kafaat.events.outcomes.certificates import attendance_share, refusal_reason

REGION_CODE_LENGTH = 5  # "MA-02": a territory's path starts with its region's code


class CompletionRefused(ValidationError):
    """A completion that cannot be certified: the message says why."""


def certify_completion(
    user, registration: Registration, *, certified: bool = True, date: dt.date | None = None
) -> Registration:
    """Set (or withdraw) the certified completion of a training module by a trainer."""
    event = registration.event
    access.require(user, MANAGE_EVENTS, event)
    if event.type != EventType.TRAINING_MODULE:
        raise CompletionRefused(_("Only a training module's completion can be certified."), code="type")
    if certified:
        if registration.contact_id is None or not registration.contact.is_trainer:
            raise CompletionRefused(_("Only a trainer's completion can be certified."), code="trainer")
        share = attendance_share(registration)
        if not share.enough:
            raise CompletionRefused(refusal_reason(share), code="threshold")
    before = {"completion_certified": registration.completion_certified,
              "completion_date": str(registration.completion_date or "")}  # fmt: skip
    registration.completion_certified = certified
    registration.completion_date = (date or event.end_date or timezone.localdate()) if certified else None
    registration.save(update_fields=["completion_certified", "completion_date", "updated_at"])
    after = {"completion_certified": certified, "completion_date": str(registration.completion_date or "")}
    audit.record("update", user, registration, details={"changes": audit.changes_between(before, after)})
    return registration


def professionalised(
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    sectors: Iterable[int] | None = None,
    sex: str | None = None,
    region: str | None = None,
    project: int | None = None,
    events: QuerySet[Event] | None = None,
) -> QuerySet[Registration]:
    """The certified completions of training modules by trainers (the SQL above), filtered."""
    queryset = Registration.objects.filter(
        event__type=EventType.TRAINING_MODULE,
        event__is_cancelled=False,
        completion_certified=True,
        contact__is_trainer=True,
        contact__merged_into__isnull=True,
    ).annotate(completed_on=Coalesce("completion_date", F("event__end_date")))
    if start is not None:
        queryset = queryset.filter(completed_on__gte=start)
    if end is not None:
        queryset = queryset.filter(completed_on__lte=end)
    if sectors is not None:
        queryset = queryset.filter(event__sector__in=list(sectors))
    if sex:
        queryset = queryset.filter(contact__sex=sex)
    if region:
        queryset = queryset.filter(contact__territory__path__startswith=f"{region}/")
    if project is not None:
        queryset = queryset.filter(event__project_id=project)
    if events is not None:
        queryset = queryset.filter(event__in=events)
    return queryset


def professionalised_counts(queryset: QuerySet[Registration], by: str) -> dict[str, int]:
    """Distinct trainers per group: `by` is "sector" (module's sector code), "sex" or "region"."""
    if by == "sector":
        groups = queryset.values(group=F("event__sector__code"))
    elif by == "sex":
        groups = queryset.values(group=F("contact__sex"))
    elif by == "region":
        groups = queryset.annotate(group=Left("contact__territory__path", REGION_CODE_LENGTH)).values("group")
    else:
        raise ValueError(f"unknown grouping {by!r}")
    rows = groups.annotate(n=Count("contact", distinct=True)).order_by("group")
    return {(row["group"] or ""): row["n"] for row in rows}


def total_professionalised(queryset: QuerySet[Registration]) -> int:
    return queryset.aggregate(n=Count("contact", distinct=True))["n"]


def trainer_modules(trainers: QuerySet) -> dict[int, list[Registration]]:
    """Each trainer's training-module registrations (newest first), in one query."""
    modules: dict[int, list[Registration]] = {}
    registrations = (
        Registration.objects.filter(contact__in=trainers, event__type=EventType.TRAINING_MODULE)
        .select_related("event__sector")
        .order_by("-event__start_date", "pk")
    )
    for registration in registrations:
        modules.setdefault(registration.contact_id, []).append(registration)
    return modules
