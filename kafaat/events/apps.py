from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "kafaat.events"
    label = "events"
    verbose_name = _("Events and attendance")

    def ready(self) -> None:
        from kafaat.events import access_rules

        del access_rules  # imported for its registrations: scopes, permissions, navigation
        from kafaat.events.document_setup import register_documents

        register_documents()  # the certificates job, the score and survey imports, the trainers page
