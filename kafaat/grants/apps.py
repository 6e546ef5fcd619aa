from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "kafaat.grants"
    label = "grants"
    verbose_name = _("Grants")

    def ready(self) -> None:
        from kafaat.grants import access_rules
        from kafaat.grants.pages import applying, funding, reviewing

        del access_rules  # imported for its registrations: scopes, permissions, navigation
        for part in (applying, reviewing, funding):
            part.ready()  # menu entries and home panels
