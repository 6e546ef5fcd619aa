"""Hostile uploads: every import job ends in a state its page shows (done, refused with reasons, or failed
with a reference the administrator finds in the log), whatever the file holds."""

from __future__ import annotations

import io
import logging
import random
import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kafaat.core.models import ImportJob
from kafaat.registry.imports import PeopleImport
from kafaat.registry.models import Person
from kafaat.registry.tests.test_import_people import GOOD, HEADER, write_csv


def _post(client, world, name: str, content: bytes):
    data = {"kind": "people", "organisation": world["ngo_a"].pk, "file": SimpleUploadedFile(name, content)}
    return client.post(reverse("registry:import"), data)


@pytest.mark.django_db(transaction=True)
def test_a_csv_of_random_bytes_ends_refused_with_a_readable_report(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(world["users"]["caseworker_a"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    noise = random.Random(11).randbytes(5_000_000)  # control characters, NUL bytes, broken encodings
    response = _post(client, world, "noise.csv", noise)
    assert response.status_code == 302
    deadline, page = time.monotonic() + 30, ""
    while time.monotonic() < deadline:  # poll the page as the browser does
        page = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
        if "hx-trigger" not in page:
            break
        time.sleep(0.2)
    for thread in threading.enumerate():
        if thread.name.startswith("import-"):
            thread.join(10)
    job = ImportJob.objects.get()
    assert "hx-trigger" not in page, "the job never reached a final state"
    assert job.status == ImportJob.Status.REJECTED and job.error_count and not Person.objects.exists()
    report = client.get(reverse("registry:import_errors", args=[job.pk]))
    errors = load_workbook(io.BytesIO(b"".join(report.streaming_content))).worksheets[0]
    assert [c.value for c in errors[1]] == ["Row", "Column", "Value", "Message"]
    assert errors.max_row > 1


def test_an_unexpected_error_marks_the_job_failed_with_a_reference_in_the_log(
    client, world, settings, tmp_path, monkeypatch, caplog
):
    settings.MEDIA_ROOT = tmp_path / "media"

    def broken(self, outcomes):
        raise RuntimeError("a bug in the checks")

    monkeypatch.setattr(PeopleImport, "check", broken)
    client.force_login(world["users"]["caseworker_a"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    path = write_csv(tmp_path / "people.csv", HEADER, GOOD)
    with caplog.at_level(logging.ERROR):
        response = _post(client, world, "people.csv", path.read_bytes())
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and job.finished_at is not None
    assert str(job.pk) in job.message
    logged = [r for r in caplog.records if r.exc_info and str(job.pk) in r.getMessage()]
    assert logged and "a bug in the checks" in str(logged[0].exc_info[1])
    page = client.get(response["Location"]).content.decode()
    assert "Failed" in page and str(job.pk) in page and "hx-trigger" not in page
    assert not Person.objects.exists()
