"""The review in a real browser: a reviewer, in Arabic, declares a conflict on one application (it leaves the
queue and its address answers 404), declares none on another and scores it; the committee opens the ranking
and sees the spread flagged."""

from playwright.sync_api import expect

from kafaat.grants.models import Assignment, Stage
from kafaat.grants.services import scoring
from kafaat.grants.tests.conftest import grants  # noqa: F401  (shared personas)
from kafaat.grants.tests.test_review_services import make_application, reviewed


def test_a_reviewer_in_arabic_declares_a_conflict_then_scores_another(page, sign_in, grants):  # noqa: F811
    reviewer = grants["users"]["reviewer"]
    first, second = make_application(grants, "E2E-1"), make_application(grants, "E2E-2")
    conflicted, cleared = (
        Assignment.objects.create(application=a, stage=Stage.CONCEPT, reviewer=reviewer)
        for a in (first, second)
    )
    sign_in("reviewer")
    page.click("button[data-language=ar]")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.goto("/grants/review/queue/")
    rows = page.locator("#review-queue tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#review-queue")).not_to_contain_text("Projet E2E")  # no title before the declaration
    row = page.locator("tr[data-reference='E2E-1']")
    row.locator("summary[data-action=conflict]").click()
    row.locator("textarea[name=reason]").fill("أعرف رئيس الجمعية شخصيًا")
    row.locator("button[data-action=declare-conflict]").click()
    expect(rows).to_have_count(1)
    expect(page.locator("#review-queue")).not_to_contain_text("E2E-1")
    response = page.goto(f"/grants/review/assignments/{conflicted.pk}/")
    assert response.status == 404
    page.goto("/grants/review/queue/")
    page.locator("tr[data-reference='E2E-2'] button[data-action=no-conflict]").click()
    expect(page.locator("h1")).to_contain_text("Projet E2E-2")
    for pk in scoring.criteria_of(grants["call"], Stage.CONCEPT):
        page.check(f"input[name=score_{pk}][value='4']")
    page.click("#submit-review")
    expect(page.locator("#submitted")).to_be_visible()
    cleared.refresh_from_db()
    assert cleared.status == Assignment.Status.SUBMITTED and str(cleared.total) == "80.00"
    conflicted.refresh_from_db()
    assert conflicted.status == Assignment.Status.CONFLICTED


def test_the_committee_sees_the_flagged_spread_in_the_ranking(page, sign_in, grants):  # noqa: F811
    reviewed(grants, "E2E-Y", [5, 5, 3])
    reviewed(grants, "E2E-X", [4, 4, 4])
    sign_in("manager")
    page.click("button[data-language=en]")
    page.goto(f"/grants/review/calls/{grants['call'].pk}/ranking/?stage=concept")
    table = page.locator("table.ranking[data-lot=L1]")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody tr").first).to_have_attribute("data-reference", "E2E-Y")
    expect(table.locator("tr[data-flagged=spread]")).to_have_count(1)
    expect(table.locator("tr[data-reference='E2E-Y']")).to_contain_text("flagged")
