"""Calls for proposals: their lots, eligibility criteria and evaluation grid, set up by the grants officer."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kafaat.core.models import MultilingualName, Organisation, Project, Territory

MONEY = {"max_digits": 14, "decimal_places": 2}


class Stage(models.TextChoices):
    """The two stages of a restricted procedure; an open procedure has only the full application."""

    CONCEPT = "concept", _("Concept note")
    FULL = "full", _("Full application")


class Call(MultilingualName):
    """A call for proposals of a donor project, run by one organisation (its officers and committee)."""

    class Procedure(models.TextChoices):
        OPEN = "open", _("Open (one stage)")
        RESTRICTED = "restricted", _("Restricted (concept note, then full application)")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("call status", "Being prepared")
        PUBLISHED = "published", pgettext_lazy("call status", "Published")
        CLOSED = "closed", pgettext_lazy("call status", "Closed")
        ARCHIVED = "archived", pgettext_lazy("call status", "Archived")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="calls"
    )
    # Its grants officers (programme managers, administrators) set it up, screen, assign and decide.
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("managed by"), on_delete=models.PROTECT, related_name="managed_calls"
    )
    procedure = models.CharField(_("procedure"), max_length=12, choices=Procedure.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_ar = models.TextField(_("description (Arabic)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="MAD")
    min_grant = models.DecimalField(_("minimum grant"), **MONEY)
    max_grant = models.DecimalField(_("maximum grant"), **MONEY)
    # The share of the total cost an applicant must bring itself (0 to 100).
    cofinancing_rate = models.DecimalField(
        _("minimum co-financing (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    opens_at = models.DateTimeField(_("opens at"))
    # The deadline of the concept notes (restricted) or of the applications (open); Africa/Casablanca time.
    closes_at = models.DateTimeField(_("closes at"))
    full_closes_at = models.DateTimeField(
        _("full applications close at"),
        null=True,
        blank=True,
        help_text=_("Restricted procedure: the deadline of the shortlisted applicants' full applications."),
    )
    blind_review = models.BooleanField(
        _("blind review"), default=False, help_text=_("Reviewers do not see who applied.")
    )
    reviewers_per_application = models.PositiveSmallIntegerField(_("reviewers per application"), default=3)
    # Flag an application whose reviewers' totals (on 100) differ by more than this.
    spread_threshold = models.DecimalField(
        _("spread flagged above (points on 100)"), max_digits=5, decimal_places=2, default=Decimal("20")
    )
    # The minimum weighted total (on 100) for an application to be ranked as fundable.
    pass_mark = models.DecimalField(
        _("pass mark (on 100)"), max_digits=5, decimal_places=2, default=Decimal("50")
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewers"), related_name="calls_to_review", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("call for proposals")
        verbose_name_plural = _("calls for proposals")
        ordering = ["-opens_at", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="call_window"
            ),
            models.CheckConstraint(
                condition=models.Q(max_grant__gte=models.F("min_grant")), name="call_grant_range"
            ),
        ]

    @property
    def stages(self) -> tuple[str, ...]:
        if self.procedure == self.Procedure.RESTRICTED:
            return (Stage.CONCEPT, Stage.FULL)
        return (Stage.FULL,)


class Lot(MultilingualName):
    """A share of a call's budget, for a region or a target group."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="lots")
    code = models.CharField(_("code"), max_length=20)
    budget = models.DecimalField(_("budget"), **MONEY)
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territory"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_group = models.CharField(_("target group"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["call", "code"]
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="one_lot_code_per_call")]


class EligibilityCriterion(MultilingualName):
    """A yes/no screening question; `name_*` is the question in each language."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="eligibility_criteria")
    position = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(_("checked at"), max_length=8, choices=Stage.choices, default=Stage.CONCEPT)

    class Meta:
        verbose_name = _("eligibility criterion")
        verbose_name_plural = _("eligibility criteria")
        ordering = ["call", "position", "id"]


class GridSection(MultilingualName):
    """A section of the evaluation grid of one stage, with its threshold (points out of its maximum)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="grid_sections")
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices, default=Stage.FULL)
    position = models.PositiveSmallIntegerField(default=0)
    threshold = models.DecimalField(
        _("threshold (points)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Below this many points in the section, the application is not ranked as fundable."),
    )

    class Meta:
        verbose_name = _("grid section")
        verbose_name_plural = _("grid sections")
        ordering = ["call", "stage", "position", "id"]


class GridCriterion(MultilingualName):
    """A criterion scored 1–5; its points are the score times its weight (PRAG: weight 1 or 2)."""

    SCALE = (1, 2, 3, 4, 5)
    COMMENT_REQUIRED = (1, 2, 5)  # a reviewer justifies the extremes

    section = models.ForeignKey(GridSection, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=0)
    weight = models.DecimalField(_("weight"), max_digits=4, decimal_places=2, default=Decimal("1"))
    # What each score means: {"1": {"fr": …, "ar": …, "en": …}, …, "5": …}.
    descriptors = models.JSONField(_("descriptors"), default=dict, blank=True)

    class Meta:
        verbose_name = _("grid criterion")
        verbose_name_plural = _("grid criteria")
        ordering = ["section", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="criterion_weight_positive")
        ]

    @property
    def max_points(self) -> Decimal:
        return self.weight * 5
