from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathwaysConfig(AppConfig):
    name = "kafaat.pathways"
    label = "pathways"
    verbose_name = _("Pathways")

    def ready(self) -> None:
        from kafaat.pathways import access_rules  # noqa: F401
