"""Forms of the missions pages: the list's filters, a mission's create/edit form, the roll-up's choices."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kafaat.contacts.access_rules import VIEW_CONTACTS
from kafaat.contacts.models import Contact
from kafaat.core import access
from kafaat.core.models import Project, Territory
from kafaat.missions import services
from kafaat.missions.models import ExpertMission
from kafaat.results.models import LogframeNode

GROUPING_LABELS = {
    "project": _("Project"),
    "component": _("Component (logframe result)"),
    "quarter": _("Quarter"),
    "country": _("Expert's country"),
}


class MissionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    project = forms.ModelChoiceField(
        Project.objects.all(),
        label=_("Project"),
        required=False,
        to_field_name="code",
        empty_label=_("All projects"),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *ExpertMission.Status.choices]
    )
    country = forms.CharField(label=_("Expert's country (ISO code)"), required=False, max_length=2)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)


class RollupForm(forms.Form):
    by = forms.ChoiceField(label=_("Grouped by"), choices=list(GROUPING_LABELS.items()), required=False)
    project = forms.ModelChoiceField(
        Project.objects.all(),
        label=_("Project"),
        required=False,
        to_field_name="code",
        empty_label=_("All projects"),
    )
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = services.projects_for_rollup(user)


class DataSelect(forms.Select):
    """A select whose options are data (people's names): marked `translate="no"`, like `{{ value|data }}`."""

    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        if option["value"] != "":
            option["attrs"]["translate"] = "no"
        return option


class ContactChoice(forms.ModelChoiceField):
    widget = DataSelect

    def label_from_instance(self, obj: Contact) -> str:
        return f"{obj} ({obj.country})"


class MissionForm(forms.ModelForm):
    """A done or cancelled mission keeps its expert, dates and person-days: those fields are then off."""

    report = forms.FileField(label=_("Mission report (PDF, DOCX or ODT, 10 MB at most)"), required=False)
    person_days = forms.DecimalField(
        label=_("Person-days"),
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=1,
        help_text=_("Leave empty: the working days (Monday to Friday) between the dates."),
    )
    territory = forms.ModelChoiceField(
        Territory.objects.exclude(level=Territory.Level.COMMUNE), label=_("Territory"), to_field_name="code"
    )

    class Meta:
        model = ExpertMission
        fields = [
            "expert",
            "organiser",
            "project",
            "result",
            "territory",
            "beneficiary_institution",
            "purpose",
            "start_date",
            "end_date",
            "person_days",
            "deliverables",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "deliverables": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        experts = access.scoped(user, VIEW_CONTACTS, Contact.objects.filter(is_expert=True, merged_into=None))
        self.fields["expert"] = ContactChoice(experts.order_by("last_name_latin", "id"), label=_("Expert"))
        self.fields["organiser"].queryset = services.organisers_for(user)
        self.fields["project"].to_field_name = "code"
        self.fields["result"].queryset = LogframeNode.objects.select_related("project").order_by(
            "project", "code"
        )
        self.fields["result"].required = False
        if self.instance.pk and self.instance.person_days_entered is False:
            self.initial["person_days"] = None  # computed: shown empty, recomputed when the dates change
        if self.instance.pk and self.instance.status != ExpertMission.Status.PLANNED:
            for name in ("expert", "start_date", "end_date", "person_days"):
                self.fields[name].disabled = True
                self.fields[name].required = False

    def mission_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "report"}
        if self.instance.pk and self.instance.status != ExpertMission.Status.PLANNED:
            for name in ("expert", "start_date", "end_date", "person_days"):
                data.pop(name, None)
        return data
