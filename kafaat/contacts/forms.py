"""Forms of the directory pages: filters, the contact form, the import upload, merge and link."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kafaat.contacts import services
from kafaat.contacts.models import Contact, OrganisationType
from kafaat.core.imports.forms import SpreadsheetUploadForm, offer_organisations
from kafaat.core.models import Organisation, Territory
from kafaat.training.models import Sector

LANGUAGE_CHOICES = [
    ("fr", _("French")),
    ("ar", _("Arabic")),
    ("en", _("English")),
    ("es", _("Spanish")),
    ("amz", _("Tamazight")),
]
LETTER_LANGUAGE_CHOICES = LANGUAGE_CHOICES[:3]  # the model's choices, named in the reader's language
YES_NO = [("", _("All")), ("yes", _("Yes")), ("no", _("No"))]


class TerritoryField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Territory) -> str:
        return obj.name


def _places():
    return Territory.objects.exclude(level=Territory.Level.COMMUNE).order_by("path")


class ContactFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("A name in either script, an e-mail or a phone number."),
    )
    organisation_type = forms.ChoiceField(
        label=_("Organisation type"),
        required=False,
        choices=[("", _("All types")), *OrganisationType.choices],
    )
    sector = forms.ModelChoiceField(
        Sector.objects.all(),
        label=_("Sector"),
        required=False,
        to_field_name="code",
        empty_label=_("All sectors"),
    )
    territory = TerritoryField(
        Territory.objects.filter(level=Territory.Level.REGION),
        label=_("Region"),
        required=False,
        to_field_name="code",
        empty_label=_("All regions"),
    )
    trainer = forms.ChoiceField(label=_("Trainer"), required=False, choices=YES_NO)
    expert = forms.ChoiceField(label=_("Expert"), required=False, choices=YES_NO)

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}

        def flag(value):
            return {"yes": True, "no": False}.get(value or "")

        return {
            "query": data.get("q") or "",
            "organisation_type": data.get("organisation_type") or "",
            "sector": data["sector"].code if data.get("sector") else "",
            "territory_code": data["territory"].code if data.get("territory") else "",
            "trainer": flag(data.get("trainer")),
            "expert": flag(data.get("expert")),
        }


class ContactForm(forms.ModelForm):
    territory = TerritoryField(_places(), label=_("Territory"), to_field_name="code")
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=LANGUAGE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    phone = forms.CharField(label=_("phone"), required=False, max_length=40)
    preferred_language = forms.ChoiceField(label=_("language for letters"), choices=LETTER_LANGUAGE_CHOICES)
    consent_date = forms.DateField(
        label=_("date of consent"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Contact
        fields = (
            *services.NAME_FIELDS,
            "sex",
            "territory",
            "organisation",
            "organisation_name",
            "organisation_type",
            "position",
            "sector",
            "is_trainer",
            "is_expert",
            "home_institution",
            "country",
            "email",
            "phone",
            "languages",
            "preferred_language",
            "consent_to_contact",
            "consent_date",
        )

    def __init__(self, *args, keeping=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(is_active=True).order_by("name_fr")
        self.fields["sector"].queryset = Sector.objects.all()
        if keeping is not None:
            self.fields["managed_by"] = forms.ModelChoiceField(keeping, label=_("kept by"))
            if keeping.count() == 1:
                self.fields["managed_by"].initial = keeping.first()
        for name in services.NAME_FIELDS:
            self.fields[name].widget.attrs["dir"] = "rtl" if name.endswith("_ar") else "ltr"
        self.fields["email"].widget.attrs["dir"] = "ltr"
        self.fields["phone"].widget.attrs["dir"] = "ltr"

    def _post_clean(self):  # the service validates (names, phone, consent), not the model's own full_clean
        pass

    def data_for_service(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "managed_by"}


class ContactUploadForm(SpreadsheetUploadForm):
    organisation = forms.ModelChoiceField(Organisation.objects.none(), label=_("Organisation"))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_organisations(self, services.keeping_organisations(user))


class MergeForm(forms.Form):
    duplicate = forms.IntegerField(label=_("Number of the duplicate entry"), min_value=1, max_value=2**31 - 1)


class LinkPersonForm(forms.Form):
    person = forms.IntegerField(
        label=_("Beneficiary record number"), min_value=1, max_value=2**31 - 1, required=False
    )
