"""The shared ground of the grants app: the procedures are consistent data, the PRAG grid is seeded with
its totals, and the object rules see the personas as the access rules say."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kafaat.grants import access_rules, workflows
from kafaat.grants.models import Application, Call, Stage


@pytest.mark.parametrize("procedure", list(workflows.PROCEDURES.values()), ids=lambda p: p.key)
def test_every_transition_joins_declared_states(procedure):
    keys = {state.key for state in procedure.states}
    assert procedure.initial in keys and len(keys) == len(procedure.states)
    for transition in procedure.transitions:
        assert set(transition.sources) <= keys and transition.target in keys, transition.name
        assert transition.actor in (
            workflows.Actor.APPLICANT,
            workflows.Actor.OFFICER,
            workflows.Actor.COMMITTEE,
        )
    reachable, frontier = {procedure.initial}, [procedure.initial]
    while frontier:
        state = frontier.pop()
        for transition in procedure.transitions:
            if state in transition.sources and transition.target not in reachable:
                reachable.add(transition.target)
                frontier.append(transition.target)
    assert reachable == keys  # no state is declared that no path reaches
    finals = {state.key for state in procedure.states if state.final}
    assert not any(set(t.sources) & finals for t in procedure.transitions)  # nothing leaves a final state


@pytest.mark.django_db
def test_the_seeded_grids_total_100_and_50_points(grants):
    call = grants["call"]

    def points(stage):
        return sum(c.max_points for s in call.grid_sections.filter(stage=stage) for c in s.criteria.all())

    assert points(Stage.FULL) == Decimal("100") and points(Stage.CONCEPT) == Decimal("50")
    assert sum(s.criteria.count() for s in call.grid_sections.filter(stage=Stage.FULL)) == 12
    assert call.eligibility_criteria.filter(stage=Stage.CONCEPT).count() == 3
    open_call = grants["open_call"]
    assert not open_call.grid_sections.filter(stage=Stage.CONCEPT).exists()
    assert set(open_call.eligibility_criteria.values_list("stage", flat=True)) == {Stage.FULL}


@pytest.mark.django_db
def test_the_personas_reach(grants):
    users, call = grants["users"], grants["call"]
    lot, ngo_a = grants["lots"]["oriental"], grants["ngo_a"]
    application = Application.objects.create(
        call=call, lot=lot, organisation=ngo_a, reference="PIL-001", status="draft", title="Atelier"
    )
    assert access_rules.can_manage_call(users["officer"], call)
    assert not access_rules.can_decide(users["officer"], call)
    assert access_rules.can_decide(users["committee"], call)
    assert access_rules.can_edit_application(users["applicant_a"], application)
    assert not access_rules.can_view_application(users["applicant_b"], application)
    assert not access_rules.can_view_application(users["reviewer"], application)  # not assigned
    assert not access_rules.may_review(users["reviewer_ngo_a"], application)  # sits in NGO A
    assert access_rules.may_review(users["reviewer"], application)
    names = [t.name for t in access_rules.available_transitions(users["applicant_a"], application)]
    assert names == ["submit_concept", "withdraw"]
    assert access_rules.can_view_call(users["applicant_b"], call)
    assert not access_rules.can_view_call(users["applicant_b"], grants["open_call"])  # still being prepared
    assert grants["open_call"].status == Call.Status.DRAFT
