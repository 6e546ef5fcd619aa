from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MissionsConfig(AppConfig):
    name = "kafaat.missions"
    label = "missions"
    verbose_name = _("Expert missions")

    def ready(self) -> None:
        from kafaat.missions import access_rules

        del access_rules  # imported for its registrations: scopes, permissions, navigation
