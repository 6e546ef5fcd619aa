"""Navigation by domain and the per-role home dashboard, both driven by the access mechanism.

Each app registers its entries here (from its AppConfig.ready), so the menu only ever shows what exists and
what the user may open.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kafaat.core import access
from kafaat.core.access import Permission
from kafaat.core.models import Role

ADMINISTRATION = "administration"


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    permission: str | None = None  # None: any signed-in member
    superuser_only: bool = False
    # A member's own work (an applicant's applications, a reviewer's queue): not the national administrator's.
    members_only: bool = False
    group: str = (
        ""  # a key of GROUPS: shown in that group's drop-down (when the user sees two of its entries)
    )


NAVIGATION: list[NavItem] = [
    NavItem(_("Home"), "home"),
    NavItem(_("Territories"), "core:territories", Permission.VIEW_TERRITORY, group=ADMINISTRATION),
    NavItem(_("Organisations"), "core:organisations", Permission.VIEW_ORGANISATION, group=ADMINISTRATION),
    NavItem(_("Audit log"), "core:audit", Permission.VIEW_AUDIT, group=ADMINISTRATION),
    NavItem(_("Background jobs"), "core:jobs", Permission.MANAGE_JOBS, group=ADMINISTRATION),
]
# Drop-downs of the menu, by key: a flat menu of every entry took two rows on a laptop for the roles that see
# most of them. Apps register theirs (`register_group`); a group sits where its first visible entry would.
GROUPS: dict[str, str | Promise] = {ADMINISTRATION: _("Administration")}


def register(item: NavItem, position: int | None = None) -> None:
    """Add a menu entry (from an app's ready()); `position` puts it before the core administration entries."""
    if position is None:
        NAVIGATION.append(item)
    else:
        NAVIGATION.insert(position, item)


def register_group(key: str, label: str | Promise) -> None:
    """A drop-down of the menu (from an app's ready()); its entries name it in `NavItem.group`."""
    GROUPS[key] = label


def visible_items(user) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        item
        for item in NAVIGATION
        if (not item.superuser_only or user.is_superuser)
        and not (item.members_only and user.is_superuser)
        and (item.permission is None or access.has_permission(user, item.permission))
    ]


@dataclass(frozen=True)
class MenuEntry:
    """One entry of the menu bar: a link (`items` holds it alone, `label` empty) or a drop-down."""

    key: str  # the group's key, or the link's URL name
    label: str | Promise
    items: tuple[NavItem, ...]

    @property
    def is_group(self) -> bool:
        return bool(self.label)


def menu(user) -> list[MenuEntry]:
    """The menu bar of `user`: their entries in order, those of a group together in a drop-down where the
    group's first entry is; a group of which they see a single entry shows it as a plain link."""
    items = visible_items(user)
    members: dict[str, list[NavItem]] = {}
    for item in items:
        if item.group in GROUPS:
            members.setdefault(item.group, []).append(item)
    entries: list[MenuEntry] = []
    for item in items:
        group = members.get(item.group)
        if not group or len(group) == 1:
            entries.append(MenuEntry(item.url_name, "", (item,)))
        elif group[0] is item:
            entries.append(MenuEntry(item.group, GROUPS[item.group], tuple(group)))
    # Administration last, where menus usually keep it, wherever its first entry was registered.
    return sorted(entries, key=lambda entry: entry.is_group and entry.key == ADMINISTRATION)


def menu_for_page(user, path: str) -> list[dict]:
    """`menu(user)` as the template draws it: each link's address and whether it is the page shown (the
    group holding it is marked too, so that a closed drop-down still says where the reader is)."""
    out = []
    for entry in menu(user):
        links = []
        for item in entry.items:
            url = reverse(item.url_name)
            links.append({"label": item.label, "url": url, "current": url == path})
        current = any(link["current"] for link in links)
        out.append({"key": entry.key, "label": entry.label, "is_group": entry.is_group, "links": links,
                    "current": current})  # fmt: skip
    return out


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
    Role.GRANT_APPLICANT: [
        _("Apply to the open calls for proposals for your organisation, in French, Arabic or English."),
        _("Follow your organisation's applications and report on its grants."),
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
