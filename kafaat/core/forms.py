from django import forms
from django.utils.translation import gettext_lazy as _

from kafaat.core.models import AuditEvent, Organisation, Role, Territory


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *Organisation.Type.choices]
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        required=False,
        queryset=Territory.objects.filter(level=Territory.Level.REGION),
        to_field_name="code",
        empty_label=_("All regions"),
    )


class TerritoryScopeField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Territory) -> str:
        return f"{obj.name} ({obj.get_level_display()})"


class AddMemberForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    territory_scope = TerritoryScopeField(
        label=_("Territorial scope"),
        required=False,
        queryset=Territory.objects.exclude(level=Territory.Level.COMMUNE),
        empty_label=_("All of Morocco"),
    )
    password = forms.CharField(
        label=_("Initial password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Only for a new account; the person changes it after signing in."),
    )


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions")), *AuditEvent.Action.choices]
    )
    user = forms.CharField(label=_("User"), required=False)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
    valid_days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=365, initial=90)
