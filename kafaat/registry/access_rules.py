"""How people records enter the one access mechanism: who may see and change them, and the menu entries."""

from django.db import connection
from django.db.models import F, Lookup, Q
from django.utils.translation import gettext_lazy as _

from kafaat.core import access
from kafaat.core.access import Reach
from kafaat.core.models import Role
from kafaat.core.pages import home, navigation
from kafaat.registry.models import Person, PersonAccess

VIEW_PERSON = "registry.view_person"
CHANGE_PERSON = "registry.change_person"


# Up to this many people shared with an organisation are written into its queries as a list (see below).
SHARED_IDS_INLINE = 5000


class _AnyOf(Lookup):
    """`lhs = ANY(<one array parameter>)` (PostgreSQL): the list travels as a single literal, which the
    planner can hash, instead of one placeholder per id (`pk__in=ids`: 30 ms to compile 2,000 of them)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, list(self.rhs))


def shared_with(organisation_id: int):
    """Ids of the people the organisation holds an active access to other than registering them (referral,
    merge); a partial index (`personaccess_shared`) holds exactly these rows."""
    return (
        PersonAccess.objects.filter(organisation_id=organisation_id, is_active=True)
        .exclude(reason=PersonAccess.Reason.REGISTERED)
        .values_list("person_id", flat=True)
    )


def _person_visible_to(organisation_id: int) -> Q:
    """People the organisation registered, or holds another active access to (referral, merge).

    Testing `registered_by` on the row itself lets PostgreSQL keep only the organisation's people from a name
    search without looking at accesses. This holds because the registering organisation's access is never
    revoked, and a merge relabels the accesses it carries over (`merging.merge`).

    On PostgreSQL the other accesses are read first (one index-only scan) and written into the query as a
    list of ids: both arms of the rule are then index conditions, which PostgreSQL ORs in the indexes and
    ANDs with the trigram match, and where it tests the list row by row it hashes it. As a subquery, the
    referral arm was a subplan tested on every person whose name matched, in every organisation
    (docs/search.md). Beyond `SHARED_IDS_INLINE` people the subquery is kept: a slower name search, but a
    query of bounded size. The ids are read when the queryset is built, so a withdrawal applies from the
    next query built.
    """
    shared = shared_with(organisation_id)
    if connection.vendor == "postgresql":
        ids = list(shared[: SHARED_IDS_INLINE + 1])
        if not ids:
            return Q(registered_by_id=organisation_id)
        if len(ids) <= SHARED_IDS_INLINE:
            return Q(registered_by_id=organisation_id) | Q(_AnyOf(F("pk"), ids))
    return Q(registered_by_id=organisation_id) | Q(pk__in=shared)


access.register_scope(Person, organisation_field=_person_visible_to, territory_field="territory")

# Analysts, donors and grant reviewers get no person permission at all: aggregates only.
for role in (Role.ADMINISTRATOR, Role.CASE_WORKER):
    access.grant(role, VIEW_PERSON, Reach.OWN_ORGANISATION)
    access.grant(role, CHANGE_PERSON, Reach.OWN_ORGANISATION)
for role in (Role.PROGRAMME_MANAGER, Role.ESTABLISHMENT_MANAGER):
    access.grant(role, VIEW_PERSON, Reach.OWN_ORGANISATION)

navigation.register(navigation.NavItem(_("People"), "registry:search", VIEW_PERSON), position=1)
navigation.register(
    navigation.NavItem(_("Import"), "registry:import", CHANGE_PERSON, group=navigation.ADMINISTRATION),
    position=2,
)

from kafaat.registry import dedup_access  # noqa: E402, F401  (deduplication: review permission and scope)

navigation.register(
    navigation.NavItem(
        _("Duplicates"), "registry:review", dedup_access.REVIEW_DUPLICATES, group=navigation.ADMINISTRATION
    ),
    position=2,
)

# Where a failed import of people or steps is followed (the home page links to it).
home.register_import_page(("people", "steps"), "registry:import_job")
