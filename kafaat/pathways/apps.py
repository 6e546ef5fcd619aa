from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathwaysConfig(AppConfig):
    name = "kafaat.pathways"
    label = "pathways"
    verbose_name = _("Pathways")

    def ready(self) -> None:
        from kafaat.pathways import access_rules, home

        del access_rules  # imported for its registrations: scope, menu entries
        home.register()  # the case worker's home panels
