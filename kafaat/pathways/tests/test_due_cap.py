"""The follow-ups due stop counting at 1,000, as the people search does: past it the caseload says "1,000+"
(in the reader's language) and lists the first thousand, the home panel's figures say so too, and every count
reads at most 1,001 placements of each kind of follow-up, however many are due."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kafaat.pathways import due, home, services
from kafaat.pathways.models import Step, StepKind
from kafaat.pathways.tests.test_due import _person, _placements, oracle

PLACEMENTS = 340  # each with its 3, 6 and 12-month follow-ups due: 1,020 in all, past the cap


@pytest.fixture
def crowded(world, project):
    """Case worker A's person with 340 placements a year old and no follow-up recorded (1,020 due, all
    overdue), and a colleague's person with a few (the whole organisation's list only)."""
    worker = world["users"]["caseworker_a"]
    until = services.end_of_week(timezone.localdate())
    first = due.add_months(until, -12) - timedelta(days=30)  # in the window; every follow-up due by `until`
    days = [first + timedelta(days=k % 20) for k in range(PLACEMENTS)]  # all due over a week ago
    person = _person(worker, 1)
    _placements(person, project, days, random.Random(0))
    Step.objects.filter(kind=StepKind.FOLLOW_UP).delete()  # none recorded: 3 due per placement
    return {"worker": worker, "person": person, "until": until}


def test_the_count_stops_at_1000_and_says_there_are_more(crowded):
    worker, until = crowded["worker"], crowded["until"]
    assert len(oracle(worker, until)) == 3 * PLACEMENTS  # the exact number, for the record
    lazy = services.DueFollowUps(worker, until=until)
    assert lazy.count() == len(lazy) == due.COUNT_CAP and lazy.capped
    assert len(lazy[980:1000]) == 20  # the first thousand are listed, in order
    assert lazy[980:1000] == lazy.all()[980:1000]
    counts = services.due_follow_up_counts(worker, today=until - timedelta(days=6), until=until)
    assert (counts.overdue, counts.overdue_capped) == (due.COUNT_CAP, True)
    assert (counts.due, counts.due_capped) == (0, False)


def test_under_the_cap_the_count_is_exact(crowded):
    worker, until = crowded["worker"], crowded["until"]
    lazy = services.DueFollowUps(worker, until=until, cap=5000)
    assert lazy.count() == 3 * PLACEMENTS and not lazy.capped
    counts = services.due_follow_up_counts(worker, today=until, until=until, cap=5000)
    assert (counts.overdue + counts.due, counts.overdue_capped) == (3 * PLACEMENTS, False)


def test_each_count_reads_at_most_cap_plus_one_rows(crowded):
    with CaptureQueriesContext(connection) as queries:
        services.DueFollowUps(crowded["worker"], until=crowded["until"]).count()
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    # Each stream reads what the cap leaves: 1,001 rows at most in all (340 per stream here).
    limits = [int(sql.rsplit("LIMIT ", 1)[1].split(")")[0]) for sql in counts]
    assert limits == [due.COUNT_CAP + 1, due.COUNT_CAP + 1 - PLACEMENTS, due.COUNT_CAP + 1 - 2 * PLACEMENTS]
    assert "jit" not in " ".join(q["sql"].lower() for q in queries.captured_queries)  # no SET LOCAL hack


@pytest.mark.parametrize(
    ("language", "shown", "listed"),
    [
        ("en", "Follow-ups due: 1,000+", "the first 1,000 are listed."),
        ("fr", "Suivis à faire : plus de 1\u202f000", "seuls les 1\u202f000 premiers sont listés."),
        ("ar", "التتبعات المطلوبة: أكثر من \u20681\u202f000\u2069", "تُعرض أول \u20681\u202f000\u2069 فقط."),
    ],
)
def test_the_caseload_says_1000_plus_in_the_reader_s_language(client, crowded, language, shown, listed):
    client.force_login(crowded["worker"])
    client.cookies["kafaat_language"] = language
    response = client.get(reverse("pathways:caseload"))
    text = response.content.decode()
    assert response.status_code == 200 and shown in text and listed in text
    assert (
        response.context["due"].paginator.num_pages
        == due.COUNT_CAP // response.context["due"].paginator.per_page
    )
    last = client.get(reverse("pathways:caseload"), {"due": "9999"})  # beyond the cap: the last page
    assert last.status_code == 200 and len(last.context["due"]) == last.context["due"].paginator.per_page


def test_the_home_panel_says_1000_plus(client, crowded):
    figures = home.casework(crowded["worker"], today=crowded["until"])
    assert (figures.overdue, figures.overdue_capped) == (due.COUNT_CAP, True)
    client.force_login(crowded["worker"])
    client.cookies["kafaat_language"] = "fr"
    text = client.get("/").content.decode()
    assert 'id="follow-ups-overdue">plus de 1\u202f000<' in text


def test_a_small_caseload_shows_its_exact_count(client, world, project):
    worker = world["users"]["caseworker_a"]
    until = services.end_of_week(timezone.localdate())
    _placements(
        _person(worker, 2), project, [due.add_months(until, -12) - timedelta(days=1)], random.Random(1)
    )
    Step.objects.filter(kind=StepKind.FOLLOW_UP).delete()
    client.force_login(worker)
    client.cookies["kafaat_language"] = "en"
    text = client.get(reverse("pathways:caseload")).content.decode()
    shown = text.split('id="due-count">')[1].split("</p>")[0]
    assert shown == "Follow-ups due: 3"  # exact, no "+", nothing "listed first"


def test_the_referrals_waiting_stop_counting_at_the_cap_too(client, crowded, world, project, monkeypatch):
    from kafaat.pathways import views

    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 2)
    for day in range(3):
        Step.objects.create(
            person=crowded["person"], organisation=world["ngo_a"], project=project, kind=StepKind.REFERRAL,
            status="pending", date=date(2026, 1, 1 + day), target_organisation=world["ngo_b"],
        )  # fmt: skip
    client.force_login(crowded["worker"])
    sent = client.get(reverse("pathways:caseload")).context["sent"]
    assert sent.paginator.count == 2 and sent.paginator.capped and len(sent) == 2
