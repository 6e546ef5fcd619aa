"""Who may review possible duplicates and merge records: the access rules of deduplication.

A pair is listed only to a user who may see both people. Administrators review the pairs of their own
organisation's people; a pair spanning two organisations is listed to a user who sees both (a national
administrator, or a member of both) and counted for the others.
"""

from django.db.models import Exists, OuterRef, Q

from kafaat.core import access
from kafaat.core.access import Reach
from kafaat.core.models import Role
from kafaat.registry.models import MatchCandidate, PersonAccess

REVIEW_DUPLICATES = "registry.review_duplicates"


def _both_visible_to(organisation_id: int) -> Q:
    def seen(field: str) -> Exists:
        return Exists(
            PersonAccess.objects.filter(
                person=OuterRef(field), organisation_id=organisation_id, is_active=True
            )
        )

    return Q(seen("person_a")) & Q(seen("person_b"))


access.register_scope(
    MatchCandidate, organisation_field=_both_visible_to, territory_field="person_a__territory"
)
access.grant(Role.ADMINISTRATOR, REVIEW_DUPLICATES, Reach.OWN_ORGANISATION)
