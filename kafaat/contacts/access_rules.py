"""How the stakeholder directory enters the one access mechanism.

A contact is kept by one organisation (its staff edit the entry) and read within a territory: a GTR
secretariat, a programme manager or an administrator sees the contacts of its region, whoever keeps them.
Analysts and donors see aggregates only, never the directory.
"""

from django.utils.translation import gettext_lazy as _

from kafaat.contacts.models import Contact
from kafaat.core import access
from kafaat.core.access import Reach
from kafaat.core.models import Role
from kafaat.core.pages import navigation

VIEW_CONTACTS = "contacts.view_contacts"
CHANGE_CONTACTS = "contacts.change_contacts"  # create, edit, import, merge duplicates

access.register_scope(Contact, organisation_field="managed_by", territory_field="territory")

for role in (Role.ADMINISTRATOR, Role.PROGRAMME_MANAGER):
    access.grant(role, VIEW_CONTACTS, Reach.TERRITORY)
    access.grant(role, CHANGE_CONTACTS, Reach.OWN_ORGANISATION)
for role in (Role.CASE_WORKER, Role.ESTABLISHMENT_MANAGER):
    access.grant(role, VIEW_CONTACTS, Reach.OWN_ORGANISATION)
access.grant(Role.ESTABLISHMENT_MANAGER, CHANGE_CONTACTS, Reach.OWN_ORGANISATION)

navigation.register_group("governance", _("Governance"))
navigation.register(navigation.NavItem(_("Contacts"), "contacts:list", VIEW_CONTACTS, group="governance"))
navigation.register(
    navigation.NavItem(_("Contacts import"), "contacts:import", CHANGE_CONTACTS, group="governance")
)
