"""Grant agreements and the money: tranches released when their condition holds, payments, grantee
reports (narrative and financial, with expenditure per budget line and indicator values), beneficiaries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kafaat.grants.models.applications import Application, BudgetLine
from kafaat.grants.models.calls import MONEY


class Agreement(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("agreement status", "Being prepared")
        SIGNED = "signed", pgettext_lazy("agreement status", "Signed")
        CLOSED = "closed", pgettext_lazy("agreement status", "Closed")
        TERMINATED = "terminated", pgettext_lazy("agreement status", "Terminated")

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="agreement")
    reference = models.CharField(_("reference"), max_length=30, unique=True)
    amount = models.DecimalField(_("grant amount"), **MONEY)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("grant agreement")
        verbose_name_plural = _("grant agreements")
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")), name="agreement_period"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="agreement_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.application.organisation}"


class Report(models.Model):
    """A report the grantee owes on a schedule: narrative and financial, interim or final."""

    class Kind(models.TextChoices):
        INTERIM = "interim", _("Interim report")
        FINAL = "final", _("Final report")

    class Status(models.TextChoices):
        DUE = "due", pgettext_lazy("report status", "Due")
        SUBMITTED = "submitted", pgettext_lazy("report status", "Submitted")
        ACCEPTED = "accepted", pgettext_lazy("report status", "Accepted")
        RETURNED = "returned", pgettext_lazy("report status", "Returned for changes")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    period_end = models.DateField(_("period ends"))
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DUE)
    narrative = models.TextField(_("narrative"), blank=True)
    file = models.FileField(_("file"), upload_to="grants/reports/%Y/", blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_note = models.TextField(_("review note"), blank=True)
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)

    class Meta:
        verbose_name = _("grantee report")
        verbose_name_plural = _("grantee reports")
        ordering = ["agreement", "due_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "kind", "number"], name="one_report_number")
        ]

    def __str__(self) -> str:
        return f"{self.agreement.reference} — {self.get_kind_display()} {self.number}"


class Expenditure(models.Model):
    """What a report declares spent on one budget line (the budget against actual, per line)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="expenditures")
    budget_line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="expenditures")
    amount = models.DecimalField(_("amount spent"), **MONEY)

    class Meta:
        verbose_name = _("expenditure")
        verbose_name_plural = _("expenditures")
        constraints = [
            models.UniqueConstraint(fields=["report", "budget_line"], name="one_expenditure_per_line"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="expenditure_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.budget_line} — {self.amount}"


class ReportedValue(models.Model):
    """An indicator value a grantee reports for the report's period; accepted, it feeds the results."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey("results.Indicator", on_delete=models.PROTECT, related_name="grant_values")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    women = models.PositiveIntegerField(_("of whom women"), null=True, blank=True)

    class Meta:
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="one_value_per_indicator")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} = {self.value}"


class Tranche(models.Model):
    """A share of the grant, released only when its condition holds."""

    class Condition(models.TextChoices):
        SIGNATURE = "signature", _("Agreement signed")
        REPORT_ACCEPTED = "report_accepted", _("Report accepted")
        EXPENDITURE = "expenditure", _("Expenditure justified")

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("tranche status", "Planned")
        RELEASED = "released", pgettext_lazy("tranche status", "Released")
        PAID = "paid", pgettext_lazy("tranche status", "Paid")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="tranches")
    number = models.PositiveSmallIntegerField(_("number"))
    share = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2)
    amount = models.DecimalField(_("amount"), **MONEY)
    condition = models.CharField(_("condition"), max_length=16, choices=Condition.choices)
    report = models.ForeignKey(
        Report,
        verbose_name=_("report to be accepted"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tranches",
    )
    # EXPENDITURE: the share of the tranches already paid that accepted reports must justify (0 to 100).
    expenditure_share = models.DecimalField(
        _("expenditure justified (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="one_tranche_number"),
            models.CheckConstraint(condition=models.Q(share__gt=0, share__lte=100), name="tranche_share"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement.reference} — {self.number} ({self.share} %)"


class Payment(models.Model):
    tranche = models.ForeignKey(Tranche, on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount"), **MONEY)
    reference = models.CharField(_("payment reference"), max_length=60)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["tranche", "paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.paid_on})"


class Beneficiary(models.Model):
    """A person of the registry served under a grant (registered by the grantee with consent)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="beneficiaries")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="grants")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("grant beneficiary")
        verbose_name_plural = _("grant beneficiaries")
        constraints = [models.UniqueConstraint(fields=["agreement", "person"], name="one_beneficiary_row")]

    def __str__(self) -> str:
        return f"{self.agreement.reference} — {self.person_id}"
