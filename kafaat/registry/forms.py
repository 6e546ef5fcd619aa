"""Forms of the registry pages. A person's data is validated by `validation.clean_person` only: the form
fields accept text, and the form attaches clean_person's errors to their fields."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kafaat.core import services as core_services
from kafaat.core.l10n import countries
from kafaat.core.models import Territory
from kafaat.registry.models import (
    EducationLevel,
    IdType,
    Language,
    MigrationStatus,
    Person,
    Sex,
    WashingtonGroup,
)
from kafaat.registry.validation import NAME_FIELDS, WG_FIELDS, TerritoryIndex, clean_person, territory_index

MASK = "•"
# A label or legend with a mark when its field is required (by the form or by the rules behind it).
REQUIRED_LABEL = "registry/forms/label.html"
# "Oujda (COM_0551)": a suggestion of the residence field carries the code, which resolves unambiguously.
_CODE_IN_BRACKETS = re.compile(r"\(([A-Za-z0-9_.\-]+)\)\s*$")


def mask_identifier(value: str) -> str:
    """A document number with all but its last three characters hidden."""
    if not value:
        return ""
    if len(value) <= 3:
        return MASK * len(value)
    return MASK * (len(value) - 3) + value[-3:]


def commune_label(territory: Territory | None) -> str:
    return f"{territory.name} ({territory.code})" if territory is not None else ""


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", "dir": "ltr"}, format="%Y-%m-%d")


def _text(label, *, attrs: dict | None = None, help_text="", max_length: int = 100) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs or {}),
    )


def _blank_choices(choices, empty_label="—") -> list:
    return [("", empty_label), *choices]


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Name in Arabic or Latin letters (part of it is enough), phone or CIN."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=_blank_choices(Sex.choices, _("All")))
    territory = forms.ChoiceField(label=_("Region or province"), required=False)
    # "mine=1", as the export reads it.
    mine = forms.BooleanField(
        label=_("My people only"), required=False, widget=forms.CheckboxInput(attrs={"value": "1"})
    )

    def __init__(self, *args, user=None, with_mine: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_mine:
            del self.fields["mine"]
        regions = core_services.list_territories(user, level=Territory.Level.REGION)
        provinces = core_services.list_territories(user, level=Territory.Level.PROVINCE)
        by_region: dict[int, list] = {}
        for province in provinces:
            by_region.setdefault(province.parent_id, []).append((province.code, province.name))
        choices: list = [("", _("All of Morocco"))]
        for region in regions:
            options = [(region.code, _("All of %(region)s") % {"region": region.name})]
            choices.append((region.name, options + by_region.get(region.pk, [])))
        self.fields["territory"].choices = choices


class PersonForm(forms.Form):
    """Registration (with consent) and change (`person` given: no consent section, masked document number)."""

    template_name_label = REQUIRED_LABEL  # labels without a colon, the mark after them

    first_name_ar = _text(_("First name (Arabic)"), attrs={"dir": "rtl", "lang": "ar", "autocomplete": "off"})
    last_name_ar = _text(_("Last name (Arabic)"), attrs={"dir": "rtl", "lang": "ar", "autocomplete": "off"})
    first_name_latin = _text(_("First name (Latin letters)"), attrs={"dir": "ltr", "autocomplete": "off"})
    last_name_latin = _text(_("Last name (Latin letters)"), attrs={"dir": "ltr", "autocomplete": "off"})
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=Sex.choices, widget=forms.RadioSelect)
    birth_date = forms.CharField(label=_("Date of birth"), required=False, widget=_date_input())
    age = forms.CharField(
        label=_("or age in years"),
        required=False,
        max_length=3,
        help_text=_("When the date of birth is not known."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 3, "dir": "ltr"}),
    )

    phone = _text(_("Phone"), attrs={"type": "tel", "dir": "ltr", "inputmode": "tel"}, max_length=30)
    phone_alt = _text(
        _("Other phone"), attrs={"type": "tel", "dir": "ltr", "inputmode": "tel"}, max_length=30
    )
    commune = _text(
        _("Commune of residence"),
        attrs={"list": "communes", "autocomplete": "off"},
        help_text=_("Start typing the name, or write the commune's code."),
        max_length=200,
    )

    id_type = forms.ChoiceField(
        label=_("Document type"), required=False, choices=_blank_choices(IdType.choices, _("No document"))
    )
    id_number = _text(_("Document number"), attrs={"dir": "ltr", "autocomplete": "off"}, max_length=40)

    nationality = _text(
        _("Nationality"),
        attrs={"list": "countries", "autocomplete": "off"},
        help_text=_("Start typing the country's name, or write its two-letter code."),
        max_length=100,
    )
    migration_status = forms.ChoiceField(
        label=_("Migration status"),
        required=False,
        choices=_blank_choices(MigrationStatus.choices, _("From the nationality")),
    )
    education_level = forms.ChoiceField(
        label=_("Education level"), required=False, choices=_blank_choices(EducationLevel.choices)
    )
    neet = forms.ChoiceField(
        label=_("Not in employment, education or training (NEET)"),
        required=False,
        choices=[("", _("Not known")), ("1", _("Yes")), ("0", _("No"))],
    )
    household_head = forms.BooleanField(label=_("Head of household"), required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        required=False,
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    consent = forms.BooleanField(
        label=_("The person agrees to be registered"),
        error_messages={"required": _("The person must agree to be registered.")},
    )
    consent_date = forms.DateField(label=_("Date of consent"), widget=_date_input())
    contact_consent = forms.BooleanField(
        label=_("The person agrees to be contacted for follow-up"), required=False
    )
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None, required=False)

    IDENTITY = (
        "first_name_ar",
        "last_name_ar",
        "first_name_latin",
        "last_name_latin",
        "sex",
        "birth_date",
        "age",
    )
    CONTACT = ("phone", "phone_alt", "commune")
    DOCUMENT = ("id_type", "id_number")
    SITUATION = ("nationality", "migration_status", "education_level", "neet", "household_head", "languages")
    CONSENT = ("consent", "consent_date", "contact_consent")
    REQUIRED = ("sex", "commune")  # besides consent: checked by clean_person, marked on the page

    def __init__(self, *args, person: Person | None = None, organisations=None, **kwargs):
        self.person = person
        super().__init__(*args, label_suffix="", **kwargs)
        self.territories: TerritoryIndex | None = None
        self.person_values: dict = {}
        for key, (_domain, label) in zip(WG_FIELDS, WashingtonGroup.DOMAINS, strict=True):
            self.fields[key] = forms.ChoiceField(
                label=label,
                required=False,
                choices=[
                    ("", _("Not asked")),
                    *((str(value), text) for value, text in WashingtonGroup.ANSWERS),
                ],
                widget=forms.RadioSelect,
                initial="",
            )
        for name in self.REQUIRED:  # required by clean_person, whose messages say so in the user's language
            self.fields[name].widget.attrs["required"] = True
        if person is None:
            self.fields["consent_date"].initial = timezone.localdate
            self.fields["nationality"].initial = countries.label("MA")
            if organisations is not None and len(organisations) > 1:
                self.fields["organisation"].queryset = organisations
                self.fields["organisation"].required = True
            else:
                del self.fields["organisation"]
        else:
            for key in (*self.CONSENT, "organisation"):
                del self.fields[key]
            self.initial.update(self._initial_from(person))
            if person.id_number:
                self.fields["id_number"].help_text = _("Leave the hidden number as it is to keep it.")

    @property
    def country_labels(self) -> list[str]:
        """The nationality field's list, in the page's language: "Sénégal (SN)"."""
        return [f"{name} ({code})" for code, name in countries.choices()]

    @property
    def wg_fields(self):
        return [self[key] for key in WG_FIELDS]

    @property
    def disability_open(self) -> bool:
        return any(self[key].errors or self[key].value() for key in WG_FIELDS)

    def section(self, names):
        return [self[name] for name in names if name in self.fields]

    @staticmethod
    def _initial_from(person: Person) -> dict:
        initial = {key: getattr(person, key) for key in NAME_FIELDS}
        initial.update(
            sex=person.sex,
            birth_date=person.birth_date.isoformat() if person.birth_date else "",
            phone=person.phone,
            phone_alt=person.phone_alt,
            commune=commune_label(person.territory),
            id_type=person.id_type,
            id_number=mask_identifier(person.id_number),
            nationality=countries.label(person.nationality),
            migration_status=person.migration_status,
            education_level=person.education_level,
            neet="" if person.neet is None else ("1" if person.neet else "0"),
            household_head=person.household_head,
            languages=list(person.languages or []),
        )
        for key, (domain, _label) in zip(WG_FIELDS, WashingtonGroup.DOMAINS, strict=True):
            value = (person.disability_answers or {}).get(domain)
            initial[key] = str(value) if value else ""
        return initial

    def person_raw(self) -> dict:
        """What clean_person and the services receive: the typed text, as a spreadsheet row would give it."""
        data = self.cleaned_data
        raw = {
            key: data.get(key, "") for key in (*NAME_FIELDS, "sex", "birth_date", "age", "phone", "phone_alt")
        }
        commune = (data.get("commune") or "").strip()
        code = _CODE_IN_BRACKETS.search(commune)
        raw["commune"] = code.group(1) if code else commune
        raw["id_type"] = data.get("id_type", "")
        raw["id_number"] = data.get("id_number", "")
        if self.person is not None and raw["id_number"] == mask_identifier(self.person.id_number):
            raw["id_number"] = self.person.id_number  # left as shown: keep the stored number
        for key in ("nationality", "migration_status", "education_level", "neet"):
            raw[key] = data.get(key, "")
        raw["household_head"] = bool(data.get("household_head"))
        raw["languages"] = list(data.get("languages") or [])
        for key in WG_FIELDS:
            raw[key] = data.get(key, "")
        return raw

    def clean(self):
        cleaned = super().clean()
        consent_date = cleaned.get("consent_date")
        if consent_date and consent_date > timezone.localdate():
            self.add_error("consent_date", _("The consent cannot be dated in the future."))
        self.territories = self.territories or territory_index()
        result = clean_person(self.person_raw(), self.territories)
        self.add_service_errors(result.errors)
        self.person_values = result.values
        return cleaned

    def add_service_errors(self, errors) -> None:
        attach_errors(self, errors)


def attach_errors(form: forms.Form, errors: ValidationError | dict) -> None:
    """Errors by field from clean_person or a service's ValidationError, each next to its field on `form`."""
    if isinstance(errors, ValidationError):
        errors = errors.message_dict if hasattr(errors, "error_dict") else {None: errors.messages}
    for key, messages in errors.items():
        field = key if key in form.fields else None
        for message in [messages] if isinstance(messages, str) else messages:
            form.add_error(field, message)


class ShareConsentForm(forms.Form):
    shared_with = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    given_on = forms.DateField(label=_("Date of consent"), widget=_date_input(), initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, directory=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shared_with"].queryset = directory
        self.fields["shared_with"].label_from_instance = organisation_label

    def clean_given_on(self) -> date:
        given_on = self.cleaned_data["given_on"]
        if given_on > timezone.localdate():
            raise ValidationError(_("The consent cannot be dated in the future."))
        return given_on


def organisation_label(organisation) -> str:
    return f"{organisation.name} — {organisation.get_type_display()}"
