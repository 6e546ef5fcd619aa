"""The review page follows a deduplication run by itself: its status polls (htmx, every second) while the run
waits for the worker or runs, with the job's progress; when it ends the poll stops and the page reloads its
list of pairs. Only those who review duplicates see it."""

import pytest
from django.conf import settings
from django.urls import reverse

from kafaat.core.models import Job
from kafaat.registry.dedup import runs
from kafaat.registry.dedup.services import JOB_KIND
from kafaat.registry.models import LinkageRun

pytestmark = pytest.mark.django_db
STATUS = "/people/duplicates/run/status/"


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _running(status=Job.Status.RUNNING, **progress) -> LinkageRun:
    run = LinkageRun.objects.create()
    Job.objects.create(kind=JOB_KIND, target=str(run.pk), status=status, **progress)
    return run


def test_the_status_url():
    assert reverse("registry:dedupe_run_status") == STATUS


def test_the_latest_run_and_its_jobs_progress():
    assert runs.latest().run is None
    run = _running(stage="Comparing pairs", done=40, total=100)
    state = runs.latest()
    assert state.run == run and state.running and not state.queued
    assert (state.stage, state.percent) == ("Comparing pairs", 40)
    LinkageRun.objects.filter(pk=run.pk).update(status=LinkageRun.Status.DONE, pairs=7)
    state = runs.latest()
    assert not state.running and state.run.pairs == 7 and state.percent is None
    queued = _running(status=Job.Status.QUEUED)
    assert runs.latest().run == queued and runs.latest().queued


def test_a_running_run_polls_itself_and_stops_when_it_ends(client, world):
    client.force_login(world["users"]["superuser"])
    run = _running(stage="Comparing pairs", done=3, total=4)
    page = client.get(reverse("registry:review")).content.decode()
    status = page.split('id="run-status"')[1].split("</div>")[0]
    assert f'hx-get="{STATUS}?poll=1" hx-trigger="load delay:2s"' in status
    assert "Comparing pairs" in status and 'value="75"' in status
    assert 'id="review-queue"' in page and 'hx-trigger="dedupe-run-finished from:body"' in page
    polled = client.get(STATUS, HTTP_HX_REQUEST="true")
    assert polled.status_code == 200 and "load delay:2s" in polled.content.decode()
    assert "HX-Trigger" not in polled  # still running: the list stays as it is
    LinkageRun.objects.filter(pk=run.pk).update(status=LinkageRun.Status.DONE, records=10, pairs=2)
    ended = client.get(STATUS, HTTP_HX_REQUEST="true")
    html = ended.content.decode()
    assert "load delay:2s" not in html and "10 records, 2 pairs" in html
    assert ended["HX-Trigger"] == "dedupe-run-finished"  # the list of pairs reloads itself


def test_a_queued_run_says_it_waits_for_the_worker(client, world):
    client.force_login(world["users"]["superuser"])
    _running(status=Job.Status.QUEUED)
    html = client.get(STATUS, HTTP_HX_REQUEST="true").content.decode()
    assert "Waiting for the worker" in html and "load delay:2s" in html


def test_a_failed_run_says_why(client, world):
    client.force_login(world["users"]["superuser"])
    LinkageRun.objects.create(status=LinkageRun.Status.FAILED, message="the worker stopped")
    html = client.get(STATUS, HTTP_HX_REQUEST="true").content.decode()
    assert "Failed" in html and "the worker stopped" in html and "load delay:2s" not in html


def test_only_reviewers_follow_the_run(client, world):
    _running()
    for name in ("caseworker_a", "analyst_oriental", "donor", "nobody"):
        client.force_login(world["users"][name])
        assert client.get(STATUS, HTTP_HX_REQUEST="true").status_code == 403, name
    client.logout()
    assert client.get(STATUS).status_code == 302
    client.force_login(world["users"]["admin_a"])
    assert client.get(STATUS, HTTP_HX_REQUEST="true").status_code == 200
