"""Who sees and manages results: managers and administrators manage the logframes of their projects;
analysts and donor viewers read aggregates only, suppressed. Menu entry."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kafaat.core import access
from kafaat.core.access import Permission
from kafaat.core.models import Role
from kafaat.core.pages import navigation

MANAGE_RESULTS = "results.manage_results"
VIEW_RESULTS = Permission.VIEW_PROJECT  # every member sees the projects their organisation takes part in

access.grant(Role.ADMINISTRATOR, MANAGE_RESULTS, access.Reach.OWN_ORGANISATION)
access.grant(Role.PROGRAMME_MANAGER, MANAGE_RESULTS, access.Reach.OWN_ORGANISATION)

# The projects' drop-down: their results, and the grants app's entries when it is installed.
navigation.register_group("programme", pgettext_lazy("menu", "Projects"))
navigation.register(
    navigation.NavItem(_("Results"), "results:projects", Permission.VIEW_AGGREGATES, group="programme")
)
