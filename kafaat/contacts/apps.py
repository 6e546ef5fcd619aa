from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "kafaat.contacts"
    label = "contacts"
    verbose_name = _("Contacts")

    def ready(self) -> None:
        from kafaat.contacts import access_rules, importing
        from kafaat.core.imports import background

        del access_rules  # imported for its registrations: scopes, permissions, navigation
        background.register(importing.IMPORT)  # the contacts import page's background job
