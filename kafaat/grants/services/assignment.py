"""Reviewers and their assignments: the officer assigns in bulk (N per application, balanced, never a reviewer
`access_rules.may_review` excludes, never twice the same), withdraws one; the reviewer declares conflicts of
interest before opening an application (a conflict hides it from them and a replacement is assigned).

Which applications a stage reviews, and which it ranks, are read from the procedure's states (`REVIEWED`,
`RANKED`): the other review services share them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kafaat.core import access, audit
from kafaat.core.models import Membership
from kafaat.grants import access_rules
from kafaat.grants.models import Application, Assignment, Call, Stage

# The states in which an application of a stage is being reviewed (reviewers are assigned and score).
REVIEWED = {
    (Call.Procedure.RESTRICTED, Stage.CONCEPT): ("concept_eligible",),
    (Call.Procedure.RESTRICTED, Stage.FULL): ("full_submitted",),
    (Call.Procedure.OPEN, Stage.FULL): ("eligible",),
}
_AFTER = ("provisionally_selected", "awarded", "reserve", "rejected", "contracted", "closed")
# The states in which an application appears in a stage's ranking: under review, or decided since.
RANKED = {
    (Call.Procedure.RESTRICTED, Stage.CONCEPT): (
        "concept_eligible",
        "concept_rejected",
        "shortlisted",
        "full_submitted",
        *_AFTER,
    ),
    (Call.Procedure.RESTRICTED, Stage.FULL): ("full_submitted", *_AFTER),
    (Call.Procedure.OPEN, Stage.FULL): ("eligible", *_AFTER),
}


def check_stage(call: Call, stage: str) -> str:
    if stage not in call.stages:
        raise ValidationError({"stage": [_("This call has no such stage.")]})
    return stage


def reviewed_states(call: Call, stage: str) -> tuple[str, ...]:
    return REVIEWED[(call.procedure, check_stage(call, stage))]


def ranked_states(call: Call, stage: str) -> tuple[str, ...]:
    return RANKED[(call.procedure, check_stage(call, stage))]


def managed_call(user, pk: int) -> Call:
    """A call its officer manages; 404 for anyone else (the call's existence is not revealed)."""
    call = Call.objects.filter(pk=pk).first()
    if call is None or not access_rules.can_manage_call(user, call):
        raise access.OutOfScope(Call, pk)
    return call


def to_review(call: Call, stage: str, *, lot: int | None = None, reference: str = "") -> QuerySet:
    """Every application of the stage under review matching the filter (not a page of it)."""
    rows = Application.objects.filter(call=call, status__in=reviewed_states(call, stage))
    if lot:
        rows = rows.filter(lot_id=lot)
    if reference:
        rows = rows.filter(reference__icontains=reference.strip())
    return rows.order_by("reference", "id")


# --- the officer's bulk assignment ------------------------------------------------------------------------


@dataclass
class BulkAssignment:
    created: list[Assignment] = field(default_factory=list)
    applications: int = 0
    short: list[str] = field(default_factory=list)  # references still lacking reviewers (none available)


def _pool(call: Call) -> tuple[list[int], dict[int, set[int]]]:
    """The call's reviewers (active users) and, for each, the organisations they sit in (the rule of
    `access_rules.may_review`, read for all at once)."""
    reviewers = sorted(call.reviewers.filter(is_active=True).values_list("pk", flat=True))
    organisations: dict[int, set[int]] = defaultdict(set)
    for user_id, organisation_id in Membership.objects.filter(
        user_id__in=reviewers, is_active=True
    ).values_list("user_id", "organisation_id"):
        organisations[user_id].add(organisation_id)
    return reviewers, organisations


def _loads(call: Call, stage: str) -> dict[int, int]:
    counts = (
        Assignment.objects.filter(application__call=call, stage=stage, status__in=Assignment.ACTIVE)
        .values("reviewer_id")
        .annotate(n=Count("id"))
    )
    return {row["reviewer_id"]: row["n"] for row in counts}


def _pick(
    needed: int,
    excluded_orgs: set[int],
    present: set[int],
    reviewers: list[int],
    organisations: dict[int, set[int]],
    load: dict[int, int],
) -> list[int]:
    """The `needed` reviewers with the fewest assignments (then the lowest id): deterministic."""
    candidates = [
        r for r in reviewers if r not in present and not (organisations.get(r, set()) & excluded_orgs)
    ]
    candidates.sort(key=lambda r: (load.get(r, 0), r))
    chosen = candidates[:needed]
    for reviewer in chosen:
        load[reviewer] = load.get(reviewer, 0) + 1
    return chosen


@transaction.atomic
def assign_bulk(
    user, call: Call, stage: str, *, lot: int | None = None, reference: str = ""
) -> BulkAssignment:
    """Give every application of the stage under review matching the filter its N reviewers
    (`call.reviewers_per_application`, counting those already active), in a few queries whatever their
    number, and audit the whole as one event."""
    if not access_rules.can_manage_call(user, call):
        raise access.Refused(access_rules.MANAGE_CALLS, call)
    applications = list(
        to_review(call, stage, lot=lot, reference=reference).values_list("pk", "reference", "organisation_id")
    )
    ids = [pk for pk, _ref, _org in applications]
    partners: dict[int, set[int]] = defaultdict(set)
    for application_id, organisation_id in Application.partners.through.objects.filter(
        application_id__in=ids
    ).values_list("application_id", "organisation_id"):
        partners[application_id].add(organisation_id)
    present: dict[int, set[int]] = defaultdict(set)  # any status: a reviewer is never assigned twice
    active: dict[int, int] = defaultdict(int)
    for application_id, reviewer_id, status in Assignment.objects.filter(
        application_id__in=ids, stage=stage
    ).values_list("application_id", "reviewer_id", "status"):
        present[application_id].add(reviewer_id)
        active[application_id] += status in Assignment.ACTIVE
    reviewers, organisations = _pool(call)
    load = _loads(call, stage)
    result, rows = BulkAssignment(applications=len(applications)), []
    for pk, ref, organisation_id in applications:
        needed = call.reviewers_per_application - active[pk]
        if needed <= 0:
            continue
        chosen = _pick(needed, {organisation_id, *partners[pk]}, present[pk], reviewers, organisations, load)
        rows += [Assignment(application_id=pk, stage=stage, reviewer_id=r, assigned_by=user) for r in chosen]
        if len(chosen) < needed:
            result.short.append(ref)
    result.created = Assignment.objects.bulk_create(rows, batch_size=2000)
    audit.record_bulk(
        audit.Action.BULK_CREATE,
        user,
        Assignment,
        [a.pk for a in result.created],
        details={
            "call": call.code,
            "stage": stage,
            "lot": lot,
            "reference": reference,
            "applications": len(applications),
            "short": result.short[:100],
        },
    )
    return result


@transaction.atomic
def withdraw(user, assignment: Assignment) -> Assignment:
    """The officer takes a reviewer off an application (a submitted review stays: it is the record)."""
    assignment = (
        Assignment.objects.select_for_update().select_related("application__call").get(pk=assignment.pk)
    )
    if not access_rules.can_manage_call(user, assignment.application.call):
        raise access.OutOfScope(Assignment, assignment.pk)
    if assignment.status == Assignment.Status.SUBMITTED:
        raise ValidationError({"assignment": [_("A submitted review cannot be withdrawn.")]})
    if assignment.status in (Assignment.Status.WITHDRAWN, Assignment.Status.CONFLICTED):
        raise ValidationError({"assignment": [_("This assignment is no longer active.")]})
    assignment.status = Assignment.Status.WITHDRAWN
    assignment.save(update_fields=["status"])
    audit.record(audit.Action.UPDATE, user, assignment, details={"status": "withdrawn"})
    return assignment


def assignments_of(call: Call, stage: str) -> QuerySet:
    return (
        Assignment.objects.filter(application__call=call, stage=stage)
        .select_related("application__lot", "reviewer")
        .order_by("application__reference", "assigned_at", "id")
    )


def unreplaced_conflicts(call: Call, stage: str | None = None) -> QuerySet:
    """Declared conflicts no replacement took over (no reviewer was available): the officer's to resolve."""
    replaced = Assignment.objects.filter(replaces__isnull=False).values("replaces_id")
    rows = Assignment.objects.filter(application__call=call, status=Assignment.Status.CONFLICTED)
    if stage:
        rows = rows.filter(stage=stage)
    return rows.exclude(pk__in=replaced).select_related("application__lot", "reviewer")


# --- the reviewer: queue and declaration ------------------------------------------------------------------


def queue(user) -> QuerySet:
    """The reviewer's assignments still theirs (a declared conflict or a withdrawal leaves the queue)."""
    return (
        Assignment.objects.filter(reviewer=user, status__in=Assignment.ACTIVE)
        .select_related("application__lot", "application__call")
        .order_by("status", "application__call__closes_at", "application__reference")
    )


def own_assignment(user, pk: int, *, opened: bool = False) -> Assignment:
    """The reviewer's own active assignment (`opened`: one they declared no conflict on); 404 otherwise."""
    statuses = Assignment.OPEN if opened else Assignment.ACTIVE
    assignment = (
        Assignment.objects.filter(pk=pk, reviewer=user, status__in=statuses)
        .select_related("application__call", "application__lot", "application__organisation")
        .first()
    )
    if assignment is None:
        raise access.OutOfScope(Assignment, pk)
    return assignment


def _replace(conflicted: Assignment) -> Assignment | None:
    application = conflicted.application
    call = application.call
    present = set(
        Assignment.objects.filter(application=application, stage=conflicted.stage).values_list(
            "reviewer_id", flat=True
        )
    )
    reviewers, organisations = _pool(call)
    excluded = {application.organisation_id, *application.partners.values_list("pk", flat=True)}
    chosen = _pick(1, excluded, present, reviewers, organisations, _loads(call, conflicted.stage))
    if not chosen:
        return None
    return Assignment.objects.create(
        application=application,
        stage=conflicted.stage,
        reviewer_id=chosen[0],
        replaces=conflicted,
        assigned_by=None,
    )


@transaction.atomic
def declare(user, assignment: Assignment, *, conflict: bool, reason: str = "") -> Assignment:
    """The reviewer's declaration before opening the application: no conflict (they may open and score it)
    or a conflict with its reason (it is hidden from them and another reviewer is assigned, if any)."""
    assignment = (
        Assignment.objects.select_for_update().select_related("application__call").get(pk=assignment.pk)
    )
    if assignment.reviewer_id != user.pk:
        raise access.OutOfScope(Assignment, assignment.pk)
    if not access_rules.can_declare(user, assignment):
        raise ValidationError({"declaration": [_("You have already declared on this application.")]})
    reason = (reason or "").strip()
    if conflict and not reason:
        raise ValidationError({"reason": [_("Say what the conflict of interest is.")]})
    assignment.status = Assignment.Status.CONFLICTED if conflict else Assignment.Status.CLEARED
    assignment.declared_at = timezone.now()
    assignment.conflict_reason = reason if conflict else ""
    assignment.save(update_fields=["status", "declared_at", "conflict_reason"])
    replacement = _replace(assignment) if conflict else None
    audit.record(
        audit.Action.UPDATE,
        user,
        assignment,
        details={
            "declaration": "conflict" if conflict else "no_conflict",
            "replacement": replacement.pk if replacement else None,
        },
    )
    return assignment


def as_reviewer_sees(user, item: Assignment) -> dict:
    """The application as this reviewer may see it: blind review hides the applicant, the partners and the
    documents' file names."""
    application = item.application
    identity = access_rules.sees_applicant_identity(user, application)
    documents = application.documents.order_by("kind", "id")
    audit.record(audit.Action.VIEW, user, application, details={"assignment": item.pk, "blind": not identity})
    return {
        "id": application.pk,
        "reference": application.reference,
        "lot": application.lot.code,
        "title": application.title,
        "summary": application.summary,
        "requested_amount": application.requested_amount,
        "total_cost": application.total_cost,
        "applicant": application.organisation.name if identity else None,
        "partners": [p.name for p in application.partners.all()] if identity else None,
        "documents": [
            {"kind": d.kind, "kind_label": d.get_kind_display(), "name": d.name if identity else ""}
            for d in documents
        ],
    }


def due_for(user) -> list[dict]:
    """The reviewer's home panel: per call and stage, how many to declare and to score, and the deadline.
    The model has no review deadline of its own: a concept note's reviews are due before the shortlisted
    applicants' full applications close (`full_closes_at`); a full application's have none recorded."""
    rows = (
        Assignment.objects.filter(
            reviewer=user, status__in=(Assignment.Status.ASSIGNED, Assignment.Status.CLEARED)
        )
        .values("application__call_id", "stage")
        .annotate(
            to_declare=Count("id", filter=Q(status=Assignment.Status.ASSIGNED)),
            to_score=Count("id", filter=Q(status=Assignment.Status.CLEARED)),
        )
        .order_by("application__call_id", "stage")
    )
    calls = Call.objects.in_bulk({row["application__call_id"] for row in rows})
    return [
        {
            "call": calls[row["application__call_id"]],
            "stage": row["stage"],
            "to_declare": row["to_declare"],
            "to_score": row["to_score"],
            "deadline": calls[row["application__call_id"]].full_closes_at
            if row["stage"] == Stage.CONCEPT
            else None,
        }
        for row in rows
    ]
