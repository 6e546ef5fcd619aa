"""The ranking per lot (spread, thresholds, the fundable line, constant queries, XLSX) and the committee's
decisions (one, or every result of a filter) with their letters."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from kafaat.core.models import AuditEvent
from kafaat.grants.models import Application, Decision, Stage
from kafaat.grants.services import decisions, ranking
from kafaat.grants.tests.test_review_services import assign, make_application, reviewed, score_all

pytestmark = pytest.mark.django_db


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
