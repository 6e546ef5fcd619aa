"""A reviewer's scores: the stage's grid (sections, criteria, the 1–5 descriptors), a score per criterion with
the comment the grid asks for at 1, 2 and 5; drafts saved as they are, a submission only complete; the total
on 100 (points / maximum points × 100, two decimals) kept on the assignment for the ranking."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kafaat.core import access, audit
from kafaat.grants import access_rules
from kafaat.grants.models import Assignment, GridCriterion, GridSection, Score

CENT = Decimal("0.01")


def grid_of(call, stage: str) -> list[GridSection]:
    return list(
        GridSection.objects.filter(call=call, stage=stage)
        .prefetch_related("criteria")
        .order_by("position", "id")
    )


def criteria_of(call, stage: str) -> dict[int, GridCriterion]:
    return {
        c.pk: c
        for c in GridCriterion.objects.filter(section__call=call, section__stage=stage).order_by(
            "section__position", "position", "id"
        )
    }


def descriptor(criterion: GridCriterion, score: int, language: str) -> str:
    texts = (criterion.descriptors or {}).get(str(score)) or {}
    return texts.get(language) or texts.get("fr") or ""


def total_of(scores: dict[int, int], criteria: dict[int, GridCriterion]) -> Decimal:
    """Points (score × weight) over the grid's maximum, on 100, to the cent."""
    points = sum((Decimal(scores[pk]) * c.weight for pk, c in criteria.items() if pk in scores), Decimal(0))
    maximum = sum((c.max_points for c in criteria.values()), Decimal(0))
    if not maximum:
        return Decimal("0.00")
    return (points * 100 / maximum).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Entry:
    criterion: int
    score: int | None
    comment: str = ""


def _scorable(user, assignment: Assignment) -> None:
    if assignment.reviewer_id != user.pk or assignment.status not in Assignment.OPEN:
        raise access.OutOfScope(Assignment, assignment.pk)
    if not access_rules.can_score(user, assignment):
        raise ValidationError({"review": [_("This review was submitted: it can no longer be changed.")]})


def _validate(entries: list[Entry], criteria: dict[int, GridCriterion], *, complete: bool) -> None:
    errors: dict[str, list[str]] = {}
    given = {e.criterion: e for e in entries}
    for entry in entries:
        key = f"criterion_{entry.criterion}"
        if entry.criterion not in criteria:
            errors[key] = [_("This criterion is not in this stage's grid.")]
        elif entry.score is not None and entry.score not in GridCriterion.SCALE:
            errors[key] = [_("Give a score from 1 to 5.")]
        elif complete and entry.score in GridCriterion.COMMENT_REQUIRED and not entry.comment.strip():
            errors[key] = [_("A score of 1, 2 or 5 needs a comment.")]
    if complete:
        for pk in criteria:
            if given.get(pk) is None or given[pk].score is None:
                errors.setdefault(f"criterion_{pk}", [_("Score every criterion before submitting.")])
    if errors:
        raise ValidationError(errors)


def current_entries(assignment: Assignment) -> list[Entry]:
    return [Entry(s.criterion_id, s.score, s.comment) for s in assignment.scores.all()]


@transaction.atomic
def save(
    user, assignment: Assignment, entries: list[Entry], *, comment: str | None = None, submit: bool = False
) -> Assignment:
    """Save the reviewer's scores (a draft: whatever is given, each on the scale); `submit`: every criterion
    scored, comments where the grid asks, then the review is final and its total kept. On any error nothing
    is written and the message names the criterion."""
    assignment = (
        Assignment.objects.select_for_update().select_related("application__call").get(pk=assignment.pk)
    )
    _scorable(user, assignment)
    criteria = criteria_of(assignment.application.call, assignment.stage)
    merged = {e.criterion: e for e in current_entries(assignment)}
    merged.update({e.criterion: e for e in entries})
    _validate(entries, criteria, complete=False)
    if submit:
        _validate(list(merged.values()), criteria, complete=True)
    for entry in entries:
        if entry.score is None:
            Score.objects.filter(assignment=assignment, criterion_id=entry.criterion).delete()
            continue
        Score.objects.update_or_create(
            assignment=assignment,
            criterion_id=entry.criterion,
            defaults={"score": entry.score, "comment": entry.comment.strip()},
        )
    fields = []
    if comment is not None:
        assignment.comment, fields = comment.strip(), ["comment"]
    if submit:
        scores = {pk: e.score for pk, e in merged.items() if e.score is not None}
        assignment.total = total_of(scores, criteria)
        assignment.status = Assignment.Status.SUBMITTED
        assignment.submitted_at = timezone.now()
        fields += ["total", "status", "submitted_at"]
    if fields:
        assignment.save(update_fields=fields)
    audit.record(
        audit.Action.UPDATE,
        user,
        assignment,
        details={
            "scores": len(entries),
            "submitted": submit,
            "total": str(assignment.total) if submit else None,
        },
    )
    return assignment
