from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabourConfig(AppConfig):
    name = "kafaat.labour"
    label = "labour"
    verbose_name = _("Labour demand")

    def ready(self) -> None:
        from kafaat.labour import access_rules  # noqa: F401
