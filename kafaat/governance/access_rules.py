"""How working groups enter the one access mechanism: a GTR is managed by its secretariat's organisation and
read within its territory; the national administrator (superuser) sees all."""

from kafaat.core import access
from kafaat.core.access import Reach
from kafaat.core.models import Role
from kafaat.governance.models import GroupMembership, WorkingGroup

VIEW_GROUPS = "governance.view_groups"
MANAGE_GROUPS = "governance.manage_groups"  # members, meetings, minutes, actions

access.register_scope(WorkingGroup, organisation_field="secretariat", territory_field="territory")
access.register_scope(
    GroupMembership, organisation_field="group__secretariat", territory_field="group__territory"
)

for role in (Role.ADMINISTRATOR, Role.PROGRAMME_MANAGER, Role.ANALYST):
    access.grant(role, VIEW_GROUPS, Reach.TERRITORY)
for role in (Role.ADMINISTRATOR, Role.PROGRAMME_MANAGER):
    access.grant(role, MANAGE_GROUPS, Reach.OWN_ORGANISATION)
