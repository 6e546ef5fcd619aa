from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "kafaat.contacts"
    label = "contacts"
    verbose_name = _("Contacts")

    def ready(self) -> None:
        from kafaat.contacts import access_rules

        del access_rules  # imported for its registrations: scopes, permissions, navigation
