from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabourConfig(AppConfig):
    name = "kafaat.labour"
    label = "labour"
    verbose_name = _("Labour demand")

    def ready(self) -> None:
        from kafaat.core.imports import background
        from kafaat.labour import access_rules, importing

        del access_rules  # imported for its registrations: scopes, permissions, navigation
        background.register(importing.IMPORT)  # the vacancy import page's background job
