"""Forms of the training pages: filters, establishment and programme edits, the supply import, mappings."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kafaat.core import access
from kafaat.core.imports.forms import SpreadsheetUploadForm, offer_organisations
from kafaat.core.models import Organisation, Territory
from kafaat.training import isco
from kafaat.training.access_rules import CHANGE_ESTABLISHMENT
from kafaat.training.models import Establishment, OperatorType, Programme, Sector


class TerritoryField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Territory) -> str:
        return obj.name


class EstablishmentFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    region = TerritoryField(
        Territory.objects.filter(level=Territory.Level.REGION),
        label=_("Region"),
        required=False,
        to_field_name="code",
        empty_label=_("All regions"),
    )
    province = TerritoryField(
        Territory.objects.filter(level=Territory.Level.PROVINCE),
        label=_("Province"),
        required=False,
        to_field_name="code",
        empty_label=_("All provinces"),
    )
    sector = forms.ModelChoiceField(
        Sector.objects.all(),
        label=_("Sector"),
        required=False,
        to_field_name="code",
        empty_label=_("All sectors"),
    )
    operator_type = forms.ChoiceField(
        label=_("Operator"), required=False, choices=[("", _("All operators")), *OperatorType.choices]
    )

    def territory_code(self) -> str | None:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        place = data.get("province") or data.get("region")
        return place.code if place else None


class EstablishmentForm(forms.ModelForm):
    territory = TerritoryField(
        Territory.objects.exclude(level=Territory.Level.REGION), label=_("Territory"), to_field_name="code"
    )
    sectors = forms.ModelMultipleChoiceField(
        Sector.objects.all(), label=_("Sectors"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Establishment
        fields = ["code", "name_fr", "name_ar", "name_en", "operator_type", "operator", "organisation",
                  "territory", "capacity", "is_active"]  # fmt: skip

    def __init__(self, user, *args, operators=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Provinces and prefectures only: 1,500 communes make a select too long for a slow link.
        self.fields["territory"].queryset = Territory.objects.filter(level=Territory.Level.PROVINCE)
        if self.instance.pk:
            for name in ("code", "operator", "organisation"):
                del self.fields[name]
            self.initial["sectors"] = list(self.instance.sectors.all())
        else:
            self.fields["operator"].queryset = (
                operators if operators is not None else Organisation.objects.none()
            )
            self.fields["organisation"].queryset = Organisation.objects.filter(
                is_active=True, type=Organisation.Type.TRAINING_PROVIDER
            )
        self.fields["name_ar"].widget.attrs["dir"] = "rtl"


class ProgrammeForm(forms.ModelForm):
    isco_codes = forms.CharField(
        label=_("Target occupations (ISCO-08)"),
        required=False,
        help_text=_("4-digit unit groups, separated by commas: 7411, 7412."),
    )

    class Meta:
        model = Programme
        fields = ["code", "title_fr", "title_ar", "title_en", "sector", "level", "mode", "duration_months",
                  "is_active"]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["code"]
            self.initial["isco_codes"] = ", ".join(self.instance.isco_codes)
        self.fields["title_ar"].widget.attrs["dir"] = "rtl"

    def clean_isco_codes(self) -> list[str]:
        try:
            return isco.parse_codes(self.cleaned_data["isco_codes"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


class SupplyUploadForm(SpreadsheetUploadForm):
    organisation = forms.ModelChoiceField(Organisation.objects.none(), label=_("Organisation"))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_organisations(self, access.organisations_where(user, CHANGE_ESTABLISHMENT))


class MappingForm(forms.Form):
    label = forms.CharField(max_length=200, widget=forms.HiddenInput)
    programme = forms.ModelChoiceField(Programme.objects.none(), label=_("Programme"))

    def __init__(self, programmes, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
