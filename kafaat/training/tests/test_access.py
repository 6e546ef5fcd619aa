"""Who may read, edit and manage which establishments: the role × reach matrix of access_rules."""

import pytest

from kafaat.core import access
from kafaat.training import services
from kafaat.training.access_rules import CHANGE_ESTABLISHMENT, MANAGE_SUPPLY, VIEW_SUPPLY
from kafaat.training.models import Establishment, Programme, SupplyStatistic

# user → (establishments seen, establishments changed)
MATRIX = {
    "superuser": ({"ista-nador", "ita-tanger"}, {"ista-nador", "ita-tanger"}),
    "ofppt_admin": ({"ista-nador", "ita-tanger"}, {"ista-nador"}),  # operates Nador, reads the country
    "ofppt_admin_oriental": ({"ista-nador"}, {"ista-nador"}),
    "ministry_admin": ({"ista-nador", "ita-tanger"}, {"ita-tanger"}),
    "establishment": ({"ista-nador"}, {"ista-nador"}),  # its own establishment only
    "analyst_oriental": ({"ista-nador"}, set()),
    "manager": ({"ista-nador", "ita-tanger"}, set()),
    "caseworker_b": ({"ista-nador", "ita-tanger"}, set()),
    "donor": ({"ista-nador", "ita-tanger"}, set()),
    "admin_a": ({"ista-nador", "ita-tanger"}, set()),  # an NGO's administrator: reads, runs no establishment
    "reviewer": (set(), set()),
    "nobody": (set(), set()),
}


@pytest.mark.parametrize("username", MATRIX)
def test_each_role_reads_and_changes_what_its_reach_allows(supply, username):
    user = supply["users"][username]
    seen, changed = MATRIX[username]
    codes = lambda queryset: {e.code for e in queryset}  # noqa: E731
    assert codes(access.scoped(user, VIEW_SUPPLY, Establishment.objects.all())) == seen
    assert codes(access.scoped(user, CHANGE_ESTABLISHMENT, Establishment.objects.all())) == changed
    programmes = access.scoped(user, VIEW_SUPPLY, Programme.objects.all())
    assert {p.establishment.code for p in programmes} == seen


def test_statistics_follow_their_establishment(supply):
    SupplyStatistic.objects.create(programme=supply["irrigation"], year=2024, source="published", enrolled=9)
    analyst = supply["users"]["analyst_oriental"]
    assert not access.scoped(analyst, VIEW_SUPPLY, SupplyStatistic.objects.all()).exists()
    assert (
        access.scoped(supply["users"]["ministry_admin"], VIEW_SUPPLY, SupplyStatistic.objects.all()).count()
        == 1
    )


def test_only_administrators_of_operators_may_create_establishments(supply):
    def operators(name):
        return set(services.managing_organisations(supply["users"][name]).values_list("code", flat=True))

    assert operators("ofppt_admin") == {"ofppt"}
    assert operators("ministry_admin") == {"agriculture"}
    assert operators("admin_a") == set()  # an NGO
    assert operators("establishment") == set()
    assert access.has_permission(supply["users"]["admin_a"], MANAGE_SUPPLY)  # the permission, not an operator
