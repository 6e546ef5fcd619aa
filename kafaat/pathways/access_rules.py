"""Steps are seen by whoever may see the person; menu entries for the caseload and the referral inbox."""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from kafaat.core import access
from kafaat.core.pages import navigation
from kafaat.pathways.models import Step
from kafaat.registry.access_rules import VIEW_PERSON
from kafaat.registry.models import PersonAccess


def _step_visible_to(organisation_id: int) -> Q:
    return Q(
        Exists(
            PersonAccess.objects.filter(
                person=OuterRef("person_id"), organisation_id=organisation_id, is_active=True
            )
        )
    )


access.register_scope(Step, organisation_field=_step_visible_to, territory_field="person__territory")

navigation.register(navigation.NavItem(_("Caseload"), "pathways:caseload", VIEW_PERSON), position=2)
navigation.register(navigation.NavItem(_("Referrals"), "pathways:inbox", VIEW_PERSON), position=3)
