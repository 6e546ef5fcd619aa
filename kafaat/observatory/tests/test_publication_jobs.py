"""Publication as a background job: the quick checks refuse at once and queue nothing; the job ends done (the
package, its audit, its progress), refused with translated reasons, or failed with a reference that an
administrator retries; the job's page polls; the API answers 202 then its poll — and refuses the wrong role,
another's job and bad input with 4xx, never 500. The gap engine is the hand-set stand-in of fake_gaps.py."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from kafaat.core import jobs
from kafaat.core.models import AuditEvent, Job, Membership, Role
from kafaat.observatory import publication, warehouse
from kafaat.observatory.publication import package as publication_package
from kafaat.observatory.publication import service
from kafaat.observatory.publication.models import Publication

HTMX = {"HTTP_HX_REQUEST": "true"}
API = "/api/open-data/packages"


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["kafaat_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def ready(fake_gaps, open_data_dir, reference_territories, world, make_member):
    warehouse.refresh()
    world["users"]["admin_agency"] = make_member("admin_agency", world["agency"], Role.ADMINISTRATOR)
    return world


@pytest.fixture
def queued(settings):
    """The database queue, and no worker: a job stays queued until the test runs it (`jobs.execute`)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _post(client, body):
    return client.post(API, json.dumps(body), content_type="application/json")


# --- The service --------------------------------------------------------------------------------------------


def test_the_checks_refuse_at_once_and_queue_nothing(ready):
    analyst = ready["users"]["analyst_oriental"]
    with pytest.raises(PermissionDenied):
        publication.start_publishing(analyst, "MA-01", 2025)  # another region
    with pytest.raises(PermissionDenied):
        publication.start_publishing(ready["users"]["caseworker_a"], "MA-02", 2025)  # a role without it
    with pytest.raises(ValidationError, match="Unknown region"):
        publication.start_publishing(analyst, "MA-99", 2025)
    with pytest.raises(ValidationError, match="No data for 2019"):
        publication.start_publishing(analyst, "MA-02", 2019)
    with pytest.raises(ValidationError, match="must be a number"):
        publication.start_publishing(analyst, "MA-02", "soon")
    assert not Job.objects.exists() and not Publication.objects.exists()


def test_a_queued_publication_runs_to_its_package(ready, queued):
    analyst = ready["users"]["analyst_oriental"]
    job = publication.start_publishing(analyst, "MA-02", "2025")
    assert job.status == Job.Status.QUEUED and not Publication.objects.exists()  # nothing ran in the request
    assert job.kind == publication.PUBLISH_JOB
    assert job.params == {"scope": "MA-02", "year": 2025, "refuse_identical": False}
    assert job.organisation == ready["agency"]  # so that the agency's administrators follow and retry it
    asked = AuditEvent.objects.get(target_type="core.job", target_id=str(job.pk))
    assert asked.details["operation"] == "queue_open_data" and asked.actor == analyst

    assert jobs.execute(str(job.pk), worker="test") == Job.Status.DONE
    job.refresh_from_db()
    package = Publication.objects.get()
    assert job.target == str(package.pk) and publication.package_of(job) == package
    assert package.published_by == analyst and package.version == 1
    assert job.message == "Package published: version 1."
    assert (job.done, job.total, job.stage) == (publication.STEPS, publication.STEPS, "Package published")
    stored = AuditEvent.objects.get(target_type="observatory.publication")
    assert stored.actor == analyst and stored.details["operation"] == "publish_open_data"


def test_the_job_speaks_the_language_it_was_asked_in(ready, queued):
    with translation.override("ar"):
        job = publication.start_publishing(ready["users"]["analyst_oriental"], "MA-02", 2025)
    jobs.execute(str(job.pk))
    job.refresh_from_db()
    assert job.language == "ar" and "1" in job.message and "version" not in job.message


def test_an_invalid_package_is_refused_with_its_reasons(ready, monkeypatch):
    monkeypatch.setattr(publication_package, "table_schema", lambda spec: {"fields": [{"name": 1}]})
    job = publication.start_publishing(ready["users"]["analyst_oriental"], "MA-02", 2025)
    assert job.status == Job.Status.REFUSED and "not valid" in job.message
    assert not Publication.objects.exists()


def test_a_permission_lost_before_the_worker_runs_is_a_refusal(ready, queued):
    analyst = ready["users"]["analyst_oriental"]
    job = publication.start_publishing(analyst, "MA-02", 2025)
    Membership.objects.filter(user=analyst).update(is_active=False)
    jobs.execute(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.REFUSED and "no longer publish" in job.message
    assert not Publication.objects.exists()


def test_an_unexpected_error_fails_and_an_administrator_retries(ready, queued, monkeypatch, client):
    job = publication.start_publishing(ready["users"]["analyst_oriental"], "MA-02", 2025)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    real = service.write_package
    monkeypatch.setattr(service, "write_package", broken)
    jobs.execute(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and str(job.pk) in job.message and "disk" not in job.message
    monkeypatch.setattr(service, "write_package", real)  # (not undo(): it would take fake_gaps away too)

    client.force_login(ready["users"]["admin_agency"])  # the agency's administrator: the agency's jobs
    page = client.get("/jobs/").content.decode()
    assert "Open-data publication" in page and f"/open-data/publish/{job.pk}/" in page
    client.force_login(ready["users"]["admin_a"])  # NGO A's administrator: not this job
    assert client.post(f"/jobs/{job.pk}/retry/").status_code == 404
    client.force_login(ready["users"]["admin_agency"])
    assert client.post(f"/jobs/{job.pk}/retry/").status_code == 302
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.retried_by == ready["users"]["admin_agency"]
    jobs.execute(str(job.pk))
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.DONE, 2)
    assert Publication.objects.get().published_by == ready["users"]["analyst_oriental"]  # who asked


def test_a_job_whose_package_was_stored_is_not_retried(ready):
    job = publication.start_publishing(ready["users"]["analyst_oriental"], "MA-02", 2025)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED)  # as if its worker died after storing
    job.refresh_from_db()
    with pytest.raises(ValidationError, match="was published"):
        jobs.retry(job, ready["users"]["superuser"])
    assert Publication.objects.count() == 1


