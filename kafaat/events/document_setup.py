"""What the documents side of events registers at start-up (called from EventsConfig.ready): the bulk
certificates job, the score and survey imports, and the trainers page in the menu."""

from django.utils.translation import gettext_lazy as _

from kafaat.core.pages import navigation
from kafaat.events.access_rules import VIEW_EVENTS


def register_documents() -> None:
    from kafaat.events.outcomes.certificates import register_jobs
    from kafaat.events.outcomes.score_imports import register_imports

    register_jobs()
    register_imports()
    navigation.register(navigation.NavItem(_("Trainers"), "events:trainers", VIEW_EVENTS, group="governance"))
