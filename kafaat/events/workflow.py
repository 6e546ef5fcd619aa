"""The registration workflow as data: its states, the transitions between them, who may take each and when.

Services perform a transition by name (`services.transition`), which checks it here, records who and when and
audits it; pages and API offer only `transitions_open_to(user, registration)`. Attending is not a transition a
user takes by hand: it follows from a recorded presence at one session (check-in, sign-in sheet, by hand).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kafaat.events.models import Registration, RegistrationStatus

S = RegistrationStatus


def _always(registration: Registration, today: date) -> bool:
    return True


def _event_started(registration: Registration, today: date) -> bool:
    return registration.event.start_date <= today


def _event_not_over(registration: Registration, today: date) -> bool:
    return registration.event.end_date >= today and not registration.event.is_cancelled


def _no_attendance(registration: Registration, today: date) -> bool:
    # A page of registrants has read them already (services.attended_sessions): no query a row.
    known = getattr(registration, "attended_session_ids", None)
    return not known if known is not None else not registration.attendances.exists()


@dataclass(frozen=True)
class Transition:
    name: str
    label: Promise
    sources: tuple[str, ...]
    target: str
    condition: Callable[[Registration, date], bool]
    refusal: Promise  # said when the condition does not hold
    counts_against_capacity: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "register",
            _("Confirm registration"),
            (S.INVITED, S.WITHDRAWN),
            S.REGISTERED,
            _event_not_over,
            _("The event is over or cancelled: nobody can register any more."),
            counts_against_capacity=True,
        ),
        Transition(
            "withdraw",
            _("Withdraw"),
            (S.INVITED, S.REGISTERED),
            S.WITHDRAWN,
            _always,
            _("Not possible."),
        ),
        Transition(
            "mark_no_show",
            _("Did not come"),
            (S.INVITED, S.REGISTERED),
            S.NO_SHOW,
            lambda r, today: _event_started(r, today) and _no_attendance(r, today),
            _("“Did not come” can be set once the event has started, for someone with no recorded presence."),
        ),
        Transition(
            "reinstate",
            _("Back to registered"),
            (S.NO_SHOW,),
            S.REGISTERED,
            _no_attendance,
            _("This registrant has a recorded presence."),
        ),
    )
}

# Who may take the transitions: the event's managers (MANAGE_EVENTS on the event). One permission for all of
# them today; a transition that needs another is given its own here.
PERMISSION_OF = dict.fromkeys(TRANSITIONS, "events.manage_events")

# The statuses that hold a seat (capacity counts them) and those a badge may check in.
HOLDS_A_SEAT = (S.REGISTERED, S.ATTENDED)
MAY_CHECK_IN = (S.INVITED, S.REGISTERED, S.ATTENDED, S.NO_SHOW)
