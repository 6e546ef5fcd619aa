"""The one access mechanism: every view and API call asks it which objects a user may see.

Deny by default. A user sees an object when one of their active memberships grants the permission and
the object lies within that membership's reach:

* ``OWN_ORGANISATION`` — the object belongs to the membership's organisation and lies in its scope;
* ``TERRITORY`` — the object lies in the membership's territorial scope, whoever owns it;
* ``REFERENCE`` — shared reference data (territories): any active member may read it.

Each scoped model is registered once with the paths to its owning organisation and to its territory, so new
apps extend the mechanism instead of writing their own filters. Superusers (national administrators) see all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, StrEnum

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from kafaat.core.models import Job, Membership, Organisation, Project, Role, Territory


class Permission(StrEnum):
    VIEW_TERRITORY = "core.view_territory"
    VIEW_ORGANISATION = "core.view_organisation"
    MANAGE_ORGANISATION = "core.manage_organisation"
    VIEW_AUDIT = "core.view_audit"
    VIEW_AGGREGATES = "core.view_aggregates"
    VIEW_PROJECT = "core.view_project"
    MANAGE_JOBS = "core.manage_jobs"  # the jobs page: follow and retry the background jobs


class Reach(Enum):
    OWN_ORGANISATION = "own_organisation"
    TERRITORY = "territory"
    REFERENCE = "reference"


_OWN = Reach.OWN_ORGANISATION
_TERRITORY = Reach.TERRITORY
_REFERENCE = Reach.REFERENCE

# What each role may do, and how far. Later apps add their permissions with `grant()`.
ROLE_PERMISSIONS: dict[str, dict[str, Reach]] = {
    Role.ADMINISTRATOR: {
        Permission.VIEW_TERRITORY: _REFERENCE,
        Permission.VIEW_ORGANISATION: _TERRITORY,
        Permission.MANAGE_ORGANISATION: _OWN,
        Permission.VIEW_AUDIT: _OWN,
        Permission.MANAGE_JOBS: _OWN,
    },
    Role.PROGRAMME_MANAGER: {
        Permission.VIEW_TERRITORY: _REFERENCE,
        Permission.VIEW_ORGANISATION: _TERRITORY,
        Permission.VIEW_AGGREGATES: _TERRITORY,
    },
    Role.CASE_WORKER: {
        Permission.VIEW_TERRITORY: _REFERENCE,
        Permission.VIEW_ORGANISATION: _OWN,
    },
    Role.ANALYST: {
        Permission.VIEW_TERRITORY: _REFERENCE,
        Permission.VIEW_ORGANISATION: _TERRITORY,
        Permission.VIEW_AGGREGATES: _TERRITORY,
    },
    Role.GRANT_REVIEWER: {
        Permission.VIEW_TERRITORY: _REFERENCE,
        Permission.VIEW_ORGANISATION: _OWN,
    },
    Role.ESTABLISHMENT_MANAGER: {
        Permission.VIEW_TERRITORY: _REFERENCE,
        Permission.VIEW_ORGANISATION: _OWN,
    },
    Role.DONOR_VIEWER: {
        Permission.VIEW_TERRITORY: _REFERENCE,
        Permission.VIEW_ORGANISATION: _TERRITORY,
        Permission.VIEW_AGGREGATES: _TERRITORY,
    },
    Role.GRANT_APPLICANT: {
        Permission.VIEW_TERRITORY: _REFERENCE,
        Permission.VIEW_ORGANISATION: _OWN,
    },
}


def grant(role: str, permission: str, reach: Reach) -> None:
    """Let an app add a permission to a role (called from its AppConfig.ready)."""
    ROLE_PERMISSIONS[role][permission] = reach


OrganisationCondition = Callable[[int], Q]


@dataclass(frozen=True)
class ScopeRule:
    """How to find the owning organisation and the territory of a model's rows.

    `organisation_field` is an ORM lookup path to the owning organisation, or a function giving the condition
    for one organisation id when ownership is richer (a person is seen by every organisation it was shared
    with). `territory_field` is the lookup path to the row's territory; None when the model has none.
    """

    organisation_field: str | OrganisationCondition | None
    territory_field: str | None
    distinct: bool = False  # only when a lookup crosses a to-many relation


_SCOPE_RULES: dict[type[models.Model], ScopeRule] = {}


def register_scope(
    model: type[models.Model],
    *,
    organisation_field: str | OrganisationCondition | None,
    territory_field: str | None,
    distinct: bool = False,
) -> None:
    _SCOPE_RULES[model] = ScopeRule(organisation_field, territory_field, distinct)


register_scope(Territory, organisation_field=None, territory_field="")
register_scope(Organisation, organisation_field="", territory_field="territory")
register_scope(Project, organisation_field="participants", territory_field=None, distinct=True)
register_scope(Job, organisation_field="organisation", territory_field=None)  # none: national, superusers

# Every role sees the projects its organisation takes part in.
for _permissions in ROLE_PERMISSIONS.values():
    _permissions[Permission.VIEW_PROJECT] = _OWN


def _lookup(field: str, suffix: str) -> str:
    """`''` means the row itself: Organisation owns itself, a Territory is its own territory."""
    return f"{field}__{suffix}" if field else suffix


def active_memberships(user) -> list[Membership]:
    """The user's active memberships, cached on the user object for the length of a request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_kafaat_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, is_active=True, organisation__is_active=True).select_related(
                "organisation", "territory_scope"
            )
        )
        user._kafaat_memberships = cached
    return cached


