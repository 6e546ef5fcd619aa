from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "kafaat.training"
    label = "training"
    verbose_name = _("Training supply")

    def ready(self) -> None:
        from kafaat.core.imports import background
        from kafaat.training import access_rules, derivation_jobs, importing

        del access_rules  # imported for its registrations: scopes, permissions, navigation
        background.register(importing.IMPORT)  # the supply import page's background job
        derivation_jobs.register_jobs()  # "Derive again": the statistics derived by the worker
