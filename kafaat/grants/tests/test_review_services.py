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
from kafaat.grants.services import decisions, ranking, scoring, screening

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


# --- ranking and decisions ----------------------------------------------------------------------------------


@pytest.fixture
def ranked(grants):
    """Concept notes of lot L1 reviewed by three reviewers: Y has the best mean with a flagged spread, X is
    good but past the budget, Z passes the mark but misses a section threshold, N has no review yet; T is
    in lot L2."""
    return {
        "Y": reviewed(grants, "R-Y", [5, 5, 3], requested="2000000"),
        "X": reviewed(grants, "R-X", [4, 4, 4], requested="1500000"),
        "Z": reviewed(grants, "R-Z", [[2, 5], [2, 5], [2, 5]], requested="300000"),
        "N": make_application(grants, "R-N"),
        "T": reviewed(grants, "R-T", [5, 5, 5], lot="tanger"),
    }


def test_ranking_by_mean_with_spread_sections_and_the_fundable_line(
    grants, ranked, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        rankings = ranking.ranking(grants["call"], Stage.CONCEPT)
    oriental, tanger = rankings
    assert oriental.lot.code == "L1" and [r.reference for r in tanger.rows] == ["R-T"]
    y, x, z, n = oriental.rows
    assert [r.reference for r in (y, x, z, n)] == ["R-Y", "R-X", "R-Z", "R-N"]
    assert [t for _name, t in y.totals] == [Decimal("100.00"), Decimal("100.00"), Decimal("60.00")]
    assert y.mean == Decimal("86.67") and y.spread == Decimal("40.00") and y.flagged
    assert x.mean == Decimal("80.00") and x.spread == 0 and not x.flagged
    assert [s.mean for s in y.sections] == [Decimal("26.00"), Decimal("17.33")]
    assert z.mean == Decimal("64.00") and [s.passes for s in z.sections] == [False, True] and not z.passes
    assert (y.rank, x.rank, z.rank, n.rank) == (1, 2, 3, None)
    assert y.fundable and y.cumulative == Decimal("2000000")
    assert x.passes and not x.fundable and x.cumulative == Decimal("3500000")  # past the lot's 3,000,000
    assert z.cumulative is None and not z.fundable and n.mean is None
    only = ranking.ranking(grants["call"], Stage.CONCEPT, lot=grants["lots"]["tanger"].pk)
    assert [lr.lot.code for lr in only] == ["L2"]


def test_ranking_reads_in_the_same_queries_whatever_the_number(grants, ranked, django_assert_max_num_queries):
    for n in range(6):
        reviewed(grants, f"R-M{n}", [3, 4, 3])
    with django_assert_max_num_queries(6):
        rows = ranking.ranking(grants["call"], Stage.CONCEPT)[0].rows
    assert len(rows) == 10


def test_ranking_is_read_by_officers_and_committee_only(grants):
    for name in ("officer", "committee"):
        assert ranking.visible_call(grants["users"][name], grants["call"].pk) == grants["call"]
    for name in ("reviewer", "applicant_a", "donor"):
        with pytest.raises(Http404):
            ranking.visible_call(grants["users"][name], grants["call"].pk)


def test_ranking_xlsx_neutralises_formulas(grants):
    import io

    from openpyxl import load_workbook

    application = reviewed(grants, "X-1", [4, 4, 4])
    Application.objects.filter(pk=application.pk).update(title='=HYPERLINK("http://x")')
    content = ranking.ranking_xlsx(grants["call"], ranking.ranking(grants["call"], Stage.CONCEPT), "fr")
    sheet = load_workbook(io.BytesIO(content))["L1"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][1] == "X-1" and rows[2][2] == '\'=HYPERLINK("http://x")' and rows[2][0] == 1


def test_bulk_decision_applies_to_every_result_of_the_filter(grants, ranked):
    committee, call = grants["users"]["committee"], grants["call"]
    for name in ("officer", "reviewer"):
        with pytest.raises(PermissionDenied):
            decisions.decide_bulk(grants["users"][name], call, Stage.CONCEPT, "shortlist", reason="Bons")
    with pytest.raises(ValidationError):
        decisions.decide_bulk(committee, call, Stage.CONCEPT, "shortlist", reason=" ")
    with pytest.raises(ValidationError):  # the officer's award is not a committee's bulk decision
        decisions.decide_bulk(committee, call, Stage.CONCEPT, "award", reason="Oui")
    result = decisions.decide_bulk(
        committee,
        call,
        Stage.CONCEPT,
        "shortlist",
        reason="Moyenne ≥ 70",
        lot=grants["lots"]["oriental"].pk,
        min_mean=Decimal("70"),
    )
    assert result.decided == ["R-Y", "R-X"] and not result.refused
    statuses = dict(Application.objects.values_list("reference", "status"))
    assert statuses["R-Y"] == statuses["R-X"] == "shortlisted"
    assert statuses["R-Z"] == statuses["R-T"] == statuses["R-N"] == "concept_eligible"
    decision = Decision.objects.get(application__reference="R-Y")
    assert decision.outcome == Decision.Outcome.SHORTLISTED and decision.reason == "Moyenne ≥ 70"
    assert decision.rank == 1
    event = AuditEvent.objects.get(action="bulk_update", target_type="grants.application")
    assert event.count == 2 and event.details["transition"] == "shortlist"
    rejected = decisions.decide_bulk(
        committee,
        call,
        Stage.CONCEPT,
        "reject_concept",
        reason="Incomplet",
        lot=grants["lots"]["oriental"].pk,
    )
    assert rejected.decided == ["R-Z"] and list(rejected.refused) == ["R-N"]  # R-N's reviews are not complete


def test_the_letter_is_in_the_applicants_language(grants, ranked):
    import io

    from pypdf import PdfReader

    committee = grants["users"]["committee"]
    Application.objects.filter(reference="R-Y").update(language="ar")
    decisions.decide(committee, Application.objects.get(reference="R-Y"), "shortlist", reason="ملف جيد")
    decision = Decision.objects.get(application__reference="R-Y")
    content = decisions.letter(committee, decision)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "R-Y" in text and all(word in text for word in ("ملف", "جيد", "قرار"))
    assert "Decision" not in text and "Décision" not in text
    decision.refresh_from_db()
    assert decision.letter_sent_at is not None
    with pytest.raises(Http404):
        decisions.visible_decision(grants["users"]["applicant_a"], decision.pk)
    assert decisions.visible_decision(grants["users"]["applicant_b"], decision.pk) == decision


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook name
        import email

        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings):
    import socket

    from aiosmtpd.controller import Controller

    inbox = Inbox()
    with socket.socket() as probe:  # a free port: aiosmtpd's start-up check cannot connect to port 0
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield inbox
    controller.stop()


