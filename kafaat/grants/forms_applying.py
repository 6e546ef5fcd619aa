"""Forms of the applying pages: the officer's call set-up (call, lot, eligibility, grid, reviewers,
invitation), the public self-registration, and the applicant's application (details, target groups,
contributions, budget lines, documents). They only read input: the rules are the services'."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kafaat.core.models import Organisation, Project, Territory
from kafaat.grants.models import Application, BudgetLine, Call, Document, Stage, TargetGroup
from kafaat.grants.services import applicants
from kafaat.grants.services.calls import PUBLISHED_EDITABLE

# Datetimes are entered and shown in the server's zone, Africa/Casablanca (settings.TIME_ZONE).
_MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_TEXT = {"rows": 3}


class CallForm(forms.ModelForm):
    class Meta:
        model = Call
        fields = [
            "code",
            "project",
            "procedure",
            "name_fr",
            "name_ar",
            "name_en",
            "opens_at",
            "closes_at",
            "full_closes_at",
            "min_grant",
            "max_grant",
            "cofinancing_rate",
            "blind_review",
            "reviewers_per_application",
            "spread_threshold",
            "pass_mark",
            "description_fr",
            "description_ar",
            "description_en",
        ]
        widgets = {
            "opens_at": _MOMENT,
            "closes_at": _MOMENT,
            "full_closes_at": _MOMENT,
            "description_fr": forms.Textarea(attrs=_TEXT),
            "description_ar": forms.Textarea(attrs={**_TEXT, "dir": "rtl", "lang": "ar"}),
            "description_en": forms.Textarea(attrs=_TEXT),
        }

    def __init__(self, *args, projects=None, locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects if projects is not None else Project.objects.none()
        self.fields["name_ar"].widget.attrs.update({"dir": "rtl", "lang": "ar"})
        if locked:  # a published call: only its texts, deadlines and review settings
            for name in list(self.fields):
                if name not in PUBLISHED_EDITABLE:
                    del self.fields[name]

    def _post_clean(self):  # the services check the call (they hold the rules)
        pass


class LotForm(forms.Form):
    code = forms.CharField(label=_("code"), max_length=20)
    name_fr = forms.CharField(label=_("name (French)"), max_length=200)
    name_ar = forms.CharField(label=_("name (Arabic)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("name (English)"), max_length=200, required=False)
    budget = forms.DecimalField(label=_("budget"), min_value=0, max_digits=14, decimal_places=2)
    territory = forms.ModelChoiceField(
        Territory.objects.filter(level=Territory.Level.REGION).order_by("code"),
        label=_("territory"),
        required=False,
    )
    target_group = forms.CharField(label=_("target group"), max_length=200, required=False)


class WordingForm(forms.Form):
    """An eligibility question or a grid section: its wording in three languages and its stage."""

    stage = forms.ChoiceField(label=_("stage"), choices=Stage.choices)
    name_fr = forms.CharField(label=_("name (French)"), max_length=200)
    name_ar = forms.CharField(label=_("name (Arabic)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("name (English)"), max_length=200, required=False)

    def __init__(self, *args, call: Call | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if call is not None:
            self.fields["stage"].choices = [(s, Stage(s).label) for s in call.stages]


class SectionForm(WordingForm):
    threshold = forms.DecimalField(
        label=_("threshold (points)"), min_value=0, max_digits=6, decimal_places=2, required=False
    )


class CriterionForm(forms.Form):
    name_fr = forms.CharField(label=_("name (French)"), max_length=200)
    name_ar = forms.CharField(label=_("name (Arabic)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("name (English)"), max_length=200, required=False)
    weight = forms.DecimalField(label=_("weight"), min_value=0, max_value=10, decimal_places=2, initial=1)


class LanguageSelect(forms.Select):
    """Each language named in itself, declared so (`lang`): "العربية" is not a leak on a French page."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["attrs"]["lang"] = str(value)
        return option


def _language_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("language of correspondence"), choices=Application.Language.choices, widget=LanguageSelect
    )


class UserChoices(forms.ModelMultipleChoiceField):
    """User names are data: never translated."""

    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name() or obj.username
        return format_html('<bdi translate="no">{}</bdi>', name)


