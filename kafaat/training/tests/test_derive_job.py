""" "Derive again" as a background job: the request checks the permission and queues; the page and the API
follow the job from the queue to its report; refused when the right is lost meanwhile, failed (nothing
written, retried by an administrator) on an unexpected error; one waiting derivation is never queued twice;
another user's job is not found; the mapping page queues one too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kafaat.core import jobs
from kafaat.core.models import AuditEvent, Job, Membership, Role
from kafaat.core.services import issue_api_token
from kafaat.training import derivation, derivation_jobs
from kafaat.training.models import ProgrammeMapping, SupplyStatistic
from kafaat.training.tests.test_derivation import steps  # noqa: F401 — the fixture: people, steps, answers

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def queued(settings):
    """The database queue, and no worker: a job stays queued until the test runs it (`jobs.execute`)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _english(client):
    client.cookies["kafaat_language"] = "en"
    return client


# --- Service ------------------------------------------------------------------------------------------------


def test_queued_then_derived_by_the_worker_with_its_report(steps, queued):  # noqa: F811
    manager = steps["users"]["establishment"]
    job = derivation_jobs.start_derivation(manager)
    assert job.status == Job.Status.QUEUED and job.kind == derivation_jobs.DERIVE_JOB
    assert job.organisation == steps["provider"] and not SupplyStatistic.objects.exists()
    assert AuditEvent.objects.filter(details__operation="queue_supply_derivation").count() == 1
    assert derivation_jobs.start_derivation(manager) == job  # one waiting derivation, not two

    assert jobs.execute(str(job.pk), worker="test") == Job.Status.DONE
    job.refresh_from_db()
    report = derivation_jobs.report_of(job)
    assert report is not None and report.enrolments_matched == 3 and report.enrolments_unmatched == 2
    assert report.created == SupplyStatistic.objects.filter(source="kafaat").count() > 0
    assert job.message == derivation_jobs.summary(report)
    assert (job.stage, job.done, job.total) != ("", 0, 0)  # progress was reported
    # Once it runs, a new request queues a new derivation (the steps may have changed since it read them).
    assert derivation_jobs.start_derivation(manager) != job


def test_a_waiting_derivation_is_shared_only_with_who_may_follow_it(steps, queued, make_member):  # noqa: F811
    first = derivation_jobs.start_derivation(steps["users"]["establishment"])
    # Another organisation's manager could not open that job's page: theirs is queued apart.
    ministry = derivation_jobs.start_derivation(steps["users"]["ministry_admin"])
    assert ministry != first and ministry.organisation == steps["ministry"]
    colleague = make_member("provider_admin", steps["provider"], Role.ADMINISTRATOR)
    assert derivation_jobs.start_derivation(colleague) == first  # the jobs page shows them the provider's
    assert derivation_jobs.start_derivation(steps["users"]["superuser"]) == first  # they see every job


def test_a_superuser_s_derivation_is_a_national_job(steps, queued):  # noqa: F811
    job = derivation_jobs.start_derivation(steps["users"]["superuser"])
    assert job.organisation is None and job.user == steps["users"]["superuser"]


def test_refused_at_once_without_the_right_and_nothing_queued(steps, queued):  # noqa: F811
    from kafaat.core.access import Refused

    for name in ("analyst_oriental", "caseworker_a", "donor"):
        with pytest.raises(Refused):
            derivation_jobs.start_derivation(steps["users"][name])
    assert not Job.objects.exists()


def test_refused_when_the_right_is_lost_before_the_worker_runs(steps, queued):  # noqa: F811
    manager = steps["users"]["establishment"]
    job = derivation_jobs.start_derivation(manager)
    Membership.objects.filter(user=manager).update(is_active=False)
    assert jobs.execute(str(job.pk)) == Job.Status.REFUSED
    job.refresh_from_db()
    assert "rien n’a été recalculé" in job.message.replace("'", "’")  # the language of the request
    assert not SupplyStatistic.objects.exists()


def test_an_unexpected_error_fails_with_nothing_written_and_an_administrator_retries(
    client,
    steps,  # noqa: F811
    queued,
    make_member,
    monkeypatch,
):
    admin = make_member("provider_admin", steps["provider"], Role.ADMINISTRATOR)
    job = derivation_jobs.start_derivation(steps["users"]["establishment"])
    real = SupplyStatistic.objects.bulk_update

    def half_then_broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    # Rows are created, then the update breaks: the transaction takes the created rows back.
    monkeypatch.setattr(SupplyStatistic.objects, "bulk_update", half_then_broken)
    assert jobs.execute(str(job.pk)) == Job.Status.FAILED
    job.refresh_from_db()
    assert str(job.pk) in job.message and not SupplyStatistic.objects.exists()
    monkeypatch.setattr(SupplyStatistic.objects, "bulk_update", real)

    _english(client).force_login(admin)
    page = client.get("/jobs/").content.decode()
    assert "Derivation of supply statistics" in page and f"/training/derive/{job.pk}/" in page
    assert client.post(f"/jobs/{job.pk}/retry/").status_code == 302
    assert jobs.execute(str(job.pk)) == Job.Status.DONE
    assert SupplyStatistic.objects.filter(source="kafaat").exists()


