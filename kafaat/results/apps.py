from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "kafaat.results"
    label = "results"
    verbose_name = _("Results")

    def ready(self) -> None:
        from kafaat.results import access_rules, home

        del access_rules  # imported for its registrations: permissions, menu entry
        home.register()  # the programme manager's home panel
