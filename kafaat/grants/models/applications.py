"""Applications: what an applicant organisation proposes (target groups, partners, logframe contribution,
structured budget, documents), screened for eligibility and moved along its call's procedure."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kafaat.core.models import Organisation, Territory
from kafaat.grants.models.calls import MONEY, Call, EligibilityCriterion, Lot, Stage

CENT = Decimal("0.01")


class Application(models.Model):
    """One applicant's proposal to one lot of a call. `status` is a state of the call's procedure
    (grants/workflows.py); the applicant sees its public name only."""

    class Language(models.TextChoices):
        FR = "fr", "Français"
        AR = "ar", "العربية"
        EN = "en", "English"

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    lot = models.ForeignKey(Lot, verbose_name=_("lot"), on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="grant_applications"
    )
    reference = models.CharField(_("reference"), max_length=30, unique=True)
    status = models.CharField(_("status"), max_length=30, db_index=True)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("project summary"), blank=True)
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    duration_months = models.PositiveSmallIntegerField(_("duration (months)"), null=True, blank=True)
    language = models.CharField(
        _("language of correspondence"), max_length=2, choices=Language.choices, default=Language.FR
    )
    # Partners: other organisations (often GTR members); a reviewer from any of them is excluded.
    partners = models.ManyToManyField(Organisation, verbose_name=_("partners"), related_name="+", blank=True)
    # Kept in step with the budget lines by the services (the ranking and lists read them without a join).
    total_cost = models.DecimalField(_("total cost"), default=0, **MONEY)
    requested_amount = models.DecimalField(_("amount requested"), default=0, **MONEY)
    concept_submitted_at = models.DateTimeField(_("concept note submitted at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["call", "reference"]
        indexes = [models.Index(fields=["call", "lot", "status"], name="application_call_lot_status")]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    @property
    def cofinancing(self):
        return self.total_cost - self.requested_amount


class Transition(models.Model):
    """Each move of an application along its procedure: who, when, from which state, why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="transitions")
    name = models.CharField(max_length=40)
    source = models.CharField(max_length=30)
    target = models.CharField(max_length=30)
    note = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.source} → {self.target}"


class TargetGroup(models.Model):
    """The people an application will reach, by sex, for one vulnerability group."""

    class Group(models.TextChoices):
        NEET_YOUTH = "neet_youth", _("Young people not in employment, education or training")
        WOMEN = "women", _("Women far from employment")
        MIGRANTS = "migrants", _("Migrants and refugees")
        DISABILITY = "disability", _("People with disabilities")
        RURAL = "rural", _("Rural people")
        LONG_UNEMPLOYED = "long_unemployed", _("Long-term unemployed")
        OTHER = "other", _("Other")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="target_groups")
    group = models.CharField(_("group"), max_length=20, choices=Group.choices)
    women = models.PositiveIntegerField(_("women"), default=0)
    men = models.PositiveIntegerField(_("men"), default=0)

    class Meta:
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        ordering = ["application", "group"]
        constraints = [
            models.UniqueConstraint(fields=["application", "group"], name="one_row_per_target_group")
        ]

    def __str__(self) -> str:
        return f"{self.get_group_display()}: {self.women} + {self.men}"


class IndicatorContribution(models.Model):
    """An indicator of the programme's results framework the project will contribute to, with its target."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="contributions")
    indicator = models.ForeignKey(
        "results.Indicator",
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="grant_contributions",
    )
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("contribution to an indicator")
        verbose_name_plural = _("contributions to indicators")
        ordering = ["application", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "indicator"], name="one_contribution_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} → {self.target}"


class BudgetLine(models.Model):
    """A line of the structured budget: quantity × unit cost, of which the applicant's co-financing."""

    class Category(models.TextChoices):
        STAFF = "staff", _("Human resources")
        TRAVEL = "travel", _("Travel and subsistence")
        EQUIPMENT = "equipment", _("Equipment and supplies")
        TRAINING = "training", _("Training costs")
        SERVICES = "services", _("Services and subcontracting")
        OTHER = "other", _("Other costs")
        INDIRECT = "indirect", _("Indirect costs")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    position = models.PositiveSmallIntegerField(default=0)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    description = models.CharField(_("description"), max_length=300)
    unit = models.CharField(_("unit"), max_length=40)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit_cost = models.DecimalField(_("unit cost"), **MONEY)
    cofinancing = models.DecimalField(_("of which co-financing"), default=0, **MONEY)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["application", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="budget_quantity_not_negative"),
            models.CheckConstraint(
                condition=models.Q(unit_cost__gte=0), name="budget_unit_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(cofinancing__gte=0), name="budget_cofinancing_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def total(self):
        return (self.quantity * self.unit_cost).quantize(CENT)


class Document(models.Model):
    """A file an applicant attaches; the supporting documents are checked at the provisional selection."""

    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("Proposal or annex")
        STATUTES = "statutes", _("Statutes and registration")
        ACCOUNTS = "accounts", _("Annual accounts")
        PARTNERSHIP = "partnership", _("Partnership statement")
        BANK = "bank", _("Bank identification")
        OTHER = "other", _("Other")

    SUPPORTING = (Kind.STATUTES, Kind.ACCOUNTS, Kind.PARTNERSHIP, Kind.BANK)

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="grants/documents/%Y/")
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    checked = models.BooleanField(_("checked"), null=True, blank=True)  # None: not yet checked
    check_note = models.CharField(_("check note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["application", "kind", "id"]

    def __str__(self) -> str:
        return self.name


class EligibilityCheck(models.Model):
    """Staff's answer to one eligibility criterion for one application, with the reason."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="eligibility_checks")
    criterion = models.ForeignKey(EligibilityCriterion, on_delete=models.CASCADE, related_name="checks")
    passed = models.BooleanField(_("met"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("eligibility check")
        verbose_name_plural = _("eligibility checks")
        constraints = [
            models.UniqueConstraint(fields=["application", "criterion"], name="one_check_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.passed}"


class Decision(models.Model):
    """The evaluation committee's decision on an application at one stage, with its reason; letters follow."""

    class Outcome(models.TextChoices):
        SHORTLISTED = "shortlisted", _("Shortlisted for a full application")
        AWARDED = "awarded", _("Awarded")
        RESERVE = "reserve", _("Reserve list")
        REJECTED = "rejected", _("Not retained")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="decisions")
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices)
    outcome = models.CharField(_("decision"), max_length=12, choices=Outcome.choices)
    reason = models.TextField(_("reason"))
    amount = models.DecimalField(_("amount awarded"), null=True, blank=True, **MONEY)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    letter_sent_at = models.DateTimeField(_("letter sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["application", "decided_at"]
        constraints = [
            models.UniqueConstraint(fields=["application", "stage"], name="one_decision_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.application} — {self.get_outcome_display()}"