# --- The page -----------------------------------------------------------------------------------------------


def test_the_job_page_polls_until_the_package_is_published(ready, queued, client):
    client.force_login(ready["users"]["analyst_oriental"])
    response = client.post("/open-data/publish/", {"region": "MA-02", "year": "2025"})
    job = Job.objects.get()
    assert response["Location"] == f"/open-data/publish/{job.pk}/"
    waiting = client.get(response["Location"]).content.decode()
    assert "Waiting for the worker" in waiting and 'hx-trigger="load delay:2s"' in waiting
    assert 'id="publish-progress"' in waiting
    jobs.execute(str(job.pk))
    done = client.get(response["Location"], **HTMX).content.decode()
    assert "<html" not in done and "hx-trigger" not in done  # the partial, no longer polling
    assert 'id="package-link" href="/open-data/MA-02/2025/v1/"' in done
    assert "MA-02" in client.get("/open-data/publish/").content.decode()  # among the recent publications


def test_the_job_page_says_why_a_publication_was_refused(ready, client, monkeypatch):
    monkeypatch.setattr(publication_package, "table_schema", lambda spec: {"fields": [{"name": 1}]})
    client.force_login(ready["users"]["analyst_oriental"])
    response = client.post("/open-data/publish/", {"region": "MA-02", "year": "2025"})
    page = client.get(response["Location"]).content.decode()
    assert 'role="alert"' in page and "Not published" in page and "not valid" in page


def test_another_users_job_page_is_not_found(ready, client):
    job = publication.start_publishing(ready["users"]["analyst_oriental"], "MA-02", 2025)
    for name in ("caseworker_a", "admin_a", "donor"):
        client.force_login(ready["users"][name])
        assert client.get(f"/open-data/publish/{job.pk}/").status_code == 404, name
    assert AuditEvent.objects.filter(action="denied", target_id=str(job.pk)).count() == 3
    client.force_login(ready["users"]["admin_agency"])  # the jobs page shows it them: they may follow it
    assert client.get(f"/open-data/publish/{job.pk}/").status_code == 200


# --- The API ------------------------------------------------------------------------------------------------


def test_the_api_answers_202_then_the_poll_follows_the_job(ready, queued, client):
    client.force_login(ready["users"]["analyst_oriental"])
    accepted = _post(client, {"region": "MA-02", "year": 2025})
    body = accepted.json()
    assert accepted.status_code == 202 and body["status"] == "queued" and accepted["Location"] == body["url"]
    assert body["package"] is None and body["package_url"] is None and body["total"] == publication.STEPS
    waiting = client.get(body["url"]).json()
    assert waiting["status"] == "queued" and waiting["region"] == "MA-02" and waiting["year"] == 2025
    jobs.execute(body["id"])
    done = client.get(body["url"]).json()
    assert done["status"] == "done" and done["done"] == done["total"] == publication.STEPS
    assert done["package_url"] == "/open-data/MA-02/2025/v1/" == done["package"]["url"]
    assert "datapackage.json" in {f["name"] for f in done["package"]["files"]}


def test_the_api_poll_of_a_refused_job_gives_the_reasons(ready, client, monkeypatch):
    monkeypatch.setattr(publication_package, "table_schema", lambda spec: {"fields": [{"name": 1}]})
    client.force_login(ready["users"]["analyst_oriental"])
    body = _post(client, {"region": "MA-02", "year": 2025}).json()
    polled = client.get(body["url"]).json()
    assert polled["status"] == "refused" and "not valid" in polled["message"] and polled["package"] is None


def test_the_api_refuses_the_wrong_role_another_job_and_bad_input(ready, client):
    users = ready["users"]
    client.force_login(users["caseworker_a"])
    refused = _post(client, {"region": "MA-02", "year": 2025})
    assert refused.status_code == 403 and refused.json()["detail"]
    client.force_login(users["analyst_oriental"])
    assert _post(client, {"region": "MA-01", "year": 2025}).status_code == 403  # outside their territory
    job = _post(client, {"region": "MA-02", "year": 2025}).json()

    client.force_login(users["caseworker_b"])  # another user's job: out of scope, not "forbidden"
    assert client.get(job["url"]).status_code == 404
    client.force_login(users["analyst_oriental"])
    other = jobs.enqueue(jobs.PROBE.name, user=users["analyst_oriental"])  # not a publication job
    assert client.get(f"/api/open-data/jobs/{other.pk}").status_code == 404
    assert client.get("/api/open-data/jobs/not-a-uuid").status_code == 422

    unknown = _post(client, {"region": "MA-99", "year": 2025})
    assert unknown.status_code == 400 and "Unknown region" in json.dumps(unknown.json())
    no_data = _post(client, {"region": "MA-02", "year": 2019})
    assert no_data.status_code == 400 and "2019" in json.dumps(no_data.json())
    for body in ({"region": "MA-02", "year": 1800}, {"region": "MA-02"}, {"region": "M" * 30, "year": 2025}):
        response = _post(client, body)
        assert response.status_code == 422 and response.json()["detail"], body
    assert Job.objects.filter(kind=publication.PUBLISH_JOB).count() == 1
