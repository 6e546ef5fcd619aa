"""The programme manager's home panel: each project's progress from the dashboard's own figures, a small
chart, the indicators off track (behind the progress expected by now); only the manager's projects."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from kafaat.core.models import Project, Role
from kafaat.results import home
from kafaat.results.models import Indicator, LogframeNode, Target
from kafaat.results.tests.test_services import programme  # noqa: F401 — the shared fixture

EARLY_2026 = date(2026, 1, 1)  # about half the time from the start (1 January 2025) to the end of 2026


def _target(code: str, value: int) -> None:
    Target.objects.create(indicator=Indicator.objects.get(code=code), period_start=date(2025, 1, 1),
                          period_end=date(2026, 12, 31), value=value)  # fmt: skip


def test_expected_progress_is_the_share_of_time_elapsed_towards_the_target():
    project = Project(start_date=date(2025, 1, 1))
    row = type("Row", (), {"target": Target(period_end=date(2025, 12, 31), value=10)})()
    assert home.expected_progress(project, row, date(2025, 7, 2)) == 50.0
    assert home.expected_progress(project, row, date(2027, 1, 1)) == 100.0  # past the target's end
    assert home.expected_progress(project, type("Row", (), {"target": None})(), date(2025, 7, 2)) is None


@pytest.mark.django_db
def test_an_indicator_behind_the_progress_expected_by_now_is_off_track(programme, world):  # noqa: F811
    _target("REG", 40)  # 4 registered of 40: 10 % of the target, about 50 % expected by January 2026
    _target("DROP", 0)  # a rate whose target is its baseline: no progress can be measured
    figures = home.logframe_progress(world["users"]["manager"], today=EARLY_2026)
    [item] = figures.projects
    assert item.project.code == "p-results" and item.may_manage and item.measured
    assert [late.row.indicator.code for late in item.off_track] == ["REG"]
    assert item.off_track[0].expected == pytest.approx(50.1, abs=0.5)
    assert "<svg" in item.chart and figures.more == 0


@pytest.mark.django_db
def test_on_track_and_too_early_to_tell_are_not_alerts(programme, world):  # noqa: F811
    _target("REG", 5)  # 80 % reached against 50 % expected
    manager = world["users"]["manager"]
    assert home.logframe_progress(manager, today=EARLY_2026).projects[0].off_track == []
    Target.objects.filter(indicator__code="REG").update(value=400)  # 1 % reached...
    early = home.logframe_progress(manager, today=date(2025, 1, 20)).projects[0]
    assert early.off_track == []  # ...but under a tenth of the time has passed


@pytest.mark.django_db
def test_a_manager_of_another_organisation_sees_none_of_these_projects(programme, world, make_member):  # noqa: F811
    outsider = make_member("manager_b", world["ngo_b"], Role.PROGRAMME_MANAGER)
    assert home.logframe_progress(outsider).projects == []
    for username in ("caseworker_a", "reviewer", "nobody"):  # no aggregates to read
        assert home.logframe_progress(world["users"][username]) is None


@pytest.mark.django_db
def test_only_the_first_projects_are_computed_the_others_counted(programme, world):  # noqa: F811
    for n in range(home.PROJECTS_SHOWN + 1):
        extra = Project.objects.create(code=f"extra-{n}", name_fr=f"Extra {n}", start_date=date(2025, 1, 1))
        extra.participants.add(world["agency"])
    figures = home.logframe_progress(world["users"]["manager"])
    assert len(figures.projects) == home.PROJECTS_SHOWN and figures.more == 2


@pytest.mark.django_db
def test_the_manager_s_home_shows_the_chart_and_links_the_late_indicator(client, programme, world):  # noqa: F811
    _target("REG", 4000)
    client.force_login(world["users"]["manager"])
    for language in ("fr", "ar"):
        client.cookies["kafaat_language"] = language
        page = client.get(reverse("home")).content.decode()
        assert 'id="panel-logframe"' in page and 'id="panel-failures"' in page
        assert "<svg" in page and reverse("results:indicator", args=["p-results", "REG"]) in page
        assert 'id="panel-casework"' not in page


@pytest.mark.django_db
def test_before_the_first_snapshot_the_manager_is_told_to_refresh_the_warehouse(client, world):
    project = Project.objects.create(code="new", name_fr="Nouveau", start_date=date(2026, 1, 1))
    project.participants.add(world["agency"])
    client.force_login(world["users"]["manager"])
    client.cookies["kafaat_language"] = "en"
    page = client.get(reverse("home")).content.decode()
    assert "This project has no indicator yet" in page and reverse("results:logframe", args=["new"]) in page
    node = LogframeNode.objects.create(project=project, level="impact", code="I", name_fr="Impact")
    Indicator.objects.create(
        project=project, node=node, code="R", name_fr="Inscrits", measure="people_registered"
    )
    page = client.get(reverse("home")).content.decode()
    assert "No snapshot of the data yet" in page and reverse("observatory:warehouse") in page
