"""Forms of the pathway pages. The rules of a step are `services.check_step`'s: the form collects the fields
of one kind of step and shows the service's errors next to them."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kafaat.core.l10n import formatting
from kafaat.pathways.models import (
    PARENT_KIND,
    PARENT_REQUIRED,
    ContractType,
    Credential,
    DropoutReason,
    PlacementType,
    ReferralTarget,
    StepKind,
    WageBand,
)
from kafaat.pathways.services import FOLLOW_UP_MONTHS, KIND_FIELDS, REQUIRED_FIELDS
from kafaat.registry.forms import REQUIRED_LABEL, attach_errors, organisation_label

ISIC_SECTIONS = (
    ("A", _("Agriculture, forestry and fishing")),
    ("B", _("Mining and quarrying")),
    ("C", _("Manufacturing")),
    ("D", _("Electricity, gas and steam supply")),
    ("E", _("Water supply, sewerage and waste management")),
    ("F", _("Construction")),
    ("G", _("Wholesale and retail trade, repair of vehicles")),
    ("H", _("Transportation and storage")),
    ("I", _("Accommodation and food services")),
    ("J", _("Information and communication")),
    ("K", _("Financial and insurance activities")),
    ("L", _("Real estate activities")),
    ("M", _("Professional, scientific and technical activities")),
    ("N", _("Administrative and support services")),
    ("O", _("Public administration")),
    ("P", _("Education")),
    ("Q", _("Health and social work")),
    ("R", _("Arts, entertainment and recreation")),
    ("S", _("Other services")),
    ("T", _("Households as employers")),
    ("U", _("Extraterritorial organisations")),
)


def _blank(choices) -> list:
    return [("", "—"), *choices]


def _yes_no(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        required=False,
        choices=[("", "—"), ("1", _("Yes")), ("0", _("No"))],
        coerce=lambda value: value == "1",
        empty_value=None,
    )


def _choice(label, choices) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, choices=_blank(choices))


# Fields whose text names a record of another app's register: suggested as the user types, free text allowed.
SUGGESTED = {
    "programme": _(
        "Choose from the training catalogue as you type; a programme that is not in it is kept as written "
        "and marked to be matched."
    ),
    "employer_name": _(
        "Choose from the employers' registry as you type; an employer that is not in it is kept as written "
        "and marked to be matched."
    ),
}


def _suggested(field: forms.CharField, name: str) -> forms.CharField:
    """A text field with a list of suggestions (a <datalist>, filled as the user types through htmx; without
    JavaScript it holds the first suggestions and the text is free)."""
    options = f"{name}-options"
    field.help_text = SUGGESTED[name]
    field.widget.attrs.update(
        {
            "list": options,
            "autocomplete": "off",
            "hx-get": reverse("pathways:suggest", args=[name]),
            "hx-trigger": "input changed delay:300ms",
            "hx-target": f"#{options}",
            "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
        }
    )
    return field


def _kind_field(name: str, directory) -> forms.Field:
    """The form field of one of KIND_FIELDS; all optional here: the service says what is required."""
    builders = {
        "skill_level": lambda: forms.CharField(label=_("Skill level"), required=False, max_length=20),
        "prior_learning_recognised": lambda: _yes_no(_("Prior learning recognised")),
        "referral_target": lambda: _choice(_("Referred to"), ReferralTarget.choices),
        "target_organisation": lambda: forms.ModelChoiceField(
            label=_("Receiving organisation"), required=False, queryset=directory
        ),
        "programme": lambda: _suggested(
            forms.CharField(label=_("Training programme"), required=False, max_length=200), "programme"
        ),
        "cohort": lambda: forms.CharField(label=_("Cohort"), required=False, max_length=100),
        "dropout_reason": lambda: _choice(_("Dropout reason"), DropoutReason.choices),
        "credential": lambda: _choice(_("Credential"), Credential.choices),
        "level": lambda: forms.CharField(label=_("Level"), required=False, max_length=50),
        "placement_type": lambda: _choice(_("Placement type"), PlacementType.choices),
        "employer_name": lambda: _suggested(
            forms.CharField(label=_("Employer"), required=False, max_length=200), "employer_name"
        ),
        "sector": lambda: _choice(
            _("Sector"), [(code, f"{code} — {label}") for code, label in ISIC_SECTIONS]
        ),
        "contract_type": lambda: _choice(_("Contract"), ContractType.choices),
        "wage_band": lambda: _choice(_("Wage band"), WageBand.choices),
        "follow_up_months": lambda: forms.TypedChoiceField(
            label=_("Months after placement"),
            required=False,
            choices=_blank([(str(n), str(n)) for n in FOLLOW_UP_MONTHS]),
            coerce=int,
            empty_value=None,
        ),
        "still_employed": lambda: _yes_no(_("Still employed or active")),
        "income_band": lambda: _choice(_("Income band"), WageBand.choices),
    }
    return builders[name]()


def step_label(step) -> str:
    parts = [step.get_kind_display(), formatting.format_date(step.date, isolated=False), step.project.name]
    if step.programme:
        parts.append(step.programme)
    parts.append(step.get_status_display())
    return " · ".join(parts)


class StepForm(forms.Form):
    template_name_label = REQUIRED_LABEL  # labels without a colon, the mark after them

    kind = forms.ChoiceField(choices=StepKind.choices, widget=forms.HiddenInput)
    project = forms.ModelChoiceField(label=_("Project"), queryset=None)
    date = forms.DateField(
        label=_("Date"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date", "dir": "ltr"}, format="%Y-%m-%d"),
    )
    parent = forms.ModelChoiceField(label=_("Answers to"), queryset=None, required=False)
    outcome = forms.CharField(label=_("Outcome / note"), required=False, max_length=300)
    share_consent = forms.BooleanField(
        label=_("The person agrees to share their record with this organisation"), required=False
    )

    def __init__(self, *args, kind: str, projects, parents=None, directory=None, suggestions=None, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.kind = kind
        self.suggestions = suggestions or {}  # field → the labels its list starts with
        self.initial.setdefault("kind", kind)
        self.fields["project"].queryset = projects
        self.fields["project"].label_from_instance = lambda project: project.name  # its code is no word
        if len(projects) == 1:
            self.initial.setdefault("project", projects[0].pk)
        if kind in PARENT_KIND and parents is not None:
            self.fields["parent"].queryset = parents
            self.fields["parent"].label_from_instance = step_label
            self.fields["parent"].empty_label = (
                _("Choose the step this one follows") if kind in PARENT_REQUIRED else _("None")
            )
        else:
            del self.fields["parent"]
        outcome = self.fields.pop("outcome")
        consent = self.fields.pop("share_consent")
        for name in KIND_FIELDS.get(kind, ()):
            self.fields[name] = _kind_field(name, directory)
            if name == "target_organisation":
                self.fields[name].label_from_instance = organisation_label
        if kind == StepKind.REFERRAL:
            self.fields["share_consent"] = consent
        self.fields["outcome"] = outcome
        required = {"project", "date", *REQUIRED_FIELDS.get(kind, ())}
        if kind in PARENT_REQUIRED:
            required.add("parent")
        for name in required & set(self.fields):
            self.fields[name].widget.attrs["required"] = True

    @property
    def datalists(self) -> list[dict]:
        """The <datalist> of each suggested field of this kind: its id and first options."""
        return [
            {"id": f"{name}-options", "options": self.suggestions.get(name, [])}
            for name in SUGGESTED
            if name in self.fields
        ]

    def step_fields(self) -> dict:
        """The kind's own fields, as record_step takes them."""
        return {name: self.cleaned_data.get(name) for name in KIND_FIELDS.get(self.kind, ())}

    def add_service_errors(self, errors) -> None:
        attach_errors(self, errors)


class RespondForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
