"""Employer-needs surveys: a campaign, each employer's response, and the occupations it says it needs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kafaat.core.models import Organisation, Territory


class HiringIntention(models.TextChoices):
    YES = "yes", _("Will hire")
    NO = "no", _("Will not hire")
    UNSURE = "unsure", _("Does not know yet")


class HardToFillReason(models.TextChoices):
    FEW_APPLICANTS = "few_applicants", _("Too few applicants")
    SKILLS = "skills", _("Applicants lack the skills")
    EXPERIENCE = "experience", _("Applicants lack experience")
    QUALIFICATION = "qualification", _("No one holds the qualification")
    WAGES = "wages", _("Wages offered judged too low")
    CONDITIONS = "conditions", _("Working conditions or hours")
    LOCATION = "location", _("Location or transport")
    OTHER = "other", _("Other reason")


class Survey(models.Model):
    """A survey campaign run by an organisation over a territory (e.g. "Oriental 2026")."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("run by"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), on_delete=models.PROTECT, related_name="+"
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("employer-needs survey")
        verbose_name_plural = _("employer-needs surveys")
        ordering = ["-opens_on", "code"]

    def __str__(self) -> str:
        return self.title


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    employer = models.ForeignKey("labour.Employer", on_delete=models.PROTECT, related_name="survey_responses")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    answered_on = models.DateField(_("answered on"))
    hiring_intention = models.CharField(
        _("hiring in the next 12 months"), max_length=10, choices=HiringIntention.choices
    )
    planned_hires = models.PositiveIntegerField(_("planned hires (12 months)"), default=0)
    comment = models.TextField(_("comment"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-answered_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "employer"], name="one_response_per_employer")
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.employer}"


class SurveyNeed(models.Model):
    """One occupation an employer needs: how many, which skills, and whether (and why) it is hard to fill."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="needs")
    title = models.CharField(_("job title"), max_length=200)
    occupation = models.ForeignKey(
        "labour.Occupation",
        verbose_name=_("occupation (ISCO-08)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    positions = models.PositiveIntegerField(_("positions"), default=1)
    skills = models.TextField(_("skills needed"), blank=True)
    hard_to_fill = models.BooleanField(_("hard to fill"), default=False)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)

    class Meta:
        verbose_name = _("occupation needed")
        verbose_name_plural = _("occupations needed")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.positions})"
