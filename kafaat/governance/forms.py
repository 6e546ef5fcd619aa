"""Forms of the working group pages: members, meetings, agenda, attendance, minutes, outcomes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kafaat.governance.models import MemberRole, Outcome
from kafaat.governance.services import MAX_MINUTES_CHARS

_DAY = forms.DateInput(attrs={"type": "date"})
_MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ContactChoice(forms.ModelChoiceField):
    """People's names, as data: never translated (`translate="no"`), in whichever scripts they have."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.Select(attrs={"translate": "no"}))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj) -> str:
        arabic = f"{obj.first_name_ar} {obj.last_name_ar}".strip()
        latin = f"{obj.first_name_latin} {obj.last_name_latin}".strip()
        return " · ".join(name for name in (latin, arabic) if name) or str(obj)


class MemberForm(forms.Form):
    contact = ContactChoice(None, label=_("Contact"))
    role = forms.ChoiceField(label=_("role"), choices=MemberRole.choices, initial=MemberRole.MEMBER)
    start_date = forms.DateField(label=_("member since"), required=False, widget=_DAY)

    def __init__(self, contacts, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("starts at"), widget=_MOMENT)
    ends_at = forms.DateTimeField(label=_("ends at"), required=False, widget=_MOMENT)
    venue = forms.CharField(label=_("venue"), max_length=200, required=False)


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("item"), max_length=300)
    presenter = ContactChoice(None, label=_("presenter"), required=False)
    duration_minutes = forms.IntegerField(
        label=_("duration (minutes)"), min_value=1, max_value=600, required=False
    )

    def __init__(self, contacts, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenter"].queryset = contacts


class MinutesForm(forms.Form):
    text = forms.CharField(
        label=_("minutes"), widget=forms.Textarea(attrs={"rows": 10}), max_length=MAX_MINUTES_CHARS
    )


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Outcome.Kind.choices)
    text = forms.CharField(label=_("text"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
    owner = ContactChoice(None, label=_("owner"), required=False, help_text=_("For an action."))
    due_date = forms.DateField(
        label=_("due date"), required=False, widget=_DAY, help_text=_("For an action.")
    )

    def __init__(self, contacts, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = contacts
