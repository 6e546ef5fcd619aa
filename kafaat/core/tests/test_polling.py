"""Pages that follow background jobs poll only while a job is queued or running, back off (2 s, then 10 s,
then 30 s), and stop: at once when every job shown has ended, and after about half an hour otherwise, saying
so in the page's language. Shown on the jobs page; every progress fragment uses the same tags
(core/templatetags/polling.py), and each app's own tests check its fragment stops when its job ends."""

import re

import pytest
from django.conf import settings

from kafaat.core.models import Job
from kafaat.core.pages import polling

TRIGGER = re.compile(r'id="job-rows" hx-get="([^"]*)" hx-trigger="load delay:(\d+)s" hx-swap="outerHTML"')


def test_the_schedule_backs_off_from_2_to_10_to_30_seconds_then_stops():
    delays = [polling.delay_before(n) for n in range(polling.MAX_POLLS + 1)]
    assert delays[:15] == [2] * 15 and delays[15:45] == [10] * 30 and delays[45:95] == [30] * 50
    assert delays[-1] is None and polling.MAX_POLLS == 95
    assert sum(d for d in delays if d) == 30 + 300 + 1500  # about half an hour, then the page stops asking


@pytest.mark.parametrize(
    ("text", "number"), [(None, 0), ("", 0), ("x", 0), ("-4", 0), ("7", 7), ("9" * 40, 95)]
)
def test_a_bad_poll_count_in_the_address_is_harmless(text, number):
    assert polling.poll_number(text) == number


def test_the_next_address_keeps_the_pages_other_parameters():
    assert polling.with_poll("/jobs/?page=2&poll=3", 4) == "/jobs/?page=2&poll=4"
    assert polling.with_poll("/x/", 1) == "/x/?poll=1"


def _job(world, status) -> Job:
    return Job.objects.create(kind="core.test", user=world["users"]["admin_a"], organisation=world["ngo_a"],
                              status=status)  # fmt: skip


def _jobs_page(client, world, query="", language="en", htmx=True):
    client.force_login(world["users"]["admin_a"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.get(f"/jobs/{query}", **headers)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_the_jobs_page_polls_while_a_job_is_queued_and_backs_off(client, world):
    _job(world, Job.Status.QUEUED)
    first = TRIGGER.search(_jobs_page(client, world, htmx=False))
    assert first and first.group(1) == "/jobs/?poll=1" and first.group(2) == "2"
    assert TRIGGER.search(_jobs_page(client, world, "?poll=14")).group(2) == "2"
    tenth = TRIGGER.search(_jobs_page(client, world, "?page=1&poll=15"))
    assert tenth.group(1) == "/jobs/?page=1&amp;poll=16" and tenth.group(2) == "10"
    assert TRIGGER.search(_jobs_page(client, world, "?poll=45")).group(2) == "30"


@pytest.mark.django_db
def test_the_jobs_page_polls_while_a_job_runs(client, world):
    _job(world, Job.Status.DONE)
    _job(world, Job.Status.RUNNING)
    assert TRIGGER.search(_jobs_page(client, world))


@pytest.mark.django_db
def test_the_jobs_page_stops_polling_when_every_job_has_ended(client, world):
    for status in (Job.Status.DONE, Job.Status.FAILED):
        _job(world, status)
    page = _jobs_page(client, world, "?poll=3")
    assert "hx-get" not in page and "hx-trigger" not in page and 'id="poll-stopped"' not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "This page stopped refreshing itself"),
        ("fr", "Cette page ne s’actualise plus"),
        ("ar", "توقفت هذه الصفحة عن التحديث التلقائي"),
    ],
)
def test_after_half_an_hour_the_page_stops_and_says_so_in_its_language(client, world, language, words):
    _job(world, Job.Status.QUEUED)  # e.g. no worker runs: the page would otherwise ask forever
    page = _jobs_page(client, world, f"?poll={polling.MAX_POLLS}", language)
    assert "hx-trigger" not in page and 'id="poll-stopped"' in page and words in page
    assert "hx-trigger" not in _jobs_page(client, world, "?poll=99999999999999999999", language)


class _Running:
    """What a progress fragment reads of a job or run that has not ended."""

    pk = id = 7
    status = "running"
    finished = False
    columns = ()
    summary: dict = {}


FRAGMENTS = [
    ("registry/import_job_status.html", {"job": _Running()}),
    ("labour/import_job_status.html", {"job": _Running()}),
    ("training/import_job_status.html", {"job": _Running()}),
    ("contacts/import_job_status.html", {"job": _Running()}),  # the shared core/imports/_job_status.html
    ("events/import_job_status.html", {"job": _Running()}),
    ("observatory/open_data/_publish_job.html", {"job": _Running(), "total": 3, "done": 1}),
    ("observatory/_progress.html", {"record": _Running()}),
    ("registry/_run_status.html", {"state": {"running": True, "queued": True}}),
    ("registry/dedupe_file_progress.html", {"job": _Running()}),
]


@pytest.mark.parametrize(("template", "context"), FRAGMENTS, ids=[t for t, _ in FRAGMENTS])
def test_every_progress_fragment_backs_off_then_stops(rf, template, context):
    from django.template.loader import render_to_string

    def render(poll: int) -> str:
        return render_to_string(template, context, request=rf.get(f"/x/?poll={poll}"))

    assert re.search(r'hx-get="[^"]*poll=1" hx-trigger="load delay:2s"', render(0))
    assert 'hx-trigger="load delay:10s"' in render(20)
    assert 'hx-trigger="load delay:30s"' in render(60)
    stopped = render(polling.MAX_POLLS)
    assert "hx-trigger" not in stopped and 'id="poll-stopped"' in stopped
