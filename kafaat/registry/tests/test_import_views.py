"""The import pages: upload, the job page and its polling, the error report, the templates, who sees what."""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kafaat.core.models import ImportJob
from kafaat.registry.models import Person
from kafaat.registry.tests.test_import_people import GOOD, HEADER, write_csv


@pytest.fixture
def synchronous(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, world, path: Path, **extra):
    data = {"kind": "people", "organisation": world["ngo_a"].pk, **extra}
    data["file"] = SimpleUploadedFile(path.name, path.read_bytes())
    return client.post(reverse("registry:import"), data)


def test_upload_job_page_errors_and_error_report(client, world, synchronous, tmp_path, settings):
    client.force_login(world["users"]["caseworker_a"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("registry:import"))
    assert page.status_code == 200 and b"Check only (dry run)" in page.content
    bad = ["B-1", "Alaoui", "Fatima", "", "", "X", "12/03/2001", "Nowhere", "", "", "05/01/2025", ""]
    response = upload(client, world, write_csv(tmp_path / "people.csv", HEADER, [*GOOD, bad]))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "registry:import_job", args=[job.pk]
    )
    assert (job.status, job.rows_read, job.valid, job.rejected, job.error_count) == ("rejected", 4, 3, 1, 2)
    assert job.errors == [[5, "Sexe", job.errors[0][2]], [5, "Commune", job.errors[1][2]]]
    assert not Person.objects.exists()
    assert not (Path(job.file_path).is_absolute() or (tmp_path / "media" / job.file_path).exists())
    page = client.get(response["Location"]).content.decode()
    assert 'id="import-errors"' in page and "Nowhere" in page and "hx-trigger" not in page
    assert reverse("registry:import_errors", args=[job.pk]) in page
    report = client.get(reverse("registry:import_errors", args=[job.pk]))
    assert report.status_code == 200 and report["Content-Type"].startswith("application/vnd.openxmlformats")
    errors, rejected = load_workbook(io.BytesIO(b"".join(report.streaming_content))).worksheets
    assert [c.value for c in errors[1]] == ["Row", "Column", "Value", "Message"]
    assert [c.value for c in errors[2]] == [5, "Sexe", "X", "Write F or M."]
    assert rejected.cell(2, 2).value == "B-1"


def test_good_rows_only_and_dry_run_from_the_page(client, world, synchronous, tmp_path):
    client.force_login(world["users"]["caseworker_a"])
    path = write_csv(tmp_path / "people.csv", HEADER, GOOD)
    upload(client, world, path, dry_run="1")
    job = ImportJob.objects.get()
    assert (job.status, job.dry_run, job.valid, job.imported) == ("checked", True, 3, 0)
    assert not Person.objects.exists()
    upload(client, world, path, good_rows_only="on")
    job = ImportJob.objects.latest("created_at")
    assert (job.status, job.imported) == ("done", 3) and Person.objects.count() == 3
    assert job.report_path == ""
    assert client.get(reverse("registry:import_errors", args=[job.pk])).status_code == 404


def test_a_job_is_visible_to_its_user_only(client, world, synchronous, tmp_path):
    client.force_login(world["users"]["caseworker_a"])
    upload(client, world, write_csv(tmp_path / "people.csv", HEADER, [["x"] * len(HEADER)]))
    job = ImportJob.objects.get()
    client.force_login(world["users"]["admin_a"])  # same organisation, still not their job
    for name in ("registry:import_job", "registry:import_errors"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404


def test_people_without_the_change_permission_cannot_import(client, world):
    client.force_login(world["users"]["analyst_oriental"])
    assert client.get(reverse("registry:import")).status_code == 403
    client.force_login(world["users"]["caseworker_a"])
    response = client.post(reverse("registry:import"), {"kind": "people", "organisation": world["ngo_b"].pk})
    assert response.status_code == 200 and not ImportJob.objects.exists()  # not a choice for this user


def test_an_unfinished_job_polls_every_second(client, world):
    user = world["users"]["caseworker_a"]
    status = ImportJob.Status.VALIDATING
    job = ImportJob.objects.create(user=user, organisation=world["ngo_a"], kind="people", file_name="x.csv",
                                   status=status, rows_total=100, rows_validated=40)  # fmt: skip
    client.force_login(user)
    partial = client.get(
        reverse("registry:import_job", args=[job.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'hx-trigger="load delay:2s"' in partial and 'value="40"' in partial and "<html" not in partial


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_templates_download_in_each_language(client, world, language):
    client.force_login(world["users"]["caseworker_a"])
    response = client.get(reverse("registry:import_template", args=["people", language]))
    assert response.status_code == 200
    assert f"kafaat-people-{language}.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert (
        sheet["A1"].value
        == {"fr": "Identifiant externe", "ar": "المعرف الخارجي", "en": "External id"}[language]
    )
    assert client.get(reverse("registry:import_template", args=["people", "de"])).status_code == 404
    assert client.get(reverse("registry:import_template", args=["cars", "fr"])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_job_runs_in_a_background_thread(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(world["users"]["caseworker_a"])
    response = upload(client, world, write_csv(tmp_path / "people.csv", HEADER, GOOD))
    assert response.status_code == 302
    deadline = time.monotonic() + 20
    while not ImportJob.objects.get().finished and time.monotonic() < deadline:
        time.sleep(0.1)
    for thread in threading.enumerate():
        if thread.name.startswith("import-"):
            thread.join(10)  # it closes its own database connection last
    job = ImportJob.objects.get()
    assert (job.status, job.imported) == ("done", 3) and Person.objects.count() == 3
    assert "3" in client.get(response["Location"]).content.decode()
