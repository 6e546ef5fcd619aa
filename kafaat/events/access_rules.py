"""How events enter the one access mechanism: an event is managed by its organiser's staff and read within
its territory. Who attended is personal data: reading a registrant list needs VIEW_PARTICIPANTS, and a
beneficiary's identity behind a registration stays under the registry's own rules."""

from django.utils.translation import gettext_lazy as _

from kafaat.core import access
from kafaat.core.access import Reach
from kafaat.core.models import Role
from kafaat.core.pages import navigation
from kafaat.events.models import Attendance, Event, Registration, Session, SignInReview

VIEW_EVENTS = "events.view_events"
VIEW_PARTICIPANTS = "events.view_participants"
MANAGE_EVENTS = "events.manage_events"  # create, register, check in, import sign-in sheets, certificates

access.register_scope(Event, organisation_field="organiser", territory_field="territory")
access.register_scope(Session, organisation_field="event__organiser", territory_field="event__territory")
access.register_scope(Registration, organisation_field="event__organiser", territory_field="event__territory")
access.register_scope(
    Attendance,
    organisation_field="registration__event__organiser",
    territory_field="registration__event__territory",
)
access.register_scope(SignInReview, organisation_field="event__organiser", territory_field="event__territory")

for role in (Role.ADMINISTRATOR, Role.PROGRAMME_MANAGER, Role.ANALYST, Role.DONOR_VIEWER):
    access.grant(role, VIEW_EVENTS, Reach.TERRITORY)
for role in (Role.CASE_WORKER, Role.ESTABLISHMENT_MANAGER):
    access.grant(role, VIEW_EVENTS, Reach.OWN_ORGANISATION)
for role in (Role.ADMINISTRATOR, Role.PROGRAMME_MANAGER):
    access.grant(role, VIEW_PARTICIPANTS, Reach.TERRITORY)
    access.grant(role, MANAGE_EVENTS, Reach.OWN_ORGANISATION)
for role in (Role.CASE_WORKER, Role.ESTABLISHMENT_MANAGER):
    access.grant(role, VIEW_PARTICIPANTS, Reach.OWN_ORGANISATION)
    access.grant(role, MANAGE_EVENTS, Reach.OWN_ORGANISATION)

# The menu: events in the governance drop-down (shared with the working groups), before the administration.
_BEFORE = next(i for i, item in enumerate(navigation.NAVIGATION) if item.url_name == "core:territories")
navigation.register_group("governance", _("Governance"))
navigation.register(navigation.NavItem(_("Events"), "events:list", VIEW_EVENTS, group="governance"), _BEFORE)