class ReviewersForm(forms.Form):
    reviewers = UserChoices(None, label=_("reviewers"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, candidates, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = candidates


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("e-mail"))
    organisation = forms.ModelChoiceField(
        Organisation.objects.filter(is_active=True, type__in=applicants.APPLICANT_TYPES).order_by("name_fr"),
        label=_("organisation"),
        required=False,
        help_text=_("Leave empty for an organisation not yet registered."),
    )
    language = _language_field()


def _territories():
    return Territory.objects.filter(level__in=(Territory.Level.REGION, Territory.Level.PROVINCE)).order_by(
        "path"
    )


class RegistrationForm(forms.Form):
    name_fr = forms.CharField(label=_("name (French)"), max_length=200)
    name_ar = forms.CharField(
        label=_("name (Arabic)"), max_length=200, required=False, widget=forms.TextInput(attrs={"dir": "rtl"})
    )
    type = forms.ChoiceField(label=_("type"))
    territory = forms.ModelChoiceField(_territories(), label=_("territory"))
    contact_name = forms.CharField(label=_("Contact"), max_length=150)
    email = forms.EmailField(label=_("e-mail"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=128)

    def __init__(self, *args, invitation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = applicants.applicant_type_choices()
        self.fields["territory"].queryset = _territories()
        if invitation is not None:
            del self.fields["email"]
            if invitation.organisation is not None:
                for name in ("name_fr", "name_ar", "type", "territory"):
                    del self.fields[name]


class StartForm(forms.Form):
    lot = forms.ModelChoiceField(None, label=_("lot"), empty_label=None)
    title = forms.CharField(label=_("title"), max_length=300)
    language = _language_field()

    def __init__(self, call: Call, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = call.lots.all()


class DetailsForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=300)
    summary = forms.CharField(
        label=_("project summary"), widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=20000
    )
    territory = forms.ModelChoiceField(None, label=_("province"), required=False)
    duration_months = forms.IntegerField(
        label=_("duration (months)"), min_value=1, max_value=120, required=False
    )
    language = _language_field()
    partners = forms.ModelMultipleChoiceField(
        None, label=_("partners"), required=False, widget=forms.SelectMultiple(attrs={"size": 5})
    )

    def __init__(self, application: Application, provinces, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = provinces
        self.fields["partners"].queryset = (
            Organisation.objects.filter(is_active=True)
            .exclude(pk=application.organisation_id)
            .order_by("name_fr")
        )


class TargetGroupsForm(forms.Form):
    """Women and men for each group: one row a group (each input named for screen readers)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in TargetGroup.Group.choices:
            for sex, sex_label in (("women", _("women")), ("men", _("men"))):
                self.fields[f"{value}_{sex}"] = forms.IntegerField(
                    label=sex_label,
                    min_value=0,
                    max_value=1_000_000,
                    required=False,
                    widget=forms.NumberInput(attrs={"aria-label": f"{label} · {sex_label}"}),
                )

    def rows(self):
        return [
            (value, label, self[f"{value}_women"], self[f"{value}_men"])
            for value, label in TargetGroup.Group.choices
        ]

    def cleaned_rows(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {"group": value, "women": data.get(f"{value}_women") or 0, "men": data.get(f"{value}_men") or 0}
            for value, _label in TargetGroup.Group.choices
        ]


class ContributionsForm(forms.Form):
    def __init__(self, indicators, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for indicator in self.indicators:
            self.fields[f"indicator_{indicator.pk}"] = forms.DecimalField(
                label=indicator.name,
                min_value=0,
                max_digits=14,
                decimal_places=2,
                required=False,
                widget=forms.NumberInput(attrs={"aria-label": indicator.name}),
            )

    def rows(self):
        return [(indicator, self[f"indicator_{indicator.pk}"]) for indicator in self.indicators]

    def cleaned_rows(self) -> list[dict]:
        return [
            {"indicator": indicator.pk, "target": self.cleaned_data[f"indicator_{indicator.pk}"]}
            for indicator in self.indicators
            if self.cleaned_data.get(f"indicator_{indicator.pk}")
        ]


class BudgetLineForm(forms.Form):
    category = forms.ChoiceField(
        label=_("category"), choices=[("", "—"), *BudgetLine.Category.choices], required=False
    )
    description = forms.CharField(label=_("description"), max_length=300, required=False)
    unit = forms.CharField(label=_("unit"), max_length=40, required=False)
    quantity = forms.DecimalField(
        label=_("quantity"), min_value=0, max_digits=12, decimal_places=2, required=False
    )
    unit_cost = forms.DecimalField(
        label=_("unit cost"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    cofinancing = forms.DecimalField(
        label=_("of which co-financing"), min_value=0, max_digits=14, decimal_places=2, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        row = (self.prefix or "").rsplit("-", 1)[-1]
        number = int(row) + 1 if row.isdigit() else ""
        for field in self.fields.values():  # the table's header names the columns; screen readers need more
            field.widget.attrs["aria-label"] = f"{field.label} ({number})" if number else str(field.label)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(
            data.get(name) not in (None, "")
            for name in ("category", "description", "unit", "quantity", "unit_cost")
        )


BudgetFormSet = forms.formset_factory(BudgetLineForm, extra=3, max_num=200, absolute_max=200)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Document.Kind.choices)
    file = forms.FileField(label=_("file"), help_text=_("PDF, JPEG, PNG, Word or Excel; 10 MB at most."))