def roles_of(user) -> set[str]:
    return {m.role for m in active_memberships(user)}


def _membership_condition(membership: Membership, reach: Reach, rule: ScopeRule) -> Q | None:
    if reach is Reach.REFERENCE:
        return Q()
    conditions = Q()
    if reach is Reach.OWN_ORGANISATION:
        if rule.organisation_field is None:
            return None
        if callable(rule.organisation_field):
            conditions &= rule.organisation_field(membership.organisation_id)
        else:
            conditions &= Q(**{_lookup(rule.organisation_field, "pk"): membership.organisation_id})
    elif rule.territory_field is None:
        return None  # territorial reach over rows that have no territory: nothing to grant
    if membership.territory_scope is not None and rule.territory_field is not None:
        conditions &= Q(
            **{_lookup(rule.territory_field, "path__startswith"): membership.territory_scope.path}
        )
    return conditions


def scoped(user, permission: str, queryset: QuerySet) -> QuerySet:
    """The rows of `queryset` that `user` may see under `permission`; none unless a membership allows it."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return queryset
    rule = _SCOPE_RULES.get(queryset.model)
    if rule is None:
        raise LookupError(f"{queryset.model.__name__} has no access scope registered")
    allowed: Q | None = None
    for membership in active_memberships(user):
        reach = ROLE_PERMISSIONS.get(membership.role, {}).get(permission)
        if reach is None:
            continue
        condition = _membership_condition(membership, reach, rule)
        if condition is None:
            continue
        if not condition:  # an empty Q grants every row: no need to look further
            return queryset
        allowed = condition if allowed is None else allowed | condition
    if allowed is None:
        return queryset.none()
    queryset = queryset.filter(allowed)
    return queryset.distinct() if rule.distinct else queryset


def has_permission(user, permission: str, obj: models.Model | None = None) -> bool:
    """Whether `user` holds `permission` at all, or on `obj` when one is given."""
    if obj is None:
        if getattr(user, "is_superuser", False) and user.is_active:
            return True
        return any(permission in ROLE_PERMISSIONS.get(m.role, {}) for m in active_memberships(user))
    return scoped(user, permission, type(obj)._default_manager.filter(pk=obj.pk)).exists()


class OutOfScope(Http404):
    """A scoped look-up found nothing the user may see. It answers 404 like an unknown id (never "exists but
    forbidden"), and is recorded as a denial where the 404 is answered (`core.denials`), which a plain
    `Http404` (an address that does not exist) is not."""

    def __init__(self, model: type[models.Model], target_id: object = "", permission: str = "") -> None:
        super().__init__("Not found")
        self.target_type = model._meta.label_lower
        self.target_id = str(target_id)[:64]
        self.permission = permission


class Refused(PermissionDenied):
    """A 403 that knows what was refused: the permission and, when one was asked about, the object."""

    def __init__(self, permission: str = "", obj: models.Model | None = None) -> None:
        super().__init__()
        self.permission = permission
        self.target_type = obj._meta.label_lower if obj is not None else ""
        self.target_id = str(obj.pk) if obj is not None else ""


def get_object_or_404(user, permission: str, queryset: QuerySet, **lookup) -> models.Model:
    """An object the user may see, else 404 — never reveal that an out-of-scope id exists."""
    try:
        return scoped(user, permission, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise OutOfScope(queryset.model, next(iter(lookup.values()), ""), permission) from exc


def in_scope_or_404(queryset: QuerySet, **lookup) -> models.Model:
    """A row of a queryset that is already limited to what the user may reach (their own import jobs, the
    consents of a person they may change), else OutOfScope: a 404 recorded as a denial, like every scoped
    look-up, rather than a plain 404 nobody sees."""
    found = queryset.filter(**lookup).first()
    if found is None:
        raise OutOfScope(queryset.model, next(iter(lookup.values()), ""))
    return found


def require(user, permission: str, obj: models.Model | None = None) -> None:
    if not has_permission(user, permission, obj):
        raise Refused(permission, obj)


def organisations_where(user, permission: str) -> QuerySet:
    """Organisations in which the user holds `permission` through one of their own memberships."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return Organisation.objects.all()
    ids = [
        m.organisation_id for m in active_memberships(user) if permission in ROLE_PERMISSIONS.get(m.role, {})
    ]
    return Organisation.objects.filter(pk__in=ids)
