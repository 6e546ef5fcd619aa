from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kafaat.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # checks and signals: imported for what they register (system checks, audit receivers)
        from kafaat.core import checks, jobs, signals  # noqa: F401

        jobs.register(jobs.PROBE)
        from kafaat.core.pages import core_panels

        core_panels.register()  # the administrators' home panels (other apps register theirs)
