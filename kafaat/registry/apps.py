from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "kafaat.registry"
    label = "registry"
    verbose_name = _("Beneficiary registry")

    def ready(self) -> None:
        from kafaat.registry import (
            access_rules,  # noqa: F401  (registers scopes, permissions, navigation)
            import_runs,
        )

        import_runs.register()  # the background jobs this app runs
