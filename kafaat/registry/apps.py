from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "kafaat.registry"
    label = "registry"
    verbose_name = _("Beneficiary registry")

    def ready(self) -> None:
        from kafaat.registry import access_rules
        from kafaat.registry.dedup import match_keys
        from kafaat.registry.dedup import services as dedup_services
        from kafaat.registry.dedup import spreadsheet as dedupe_file
        from kafaat.registry.imports import runs as import_runs

        del access_rules  # imported for its registrations: scopes, permissions, navigation
        import_runs.register()  # the background jobs this app runs
        dedup_services.register_jobs()
        dedupe_file.register_jobs()
        match_keys.register_jobs()
        post_migrate.connect(_fill_match_keys, sender=self)


def _fill_match_keys(using: str = "default", verbosity: int = 1, **kwargs) -> None:
    """A registry migrated to the match-keys table gets its keys (the table is new: nothing wrote them)."""
    from kafaat.registry.dedup import match_keys

    match_keys.fill_if_never_built(using, print if verbosity else None)
