"""Issue 16's "done when": one restricted call driven from its opening to the last tranche through the
services, with conflicts of interest enforced at each step — a conflicted reviewer gets 404 on the application
by page and API, before and after the scoring, the ranking and the award."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kafaat.core import services as core_services
from kafaat.core.models import Role, Territory
from kafaat.grants.models import Agreement, Application, Assignment, Document, Report, Stage, Tranche
from kafaat.grants.services import (
    agreements,
    applications,
    assignment,
    decisions,
    reports,
    scoring,
    screening,
)
from kafaat.grants.services import documents as grant_documents
from kafaat.grants.services.agreements import Schedule, TrancheSpec
from kafaat.grants.services.scoring import Entry
from kafaat.grants.services.screening import Answer

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _concept(user, grants, title: str, lot: str = "oriental") -> Application:
    call, lot = grants["call"], grants["lots"][lot]
    application = applications.start_application(user, call, lot, title=title)
    province = Territory.objects.get(code="02.411" if lot.code == "L1" else "01.511")
    details = {
        "title": title,
        "summary": "Former et insérer 60 jeunes.",
        "territory": province,
        "duration_months": 18,
    }
    applications.update_details(user, application, details)
    applications.set_target_groups(user, application, [{"group": "neet_youth", "women": 30, "men": 30}])
    return applications.submit(user, application)


def _screen(officer, application: Application, stage: str) -> Application:
    answers = [Answer(c.pk, True) for c in application.call.eligibility_criteria.filter(stage=stage)]
    screening.record_checks(officer, application, answers)
    return screening.declare(officer, application, eligible=True)


def _score_all(users, application: Application, stage: str, score: int) -> None:
    criteria = scoring.criteria_of(application.call, stage)
    for item in Assignment.objects.filter(
        application=application, stage=stage, status=Assignment.Status.CLEARED
    ):
        entries = [Entry(pk, score, "Justifié." if score in (1, 2, 5) else "") for pk in criteria]
        scoring.save(item.reviewer, item, entries, submit=True)


def _declare_all(users, application: Application, stage: str, conflicted=None) -> None:
    for item in Assignment.objects.filter(
        application=application, stage=stage, status=Assignment.Status.ASSIGNED
    ):
        conflict = conflicted is not None and item.reviewer_id == conflicted.pk
        assignment.declare(
            item.reviewer, item, conflict=conflict, reason="Ancien salarié du demandeur." if conflict else ""
        )


def _refused_to(client, user, application: Application) -> None:
    """The conflicted reviewer: 404 on the application by page (its page, screening, decision) and by API,
    with a session and with a token; their conflicted assignment does not open it either."""
    conflicted = Assignment.objects.filter(
        application=application, reviewer=user, status=Assignment.Status.CONFLICTED
    )
    pages = [reverse(name, args=[application.pk]) for name in ("grants:application", "grants:review_screen",
                                                               "grants:review_decide")]  # fmt: skip
    pages += [reverse("grants:review_assignment", args=[item.pk]) for item in conflicted]
    apis = [f"/api/grants/applications/{application.pk}"]
    apis += [f"/api/grants/reviews/{item.pk}/application" for item in conflicted]
    apis += [f"/api/grants/reviews/{item.pk}/scores" for item in conflicted]
    client.force_login(user)
    for url in pages + apis:
        assert client.get(url).status_code == 404, url
    client.logout()
    token = Client(HTTP_AUTHORIZATION=f"Bearer {core_services.issue_api_token(user, 'script').key}")
    for url in apis:
        assert token.get(url).status_code == 404, url
    assert conflicted.exists() or not application.assignments.filter(reviewer=user).exists()


@pytest.mark.django_db
def test_a_restricted_call_from_its_opening_to_the_last_tranche(grants, client, make_member):
    users, call = grants["users"], grants["call"]
    call.reviewers.add(make_member("reviewer_4", grants["agency"], Role.GRANT_REVIEWER))  # the replacement
    officer, committee, applicant = users["officer"], users["committee"], users["applicant_a"]
    conflicted = users["reviewer"]
    winner = _concept(applicant, grants, "Atelier de soudure à Oujda")
    loser = _concept(users["applicant_b"], grants, "Cuisine solidaire", lot="tanger")
    assert winner.status == "concept_submitted"

    for application in (winner, loser):
        _screen(officer, application, Stage.CONCEPT)
    assignment.assign_bulk(officer, call, Stage.CONCEPT)
    assert Assignment.objects.filter(application=winner, stage=Stage.CONCEPT).count() == 3
    assert not Assignment.objects.filter(reviewer=users["reviewer_ngo_a"], application=winner).exists()
    _declare_all(users, winner, Stage.CONCEPT, conflicted=conflicted)
    _declare_all(users, loser, Stage.CONCEPT)
    mine = Assignment.objects.get(application=winner, reviewer=conflicted)
    assert mine.status == Assignment.Status.CONFLICTED
    assert Assignment.objects.filter(
        application=winner, stage=Stage.CONCEPT, replaces=mine
    ).exists()  # replaced
    _declare_all(users, winner, Stage.CONCEPT)  # the replacement declares too
    _refused_to(client, conflicted, winner)
    _score_all(users, winner, Stage.CONCEPT, 4)
    _score_all(users, loser, Stage.CONCEPT, 2)
    decisions.decide(
        committee, Application.objects.get(pk=winner.pk), "shortlist", reason="Pertinent et faisable."
    )
    decisions.decide(
        committee, Application.objects.get(pk=loser.pk), "reject_concept", reason="Sous le seuil."
    )

    winner.refresh_from_db()
    assert winner.status == "shortlisted"
    applications.set_budget(applicant, winner, [
        {"category": "training", "description": "Formateurs", "unit": "jour", "quantity": "200",
         "unit_cost": "2500", "cofinancing": "70000"},
        {"category": "equipment", "description": "Postes de soudure", "unit": "poste", "quantity": "10",
         "unit_cost": "15000", "cofinancing": "0"},
    ])  # fmt: skip
    applications.set_contributions(
        applicant, winner, [{"indicator": grants["indicators"][0].pk, "target": "60"}]
    )
    for kind in (Document.Kind.PROPOSAL, *Document.SUPPORTING):
        grant_documents.add_document(applicant, winner, kind, SimpleUploadedFile(f"{kind}.pdf", PDF))
    winner = applications.submit(applicant, winner)
    assert winner.status == "full_submitted" and winner.requested_amount == Decimal("580000.00")

    assignment.assign_bulk(officer, call, Stage.FULL)
    _declare_all(users, winner, Stage.FULL, conflicted=conflicted)
    _declare_all(users, winner, Stage.FULL)
    _refused_to(client, conflicted, winner)
    _score_all(users, winner, Stage.FULL, 4)
    decisions.decide(committee, Application.objects.get(pk=winner.pk), "select_provisionally",
                     reason="Classé 1er.", amount=Decimal("580000"), rank=1)  # fmt: skip
    for document in Document.objects.filter(application_id=winner.pk, kind__in=Document.SUPPORTING):
        screening.check_document(officer, document, ok=True)
    full = [Answer(c.pk, True) for c in call.eligibility_criteria.filter(stage=Stage.FULL)]
    screening.record_checks(officer, Application.objects.get(pk=winner.pk), full)
    winner = decisions.decide(officer, Application.objects.get(pk=winner.pk), "award", reason="")
    assert winner.status == "awarded"
    assert winner.decisions.get(stage=Stage.FULL).reason == "Classé 1er."  # the committee's decision stays
    _refused_to(client, conflicted, winner)

    today = timezone.localdate()
    agreement = agreements.create_agreement(
        officer, winner, reference="AGR-001", amount=Decimal("580000"), start_date=today,
        end_date=today + timedelta(days=540),
        tranches=[TrancheSpec(Decimal("40"), Tranche.Condition.SIGNATURE),
                  TrancheSpec(Decimal("40"), Tranche.Condition.REPORT_ACCEPTED, report=1),
                  TrancheSpec(Decimal("20"), Tranche.Condition.REPORT_ACCEPTED, report="final")],
        schedule=Schedule(interim=[(today + timedelta(days=180), today + timedelta(days=210))],
                          final=(today + timedelta(days=540), today + timedelta(days=570))),
    )  # fmt: skip
    agreements.sign_agreement(officer, agreement, today)
    assert Application.objects.get(pk=winner.pk).status == "contracted"
    first, second, last = agreement.tranches.order_by("number")
    with pytest.raises(agreements.TrancheRefused):  # the interim report is not accepted yet
        agreements.release_tranche(officer, second)
    for tranche in (first,):
        agreements.release_tranche(officer, tranche)
        agreements.record_payment(officer, tranche, paid_on=today, amount=tranche.amount, reference="VIR-1")
    interim, final = agreement.reports.order_by("due_date")
    line = winner.budget_lines.order_by("position", "id").first()
    for report in (interim, final):
        reports.save_report(applicant, report, narrative="60 jeunes formés.",
                            expenditures={line.pk: "250000"},
                            values={grants["indicators"][0].pk: ("60", "30")})  # fmt: skip
        reports.submit_report(applicant, report)
        reports.review_report(officer, report, accept=True)
        tranche = second if report == interim else last
        agreements.release_tranche(officer, tranche)
        agreements.record_payment(
            officer, tranche, paid_on=today, amount=tranche.amount, reference=f"VIR-{tranche.number}"
        )
    agreements.close_grant(officer, agreement)
    winner.refresh_from_db()
    assert winner.status == "closed"
    assert set(agreement.tranches.values_list("status", flat=True)) == {Tranche.Status.PAID}
    assert Report.objects.filter(agreement=agreement, status=Report.Status.ACCEPTED).count() == 2
    assert Agreement.objects.get(pk=agreement.pk).status in (Agreement.Status.SIGNED, Agreement.Status.CLOSED)
    assert [t.name for t in winner.transitions.all()][-1] == "close"
    _refused_to(client, conflicted, winner)
