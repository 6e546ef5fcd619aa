"""Forms of the results pages: the period, and the logframe editor's node, indicator and target forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kafaat.pathways.models import PlacementType
from kafaat.results import measures
from kafaat.results.models import Indicator, LogframeNode


class DayInput(forms.DateInput):
    """A date picker: its value is always ISO (yyyy-mm-dd), whatever the language; the browser shows it the
    reader's way. (French input formats start with d/m/Y, which a date picker cannot read: it was empty.)"""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=pgettext_lazy("start of a period", "From"), required=False, widget=DayInput()
    )
    end = forms.DateField(label=pgettext_lazy("end of a period", "To"), required=False, widget=DayInput())

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The period must start before it ends."))
        return data


class _ProjectForm(forms.Form):
    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project


class NodeForm(_ProjectForm):
    level = forms.ChoiceField(label=_("Level"), choices=LogframeNode.Level.choices)
    parent = forms.ModelChoiceField(
        label=_("Contributes to"), queryset=LogframeNode.objects.none(), required=False
    )
    code = forms.CharField(label=_("Code"), max_length=20)
    name_fr = forms.CharField(label=_("Name (French)"), max_length=200)
    name_ar = forms.CharField(label=_("Name (Arabic)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, project=project, **kwargs)
        self.fields["parent"].queryset = project.logframe.exclude(level=LogframeNode.Level.OUTPUT)

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        return parent.pk if parent else None


class NodeEditForm(forms.Form):
    """An existing result's code and names (its level and place in the tree stay)."""

    code = forms.CharField(label=_("Code"), max_length=20)
    name_fr = forms.CharField(label=_("Name (French)"), max_length=200)
    name_ar = forms.CharField(label=_("Name (Arabic)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Move up")), ("down", _("Move down"))])
    at = forms.IntegerField(min_value=0, required=False)  # the item's place on the page that asked


def measure_choices() -> list[tuple[str, str]]:
    return [("", _("Manual (values entered with evidence)"))] + [
        (code, measure.label) for code, measure in measures.REGISTRY.items()
    ]


class IndicatorForm(_ProjectForm):
    node = forms.ModelChoiceField(label=_("Result"), queryset=LogframeNode.objects.none())
    code = forms.CharField(label=_("Code"), max_length=20)
    name_fr = forms.CharField(label=_("Name (French)"), max_length=200)
    name_ar = forms.CharField(label=_("Name (Arabic)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    measure = forms.ChoiceField(label=_("Measure"), choices=measure_choices, required=False)
    unit = forms.ChoiceField(
        label=_("Unit (manual indicators)"), choices=Indicator.Unit.choices, required=False
    )
    placement_type = forms.ChoiceField(
        label=_("Only this placement type"), choices=[("", "—"), *PlacementType.choices], required=False
    )
    disaggregations = forms.MultipleChoiceField(
        label=_("Disaggregations"), choices=list(measures.DIMENSION_LABELS.items()), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    baseline = forms.DecimalField(label=_("Baseline"), required=False, max_digits=14, decimal_places=2)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, project=project, **kwargs)
        self.fields["node"].queryset = project.logframe.all()

    @classmethod
    def initial_of(cls, indicator: Indicator) -> dict:
        return {
            "node": indicator.node_id, "code": indicator.code, "name_fr": indicator.name_fr,
            "name_ar": indicator.name_ar, "name_en": indicator.name_en, "measure": indicator.measure,
            "unit": indicator.unit, "placement_type": (indicator.filters or {}).get("placement_type", ""),
            "disaggregations": list(indicator.disaggregations or []), "baseline": indicator.baseline,
        }  # fmt: skip

    def clean(self):
        data = super().clean()
        placement = data.pop("placement_type", "")
        data["filters"] = {"placement_type": placement} if placement else {}
        return data


class ManualValueForm(forms.Form):
    period_start = forms.DateField(label=pgettext_lazy("start of a period", "From"), widget=DayInput())
    period_end = forms.DateField(label=pgettext_lazy("end of a period", "To"), widget=DayInput())
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2)
    evidence = forms.FileField(label=_("Evidence"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class TargetForm(_ProjectForm):
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    period_start = forms.DateField(label=pgettext_lazy("start of a period", "From"), widget=DayInput())
    period_end = forms.DateField(label=pgettext_lazy("end of a period", "To"), widget=DayInput())
    value = forms.DecimalField(label=_("Target"), max_digits=14, decimal_places=2)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, project=project, **kwargs)
        self.fields["indicator"].queryset = project.indicators.all()
