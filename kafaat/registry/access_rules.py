"""How people records enter the one access mechanism: who may see and change them, and the menu entries."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kafaat.core import access, navigation
from kafaat.core.access import Reach
from kafaat.core.models import Role
from kafaat.registry.models import Person, PersonAccess

VIEW_PERSON = "registry.view_person"
CHANGE_PERSON = "registry.change_person"


def _person_visible_to(organisation_id: int) -> Q:
    """People the organisation registered, or holds another active access to (referral, merge).

    Testing `registered_by` on the row itself first lets PostgreSQL drop other organisations' people from a
    name search before it looks at accesses, and the other accesses of an organisation are few
    (benchmarks/search.py, docs/import.md). This holds because the registering organisation's access is
    never revoked, and a merge relabels the accesses it carries over (`merging.merge`).
    """
    others = PersonAccess.objects.filter(organisation_id=organisation_id, is_active=True).exclude(
        reason=PersonAccess.Reason.REGISTERED
    )
    return Q(registered_by_id=organisation_id) | Q(pk__in=others.values("person_id"))


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
