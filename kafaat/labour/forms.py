"""Forms of the labour pages: filters, employer and vacancy entry, import upload, coding, survey response."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kafaat.core import access
from kafaat.core.imports.forms import SpreadsheetUploadForm
from kafaat.core.models import Organisation, Territory
from kafaat.labour.access_rules import CHANGE_LABOUR
from kafaat.labour.models import (
    CodingStatus,
    ContractType,
    HardToFillReason,
    HiringIntention,
    Occupation,
    RequiredLevel,
    Sector,
    SizeBand,
    Source,
)


class LabelledChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.code} — {obj.label}"


def _provinces():
    return Territory.objects.filter(level=Territory.Level.PROVINCE).order_by("name_fr")


def _sectors():
    return Sector.objects.select_related("parent").order_by("code")


class _ActingFor(forms.Form):
    """The organisation the user enters records for; hidden when they have only one."""

    organisation = forms.ModelChoiceField(
        Organisation.objects.none(), label=gettext_lazy("Organisation"), required=False
    )  # empty: the user's only organisation (services.organisation_for)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = access.organisations_where(user, CHANGE_LABOUR)
        self.fields["organisation"].queryset = organisations
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()
            self.fields["organisation"].widget = forms.HiddenInput()


class VacancyFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False)
    occupation = forms.ChoiceField(label=gettext_lazy("Occupation (ISCO sub-major group)"), required=False)
    sector = forms.ChoiceField(label=gettext_lazy("Sector (ISIC section)"), required=False)
    territory = forms.ModelChoiceField(
        Territory.objects.none(), label=gettext_lazy("Province"), required=False, to_field_name="code"
    )
    contract_type = forms.ChoiceField(
        label=gettext_lazy("Contract"),
        required=False,
        choices=[("", gettext_lazy("All contracts")), *ContractType.choices],
    )
    coding_status = forms.ChoiceField(
        label=gettext_lazy("Occupation coding"),
        required=False,
        choices=[("", gettext_lazy("Any")), *CodingStatus.choices],
    )
    posted_from = forms.DateField(
        label=gettext_lazy("Posted from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = _provinces()
        self.fields["territory"].empty_label = _("All provinces")
        groups = Occupation.objects.filter(level=2)
        self.fields["occupation"].choices = [("", _("All occupations"))] + [
            (o.code, f"{o.code} {o.label}") for o in groups
        ]
        sections = Sector.objects.filter(parent=None)
        self.fields["sector"].choices = [("", _("All sectors"))] + [
            (s.code, f"{s.code} {s.label}") for s in sections
        ]


class EmployerForm(_ActingFor):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    sector = LabelledChoice(_sectors(), label=gettext_lazy("Sector (ISIC Rev.4)"), required=False)
    territory = forms.ModelChoiceField(_provinces(), label=gettext_lazy("Province"))
    size = forms.ChoiceField(
        label=gettext_lazy("Size"), required=False, choices=[("", "—"), *SizeBand.choices]
    )
    ice = forms.CharField(label=gettext_lazy("ICE (company identifier)"), max_length=20, required=False)

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["sector"].queryset = _sectors()
        self.fields["territory"].queryset = _provinces()


class VacancyForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Job title"), max_length=200)
    description = forms.CharField(label=gettext_lazy("Description"), required=False, widget=forms.Textarea)
    positions = forms.IntegerField(label=gettext_lazy("Positions"), min_value=1, max_value=10_000, initial=1)
    contract_type = forms.ChoiceField(
        label=gettext_lazy("Contract"), required=False, choices=[("", "—"), *ContractType.choices]
    )
    required_level = forms.ChoiceField(
        label=gettext_lazy("Required level"), required=False, choices=[("", "—"), *RequiredLevel.choices]
    )
    posted_on = forms.DateField(
        label=gettext_lazy("Posting date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    source = forms.ChoiceField(label=gettext_lazy("Source"), choices=Source.choices, initial=Source.EMPLOYER)


class ImportForm(SpreadsheetUploadForm, _ActingFor):  # this order keeps the organisation first
    good_rows_only = forms.BooleanField(
        required=False,
        label=gettext_lazy("Import only the good rows"),
        help_text=gettext_lazy("Otherwise nothing is imported while any row has an error."),
    )


class CodingForm(forms.Form):
    occupation = forms.CharField(label=gettext_lazy("ISCO-08 code"), min_length=4, max_length=4)


class ResponseForm(forms.Form):
    # Employers' names are data (as their owners write them): not to be translated.
    employer = forms.ModelChoiceField(
        None, label=gettext_lazy("Employer"), widget=forms.Select(attrs={"translate": "no"})
    )
    answered_on = forms.DateField(
        label=gettext_lazy("Answered on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    hiring_intention = forms.ChoiceField(
        label=gettext_lazy("Hiring in the next 12 months"), choices=HiringIntention.choices
    )
    planned_hires = forms.IntegerField(
        label=gettext_lazy("Planned hires (12 months)"), min_value=0, initial=0
    )
    comment = forms.CharField(label=gettext_lazy("Comment"), required=False, widget=forms.Textarea)

    def __init__(self, employers, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers


class NeedForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Job title"), max_length=200, required=False)
    occupation = forms.CharField(label=gettext_lazy("ISCO-08 code"), max_length=4, required=False)
    positions = forms.IntegerField(label=gettext_lazy("Positions"), min_value=1, max_value=10_000, initial=1)
    skills = forms.CharField(label=gettext_lazy("Skills needed"), required=False)
    hard_to_fill = forms.BooleanField(label=gettext_lazy("Hard to fill"), required=False)
    reasons = forms.MultipleChoiceField(
        label=gettext_lazy("Why"),
        required=False,
        choices=HardToFillReason.choices,
        widget=forms.CheckboxSelectMultiple,
    )


NeedFormSet = forms.formset_factory(NeedForm, extra=3, max_num=20)
