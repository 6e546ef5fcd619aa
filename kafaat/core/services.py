"""Business rules of the core domain: organisations, members, API tokens. No HTTP objects here."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kafaat.core import access, audit
from kafaat.core.access import Permission
from kafaat.core.models import ApiToken, AuditEvent, Membership, Organisation, Role, Territory

User = get_user_model()


# --- Territories -------------------------------------------------------------------------------------------


def list_territories(
    user, *, level: str | None = None, parent_code: str | None = None, query: str | None = None
) -> QuerySet[Territory]:
    territories = access.scoped(user, Permission.VIEW_TERRITORY, Territory.objects.all())
    if level:
        territories = territories.filter(level=level)
    if parent_code:
        territories = territories.filter(parent__code=parent_code)
    if query:
        territories = territories.filter(
            Q(name_fr__icontains=query) | Q(name_ar__icontains=query) | Q(name_en__icontains=query)
        )
    return territories.select_related("parent")


def get_territory(user, code: str) -> Territory:
    return access.get_object_or_404(user, Permission.VIEW_TERRITORY, Territory.objects.all(), code=code)


# --- Organisations -----------------------------------------------------------------------------------------


def list_organisations(
    user, *, type: str | None = None, territory_code: str | None = None, query: str | None = None
) -> QuerySet[Organisation]:
    organisations = access.scoped(user, Permission.VIEW_ORGANISATION, Organisation.objects.all())
    if type:
        organisations = organisations.filter(type=type)
    if territory_code:
        territory = Territory.objects.filter(code=territory_code).first()
        if territory is None:
            return organisations.none()
        organisations = organisations.filter(territory__path__startswith=territory.path)
    if query:
        organisations = organisations.filter(
            Q(name_fr__icontains=query)
            | Q(name_ar__icontains=query)
            | Q(name_en__icontains=query)
            | Q(acronym__icontains=query)
            | Q(code__icontains=query)
        )
    return organisations.select_related("territory")


def get_organisation(user, organisation_id: int, *, audit_read: bool = True) -> Organisation:
    organisation = access.get_object_or_404(
        user,
        Permission.VIEW_ORGANISATION,
        Organisation.objects.select_related("territory"),
        pk=organisation_id,
    )
    if audit_read:
        audit.record(audit.Action.VIEW, user, organisation)
    return organisation


def get_managed_organisation(user, organisation_id: int) -> Organisation:
    """The organisation if the user administers it: 404 when out of sight, 403 when seen but not managed."""
    organisation = get_organisation(user, organisation_id, audit_read=False)
    if not access.has_permission(user, Permission.MANAGE_ORGANISATION, organisation):
        raise access.Refused(Permission.MANAGE_ORGANISATION, organisation)  # recorded by core.denials
    audit.record(audit.Action.VIEW, user, organisation, details={"page": "manage"})
    return organisation


@transaction.atomic
def create_organisation(actor, **fields) -> Organisation:
    """National administrators create organisations; the rest ask one of them."""
    if not actor.is_superuser:
        raise PermissionDenied
    organisation = Organisation(**fields)
    organisation.full_clean()
    organisation.save()
    audit.record(audit.Action.CREATE, actor, organisation, details={"fields": sorted(fields)})
    return organisation


# --- Members -----------------------------------------------------------------------------------------------


def members_of(actor, organisation: Organisation) -> QuerySet[Membership]:
    access.require(actor, Permission.MANAGE_ORGANISATION, organisation)
    return organisation.memberships.select_related("user", "territory_scope").order_by(
        "user__username", "role"
    )


@transaction.atomic
def add_member(
    actor,
    organisation: Organisation,
    *,
    username: str,
    role: str,
    territory_scope: Territory | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
) -> Membership:
    """Give a person a role in the organisation, creating their account when it does not exist yet."""
    access.require(actor, Permission.MANAGE_ORGANISATION, organisation)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    actor_scopes = [
        m.territory_scope
        for m in access.active_memberships(actor)
        if m.organisation_id == organisation.pk and m.role == Role.ADMINISTRATOR
    ]
    # An administrator cannot hand out a wider territory than their own.
    if (
        not actor.is_superuser
        and None not in actor_scopes
        and (territory_scope is None or not any(scope.contains(territory_scope) for scope in actor_scopes))
    ):
        raise ValidationError({"territory_scope": _("This scope is wider than your own.")})
    user = User.objects.filter(username=username).first()
    if user is None:
        if not password:
            raise ValidationError({"password": _("A new account needs an initial password.")})
        user = User(username=username, email=email, first_name=first_name, last_name=last_name)
        validate_password(password, user)
        user.set_password(password)
        user.full_clean()
        user.save()
        audit.record(audit.Action.CREATE, actor, user)
    membership, created = Membership.objects.get_or_create(
        user=user,
        organisation=organisation,
        role=role,
        defaults={"territory_scope": territory_scope},
    )
    if not created:
        membership.territory_scope = territory_scope
        membership.is_active = True
        membership.save(update_fields=["territory_scope", "is_active"])
    audit.record(
        audit.Action.CREATE if created else audit.Action.UPDATE,
        actor,
        membership,
        details={"role": role, "territory_scope": territory_scope.code if territory_scope else None},
    )
    return membership


@transaction.atomic
def deactivate_membership(actor, membership: Membership) -> Membership:
    access.require(actor, Permission.MANAGE_ORGANISATION, membership.organisation)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    audit.record(audit.Action.UPDATE, actor, membership, details={"is_active": [True, False]})
    return membership


# --- API tokens --------------------------------------------------------------------------------------------

TOKEN_PREFIX = "kft_"  # noqa: S105 — a marker that makes leaked tokens easy to scan for, not a secret


def _hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # shown once, never stored


@transaction.atomic
def issue_api_token(user, name: str, *, valid_days: int | None = 90) -> IssuedToken:
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(days=valid_days) if valid_days else None
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:12], key_hash=_hash_token(key), expires_at=expires_at
    )
    audit.record(audit.Action.CREATE, user, token)
    return IssuedToken(token=token, key=key)


def user_for_api_key(key: str):
    """The active user behind a bearer token, or None."""
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash_token(key)).first()
    if token is None or not token.is_valid or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # coarse: avoid a write per call
    return token.user


def api_tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def revoke_api_token(user, token_id: int) -> None:
    token = ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).first()
    if token is None:
        raise ValidationError(_("No such token."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(audit.Action.UPDATE, user, token, details={"revoked": True})


# --- Audit log ---------------------------------------------------------------------------------------------


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:
    """National administrators see every event; an organisation's administrators see their members' events."""
    if user.is_superuser and user.is_active:
        return AuditEvent.objects.all()
    organisations = access.organisations_where(user, Permission.VIEW_AUDIT)
    if not organisations.exists():
        raise PermissionDenied
    member_ids = Membership.objects.filter(organisation__in=organisations).values("user_id")
    return AuditEvent.objects.filter(actor_id__in=member_ids)


def organisation_for(actor, permission: str, organisation: Organisation | None = None) -> Organisation:
    """The organisation the actor acts for: the one given (if they may), else their only one."""
    allowed = access.organisations_where(actor, permission)
    if organisation is not None:
        if not allowed.filter(pk=organisation.pk).exists():
            raise PermissionDenied
        return organisation
    candidates = list(allowed[:2])
    if len(candidates) != 1:
        raise ValidationError({"organisation": _("Choose the organisation you are acting for.")})
    return candidates[0]


# --- What the administrators' home page shows (core/pages/core_panels.py) ----------------------------------

NEW_MEMBER_DAYS = 30
DENIALS_ALERT = 10  # refusals to one user within DENIALS_WINDOW that the home page points out
DENIALS_WINDOW = timedelta(days=1)
LISTED = 5  # names listed in a panel; the counts say how many there are in all


@dataclass(frozen=True)
class AccountsFigures:
    active: int  # active accounts (national) or members of the organisations the user manages
    new: int  # of which joined in the last NEW_MEMBER_DAYS days
    without_role: int | None  # accounts with no active membership (national administrators only)
    locked: list[str]  # user names locked out of sign-in now, the first LISTED
    locked_count: int
    organisation: Organisation | None  # the one organisation the user manages, for its members' page


def accounts_overview(user) -> AccountsFigures | None:
    """Accounts and sign-in lockouts: every account for a national administrator, the members of the
    organisations they manage for an organisation's administrator; None for anyone else."""
    from axes.models import AccessAttempt  # a third-party model: read only here

    since = timezone.now() - timedelta(days=NEW_MEMBER_DAYS)
    locked = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
    )
    if user.is_superuser and user.is_active:
        users = get_user_model().objects.filter(is_active=True)
        figures = users.aggregate(
            active=Count("pk"),
            new=Count("pk", filter=Q(date_joined__gte=since)),
            without_role=Count(
                "pk",
                filter=Q(is_superuser=False)
                & ~Q(pk__in=Membership.objects.filter(is_active=True).values("user_id")),
            ),
        )
        organisation = None
    else:
        managed = [
            m.organisation
            for m in access.active_memberships(user)
            if Permission.MANAGE_ORGANISATION in access.ROLE_PERMISSIONS.get(m.role, {})
        ]
        if not managed:
            return None
        members = Membership.objects.filter(organisation__in=managed, is_active=True, user__is_active=True)
        figures = members.aggregate(
            active=Count("user", distinct=True),
            new=Count("user", distinct=True, filter=Q(created_at__gte=since)),
        )
        figures["without_role"] = None
        locked = locked.filter(username__in=members.values("user__username"))
        organisation = managed[0] if len({o.pk for o in managed}) == 1 else None
    names = list(locked.order_by("username").values_list("username", flat=True).distinct()[: LISTED + 1])
    locked_count = len(names) if len(names) <= LISTED else locked.values("username").distinct().count()
    return AccountsFigures(
        active=figures["active"],
        new=figures["new"],
        without_role=figures["without_role"],
        locked=names[:LISTED],
        locked_count=locked_count,
        organisation=organisation,
    )


@dataclass(frozen=True)
class DenialAlert:
    username: str
    count: int


def denial_alerts(user) -> list[DenialAlert] | None:
    """Users refused DENIALS_ALERT times or more in the last day (probing for records out of their scope,
    or a page that sends them where they may not go), among the events the user may read in the audit log;
    None for anyone who may not read it."""
    if not access.has_permission(user, Permission.VIEW_AUDIT):
        return None
    events = audit_events_visible_to(user).filter(
        action=AuditEvent.Action.DENIED, at__gte=timezone.now() - DENIALS_WINDOW
    )
    rows = (
        events.exclude(actor_username="")
        .values("actor_username")
        .annotate(n=Count("pk"))
        .filter(n__gte=DENIALS_ALERT)
        .order_by("-n", "actor_username")[:LISTED]
    )
    return [DenialAlert(row["actor_username"], row["n"]) for row in rows]
