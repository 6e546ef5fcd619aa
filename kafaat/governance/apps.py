from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "kafaat.governance"
    label = "governance"
    verbose_name = _("Regional governance")

    def ready(self) -> None:
        from kafaat.governance import access_rules, home

        del access_rules  # imported for its registrations: scopes, permissions, navigation
        home.register()  # the secretariat's home panel: overdue actions
