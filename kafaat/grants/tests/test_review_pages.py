"""The review's pages by persona: the reviewer's queue (reference and lot only), the declaration, the scoring
form that keeps what was typed on an error, the ranking with its flagged spread and its XLSX, the officer's
screening and bulk assignment, decisions and letters, the reviewer's home panel."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from kafaat.grants.models import Application, Assignment, Decision, Stage
from kafaat.grants.services import scoring
from kafaat.grants.tests.test_review_services import make_application, reviewed

pytestmark = pytest.mark.django_db


def signed_in(client, user, language="en"):
    client.force_login(user)
    client.cookies["kafaat_language"] = language
    return client


def test_the_queue_shows_reference_and_lot_then_a_conflict_hides_the_application(client, grants):
    users = grants["users"]
    first = make_application(grants, "PG-1", title="Secret title one")
    second = make_application(grants, "PG-2", title="Secret title two")
    mine = [
        Assignment.objects.create(application=a, stage=Stage.CONCEPT, reviewer=users["reviewer"])
        for a in (first, second)
    ]
    signed_in(client, users["reviewer"], "ar")
    page = client.get(reverse("grants:review_queue")).content.decode()
    assert "PG-1" in page and "PG-2" in page and "Secret title" not in page and 'dir="rtl"' in page
    assert (
        client.get(reverse("grants:review_assignment", args=[mine[0].pk])).status_code == 404
    )  # declare first
    response = client.post(
        reverse("grants:review_declare", args=[mine[0].pk]), {"conflict": "yes", "reason": ""}
    )
    assert response.status_code == 302
    assert Assignment.objects.get(pk=mine[0].pk).status == Assignment.Status.ASSIGNED  # a reason is required
    client.post(reverse("grants:review_declare", args=[mine[0].pk]), {"conflict": "yes", "reason": "Parent"})
    page = client.get(reverse("grants:review_queue")).content.decode()
    assert "PG-1" not in page and "PG-2" in page
    assert client.get(reverse("grants:review_assignment", args=[mine[0].pk])).status_code == 404
    response = client.post(reverse("grants:review_declare", args=[mine[1].pk]), {"conflict": "no"})
    assert response.status_code == 302 and response.url == reverse(
        "grants:review_assignment", args=[mine[1].pk]
    )
    page = client.get(response.url).content.decode()
    assert "Secret title two" in page and 'name="score_' in page


def test_the_scoring_form_keeps_what_was_typed_and_names_the_criterion(client, grants):
    users = grants["users"]
    item = Assignment.objects.create(
        application=make_application(grants, "PG-3"),
        stage=Stage.CONCEPT,
        reviewer=users["reviewer"],
        status=Assignment.Status.CLEARED,
    )
    criteria = list(scoring.criteria_of(grants["call"], Stage.CONCEPT))
    signed_in(client, users["reviewer"])
    data = {f"score_{pk}": "4" for pk in criteria} | {
        f"score_{criteria[0]}": "1",
        "comment": "Overall words",
        f"comment_{criteria[1]}": "Kept comment",
        "action": "submit",
    }
    page = client.post(reverse("grants:review_assignment", args=[item.pk]), data)
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        "A score of 1, 2 or 5 needs a comment." in html and "Kept comment" in html and "Overall words" in html
    )
    assert not item.scores.exists()
    data[f"comment_{criteria[0]}"] = "Hors sujet."
    response = client.post(reverse("grants:review_assignment", args=[item.pk]), data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Assignment.Status.SUBMITTED and str(item.total) == "68.00"
    html = client.get(reverse("grants:review_assignment", args=[item.pk])).content.decode()
    assert 'id="submit-review"' not in html and "68.00" in html
    other = signed_in(client, users["reviewer_2"])
    assert other.get(reverse("grants:review_assignment", args=[item.pk])).status_code == 404


def test_blind_review_page_hides_the_applicant(client, grants):
    users, call = grants["users"], grants["call"]
    call.blind_review = True
    call.save()
    item = Assignment.objects.create(
        application=make_application(grants, "PG-4"),
        stage=Stage.CONCEPT,
        reviewer=users["reviewer"],
        status=Assignment.Status.CLEARED,
    )
    html = (
        signed_in(client, users["reviewer"]).get(reverse("grants:review_assignment", args=[item.pk])).content
    )
    assert grants["ngo_b"].name_fr not in html.decode() and "blind review" in html.decode()


def test_the_ranking_flags_the_spread_and_exports_xlsx(client, grants):
    from openpyxl import load_workbook

    reviewed(grants, "PG-Y", [5, 5, 3])
    reviewed(grants, "PG-X", [4, 4, 4])
    call = grants["call"]
    signed_in(client, grants["users"]["committee"])
    html = client.get(reverse("grants:review_ranking", args=[call.pk]), {"stage": "concept"}).content.decode()
    assert (
        'data-reference="PG-Y" data-flagged="spread"' in html
        and 'data-reference="PG-X" data-flagged' not in html
    )
    assert html.index("PG-Y") < html.index("PG-X") and 'id="bulk-decision"' in html
    assert "26.00" in html and "17.33" in html  # PG-Y's section means, filled in for the rows shown
    response = client.get(
        reverse("grants:review_ranking", args=[call.pk]), {"stage": "concept", "format": "xlsx"}
    )
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content))["L1"].iter_rows(values_only=True))
    assert [r[1] for r in rows[2:]] == ["PG-Y", "PG-X"]
    response = client.post(
        reverse("grants:review_decide_bulk", args=[call.pk]),
        {"stage": "concept", "transition": "shortlist", "reason": "Top", "min_mean": "75"},
    )
    assert response.status_code == 302
    assert set(Application.objects.filter(status="shortlisted").values_list("reference", flat=True)) == {
        "PG-Y",
        "PG-X",
    }
    for name in ("reviewer", "applicant_a"):
        signed_in(client, grants["users"][name])
        assert client.get(reverse("grants:review_ranking", args=[call.pk])).status_code == 404


def test_screening_and_bulk_assignment_pages(client, grants):
    officer, call = grants["users"]["officer"], grants["call"]
    application = make_application(grants, "PG-5", status="concept_submitted")
    make_application(grants, "PG-6")
    signed_in(client, officer)
    html = client.get(reverse("grants:review_screening", args=[call.pk])).content.decode()
    assert "PG-5" in html and "PG-6" not in html
    criteria = list(call.eligibility_criteria.filter(stage="concept"))
    data = {f"passed_{c.pk}": "yes" for c in criteria} | {f"passed_{criteria[0].pk}": "no", "action": "save"}
    html = client.post(reverse("grants:review_screen", args=[application.pk]), data).content.decode()
    assert "Give the reason a criterion is not met." in html
    data = {f"passed_{c.pk}": "yes" for c in criteria} | {"action": "eligible"}
    assert client.post(reverse("grants:review_screen", args=[application.pk]), data).status_code == 302
    assert Application.objects.get(pk=application.pk).status == "concept_eligible"
    response = client.post(reverse("grants:review_assign", args=[call.pk]), {"stage": "concept"})
    assert response.status_code == 302 and Assignment.objects.count() == 6
    html = client.get(response.url).content.decode()
    assert html.count('data-status="assigned"') == 6
    one = Assignment.objects.first()
    client.post(reverse("grants:review_withdraw", args=[one.pk]))
    assert Assignment.objects.get(pk=one.pk).status == Assignment.Status.WITHDRAWN
    signed_in(client, grants["users"]["reviewer"])
    assert client.get(reverse("grants:review_screening", args=[call.pk])).status_code == 404
    assert (
        client.post(reverse("grants:review_assign", args=[call.pk]), {"stage": "concept"}).status_code == 404
    )


def test_a_decision_and_its_letter(client, grants):
    committee = grants["users"]["committee"]
    application = reviewed(grants, "PG-7", [4, 4, 4])
    signed_in(client, committee)
    page = client.post(
        reverse("grants:review_decide", args=[application.pk]), {"transition": "shortlist", "reason": ""}
    )
    assert page.status_code == 200 and "Give the reason for this decision." in page.content.decode()
    client.post(
        reverse("grants:review_decide", args=[application.pk]), {"transition": "shortlist", "reason": "Bon"}
    )
    decision = Decision.objects.get(application=application)
    response = client.get(reverse("grants:review_letter", args=[decision.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    decision.refresh_from_db()
    assert decision.letter_sent_at is not None
    signed_in(client, grants["users"]["reviewer"])
    assert client.get(reverse("grants:review_letter", args=[decision.pk])).status_code == 404
    assert client.get(reverse("grants:review_decide", args=[application.pk])).status_code == 404


def test_the_reviewers_home_panel_says_what_is_due(client, grants):
    users = grants["users"]
    for n in (1, 2):
        Assignment.objects.create(
            application=make_application(grants, f"PG-H{n}"), stage=Stage.CONCEPT, reviewer=users["reviewer"]
        )
    html = signed_in(client, users["reviewer"]).get("/").content.decode()
    assert 'id="reviews-due"' in html and 'data-call="pilotes-2026"' in html
    html = signed_in(client, users["reviewer_3"]).get("/").content.decode()
    assert 'id="reviews-due"' not in html


def test_the_officer_checks_the_documents_then_awards(client, grants):
    from kafaat.grants.models import Document

    officer = grants["users"]["officer"]
    application = make_application(grants, "PG-8", status="provisionally_selected")
    documents = [
        Document.objects.create(
            application=application, kind=kind, file=f"grants/{kind}.pdf", name=f"{kind}.pdf"
        )
        for kind in Document.SUPPORTING
    ]
    signed_in(client, officer)
    html = client.get(reverse("grants:review_screen", args=[application.pk])).content.decode()
    assert html.count("data-document=") == 4
    client.post(reverse("grants:review_check_document", args=[documents[0].pk]), {"ok": "no", "note": ""})
    documents[0].refresh_from_db()
    assert documents[0].checked is None  # a refusal needs its note
    for document in documents:
        client.post(reverse("grants:review_check_document", args=[document.pk]), {"ok": "yes"})
    (criterion,) = grants["call"].eligibility_criteria.filter(stage="full")
    client.post(reverse("grants:review_screen", args=[application.pk]), {f"passed_{criterion.pk}": "yes"})
    html = client.get(reverse("grants:review_decide", args=[application.pk])).content.decode()
    assert 'value="award"' in html
    response = client.post(
        reverse("grants:review_decide", args=[application.pk]),
        {"transition": "award", "reason": "Pièces conformes", "amount": "450000,50"},
    )
    assert response.status_code == 302
    decision = Decision.objects.get(application=application)
    assert decision.outcome == Decision.Outcome.AWARDED and str(decision.amount) == "450000.50"
    signed_in(client, grants["users"]["applicant_b"])
    assert (
        client.post(reverse("grants:review_check_document", args=[documents[0].pk]), {"ok": "no"}).status_code
        == 404
    )
