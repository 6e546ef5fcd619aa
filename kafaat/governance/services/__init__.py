"""Working groups, their members, meetings (agenda, participants, minutes, outcomes) and actions.

Rules: the group's secretariat manages it (`access_rules.can_manage_group`); a closed or cancelled meeting is
read-only (`can_edit_meeting`: any change is refused with a message); meetings and actions move by named
transitions (`workflows`); an action stays open, carried to each next meeting of its group, until done or
dropped. Reads go through `core.access`, changes are audited.

The rules live in the modules below, by responsibility; this package names them all, so callers import
`kafaat.governance.services` as before."""

from kafaat.governance.services.actions import (  # noqa: F401
    ActionTimeliness,
    add_outcome,
    carried_actions,
    get_action,
    is_overdue,
    open_actions,
    outcomes_of,
    overdue_actions,
    timeliness,
    transition_action,
)
from kafaat.governance.services.agenda import (  # noqa: F401
    add_agenda_item,
    invite,
    participants_of,
    record_attendance,
    remove_agenda_item,
)
from kafaat.governance.services.groups import (  # noqa: F401
    MAX_MINUTES_CHARS,
    ReadOnlyMeeting,
    add_member,
    end_membership,
    get_group,
    get_membership,
    members_of,
    visible_groups,
)
from kafaat.governance.services.meetings import (  # noqa: F401
    create_meeting,
    get_meeting,
    meetings_of,
    transition_meeting,
    update_meeting,
)
from kafaat.governance.services.minutes import (  # noqa: F401
    minutes_diff,
    minutes_of,
    write_minutes,
)
