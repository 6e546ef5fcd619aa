"""How people records enter the one access mechanism: who may see and change them, and the menu entries."""

from django.db.models import F, Lookup, Q, Subquery
from django.utils.translation import gettext_lazy as _

from kafaat.core import access, navigation
from kafaat.core.access import Reach
from kafaat.core.models import Role
from kafaat.registry.models import Person, PersonAccess

VIEW_PERSON = "registry.view_person"
CHANGE_PERSON = "registry.change_person"


class _InSubquery(Lookup):
    """`lhs IN (subquery)`, written `lhs = ANY(ARRAY(subquery))` on PostgreSQL.

    The array is computed once, before the scan, and the condition becomes an index condition: the planner can
    then OR it with `registered_by = …` in the indexes and AND both with the trigram match (BitmapAnd of
    BitmapOr), instead of testing a hashed subplan on every person whose name matches, in every organisation.
    """

    lookup_name = "in_subquery"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} IN {rhs}", (*lhs_params, *rhs_params)

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


def shared_with(organisation_id: int):
    """Ids of the people the organisation holds an active access to other than registering them (referral,
    merge); a partial index (`personaccess_shared`) holds exactly these rows."""
    return (
        PersonAccess.objects.filter(organisation_id=organisation_id, is_active=True)
        .exclude(reason=PersonAccess.Reason.REGISTERED)
        .values("person_id")
    )


def _person_visible_to(organisation_id: int) -> Q:
    """People the organisation registered, or holds another active access to (referral, merge).

    Testing `registered_by` on the row itself lets PostgreSQL keep only the organisation's people from a name
    search without looking at accesses, and the other accesses of an organisation are few
    (benchmarks/search.py, docs/search.md). This holds because the registering organisation's access is
    never revoked, and a merge relabels the accesses it carries over (`merging.merge`).
    """
    return Q(registered_by_id=organisation_id) | Q(
        _InSubquery(F("pk"), Subquery(shared_with(organisation_id)))
    )


access.register_scope(Person, organisation_field=_person_visible_to, territory_field="territory")

# Analysts, donors and grant reviewers get no person permission at all: aggregates only.
for role in (Role.ADMINISTRATOR, Role.CASE_WORKER):
    access.grant(role, VIEW_PERSON, Reach.OWN_ORGANISATION)
    access.grant(role, CHANGE_PERSON, Reach.OWN_ORGANISATION)
for role in (Role.PROGRAMME_MANAGER, Role.ESTABLISHMENT_MANAGER):
    access.grant(role, VIEW_PERSON, Reach.OWN_ORGANISATION)

navigation.register(navigation.NavItem(_("People"), "registry:search", VIEW_PERSON), position=1)
navigation.register(navigation.NavItem(_("Import"), "registry:import", CHANGE_PERSON), position=2)

from kafaat.registry import dedup_access  # noqa: E402, F401  (deduplication: review permission and scope)

navigation.register(
    navigation.NavItem(_("Duplicates"), "registry:review", dedup_access.REVIEW_DUPLICATES), position=2
)
