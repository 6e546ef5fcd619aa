"""Events' rules: events and sessions, registrations and their workflow, attendance per session, check-in.

Every read goes through `access.scoped` (VIEW_EVENTS for events, VIEW_PARTICIPANTS for who takes part), every
change through MANAGE_EVENTS on the event; each change is audited, and so is each read of a registrant list.
A beneficiary is registered only when the user may see them under the registry's rules.

The rules live in the modules below, by responsibility; this package names them all, so callers import
`kafaat.events.services` as before."""

from kafaat.events.services.attendance import (  # noqa: F401
    CheckIn,
    CheckInResult,
    check_in,
    check_in_allowed,
    describe_check_in,
    normalise_badge_code,
    record_attendance,
)
from kafaat.events.services.editing import (  # noqa: F401
    add_session,
    create_event,
    current_session,
    delete_session,
    get_session,
    managing_organisations,
    update_event,
    update_session,
)
from kafaat.events.services.reading import (  # noqa: F401
    EVENT_FIELDS,
    LANGUAGE_CODES,
    EventFilters,
    attended_sessions,
    can_manage,
    can_view_participants,
    events,
    export_registrants,
    get_event,
    get_event_to_manage,
    list_events,
    record_list_read,
    registrations_of,
    seats_taken,
    sessions_of,
    status_counts,
)
from kafaat.events.services.registrations import (  # noqa: F401
    get_registration,
    register_contact,
    register_person,
    transition,
    transitions_open_to,
)
from kafaat.events.services.reviews import (  # noqa: F401
    get_review,
    resolve_review,
    review_candidates,
    review_people,
    reviews_of,
    sign_in_jobs,
    start_sign_in_import,
)
