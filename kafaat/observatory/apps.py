from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservatoryConfig(AppConfig):
    name = "kafaat.observatory"
    label = "observatory"
    verbose_name = _("Observatory")

    def ready(self) -> None:
        from kafaat.observatory import access_rules, home, jobs  # access_rules: grants and menu entries

        del access_rules
        jobs.register()  # the background jobs this app runs
        home.register()  # the analyst's home panels