def test_the_letter_is_e_mailed_to_the_applicant_organisation(grants, ranked, smtp):
    committee = grants["users"]["committee"]
    decisions.decide(committee, ranked["X"], "shortlist", reason="Bon projet")
    decision = Decision.objects.get(application=ranked["X"])
    with pytest.raises(ValidationError):  # the organisation has no address yet
        decisions.send_letter(committee, decision)
    grants["ngo_b"].email = "contact@ngo-b.example.ma"
    grants["ngo_b"].save()
    decision = decisions.visible_decision(committee, decision.pk)
    decisions.send_letter(committee, decision)
    (message,) = smtp.messages
    assert message["To"] == "contact@ngo-b.example.ma" and "R-X" in message["Subject"]
    attachments = [part for part in message.walk() if part.get_content_type() == "application/pdf"]
    assert len(attachments) == 1 and attachments[0].get_payload(decode=True).startswith(b"%PDF")
    decision.refresh_from_db()
    assert decision.letter_sent_at is not None
    with pytest.raises(Http404):
        decisions.send_letter(grants["users"]["reviewer"], decision)


def test_the_pass_decision_reads_thresholded_sections_and_a_page_fills_in_the_rest(grants):
    application = make_application(grants, "FS-1", status="full_submitted")
    for item in assign(grants, application, "reviewer", "reviewer_2", "reviewer_3", stage=Stage.FULL):
        score_all(grants, item, [1, 5, 5, 5, 5])  # the capacity section (threshold 12 of 20) at 4 points
    (lot, _other) = ranking.ranking(grants["call"], Stage.FULL, detail=False)
    (row,) = lot.rows
    assert [s.section.threshold for s in row.sections] == [Decimal("12")]  # only what the pass needs
    assert not row.passes and row.mean == Decimal("84.00") and row.rank == 1 and not row.fundable
    ranking.fill_details(grants["call"], Stage.FULL, [row])
    assert [s.mean for s in row.sections] == [Decimal("4.00"), Decimal("25.00"), Decimal("25.00"),
                                              Decimal("15.00"), Decimal("15.00")]  # fmt: skip
    full = ranking.ranking(grants["call"], Stage.FULL)[0].rows[0]
    assert [s.mean for s in full.sections] == [s.mean for s in row.sections] and not full.passes
