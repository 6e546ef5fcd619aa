"""How working groups enter the one access mechanism: a GTR is managed by its secretariat's organisation and
read within its territory; the national administrator (superuser) sees all.

Beyond the scope, the object rules are the predicates below (`can_manage_group`, `can_edit_meeting`, …),
used by the services, the pages and the API alike: a closed or cancelled meeting is read-only for everyone.
"""

from django.utils.translation import gettext_lazy as _

from kafaat.core import access
from kafaat.core.access import Reach
from kafaat.core.models import Role
from kafaat.core.pages import navigation
from kafaat.governance.models import Action, GroupMembership, Meeting, WorkingGroup

VIEW_GROUPS = "governance.view_groups"
MANAGE_GROUPS = "governance.manage_groups"  # members, meetings, minutes, actions

access.register_scope(WorkingGroup, organisation_field="secretariat", territory_field="territory")
access.register_scope(
    GroupMembership, organisation_field="group__secretariat", territory_field="group__territory"
)
access.register_scope(Meeting, organisation_field="group__secretariat", territory_field="group__territory")
access.register_scope(Action, organisation_field="group__secretariat", territory_field="group__territory")

for role in (Role.ADMINISTRATOR, Role.PROGRAMME_MANAGER, Role.ANALYST):
    access.grant(role, VIEW_GROUPS, Reach.TERRITORY)
for role in (Role.ADMINISTRATOR, Role.PROGRAMME_MANAGER):
    access.grant(role, MANAGE_GROUPS, Reach.OWN_ORGANISATION)


def can_view_group(user, group: WorkingGroup) -> bool:
    return access.has_permission(user, VIEW_GROUPS, group)


def can_manage_group(user, group: WorkingGroup) -> bool:
    """The group's secretariat (its administrators and programme managers, within their scope) or a national
    administrator: members, meetings, minutes and actions."""
    return access.has_permission(user, MANAGE_GROUPS, group)


def meeting_is_open(meeting: Meeting) -> bool:
    """Planned or held: a closed meeting is the record, a cancelled one never happened."""
    return meeting.status in (Meeting.Status.PLANNED, Meeting.Status.HELD)


def can_edit_meeting(user, meeting: Meeting) -> bool:
    """Agenda, participants, attendance, minutes and outcomes: the secretariat, while the meeting is open."""
    return meeting_is_open(meeting) and can_manage_group(user, meeting.group)


def can_update_action(user, action: Action) -> bool:
    """An action's status and note: the group's secretariat, whatever became of the meeting that decided it
    (an action outlives its meeting: it is carried to the next ones until closed)."""
    return can_manage_group(user, action.group)


navigation.register_group("governance", _("Governance"))  # also by contacts: whichever app is ready first
# First in the Governance drop-down, before the directory (the contacts app is ready before this one).
_DIRECTORY = next(
    (i for i, item in enumerate(navigation.NAVIGATION) if item.url_name == "contacts:list"), None
)
navigation.register(
    navigation.NavItem(_("Working groups"), "governance:groups", VIEW_GROUPS, group="governance"), _DIRECTORY
)
