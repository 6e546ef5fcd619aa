"""The review's rules by persona: screening (a no needs a reason), bulk assignment (balanced, the applicant's
organisation and partners excluded, never twice), conflicts of interest (hidden, replaced, or flagged),
scoring (comments for 1, 2, 5; totals; read-only once submitted), ranking (spread, thresholds, fundable line,
a constant number of queries) and decisions in bulk over all results of a filter."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from kafaat.core.models import AuditEvent
from kafaat.grants import access_rules
from kafaat.grants.models import Application, Assignment, Decision, Document, Stage
from kafaat.grants.services import assignment as assigning
from kafaat.grants.services import decisions, scoring, screening

pytestmark = pytest.mark.django_db


def make_application(
    grants,
    reference,
    *,
    org="ngo_b",
    lot="oriental",
    status="concept_eligible",
    requested="500000",
    call=None,
    **fields,
) -> Application:
    requested = Decimal(requested)
    return Application.objects.create(
        call=call or grants["call"],
        lot=grants["lots"][lot],
        organisation=grants[org],
        reference=reference,
        status=status,
        title=fields.pop("title", f"Projet {reference}"),
        summary="Former des jeunes.",
        requested_amount=requested,
        total_cost=requested * Decimal("1.25"),
        **fields,
    )


def assign(grants, application, *usernames, stage=Stage.CONCEPT) -> list[Assignment]:
    users = grants["users"]
    return [
        Assignment.objects.create(application=application, stage=stage, reviewer=users[name])
        for name in usernames
    ]


def score_all(grants, item: Assignment, by_section: list[int] | int) -> Assignment:
    """Declare no conflict and submit: one score for every criterion, or one per section (in order)."""
    reviewer = item.reviewer
    if item.status == Assignment.Status.ASSIGNED:
        assigning.declare(reviewer, item, conflict=False)
    entries = []
    for position, section in enumerate(scoring.grid_of(item.application.call, item.stage)):
        value = by_section if isinstance(by_section, int) else by_section[position]
        entries += [scoring.Entry(c.pk, value, "Justifié.") for c in section.criteria.all()]
    return scoring.save(reviewer, item, entries, submit=True)


def reviewed(grants, reference, scores: list, **fields) -> Application:
    """An application of the concept stage with three submitted reviews (scores per reviewer)."""
    application = make_application(grants, reference, **fields)
    for item, value in zip(
        assign(grants, application, "reviewer", "reviewer_2", "reviewer_3"), scores, strict=True
    ):
        score_all(grants, item, value)
    return application


# --- screening ----------------------------------------------------------------------------------------------


def test_screening_needs_a_reason_for_a_no_then_declares_through_the_workflow(grants):
    officer = grants["users"]["officer"]
    application = make_application(grants, "S-1", status="concept_submitted")
    criteria = [c for c, _check in screening.criteria_of(application)]
    assert len(criteria) == 3
    with pytest.raises(ValidationError) as refused:
        screening.record_checks(officer, application, [screening.Answer(criteria[0].pk, False, "  ")])
    assert f"criterion_{criteria[0].pk}" in refused.value.message_dict
    assert not application.eligibility_checks.exists()  # nothing written
    with pytest.raises(ValidationError):  # not every criterion answered
        screening.declare(officer, application, eligible=True)
    screening.record_checks(officer, application, [screening.Answer(c.pk, True) for c in criteria])
    assert screening.declare(officer, application, eligible=True).status == "concept_eligible"
    assert application.transitions.get().name == "declare_eligible"

    other = make_application(grants, "S-2", status="concept_submitted")
    answers = [screening.Answer(c.pk, True) for c in criteria[:2]]
    answers.append(screening.Answer(criteria[2].pk, False, "Durée de 36 mois."))
    screening.record_checks(officer, other, answers)
    with pytest.raises(ValidationError):  # a decision needs its reason
        screening.declare(officer, other, eligible=False)
    assert screening.declare(officer, other, eligible=False, reason="Durée").status == "concept_ineligible"


def test_screening_is_the_officers_alone(grants):
    application = make_application(grants, "S-3", status="concept_submitted")
    for name in ("applicant_b", "reviewer", "donor"):
        with pytest.raises(Http404):
            screening.screened_application(grants["users"][name], application.pk)
        with pytest.raises(Http404):
            screening.screening_list(grants["users"][name], grants["call"])
    rows = screening.screening_list(
        grants["users"]["officer"], grants["call"], lot=grants["lots"]["oriental"].pk
    )
    assert [a.reference for a in rows] == ["S-3"]
    assert not screening.screening_list(
        grants["users"]["officer"], grants["call"], lot=grants["lots"]["tanger"].pk
    )


def test_documents_checked_then_the_officer_awards(grants):
    officer = grants["users"]["officer"]
    application = make_application(grants, "D-1", status="provisionally_selected")
    documents = [
        Document.objects.create(
            application=application, kind=kind, file=f"grants/{kind}.pdf", name=f"{kind}.pdf"
        )
        for kind in Document.SUPPORTING
    ]
    with pytest.raises(ValidationError):
        screening.check_document(officer, documents[0], ok=False)  # a refusal needs its note
    with pytest.raises(Http404):
        screening.check_document(grants["users"]["applicant_b"], documents[0], ok=True)
    for document in documents:
        screening.check_document(officer, document, ok=True)
    full = [c for c, _check in screening.criteria_of(application)]
    assert len(full) == 1  # the full stage's criterion at the provisional selection
    screening.record_checks(officer, application, [screening.Answer(full[0].pk, True)])
    awarded = decisions.decide(
        officer, application, "award", reason="Pièces conformes", amount=Decimal("480000")
    )
    assert awarded.status == "awarded"
    assert Decision.objects.get(application=application, stage=Stage.FULL).amount == Decimal("480000")


# --- assignment ---------------------------------------------------------------------------------------------


def test_bulk_assignment_is_balanced_excludes_the_applicant_and_partners_and_is_audited_once(grants):
    users, call, officer = grants["users"], grants["call"], grants["users"]["officer"]
    own = [make_application(grants, f"A-{n}", org="ngo_a") for n in (1, 2)]
    partnered = make_application(grants, "B-1")
    partnered.partners.add(grants["ngo_a"])
    for n in (2, 3, 4, 5, 6):
        make_application(grants, f"B-{n}", lot="tanger")
    make_application(grants, "C-1", status="concept_submitted")  # not under review: left alone

    result = assigning.assign_bulk(officer, call, Stage.CONCEPT)
    assert result.applications == 8 and len(result.created) == 24 and not result.short
    by_application: dict[int, list[int]] = {}
    for item in Assignment.objects.filter(application__call=call):
        by_application.setdefault(item.application_id, []).append(item.reviewer_id)
        assert access_rules.may_review(item.reviewer, item.application)
    assert all(len(set(r)) == 3 == len(r) for r in by_application.values())
    for application in [*own, partnered]:
        assert users["reviewer_ngo_a"].pk not in by_application[application.pk]
    loads = Counter(Assignment.objects.values_list("reviewer_id", flat=True))
    assert loads[users["reviewer_ngo_a"].pk] == 5  # every application it may review
    others = [loads[users[name].pk] for name in ("reviewer", "reviewer_2", "reviewer_3")]
    assert max(others) - min(others) <= 1 and sum(others) == 19  # the rest, balanced
    assert not Application.objects.get(reference="C-1").assignments.exists()
    event = AuditEvent.objects.get(action="bulk_create", target_type="grants.assignment")
    assert event.count == 24

    again = assigning.assign_bulk(officer, call, Stage.CONCEPT)  # each has its N already
    assert not again.created and Assignment.objects.count() == 24


def test_bulk_assignment_follows_the_filter_and_reports_who_lacks_reviewers(grants):
    call, officer = grants["call"], grants["users"]["officer"]
    make_application(grants, "F-1", org="ngo_a")
    make_application(grants, "F-2", lot="tanger")
    result = assigning.assign_bulk(officer, call, Stage.CONCEPT, lot=grants["lots"]["tanger"].pk)
    assert result.applications == 1 and {a.application.reference for a in result.created} == {"F-2"}
    call.reviewers_per_application = 4
    call.save()
    result = assigning.assign_bulk(officer, call, Stage.CONCEPT)
    assert result.short == ["F-1"]  # NGO A's: only three reviewers may review it
    assert Assignment.objects.filter(application__reference="F-2").count() == 4


def test_bulk_assignment_refused_to_others(grants):
    make_application(grants, "G-1")
    for name in ("reviewer", "applicant_a", "donor"):
        with pytest.raises(PermissionDenied):
            assigning.assign_bulk(grants["users"][name], grants["call"], Stage.CONCEPT)
    assert not Assignment.objects.exists()
    with pytest.raises(ValidationError):  # the restricted call has both stages; the open call no concept
        assigning.assign_bulk(grants["users"]["officer"], grants["open_call"], Stage.CONCEPT)


def test_withdrawal_by_the_officer_only_and_never_of_a_submitted_review(grants):
    application = make_application(grants, "W-1")
    first, second = assign(grants, application, "reviewer", "reviewer_2")
    with pytest.raises(Http404):
        assigning.withdraw(grants["users"]["reviewer"], first)
    assert assigning.withdraw(grants["users"]["officer"], first).status == Assignment.Status.WITHDRAWN
    assert not assigning.queue(grants["users"]["reviewer"]).exists()
    score_all(grants, second, 3)
    with pytest.raises(ValidationError):
        assigning.withdraw(grants["users"]["officer"], second)


# --- conflicts of interest ----------------------------------------------------------------------------------


def test_a_declared_conflict_hides_the_application_and_a_replacement_is_assigned(grants):
    users, call = grants["users"], grants["call"]
    call.reviewers_per_application = 2
    call.save()
    application = make_application(grants, "K-1")
    assigning.assign_bulk(users["officer"], call, Stage.CONCEPT)
    mine = Assignment.objects.get(application=application, reviewer=users["reviewer"])
    assert Assignment.objects.filter(application=application).count() == 2
    with pytest.raises(ValidationError):  # a conflict needs its reason
        assigning.declare(users["reviewer"], mine, conflict=True, reason=" ")
    with pytest.raises(Http404):  # another reviewer cannot declare for them
        assigning.declare(users["reviewer_3"], mine, conflict=False)
    with pytest.raises(Http404):  # nor open it before declaring
        assigning.own_assignment(users["reviewer"], mine.pk, opened=True)

    assigning.declare(users["reviewer"], mine, conflict=True, reason="J'ai conseillé ce demandeur en 2025.")
    mine.refresh_from_db()
    assert mine.status == Assignment.Status.CONFLICTED and mine.declared_at and "2025" in mine.conflict_reason
    assert not access_rules.can_view_application(users["reviewer"], application)
    assert not assigning.queue(users["reviewer"]).exists()
    with pytest.raises(Http404):
        assigning.own_assignment(users["reviewer"], mine.pk, opened=True)
    replacement = Assignment.objects.get(replaces=mine)
    assert replacement.reviewer == users["reviewer_3"] and replacement.status == Assignment.Status.ASSIGNED
    assert not assigning.unreplaced_conflicts(call).exists()
    event = AuditEvent.objects.filter(target_type="grants.assignment", target_id=str(mine.pk)).latest("id")
    assert event.details["declaration"] == "conflict" and event.details["replacement"] == replacement.pk
    with pytest.raises(ValidationError):  # declared once
        assigning.declare(users["reviewer"], Assignment.objects.get(pk=mine.pk), conflict=False)

    other = Assignment.objects.get(application=application, reviewer=users["reviewer_2"])
    assigning.declare(users["reviewer_2"], other, conflict=False)
    assert access_rules.can_view_application(users["reviewer_2"], application)
    assert assigning.own_assignment(users["reviewer_2"], other.pk, opened=True) == other


def test_a_conflict_with_no_reviewer_left_is_flagged_for_the_officer(grants):
    users = grants["users"]
    application = make_application(grants, "K-2", org="ngo_a")  # reviewer_ngo_a may not review it
    assigning.assign_bulk(users["officer"], grants["call"], Stage.CONCEPT)
    mine = Assignment.objects.get(application=application, reviewer=users["reviewer"])
    assigning.declare(users["reviewer"], mine, conflict=True, reason="Ancien salarié.")
    assert [a.pk for a in assigning.unreplaced_conflicts(grants["call"])] == [mine.pk]


def test_blind_review_hides_who_applied(grants):
    users, call = grants["users"], grants["call"]
    application = make_application(grants, "BL-1")
    application.partners.add(grants["ngo_a"])
    Document.objects.create(
        application=application, kind="statutes", file="grants/s.pdf", name="Statuts NGO B.pdf"
    )
    (item,) = assign(grants, application, "reviewer")
    assigning.declare(users["reviewer"], item, conflict=False)
    seen = assigning.as_reviewer_sees(users["reviewer"], item)
    assert seen["applicant"] and seen["partners"] and seen["documents"][0]["name"] == "Statuts NGO B.pdf"
    call.blind_review = True
    call.save()
    item = assigning.own_assignment(users["reviewer"], item.pk, opened=True)
    seen = assigning.as_reviewer_sees(users["reviewer"], item)
    assert seen["applicant"] is None and seen["partners"] is None and seen["documents"][0]["name"] == ""
    assert grants["ngo_b"].name_fr not in str(seen) and grants["ngo_a"].name_fr not in str(seen)


# --- scoring ------------------------------------------------------------------------------------------------


def test_scores_drafts_comments_totals_and_read_only_once_submitted(grants):
    users = grants["users"]
    application = make_application(grants, "SC-1", status="full_submitted")
    (item,) = assign(grants, application, "reviewer", stage=Stage.FULL)
    assigning.declare(users["reviewer"], item, conflict=False)
    criteria = list(scoring.criteria_of(grants["call"], Stage.FULL).values())
    assert len(criteria) == 12
    scoring.save(users["reviewer"], item, [scoring.Entry(criteria[0].pk, 1, "")])  # a draft: as it is
    assert item.scores.get().score == 1
    with pytest.raises(ValidationError) as refused:
        scoring.save(users["reviewer"], item, [scoring.Entry(c.pk, 4) for c in criteria[1:]], submit=True)
    assert list(refused.value.message_dict) == [f"criterion_{criteria[0].pk}"]  # its 1 needs a comment
    assert item.scores.count() == 1  # nothing written
    with pytest.raises(ValidationError) as refused:
        scoring.save(users["reviewer"], item, [scoring.Entry(criteria[1].pk, 6)])
    assert f"criterion_{criteria[1].pk}" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        scoring.save(
            users["reviewer"], item, [scoring.Entry(c.pk, 5, "Excellent") for c in criteria[1:5]], submit=True
        )
    assert len(refused.value.message_dict) == 8 - 1 + 1  # 7 unscored, and the 1 still without comment
    weight_one = next(c for c in criteria if c.weight == 1)
    entries = [scoring.Entry(c.pk, 5, "Excellent") for c in criteria if c != weight_one]
    entries.append(scoring.Entry(weight_one.pk, 1, "Aucune pérennité prévue."))
    item = scoring.save(users["reviewer"], item, entries, comment="Solide.", submit=True)
    assert item.status == Assignment.Status.SUBMITTED and item.total == Decimal("96.00") and item.submitted_at
    with pytest.raises(ValidationError):
        scoring.save(users["reviewer"], item, [scoring.Entry(criteria[0].pk, 3)])
    with pytest.raises(Http404):  # another reviewer cannot touch it
        scoring.save(users["reviewer_2"], item, [scoring.Entry(criteria[0].pk, 3)])


def test_total_rounds_to_the_cent():
    class Criterion:
        def __init__(self, weight):
            self.weight, self.max_points = Decimal(weight), Decimal(weight) * 5

    criteria = {1: Criterion(2), 2: Criterion(1), 3: Criterion(1)}
    assert scoring.total_of({1: 4, 2: 3, 3: 3}, criteria) == Decimal("70.00")
    assert scoring.total_of({1: 1, 2: 1, 3: 2}, criteria) == Decimal("25.00")
    assert scoring.total_of(
        {1: 3, 2: 2, 3: 2}, {1: Criterion(1), 2: Criterion(1), 3: Criterion(1)}
    ) == Decimal("46.67")
