"""Navigation by domain and the per-role home dashboard, both driven by the access mechanism.

Each app registers its entries here (from its AppConfig.ready), so the menu only ever shows what exists and
what the user may open.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kafaat.core import access
from kafaat.core.access import Permission
from kafaat.core.models import Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    permission: str | None = None  # None: any signed-in member
    superuser_only: bool = False


NAVIGATION: list[NavItem] = [
    NavItem(_("Home"), "home"),
    NavItem(_("Territories"), "core:territories", Permission.VIEW_TERRITORY),
    NavItem(_("Organisations"), "core:organisations", Permission.VIEW_ORGANISATION),
    NavItem(_("Audit log"), "core:audit", Permission.VIEW_AUDIT),
    NavItem(_("Background jobs"), "core:jobs", Permission.MANAGE_JOBS),
]


def register(item: NavItem, position: int | None = None) -> None:
    """Add a menu entry (from an app's ready()); `position` puts it before the core administration entries."""
    if position is None:
        NAVIGATION.append(item)
    else:
        NAVIGATION.insert(position, item)


def visible_items(user) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        item
        for item in NAVIGATION
        if (not item.superuser_only or user.is_superuser)
        and (item.permission is None or access.has_permission(user, item.permission))
    ]


# What each role's home page tells the person they can do; later issues extend the lists as features land.
ROLE_CAPABILITIES: dict[str, list[str | Promise]] = {
    Role.ADMINISTRATOR: [
        _("Manage your organisation's members, their roles and territorial scopes."),
        _("Read the audit log of your organisation's members."),
        _("See the organisations working in your territory."),
    ],
    Role.PROGRAMME_MANAGER: [
        _("Follow your programme's organisations across its territories."),
        _("Read aggregated figures for your territory (donor reports come with the results module)."),
    ],
    Role.CASE_WORKER: [
        _("Register the people you serve and record each step of their pathway (registry module)."),
        _("See your organisation's details and the territorial reference lists."),
    ],
    Role.ANALYST: [
        _("Read aggregated figures only: no person's record is ever shown to you."),
        _("Browse the organisations and territories of your scope."),
    ],
    Role.GRANT_REVIEWER: [
        _("Review the grant applications assigned to you (grants module)."),
        _("Declare any conflict of interest before scoring."),
    ],
    Role.ESTABLISHMENT_MANAGER: [
        _("Run your establishment's quality self-assessment (quality module)."),
        _("Follow your trainees' outcomes as aggregates."),
    ],
    Role.DONOR_VIEWER: [
        _("Read the published indicators and aggregates of the projects you fund."),
        _("See the organisations taking part in your territory."),
    ],
}


@dataclass(frozen=True)
class RoleCard:
    organisation: str
    role: str
    scope: str
    capabilities: list


def home_cards(user) -> list[RoleCard]:
    cards = []
    for membership in access.active_memberships(user):
        cards.append(
            RoleCard(
                organisation=str(membership.organisation),
                role=membership.get_role_display(),
                scope=str(membership.territory_scope)
                if membership.territory_scope
                else str(_("All of Morocco")),
                capabilities=ROLE_CAPABILITIES.get(membership.role, []),
            )
        )
    return cards
