"""Forms of the events pages: filters, an event, a session, a registration, a sign-in sheet upload."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kafaat.contacts.models import Contact
from kafaat.core.models import Project, Territory
from kafaat.events.models import Event, EventType, ParticipantRole, RegistrationStatus

LANGUAGE_CHOICES = [
    ("fr", _("French")),
    ("ar", _("Arabic")),
    ("en", _("English")),
    ("es", _("Spanish")),
    ("amz", _("Amazigh")),
]


class EventFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    type = forms.ChoiceField(label=_("Type"), required=False, choices=[("", "—"), *EventType.choices])
    project = forms.ModelChoiceField(
        label=_("Project"), required=False, queryset=Project.objects.all(), to_field_name="code"
    )
    territory = forms.ModelChoiceField(
        label=_("Territory"),
        required=False,
        to_field_name="code",
        queryset=Territory.objects.filter(level=Territory.Level.REGION).order_by("code"),
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class EventForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("languages"), required=False, choices=LANGUAGE_CHOICES, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Event
        fields = [
            "type",
            "name_fr",
            "name_ar",
            "name_en",
            "organiser",
            "parent",
            "project",
            "result",
            "working_group",
            "sector",
            "start_date",
            "end_date",
            "territory",
            "venue",
            "country",
            "capacity",
            "languages",
            "description",
            "certificate_threshold",
            "is_cancelled",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organisers=None, parents=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["organiser"]
        elif organisers is not None:
            self.fields["organiser"].queryset = organisers
        if parents is not None:
            self.fields["parent"].queryset = parents
        self.fields["territory"].queryset = Territory.objects.exclude(level=Territory.Level.COMMUNE).order_by(
            "code"
        )


class SessionForm(forms.Form):
    title = forms.CharField(label=_("title"), required=False, max_length=200)
    starts_at = forms.DateTimeField(
        label=_("starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("ends at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class RegistrationForm(forms.Form):
    # People's names are data: never translated (translate="no"), whatever the page's language.
    contact = forms.ModelChoiceField(
        label=_("Contact"), queryset=Contact.objects.none(), widget=forms.Select(attrs={"translate": "no"})
    )
    status = forms.ChoiceField(
        label=_("status"),
        initial=RegistrationStatus.INVITED,
        choices=[(s.value, s.label) for s in (RegistrationStatus.INVITED, RegistrationStatus.REGISTERED)],
    )
    role = forms.ChoiceField(label=_("role"), choices=ParticipantRole.choices)

    def __init__(self, *args, contacts=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if contacts is not None:
            self.fields["contact"].queryset = contacts


class SignInUploadForm(forms.Form):
    file = forms.FileField(label=_("Sign-in sheet (XLSX or CSV)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Upload an XLSX or CSV file."))
        return upload
