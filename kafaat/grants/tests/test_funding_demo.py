"""The grants demo: one restricted call with two lots, 40 concept notes, 15 full applications, 3 reviewers
each with one declared conflict (replaced), 6 awards with agreements and tranches in every state, one interim
report accepted with expenditure and indicator values, drafts for the applicant log-ins, assignments still to
declare and score for the demo reviewer; consistent totals; loading it again changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Count, Sum

from kafaat.core.models import Organisation, Project, Role
from kafaat.grants import conditions
from kafaat.grants.models import (
    Agreement,
    Application,
    Assignment,
    Call,
    Decision,
    GridCriterion,
    Report,
    Stage,
    Tranche,
)
from kafaat.results.models import Indicator, LogframeNode
from kafaat.synth.demo.grants import load_grants_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world(make_organisation, make_member, django_user_model):
    agency = make_organisation("agence-kafaat", "04.421", type=Organisation.Type.IMPLEMENTING_AGENCY)
    for code, place in (
        ("amal-oujda", "02.411"),
        ("tanmia-tanger", "01.511"),
        ("nour-rabat", "04.421"),
        ("atlas-beni-mellal", "05.091"),
    ):
        make_organisation(code, place)
    make_organisation("ista-oujda", "02.411", type=Organisation.Type.TRAINING_PROVIDER)
    make_organisation("ue-maroc", "04.421", type=Organisation.Type.DONOR)
    for name in ("reviewer", "reviewer2", "reviewer3"):
        make_member(name, agency, Role.GRANT_REVIEWER)
    make_member("manager", agency, Role.PROGRAMME_MANAGER)
    make_member("candidat.amal", Organisation.objects.get(code="amal-oujda"), Role.GRANT_APPLICANT)
    make_member("candidat.tanmia", Organisation.objects.get(code="tanmia-tanger"), Role.GRANT_APPLICANT)
    django_user_model.objects.create_superuser("admin", password="A-long-test-password-1")
    project = Project.objects.create(code="kafaat-emploi", name_fr="Kafaat", start_date=date(2025, 1, 1))
    node = LogframeNode.objects.create(project=project, level="output", code="OP1.2", name_fr="Formation")
    for code in ("P1.5", "P2.1"):
        Indicator.objects.create(
            project=project, node=node, code=code, name_fr=code, measure="people_enrolled"
        )
    return project


def test_the_demo_call_and_its_counts(demo_world):
    created = load_grants_demo()
    assert created == {"grant_calls": 2, "grant_applications": 42, "grant_agreements": 6}
    call = Call.objects.get(code="kafaat-pilotes-2026")
    assert call.procedure == Call.Procedure.RESTRICTED and call.lots.count() == 2
    assert GridCriterion.objects.filter(section__call=call, section__stage=Stage.FULL).count() == 12
    applications = Application.objects.filter(call=call)
    assert applications.count() == 40
    full = applications.exclude(status__in=("concept_ineligible", "concept_rejected"))
    assert full.count() == 15
    assert (
        Decision.objects.filter(application__call=call, stage=Stage.CONCEPT, outcome="shortlisted").count()
        == 15
    )
    # 3 reviewers, each with exactly one declared conflict, each replaced.
    conflicts = Assignment.objects.filter(application__call=call, status=Assignment.Status.CONFLICTED)
    assert sorted(conflicts.values_list("reviewer__username", flat=True)) == [
        "reviewer",
        "reviewer2",
        "reviewer3",
    ]
    for conflict in conflicts:
        assert Assignment.objects.filter(replaces=conflict, status=Assignment.Status.SUBMITTED).exists()
    # Totals: budget lines, scores on 100.
    for application in applications:
        lines = list(application.budget_lines.all())
        assert application.total_cost == sum(line.total for line in lines)
        assert application.requested_amount == application.total_cost - sum(
            line.cofinancing for line in lines
        )
    for assignment in Assignment.objects.filter(status=Assignment.Status.SUBMITTED).prefetch_related(
        "scores__criterion"
    )[:40]:
        scores = list(assignment.scores.all())
        points = sum(s.criterion.weight * s.score for s in scores)
        maximum = sum(s.criterion.weight * 5 for s in scores)
        assert assignment.total == (points * 100 / maximum).quantize(Decimal("0.01"))
    # 6 awards with agreements; tranches in each state; one interim report accepted.
    assert Agreement.objects.filter(application__call=call).count() == 6
    assert set(Tranche.objects.values_list("status", flat=True)) == {"planned", "released", "paid"}
    accepted = Report.objects.get(status=Report.Status.ACCEPTED)
    assert (
        accepted.kind == Report.Kind.INTERIM
        and accepted.expenditures.exists()
        and accepted.values.count() == 2
    )
    assert Report.objects.filter(status=Report.Status.SUBMITTED).count() == 1
    releasable = [
        t for t in Tranche.objects.filter(status="planned") if conditions.tranche_condition(t) is None
    ]
    assert len(releasable) == 1  # the officer has one to release
    for tranche in Tranche.objects.annotate(paid=Sum("payments__amount")).filter(status="paid"):
        assert tranche.paid == tranche.amount
    # The applicant log-ins' organisations: Amal has a report due this week, Tanmia one submitted.
    amal = Report.objects.filter(agreement__application__organisation__code="amal-oujda", kind="interim")
    assert amal.filter(status=Report.Status.DUE, due_date__lte=date.today() + timedelta(days=7)).exists()
    tanmia = Report.objects.filter(agreement__application__organisation__code="tanmia-tanger", kind="interim")
    assert tanmia.filter(status=Report.Status.SUBMITTED).exists()
    # Drafts for the applicant log-ins; the demo reviewer has reviews to declare and to score.
    drafts = Application.objects.filter(status="draft")
    assert sorted(drafts.values_list("organisation__code", flat=True)) == ["amal-oujda", "tanmia-tanger"]
    mine = Assignment.objects.filter(reviewer__username="reviewer")
    assert mine.filter(status=Assignment.Status.ASSIGNED).count() == 1
    assert mine.filter(status=Assignment.Status.CLEARED).count() == 1
    per_application = (
        Assignment.objects.filter(application__call=call, stage=Stage.FULL)
        .values("application")
        .annotate(n=Count("id"))
    )
    assert all(row["n"] == 2 for row in per_application)


def test_loading_again_changes_nothing(demo_world):
    load_grants_demo()
    counts = (Application.objects.count(), Assignment.objects.count(), Tranche.objects.count())
    assert load_grants_demo() == {"grant_calls": 0, "grant_applications": 0, "grant_agreements": 0}
    assert (Application.objects.count(), Assignment.objects.count(), Tranche.objects.count()) == counts
