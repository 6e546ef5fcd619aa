"""Labour demand: occupations (ISCO-08) and sectors (ISIC Rev.4), employers, vacancies, coding decisions, and
employer-needs surveys with their responses.

Employers and vacancies are not personal data: they belong to the organisation that entered them (which alone
may change them) and are read by members whose territory holds them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kafaat.core.fields import NameField
from kafaat.core.l10n.names import name_in
from kafaat.core.models import Organisation, Territory


class _Labelled(models.Model):
    """A classification entry with labels in English, French and Arabic; where the reader's is missing,
    another (kafaat.core.l10n.names: Arabic falls back to French, then English)."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    label_en = models.CharField(_("label (English)"), max_length=300)
    label_fr = models.CharField(_("label (French)"), max_length=300, blank=True)
    label_ar = models.CharField(_("label (Arabic)"), max_length=300, blank=True)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        return name_in(self)[0]


class Occupation(_Labelled):
    """An ISCO-08 group at any level: 1 major, 2 sub-major, 3 minor, 4 unit group."""

    level = models.PositiveSmallIntegerField(_("level"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta(_Labelled.Meta):
        verbose_name = _("occupation (ISCO-08)")
        verbose_name_plural = _("occupations (ISCO-08)")

    @property
    def sub_major(self) -> str:
        return self.code[:2]


class Sector(_Labelled):
    """An ISIC Rev.4 section (letter) or division (two digits)."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta(_Labelled.Meta):
        verbose_name = _("sector (ISIC Rev.4)")
        verbose_name_plural = _("sectors (ISIC Rev.4)")

    @property
    def section(self) -> str:
        return self.code if self.parent_id is None else self.parent.code


class SizeBand(models.TextChoices):
    MICRO = "micro", _("Micro (1–9 employees)")
    SMALL = "small", _("Small (10–49)")
    MEDIUM = "medium", _("Medium (50–249)")
    LARGE = "large", _("Large (250 or more)")


class Employer(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    name = NameField(_("name"), max_length=200)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)  # folded, for matching
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), on_delete=models.PROTECT, related_name="+"
    )
    size = models.CharField(_("size"), max_length=10, choices=SizeBand.choices, blank=True)
    ice = models.CharField(_("ICE (company identifier)"), max_length=20, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name_key", "territory"], name="unique_employer")
        ]

    def __str__(self) -> str:
        return self.name


class ContractType(models.TextChoices):
    CDI = "cdi", _("Permanent (CDI)")
    CDD = "cdd", _("Fixed-term (CDD)")
    ANAPEC = "anapec", _("Integration contract (ANAPEC / Idmaj)")
    INTERIM = "interim", _("Temporary agency work")
    SEASONAL = "seasonal", _("Seasonal")
    INTERNSHIP = "internship", _("Internship")
    FREELANCE = "freelance", _("Freelance / service contract")
    OTHER = "other", _("Other")


class RequiredLevel(models.TextChoices):
    NONE = "none", _("No requirement")
    PRIMARY = "primary", _("Primary school")
    SECONDARY = "secondary", _("Secondary school")
    BACCALAUREATE = "baccalaureate", _("Baccalaureate")
    QUALIFICATION = "qualification", _("Vocational qualification (qualification, CAP)")
    TECHNICIAN = "technician", _("Technician or specialised technician (T, TS)")
    HIGHER = "higher", _("Higher education (licence, master, engineer)")


class Source(models.TextChoices):
    AGENCY = "agency", _("Employment agency (ANAPEC…)")
    JOB_BOARD = "job_board", _("Job board")
    EMPLOYER = "employer", _("Employer directly")
    SURVEY = "survey", _("Survey")
    OTHER = "other", _("Other")


class CodingStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested, to review")
    CONFIRMED = "confirmed", _("Confirmed")
    UNCODED = "uncoded", _("Not coded")


class Vacancy(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="vacancies"
    )
    title = models.CharField(_("job title"), max_length=200)
    title_key = models.CharField(max_length=200, editable=False)  # normalised, for duplicates and coding
    description = models.TextField(_("description"), blank=True)
    occupation = models.ForeignKey(
        Occupation,
        verbose_name=_("occupation (ISCO-08)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    coding_status = models.CharField(
        _("occupation coding"), max_length=10, choices=CodingStatus.choices, default=CodingStatus.UNCODED
    )
    coding_score = models.FloatField(null=True, blank=True)
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), on_delete=models.PROTECT, related_name="+"
    )
    positions = models.PositiveIntegerField(_("positions"), default=1)
    contract_type = models.CharField(_("contract"), max_length=12, choices=ContractType.choices, blank=True)
    required_level = models.CharField(
        _("required level"), max_length=15, choices=RequiredLevel.choices, blank=True
    )
    posted_on = models.DateField(_("posting date"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.OTHER)
    source_name = models.CharField(_("source name"), max_length=100, blank=True)
    external_id = models.CharField(_("external id"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("vacancy")
        verbose_name_plural = _("vacancies")
        ordering = ["-posted_on", "-id"]
        indexes = [
            models.Index(fields=["employer", "title_key", "posted_on"]),
            models.Index(fields=["coding_status", "organisation"]),
            models.Index(fields=["posted_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~models.Q(external_id=""),
                name="unique_vacancy_external_id",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} · {self.employer}"


class CodingDecision(models.Model):
    """A title a user coded by hand (confirming or correcting a suggestion): suggestions learn from it."""

    title = models.CharField(max_length=200)
    title_key = models.CharField(max_length=200, db_index=True)
    occupation = models.ForeignKey(Occupation, on_delete=models.PROTECT, related_name="+")
    suggested = models.ForeignKey(
        Occupation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("occupation coding decision")
        verbose_name_plural = _("occupation coding decisions")
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} → {self.occupation.code}"

    @property
    def corrected(self) -> bool:
        return self.suggested_id != self.occupation_id


from kafaat.labour.survey_models import HardToFillReason, HiringIntention, Survey, SurveyNeed, SurveyResponse  # noqa: E402, F401, I001
