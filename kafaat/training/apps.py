from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "kafaat.training"
    label = "training"
    verbose_name = _("Training supply")

    def ready(self) -> None:
        from kafaat.training import access_rules  # noqa: F401  (registers scopes, permissions, navigation)
