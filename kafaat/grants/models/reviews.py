"""Reviews: a reviewer assigned to an application declares conflicts of interest before opening it, then
scores each criterion of the stage's grid."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kafaat.grants.models.applications import Application
from kafaat.grants.models.calls import GridCriterion, Stage


class Assignment(models.Model):
    """A reviewer's task on one application at one stage.

    Assigned → (declares: no conflict) cleared → submitted; or → conflicted (the application is hidden from
    them and another reviewer replaces them); or → withdrawn by the officer. Only a cleared or submitted
    assignment lets its reviewer open the application."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("To declare")
        CLEARED = "cleared", _("Being scored")
        SUBMITTED = "submitted", _("Scored")
        CONFLICTED = "conflicted", _("Conflict of interest declared")
        WITHDRAWN = "withdrawn", pgettext_lazy("review assignment status", "Withdrawn by the officer")

    OPEN = (Status.CLEARED, Status.SUBMITTED)  # the reviewer may open the application
    ACTIVE = (Status.ASSIGNED, Status.CLEARED, Status.SUBMITTED)  # counts towards the N reviewers

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="grant_assignments",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ASSIGNED)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    # What the reviewer declared: kept even when there is no conflict (the declaration is the record).
    conflict_reason = models.TextField(_("conflict of interest"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    comment = models.TextField(_("overall comment"), blank=True)
    # Points on 100 once submitted (kept for the ranking: one read instead of summing the scores each time).
    total = models.DecimalField(_("total (on 100)"), max_digits=6, decimal_places=2, null=True, blank=True)
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["application", "stage", "assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "stage", "reviewer"], name="one_assignment_per_reviewer"
            )
        ]
        indexes = [models.Index(fields=["reviewer", "status"], name="assignment_reviewer_status")]

    def __str__(self) -> str:
        return f"{self.application} — {self.reviewer}"


class Score(models.Model):
    """A reviewer's score of one criterion (1–5) with the comment the grid asks for."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(GridCriterion, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="score_on_the_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"
