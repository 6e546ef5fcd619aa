"""The vacancy import as a background job: run by a real `python -m kafaat worker` process, its report
(counts, errors, the re-posted ads) kept on its `ImportJob` for the page that polls it; a user acting for
several organisations who names none is told so; another organisation's job is not found."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kafaat.core.models import ImportJob, Job, Membership, Role
from kafaat.labour import importing
from kafaat.labour.models import Vacancy
from kafaat.testing.worker import Worker, shared_queue, wait_for

HTMX = {"HTTP_HX_REQUEST": "true"}
HEADER = "Référence;Entreprise;Secteur;Ville;Intitulé du poste;Nombre de postes;Date de publication\n"
ROWS = (
    "J-1;Atlas Froid;C;Oujda-Angad;Frigoriste;2;03/02/2026\n"
    "J-2;Atlas Froid;C;Oujda-Angad;Frigoriste;2;10/02/2026\n"  # the same ad a week later: re-posted
    "J-3;Atlas Froid;C;Oujda-Angad;Soudeur TIG;1;04/02/2026\n"
)


@pytest.fixture
def queue(world, settings, tmp_path):
    yield from shared_queue(settings, tmp_path)


def _upload(client, text: str, **data):
    upload = SimpleUploadedFile("offres.csv", text.encode(), content_type="text/csv")
    return client.post("/labour/vacancies/import/", {"file": upload, "import": "1", **data})


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_imports_the_vacancies_and_the_page_shows_the_report(client, world, queue, tmp_path):
    client.cookies["kafaat_language"] = "en"
    client.force_login(world["users"]["caseworker_a"])
    response = _upload(client, HEADER + ROWS)
    job = ImportJob.objects.select_related("job").get()
    assert response.status_code == 302 and response["Location"] == f"/labour/vacancies/import/{job.pk}/"
    assert job.status == ImportJob.Status.QUEUED and job.job.kind == importing.IMPORT_JOB
    waiting = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="load delay:2s"' in waiting and not Vacancy.objects.exists()

    worker = Worker(queue, tmp_path / "worker.log")
    try:
        wait_for(lambda: Job.objects.get(pk=job.job_id).finished, 120, worker, "the import did not end")
    finally:
        assert worker.stop() == 0
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.imported == 2 and job.already_imported == 1
    assert job.details == {"reposted": [[3, job.details["reposted"][0][1]]], "reposted_count": 1}
    assert Vacancy.objects.filter(organisation=world["ngo_a"]).count() == 2
    page = client.get(response["Location"], **HTMX).content.decode()
    assert "hx-trigger" not in page and 'id="imported-count">2<' in page and 'id="reposted"' in page
    assert "Row 3 repeats" in page
    assert not list((tmp_path / "var" / "media").glob("imports/*/upload.*"))  # not kept once read


@pytest.mark.django_db
def test_who_acts_for_several_organisations_must_name_one(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.cookies["kafaat_language"] = "en"
    user = world["users"]["caseworker_a"]
    Membership.objects.create(user=user, organisation=world["ngo_b"], role=Role.CASE_WORKER)
    client.force_login(user)
    response = _upload(client, HEADER + ROWS)
    assert response.status_code == 400 and not ImportJob.objects.exists()
    assert "Choose the organisation you are acting for." in response.content.decode()
    response = _upload(client, HEADER + ROWS, organisation=world["ngo_b"].pk)
    assert response.status_code == 302 and ImportJob.objects.get().organisation == world["ngo_b"]


@pytest.mark.django_db
def test_another_organisations_import_is_not_found(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world["users"]["caseworker_a"])
    _upload(client, HEADER + ROWS)
    job = ImportJob.objects.get()
    for name in ("caseworker_b", "admin_a", "analyst_oriental"):
        client.force_login(world["users"][name])
        assert client.get(f"/labour/vacancies/import/{job.pk}/").status_code == 404, name
    client.force_login(world["users"]["donor"])
    assert client.post("/labour/vacancies/import/", {}).status_code == 403