# --- Pages --------------------------------------------------------------------------------------------------


def test_the_import_page_queues_and_the_job_page_polls_to_the_report(client, steps, queued):  # noqa: F811
    _english(client).force_login(steps["users"]["establishment"])
    assert 'id="derive-again"' in client.get(reverse("training:import")).content.decode()
    response = client.post(reverse("training:derive"))
    job = Job.objects.get(kind=derivation_jobs.DERIVE_JOB)
    assert response.status_code == 302 and response["Location"] == f"/training/derive/{job.pk}/"
    assert not SupplyStatistic.objects.exists()  # nothing derived in the request
    waiting = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in waiting and "Waiting for the worker" in waiting
    assert f"/training/derive/{job.pk}/" in client.get(reverse("training:import")).content.decode()

    jobs.execute(str(job.pk), worker="test")
    done = client.get(response["Location"], **HTMX).content.decode()
    assert "<html" not in done and "hx-trigger" not in done and 'id="derive-summary"' in done
    assert "Statistics derived from 3 enrolments" in done


def test_the_job_page_in_arabic_and_french(client, steps, queued):  # noqa: F811
    client.force_login(steps["users"]["establishment"])
    job = derivation_jobs.start_derivation(steps["users"]["establishment"])
    client.cookies["kafaat_language"] = "ar"
    waiting = client.get(reverse("training:derive_job", args=[job.pk])).content.decode()
    assert 'dir="rtl"' in waiting and "في انتظار" in waiting
    jobs.execute(str(job.pk))
    client.cookies["kafaat_language"] = "fr"
    done = client.get(reverse("training:derive_job", args=[job.pk])).content.decode()
    assert "Inscriptions rattachées à une filière" in done


def test_refused_page_and_another_users_job_is_not_found(client, steps, queued):  # noqa: F811
    _english(client).force_login(steps["users"]["analyst_oriental"])
    assert client.post(reverse("training:derive")).status_code == 403
    assert not Job.objects.exists()
    job = derivation_jobs.start_derivation(steps["users"]["establishment"])
    for name in ("analyst_oriental", "caseworker_b", "ofppt_admin"):
        client.force_login(steps["users"][name])
        assert client.get(reverse("training:derive_job", args=[job.pk])).status_code == 404
    assert client.get("/training/derive/not-a-uuid/").status_code == 404
    assert client.get(reverse("training:derive")).status_code == 405  # a GET queues nothing


def test_saving_a_mapping_queues_a_derivation(client, steps, queued):  # noqa: F811
    _english(client).force_login(steps["users"]["establishment"])
    nador = steps["nador"]
    response = client.post(
        reverse("training:map_label", args=[nador.pk]),
        {"label": "Gestion PME", "programme": steps["management"].pk},
        follow=True,
    )
    job = Job.objects.get(kind=derivation_jobs.DERIVE_JOB)
    assert ProgrammeMapping.objects.exists() and not SupplyStatistic.objects.exists()
    text = response.content.decode()
    assert "being derived again" in text and f"/training/derive/{job.pk}/" in text
    jobs.execute(str(job.pk))
    assert derivation_jobs.report_of(Job.objects.get(pk=job.pk)).enrolments_unmatched == 1


# --- API ----------------------------------------------------------------------------------------------------


def test_the_api_answers_202_then_the_report(client, steps, queued):  # noqa: F811
    key = issue_api_token(steps["users"]["establishment"], "script").key
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    response = client.post("/api/training/derive", **bearer)  # a token: no session, no CSRF token
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "queued" and body["report"] is None and response["Location"] == body["url"]
    assert client.post("/api/training/derive", **bearer).json()["id"] == body["id"]  # not queued twice
    jobs.execute(body["id"])
    done = client.get(body["url"], **bearer).json()
    assert done["status"] == "done" and done["report"]["enrolments_matched"] == 3
    assert done["report"]["created"] == SupplyStatistic.objects.filter(source="kafaat").count()


def test_the_api_refuses_without_the_right_and_hides_other_jobs(client, steps, queued):  # noqa: F811
    client.force_login(steps["users"]["analyst_oriental"])
    refused = client.post("/api/training/derive")
    assert refused.status_code == 403 and refused.json()["detail"]
    job = derivation_jobs.start_derivation(steps["users"]["establishment"])
    assert client.get(f"/api/training/derive/jobs/{job.pk}").status_code == 404
    assert client.get("/api/training/derive/jobs/not-a-uuid").status_code == 422
    client.logout()
    assert client.get(f"/api/training/derive/jobs/{job.pk}").status_code == 401


def test_the_command_still_derives_inline(steps):  # noqa: F811
    from django.core.management import call_command

    call_command("derive_supply")
    assert SupplyStatistic.objects.filter(source="kafaat").exists()
    assert not Job.objects.exists()
    assert derivation.DERIVED_MEASURES  # the same derivation the job runs
