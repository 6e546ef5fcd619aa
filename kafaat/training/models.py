"""Training supply: establishments, their programmes (filières), and supply statistics per programme and year.

A training year is named by the year it starts in September: 2024 is the year 2024-2025, as ministries and
OFPPT publish their tables. Statistics come from two sources kept side by side: the tables a ministry or OFPPT
publishes (imported) and Kafaat's own enrolment and certification steps (derived, docs/decisions/0004).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kafaat.core.models import MultilingualName, Organisation, Territory


class OperatorType(models.TextChoices):
    OFPPT = "ofppt", _("Public — OFPPT")
    MINISTRY = "ministry", _("Public — ministry department")
    AGRICULTURE = "agriculture", _("Sectoral department — agriculture")
    TOURISM = "tourism", _("Sectoral department — tourism")
    HANDICRAFT = "handicraft", _("Sectoral department — handicraft")
    FISHERIES = "fisheries", _("Sectoral department — maritime fisheries")
    PRIVATE = "private", _("Private")


class Level(models.TextChoices):
    SPECIALISATION = "specialisation", _("Specialisation")
    QUALIFICATION = "qualification", _("Qualification")
    TECHNICIAN = "technicien", _("Technician")
    SPECIALISED_TECHNICIAN = "technicien_specialise", _("Specialised technician")


class Mode(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential")
    ALTERNANCE = "alternance", _("Alternance (dual)")
    APPRENTICESHIP = "apprenticeship", _("Apprenticeship")


class Source(models.TextChoices):
    PUBLISHED = "published", _("Published table (imported)")
    KAFAAT = "kafaat", _("Kafaat records (derived)")


class AgeBand(models.TextChoices):
    ALL = "", _("All ages")
    UNDER_18 = "15-17", _("15 to 17")
    FROM_18_TO_24 = "18-24", _("18 to 24")
    FROM_25_TO_34 = "25-34", _("25 to 34")
    FROM_35 = "35+", _("35 and over")


class Sector(MultilingualName):
    """A training sector as Moroccan vocational training groups its programmes (reference data)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("training sector")
        verbose_name_plural = _("training sectors")
        ordering = ["name_fr"]


class Establishment(MultilingualName):
    """A training establishment (ISTA, ITA, CQP, a private school): where programmes are delivered."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    operator_type = models.CharField(_("kind of operator"), max_length=20, choices=OperatorType.choices)
    operator = models.ForeignKey(
        Organisation,
        verbose_name=_("operator"),
        on_delete=models.PROTECT,
        related_name="operated_establishments",
    )
    # The establishment's own organisation in Kafaat, whose establishment managers edit it; empty when its
    # staff do not use Kafaat.
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("establishment's organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="establishments",
    )
    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), on_delete=models.PROTECT, related_name="+"
    )
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), related_name="establishments")
    capacity = models.PositiveIntegerField(_("capacity (trainees)"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("establishment")
        verbose_name_plural = _("establishments")
        ordering = ["name_fr"]


class Programme(models.Model):
    """A programme (filière) delivered by one establishment."""

    establishment = models.ForeignKey(
        Establishment, verbose_name=_("establishment"), on_delete=models.CASCADE, related_name="programmes"
    )
    code = models.CharField(_("code"), max_length=40)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_ar = models.CharField(_("title (Arabic)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("level"), max_length=30, choices=Level.choices)
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.RESIDENTIAL)
    duration_months = models.PositiveSmallIntegerField(_("duration (months)"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["title_fr", "id"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "code"], name="unique_programme_code"),
        ]
        indexes = [models.Index(fields=["sector", "level"])]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        language = (get_language() or "fr")[:2]
        return getattr(self, f"title_{language}", "") or self.title_fr

    @property
    def isco_codes(self) -> list[str]:
        return [occupation.isco_code for occupation in self.occupations.all()]


class ProgrammeOccupation(models.Model):
    """An occupation a programme prepares for, as an ISCO-08 unit group (4 digits)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="occupations")
    isco_code = models.CharField(_("ISCO-08 code"), max_length=4)

    class Meta:
        ordering = ["isco_code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "isco_code"], name="unique_programme_occupation"),
        ]
        indexes = [models.Index(fields=["isco_code"])]

    def __str__(self) -> str:
        return self.isco_code


class SupplyStatistic(models.Model):
    """One programme's figures for one training year, from one source, for all ages or one age band.

    Totals with the women among them ("dont filles"), as ministries publish; empty means not known.
    """

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="statistics"
    )
    year = models.PositiveSmallIntegerField(_("training year"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices, blank=True)
    seats = models.PositiveIntegerField(_("seats"), null=True, blank=True)
    applicants = models.PositiveIntegerField(_("applicants"), null=True, blank=True)
    applicants_women = models.PositiveIntegerField(_("applicants: women"), null=True, blank=True)
    enrolled = models.PositiveIntegerField(_("enrolled"), null=True, blank=True)
    enrolled_women = models.PositiveIntegerField(_("enrolled: women"), null=True, blank=True)
    graduates = models.PositiveIntegerField(_("graduates"), null=True, blank=True)
    graduates_women = models.PositiveIntegerField(_("graduates: women"), null=True, blank=True)
    imported_by = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    MEASURES = (
        "seats", "applicants", "applicants_women", "enrolled", "enrolled_women", "graduates",
        "graduates_women",
    )  # fmt: skip

    class Meta:
        verbose_name = _("supply statistic")
        verbose_name_plural = _("supply statistics")
        ordering = ["-year", "source", "age_band"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year", "source", "age_band"], name="one_statistic_per_programme_year"
            ),
            models.CheckConstraint(
                condition=Q(graduates__isnull=True)
                | Q(enrolled__isnull=True)
                | Q(graduates__lte=models.F("enrolled")),
                name="graduates_within_enrolled",
            ),
            models.CheckConstraint(
                condition=Q(enrolled_women__isnull=True)
                | Q(enrolled__isnull=True)
                | Q(enrolled_women__lte=models.F("enrolled")),
                name="enrolled_women_within_total",
            ),
        ]
        indexes = [models.Index(fields=["year", "source"])]

    def __str__(self) -> str:
        return f"{self.programme_id} · {self.year} · {self.source}"

    def values(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in self.MEASURES}


class ProgrammeMapping(models.Model):
    """How one organisation's pathway steps name a programme: the step's free text → a training programme."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    label = models.CharField(_("programme as written in the steps"), max_length=200)
    label_key = models.CharField(max_length=200, editable=False)  # `services.label_key(label)`
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="mappings"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("programme mapping")
        verbose_name_plural = _("programme mappings")
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "label_key"], name="one_mapping_per_label"),
        ]

    def __str__(self) -> str:
        return f"{self.label} → {self.programme_id}"
