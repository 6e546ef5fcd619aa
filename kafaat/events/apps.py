from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "kafaat.events"
    label = "events"
    verbose_name = _("Events and attendance")

    def ready(self) -> None:
        from kafaat.core import jobs
        from kafaat.core.imports import background
        from kafaat.events import access_rules, invitations
        from kafaat.events.document_setup import register_documents
        from kafaat.events.sign_in import jobs as imports

        del access_rules  # imported for its registrations: scopes, permissions, navigation
        background.register(imports.SIGN_IN_IMPORT)  # the sign-in sheet import page's background job
        jobs.register(invitations.JOB)  # invitations and reminders, sent by the worker
        register_documents()  # the certificates job, the score and survey imports, the trainers page
