from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kafaat.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from kafaat.core import checks, signals  # noqa: F401  (registers system checks and audit receivers)
