"""How expert missions enter the one access mechanism: managed by the organiser's staff, read within the
mission's territory; analysts and donors see the roll-ups (aggregates), not the missions."""

from django.utils.translation import gettext_lazy as _

from kafaat.core import access
from kafaat.core.access import Reach
from kafaat.core.models import Role
from kafaat.core.pages import navigation
from kafaat.missions.models import ExpertMission

VIEW_MISSIONS = "missions.view_missions"
MANAGE_MISSIONS = "missions.manage_missions"
VIEW_ROLLUP = "missions.view_rollup"  # counts of missions, experts and person-days: no mission, no name

access.register_scope(ExpertMission, organisation_field="organiser", territory_field="territory")

for role in (Role.ADMINISTRATOR, Role.PROGRAMME_MANAGER):
    access.grant(role, VIEW_MISSIONS, Reach.TERRITORY)
    access.grant(role, MANAGE_MISSIONS, Reach.OWN_ORGANISATION)
for role in (Role.ADMINISTRATOR, Role.PROGRAMME_MANAGER, Role.ANALYST, Role.DONOR_VIEWER):
    access.grant(role, VIEW_ROLLUP, Reach.TERRITORY)

# In the Governance drop-down, after events, working groups, the directory and the trainers.
navigation.register_group("governance", _("Governance"))
navigation.register(
    navigation.NavItem(_("Expert missions"), "missions:list", VIEW_MISSIONS, group="governance")
)
navigation.register(
    navigation.NavItem(_("Missions and person-days"), "missions:rollup", VIEW_ROLLUP, group="governance")
)
