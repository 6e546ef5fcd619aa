"""Forms of the funding pages: the agreement (with its schedules written compactly), the signature, a
payment, the officer's review of a report, a beneficiary."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kafaat.grants.models import Tranche
from kafaat.grants.services.agreements import Schedule, TrancheSpec

_DAY = forms.DateInput(attrs={"type": "date"})
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0.01")}
REPORT_DAYS = 30  # a report is due a month after its period ends
FINAL_DAYS = 60
JUSTIFIED = Decimal("70")  # a last tranche without a report waits for 70 % of the paid tranches justified


class AgreementForm(forms.Form):
    reference = forms.CharField(label=_("reference"), max_length=30)
    amount = forms.DecimalField(label=_("grant amount (MAD)"), **MONEY)
    start_date = forms.DateField(label=_("start date"), widget=_DAY)
    end_date = forms.DateField(label=_("end date"), widget=_DAY)
    shares = forms.CharField(
        label=_("tranches (shares in %)"),
        initial="40/40/20",
        max_length=60,
        help_text=_(
            "The first tranche is paid on signature; each next one once the matching interim report "
            "is accepted; a last tranche without a report once 70 per cent of the paid tranches are "
            "justified by accepted reports."
        ),
    )
    interim_reports = forms.CharField(
        label=_("interim reports: periods ending on"),
        required=False,
        max_length=200,
        help_text=_(
            "Dates (YYYY-MM-DD) separated by commas; each report is due 30 days after its period "
            "ends, the final report 60 days after the agreement ends."
        ),
    )

    def clean_shares(self) -> list[Decimal]:
        try:
            shares = [
                Decimal(part.strip().replace(",", ".")) for part in self.cleaned_data["shares"].split("/")
            ]
        except InvalidOperation:
            raise ValidationError(
                _("Write the shares as numbers separated by a slash, e.g. 40/40/20.")
            ) from None
        if any(not s.is_finite() or s <= 0 for s in shares):
            raise ValidationError(_("Write the shares as numbers separated by a slash, e.g. 40/40/20."))
        return shares

    def clean_interim_reports(self) -> list[date]:
        raw = [part.strip() for part in self.cleaned_data["interim_reports"].split(",") if part.strip()]
        try:
            return sorted(date.fromisoformat(part) for part in raw)
        except ValueError:
            raise ValidationError(_("Write the dates as YYYY-MM-DD, separated by commas.")) from None

    def schedules(self) -> tuple[list[TrancheSpec], Schedule]:
        data = self.cleaned_data
        interims = data["interim_reports"]
        tranches = []
        for number, share in enumerate(data["shares"], start=1):
            if number == 1:
                tranches.append(TrancheSpec(share, Tranche.Condition.SIGNATURE))
            elif number - 1 <= len(interims):
                tranches.append(TrancheSpec(share, Tranche.Condition.REPORT_ACCEPTED, report=number - 1))
            else:
                tranches.append(
                    TrancheSpec(share, Tranche.Condition.EXPENDITURE, expenditure_share=JUSTIFIED)
                )
        schedule = Schedule(
            [(end, end + timedelta(days=REPORT_DAYS)) for end in interims],
            (data["end_date"], data["end_date"] + timedelta(days=FINAL_DAYS)),
        )
        return tranches, schedule


class SignForm(forms.Form):
    signed_on = forms.DateField(label=_("signed on"), widget=_DAY)


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("paid on"), widget=_DAY)
    amount = forms.DecimalField(label=_("amount (MAD)"), **MONEY)
    reference = forms.CharField(label=_("payment reference"), max_length=60)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[("accept", _("Accept the report")), ("return", _("Return it for changes"))],
    )
    note = forms.CharField(
        label=_("note to the grantee"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BeneficiaryForm(forms.Form):
    person = forms.ModelChoiceField(None, label=_("person"), widget=forms.Select(attrs={"translate": "no"}))

    def __init__(self, people, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["person"].label_from_instance = lambda p: " · ".join(
            n
            for n in (
                f"{p.first_name_latin} {p.last_name_latin}".strip(),
                f"{p.first_name_ar} {p.last_name_ar}".strip(),
            )
            if n
        )
