"""Expert missions (technical assistance, twinning): who came, for which result, for how many person-days."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kafaat.core.models import Organisation, Project, Territory


class ExpertMission(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    expert = models.ForeignKey(
        "contacts.Contact", verbose_name=_("expert"), on_delete=models.PROTECT, related_name="missions"
    )
    # The organisation that runs the mission (the twinning's or the project's office): its staff manage it.
    organiser = models.ForeignKey(
        Organisation, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="expert_missions"
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="expert_missions"
    )
    # The component (a result of the logframe) the mission serves.
    result = models.ForeignKey(
        "results.LogframeNode",
        verbose_name=_("component / result"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert_missions",
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Where the mission takes place (region, or Morocco for a national one)."),
    )
    beneficiary_institution = models.CharField(_("beneficiary institution"), max_length=200, blank=True)
    purpose = models.TextField(_("purpose"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    # Working days between the dates unless entered (a part-time mission, a weekend worked).
    person_days = models.DecimalField(_("person-days"), max_digits=6, decimal_places=1)
    person_days_entered = models.BooleanField(_("person-days entered by hand"), default=False)
    deliverables = models.TextField(_("deliverables"), blank=True)
    report = models.FileField(_("mission report"), upload_to="missions/reports/%Y/", blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("expert mission")
        verbose_name_plural = _("expert missions")
        ordering = ["-start_date", "id"]
        indexes = [models.Index(fields=["project", "status", "start_date"], name="mission_project_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="mission_dates"
            ),
            models.CheckConstraint(condition=models.Q(person_days__gte=0), name="mission_person_days"),
        ]

    def __str__(self) -> str:
        return f"{self.expert} — {self.start_date}"
