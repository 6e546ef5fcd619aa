"""How expert missions enter the one access mechanism: managed by the organiser's staff, read within the
mission's territory; analysts and donors see the roll-ups (aggregates), not the missions."""

from kafaat.core import access
from kafaat.core.access import Reach
from kafaat.core.models import Role
from kafaat.missions.models import ExpertMission

VIEW_MISSIONS = "missions.view_missions"
MANAGE_MISSIONS = "missions.manage_missions"

access.register_scope(ExpertMission, organisation_field="organiser", territory_field="territory")

for role in (Role.ADMINISTRATOR, Role.PROGRAMME_MANAGER):
    access.grant(role, VIEW_MISSIONS, Reach.TERRITORY)
    access.grant(role, MANAGE_MISSIONS, Reach.OWN_ORGANISATION)
