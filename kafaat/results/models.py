"""Donor projects' results frameworks: profile, logframe (impact › outcomes › outputs), indicators, targets,
manually entered values with their evidence. Computed values are never stored: the engine gives them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kafaat.core.models import MultilingualName, Organisation, Project
from kafaat.results import measures


class ActivityStatus(models.TextChoices):
    """IATI ActivityStatus codes."""

    PIPELINE = "1", _("Pipeline / identification")
    IMPLEMENTATION = "2", _("Implementation")
    FINALISATION = "3", _("Finalisation")
    CLOSED = "4", _("Closed")
    CANCELLED = "5", _("Cancelled")
    SUSPENDED = "6", _("Suspended")


class ProjectProfile(models.Model):
    """What a donor report and the IATI file need beyond core.Project."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="profile")
    iati_identifier = models.CharField(_("IATI identifier"), max_length=100, blank=True)
    reporting_org_ref = models.CharField(_("reporting organisation reference"), max_length=100, blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_ar = models.TextField(_("description (Arabic)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    status = models.CharField(
        _("status"), max_length=1, choices=ActivityStatus.choices, default=ActivityStatus.IMPLEMENTATION
    )
    budget = models.DecimalField(_("budget"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    implementers = models.ManyToManyField(
        Organisation, verbose_name=_("implementing organisations"), related_name="+", blank=True
    )

    class Meta:
        verbose_name = _("project profile")
        verbose_name_plural = _("project profiles")

    def __str__(self) -> str:
        return str(self.project)


class ProjectSector(models.Model):
    """An OECD DAC 5-digit purpose code and its share of the project."""

    profile = models.ForeignKey(ProjectProfile, on_delete=models.CASCADE, related_name="sectors")
    code = models.CharField(_("DAC sector code"), max_length=5)
    percentage = models.DecimalField(
        _("percentage"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["profile", "code"], name="one_share_per_sector")]

    def __str__(self) -> str:
        return f"{self.code} ({self.percentage}%)"


class LogframeNode(MultilingualName):
    """A result of the logframe: the impact, an outcome under it, an output under an outcome."""

    class Level(models.TextChoices):
        IMPACT = "impact", _("Impact")
        OUTCOME = "outcome", _("Outcome")
        OUTPUT = "output", _("Output")

    PARENT_LEVEL = {Level.OUTCOME: Level.IMPACT, Level.OUTPUT: Level.OUTCOME}

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="logframe")
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("contributes to"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="children",
    )  # fmt: skip
    code = models.CharField(_("code"), max_length=20)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("logframe result")
        verbose_name_plural = _("logframe results")
        ordering = ["project", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["project", "code"], name="unique_logframe_code")]


class Indicator(MultilingualName):
    class Unit(models.TextChoices):
        COUNT = "count", _("Number")
        PERCENT = "percent", _("Percentage")
        AMOUNT = "amount", _("Amount")
        DAYS = "days", _("Days")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="indicators")
    node = models.ForeignKey(
        LogframeNode, verbose_name=_("result"), on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("code"), max_length=20)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.COUNT)
    # A measure of kafaat.results.measures; empty for a manual indicator (values entered with evidence).
    measure = models.CharField(_("measure"), max_length=60, blank=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    disaggregations = models.JSONField(_("disaggregations"), default=list, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["project", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["project", "code"], name="unique_indicator_code")]

    @property
    def is_manual(self) -> bool:
        return not self.measure

    @property
    def measure_label(self) -> str:
        """What the indicator counts, in the reader's language: the measure's name (its key is a program
        identifier, never shown), or "manual"."""
        if not self.measure:
            return str(_("manual"))
        found = measures.REGISTRY.get(self.measure)
        return str(found.label) if found else str(_("unknown measure"))


class Target(models.Model):
    """The value an indicator should reach by the end of a period (cumulative from the project's start)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "period_end"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period_end"], name="one_target_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} ≤ {self.period_end}: {self.value}"


class ManualValue(models.Model):
    """A value entered for a manual indicator, with the file that proves it."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="manual_values")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    evidence = models.FileField(_("evidence"), upload_to="results/evidence/%Y/", blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("value entered by hand")
        verbose_name_plural = _("values entered by hand")
        ordering = ["indicator", "-period_end", "-id"]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period_start}–{self.period_end}: {self.value}"
