"""A person's current stage on the pathway (intake → assessment → referral → training → certified → placed →
followed up): the furthest stage any of their steps reached, for a whole page of people in one query."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Max, Value, When
from django.utils.translation import pgettext_lazy

from kafaat.pathways.models import Step, StepKind, StepStatus

STAGES = (
    ("intake", pgettext_lazy("pathway stage", "Intake")),
    ("assessment", pgettext_lazy("pathway stage", "Assessment")),
    ("referral", pgettext_lazy("pathway stage", "Referral")),
    ("training", pgettext_lazy("pathway stage", "Training")),
    ("certified", pgettext_lazy("pathway stage", "Certified")),
    ("placed", pgettext_lazy("pathway stage", "Placed")),
    ("followed_up", pgettext_lazy("pathway stage", "Followed up")),
)
TRAINING = 3
STAGE_OF_KIND = {
    StepKind.INTAKE: 0,
    StepKind.ASSESSMENT: 1,
    StepKind.REFERRAL: 2,
    StepKind.ENROLMENT: TRAINING,
    StepKind.DROPOUT: TRAINING,
    StepKind.COMPLETION: TRAINING,
    StepKind.CERTIFICATION: 4,
    StepKind.PLACEMENT: 5,
    StepKind.FOLLOW_UP: 6,
}


@dataclass(frozen=True)
class Stage:
    index: int  # in STAGES
    dropped_out: bool = False  # in training, the last training ended by a dropout and none is open

    @property
    def code(self) -> str:
        return STAGES[self.index][0]

    @property
    def label(self) -> str:
        return str(STAGES[self.index][1])

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def total(self) -> int:
        return len(STAGES)

    @property
    def segments(self) -> list[dict]:
        return [
            {"code": code, "label": label, "done": i <= self.index, "current": i == self.index}
            for i, (code, label) in enumerate(STAGES)
        ]


def _flag(**condition) -> Max:
    return Max(Case(When(**condition, then=Value(1)), default=Value(0), output_field=IntegerField()))


def current_stages(person_ids: Iterable[int]) -> dict[int, Stage]:
    """Each person's stage (people without a step are left out): one grouped query, whatever their number."""
    ids = list(person_ids)
    if not ids:
        return {}
    rank = Case(
        *(When(kind=kind, then=Value(index)) for kind, index in STAGE_OF_KIND.items()),
        output_field=IntegerField(),
    )
    rows = (
        Step.objects.filter(person_id__in=ids)
        .order_by()  # no default ordering: it would split the groups
        .values("person_id")
        .annotate(
            stage=Max(rank),
            dropped=_flag(kind=StepKind.DROPOUT),
            open=_flag(kind=StepKind.ENROLMENT, status=StepStatus.ONGOING),
            completed=_flag(kind=StepKind.COMPLETION),
        )
    )
    return {
        row["person_id"]: Stage(
            row["stage"],
            dropped_out=row["stage"] == TRAINING
            and bool(row["dropped"])
            and not row["open"]
            and not row["completed"],
        )
        for row in rows
        if row["stage"] is not None
    }
