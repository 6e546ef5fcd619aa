"""The case worker's home panels: follow-ups overdue and due this week, referrals waiting both ways, people
registered this month, each counted in the case worker's own scope; the page shows them, in Arabic too."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kafaat.pathways import home, services
from kafaat.registry import services as registry
from kafaat.registry.models import Person

TODAY = date(2026, 6, 3)  # a Wednesday: the week ends on Sunday 7 June


def _placed(worker, person, project, on: date) -> None:
    services.record_step(worker, person, "placement", project=project, on=on, placement_type="internship")


@pytest.fixture
def busy_a(world, fatima, project):
    """Case worker A: one follow-up overdue (3 months after 1 March), one due this week (after 5 March), one
    later (after 20 March); a referral sent to NGO B, not answered."""
    worker = world["users"]["caseworker_a"]
    services.record_step(worker, fatima, "intake", project=project, on=date(2026, 1, 10))
    for day in (date(2026, 3, 1), date(2026, 3, 5), date(2026, 3, 20)):
        _placed(worker, fatima, project, day)
    services.refer_with_consent(
        worker, fatima, project=project, on=date(2026, 2, 1),
        referral_target="organisation", target_organisation=world["ngo_b"],
    )  # fmt: skip
    return worker


def test_follow_ups_and_referrals_are_counted_as_the_caseload_lists_them(world, busy_a):
    figures = home.casework(busy_a, today=TODAY)
    assert (figures.overdue, figures.due_this_week) == (1, 1)
    assert (figures.referrals_received, figures.referrals_sent) == (0, 1)
    assert figures.week_end == date(2026, 6, 7) and not figures.nothing
    # The receiving side: the same referral waits for case worker B's answer.
    receiver = home.casework(world["users"]["caseworker_b"], today=TODAY)
    assert (receiver.referrals_received, receiver.referrals_sent, receiver.overdue) == (1, 0, 0)


def test_a_recorded_follow_up_is_no_longer_due(world, busy_a, fatima, project):
    placement = fatima.steps.get(kind="placement", date=date(2026, 3, 1))
    services.record_step(
        busy_a, fatima, "follow_up", project=project, on=date(2026, 6, 2), parent=placement,
        follow_up_months=3, still_employed=True,
    )  # fmt: skip
    assert home.casework(busy_a, today=TODAY).overdue == 0


def test_a_case_worker_of_another_organisation_never_counts_a_s_people(world, busy_a):
    """Hostile: case worker B counts none of NGO A's follow-ups or registrations."""
    other = world["users"]["caseworker_b"]
    figures = home.registrations(other, today=TODAY)
    assert (figures.known, figures.this_month, figures.by_you) == (0, 0, 0)
    assert home.casework(other, today=TODAY).due_this_week == 0


def test_people_registered_this_month_by_the_organisation_and_by_the_case_worker(world, fatima):
    worker, colleague = world["users"]["caseworker_a"], world["users"]["admin_a"]
    registry.register_person(
        colleague, {"first_name_latin": "Youssef", "last_name_latin": "Tazi", "sex": "M", "age": "24",
                    "commune": "Oujda"}, consent_given_on=date(2026, 1, 5),
    )  # fmt: skip
    # Fatima was registered in May: she counts among the people known, not among this month's.
    may = timezone.make_aware(datetime(2026, 5, 20, 10, 0))
    Person.objects.filter(pk=fatima.pk).update(created_at=may)
    june = timezone.make_aware(datetime(2026, 6, 2, 9, 0))
    Person.objects.exclude(pk=fatima.pk).update(created_at=june)
    figures = home.registrations(worker, today=TODAY)
    assert (figures.known, figures.this_month, figures.by_you) == (2, 1, 0)
    assert figures.month_start == date(2026, 6, 1) and figures.may_register
    assert home.registrations(colleague, today=TODAY).by_you == 1


def test_roles_without_access_to_people_get_no_case_worker_figures(world):
    for username in ("analyst_oriental", "donor", "reviewer", "nobody"):
        assert home.casework(world["users"][username]) is None
        assert home.registrations(world["users"][username]) is None


def test_the_home_page_of_a_case_worker_shows_both_panels_and_a_search_box(client, world, busy_a):
    client.force_login(busy_a)
    client.cookies["kafaat_language"] = "en"
    page = client.get(reverse("home")).content.decode()
    assert 'id="panel-casework"' in page and 'id="panel-people"' in page
    assert 'id="follow-ups-overdue"' in page and f'action="{reverse("registry:search")}"' in page
    for panel in ("logframe", "snapshot", "accounts", "jobs"):
        assert f'id="panel-{panel}"' not in page


def test_a_case_worker_with_nothing_yet_is_told_what_to_do_first(client, world):
    client.force_login(world["users"]["caseworker_b"])
    client.cookies["kafaat_language"] = "en"
    page = client.get(reverse("home")).content.decode()
    assert "Nobody is registered yet" in page and f'href="{reverse("registry:register")}"' in page
    assert "Nothing is due this week" in page
    client.cookies["kafaat_language"] = "ar"
    page = client.get(reverse("home")).content.decode()
    assert 'dir="rtl"' in page and "Nobody is registered yet" not in page
