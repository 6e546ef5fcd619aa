"""How training supply enters the one access mechanism: who reads, who edits, who manages; the menu entries.

Establishments are owned both by their operator (OFPPT, a ministry department, a private company) and by the
establishment's own organisation when its staff use Kafaat: administrators of the operator manage every
establishment it runs, establishment managers edit their own. Reading is territorial: analysts, programme
managers, donors and case workers read the supply (aggregates, never a person) within their scope.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kafaat.core import access
from kafaat.core.access import Reach
from kafaat.core.models import Role
from kafaat.core.pages import home, navigation
from kafaat.training.models import Establishment, Programme, ProgrammeMapping, SupplyStatistic

VIEW_SUPPLY = "training.view_supply"
CHANGE_ESTABLISHMENT = "training.change_establishment"  # edit, its programmes and statistics, import them
MANAGE_SUPPLY = "training.manage_supply"  # create and close establishments the organisation operates


def _owned_by(prefix: str):
    def condition(organisation_id: int) -> Q:
        return Q(**{f"{prefix}organisation_id": organisation_id}) | Q(
            **{f"{prefix}operator_id": organisation_id}
        )

    return condition


access.register_scope(Establishment, organisation_field=_owned_by(""), territory_field="territory")
access.register_scope(
    Programme, organisation_field=_owned_by("establishment__"), territory_field="establishment__territory"
)
access.register_scope(
    SupplyStatistic,
    organisation_field=_owned_by("programme__establishment__"),
    territory_field="programme__establishment__territory",
)
access.register_scope(ProgrammeMapping, organisation_field="organisation", territory_field=None)

for role in (Role.ADMINISTRATOR, Role.PROGRAMME_MANAGER, Role.CASE_WORKER, Role.ANALYST, Role.DONOR_VIEWER):
    access.grant(role, VIEW_SUPPLY, Reach.TERRITORY)
access.grant(Role.ESTABLISHMENT_MANAGER, VIEW_SUPPLY, Reach.OWN_ORGANISATION)
for role in (Role.ADMINISTRATOR, Role.ESTABLISHMENT_MANAGER):
    access.grant(role, CHANGE_ESTABLISHMENT, Reach.OWN_ORGANISATION)
access.grant(Role.ADMINISTRATOR, MANAGE_SUPPLY, Reach.OWN_ORGANISATION)

# Before the core administration entries (territories, organisations, audit log).
_BEFORE = next(i for i, item in enumerate(navigation.NAVIGATION) if item.url_name == "core:territories")
navigation.register_group("training", _("Training"))
navigation.register(
    navigation.NavItem(_("Training supply"), "training:establishments", VIEW_SUPPLY, group="training"),
    _BEFORE,
)
navigation.register(
    navigation.NavItem(_("Supply import"), "training:import", CHANGE_ESTABLISHMENT, group="training"),
    _BEFORE + 1,
)

# Where a failed supply import is followed (the home page links to it).
home.register_import_page(("supply",), "training:import_job")
