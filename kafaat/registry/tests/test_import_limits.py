"""Hostile spreadsheets: limits on rows, columns, cell length and uncompressed size, checked while the file
is read, through the import page and the command alike; a file declaring a million empty rows is harmless."""

from __future__ import annotations

import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from kafaat.core.imports import run as importing
from kafaat.core.models import ImportJob
from kafaat.registry.imports import PeopleImport
from kafaat.registry.models import Person
from kafaat.registry.tests.test_import_people import GOOD, HEADER, write_csv, write_xlsx


def _through_the_page(client, world, settings, path: Path, language: str = "en") -> ImportJob:
    client.force_login(world["users"]["caseworker_a"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    data = {"kind": "people", "organisation": world["ngo_a"].pk}
    data["file"] = SimpleUploadedFile(path.name, path.read_bytes())
    response = client.post(reverse("registry:import"), data)
    assert response.status_code == 302
    job = ImportJob.objects.latest("created_at")
    page = client.get(response["Location"]).content.decode()
    # The job's message, in the language the import ran in (and said so).
    assert job.finished and (
        not job.message or f'<p class="muted" lang="{job.language}">{job.message}' in page
    )
    return job


def _through_the_command(path: Path) -> str:
    with pytest.raises(CommandError) as refused:
        call_command("import", str(path), kind="people", organisation="ngo-a-oujda", language="en")
    return str(refused.value)


def _zip_bomb(path: Path) -> Path:
    """A valid workbook whose sheet carries 200 MB of spaces after its data: 200 KB compressed."""
    write_xlsx(path.with_suffix(".plain.xlsx"), HEADER, GOOD)
    with zipfile.ZipFile(path.with_suffix(".plain.xlsx")) as source, zipfile.ZipFile(path, "w") as bomb:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</worksheet>", b" " * 200_000_000 + b"</worksheet>")
            bomb.writestr(member, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return path


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_file_over_the_row_limit_is_refused_while_it_is_read(client, world, settings, tmp_path, media):
    settings.KAFAAT_IMPORT_MAX_ROWS = 2
    for path in (
        write_csv(tmp_path / "people.csv", HEADER, GOOD),
        write_xlsx(tmp_path / "people.xlsx", HEADER, GOOD),
    ):
        job = _through_the_page(client, world, settings, path)
        assert job.status == ImportJob.Status.FAILED
        assert job.message == "The file has more than 2 rows: split it."
        assert "more than 2 rows" in _through_the_command(path)
        with translation.override("fr"):
            job = _through_the_page(client, world, settings, path, "fr")
        assert job.message == "Le fichier a plus de 2 lignes : découpez-le."
    assert not Person.objects.exists()
    settings.KAFAAT_IMPORT_MAX_ROWS = 3  # exactly the limit: imported
    call_command("import", str(path), kind="people", organisation="ngo-a-oujda")
    assert Person.objects.count() == 3


def test_too_many_columns_and_a_cell_too_long_are_refused(client, world, settings, tmp_path, media):
    settings.KAFAAT_IMPORT_MAX_COLUMNS, settings.KAFAAT_IMPORT_MAX_CELL_CHARS = 20, 1000
    wide = [*GOOD[:1], [*GOOD[1], *["x"] * 30]]
    long = [*GOOD[:1], [*GOOD[1][:1], "B" * 1001, *GOOD[1][2:]]]
    for write, suffix in ((write_csv, ".csv"), (write_xlsx, ".xlsx")):
        path = write(tmp_path / f"wide{suffix}", HEADER, wide)
        job = _through_the_page(client, world, settings, path)
        assert (job.status, job.message) == (
            "failed",
            "Row 3 has more than 20 columns: is this the right file?",
        )
        assert "Row 3 has more than 20 columns" in _through_the_command(path)
        path = write(tmp_path / f"long{suffix}", HEADER, long)
        job = _through_the_page(client, world, settings, path, "ar")
        assert job.status == "failed" and job.message.startswith("السطر 3 ")
        assert "a cell longer than 1,000 characters" in _through_the_command(path)
    path = write_csv(tmp_path / "huge-field.csv", HEADER, [[*GOOD[0][:1], "C" * 200_000, *GOOD[0][2:]]])
    settings.KAFAAT_IMPORT_MAX_CELL_CHARS = 500_000  # over csv's own limit: still a clear refusal
    assert "a cell longer than" in _through_the_command(path)
    import frictionless.formats.csv.parser  # noqa: F401 — raises csv's process-wide field limit (publications)

    assert "a cell longer than" in _through_the_command(path)
    assert not Person.objects.exists()


def test_a_zip_bomb_is_refused_before_it_is_opened(client, world, settings, tmp_path, media):
    path = _zip_bomb(tmp_path / "bomb.xlsx")
    assert path.stat().st_size < 2_000_000
    tracemalloc.start()
    started = time.monotonic()
    job = _through_the_page(client, world, settings, path)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert job.status == "failed" and "compressed far more than a spreadsheet" in job.message
    assert time.monotonic() - started < 5 and peak < 20_000_000
    assert "compressed far more" in _through_the_command(path)
    settings.KAFAAT_IMPORT_MAX_UNCOMPRESSED_MB = 1  # the plain workbook's limit, however it compresses
    assert "more than 1 MB once uncompressed" in _through_the_command(_zip_bomb(tmp_path / "bomb2.xlsx"))


def test_a_workbook_declaring_a_million_empty_rows_is_read_quickly(client, world, settings, tmp_path, media):
    path = tmp_path / "empty.xlsx"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    sheet.append(GOOD[0])
    for _ in range(1_000_000):  # <row r="…"/>, declared and empty, as a spreadsheet left formatted writes
        sheet.append([])
    workbook.save(path)
    assert path.stat().st_size < 5_000_000
    started = time.monotonic()
    tracemalloc.start()
    job = _through_the_page(client, world, settings, path)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # Over the default limit of 1,000,000 rows: refused once row 1,000,002 is reached. openpyxl keeps an
    # emptied XML element per row read (about 100 bytes): bounded by the row limit, not by the file.
    assert job.status == "failed" and "more than 1,000,000 rows" in job.message
    assert peak < 200_000_000 and time.monotonic() - started < 180
    settings.KAFAAT_IMPORT_MAX_ROWS = 2_000_000
    job = _through_the_page(client, world, settings, path)
    assert (job.status, job.imported, job.error_count, job.report_path) == ("done", 1, 0, "")


def test_errors_are_kept_up_to_the_limit_and_all_counted(world, settings, tmp_path):
    settings.KAFAAT_IMPORT_MAX_ERRORS = 5
    bad = [[f"B-{n}", "Alaoui", "Fatima", "", "", "X", "12/03/2001", "Oujda", "", "", "05/01/2025", ""]
           for n in range(5000)]  # fmt: skip
    path = write_csv(tmp_path / "people.csv", HEADER, [*GOOD, *bad])
    spec = PeopleImport(world["users"]["admin_a"], world["ngo_a"], language="en")
    result = importing.run_import(spec, path)
    assert len(result.errors) == 5 and len(result.rejected_rows) == 5 and result.stopped
    assert result.rows_read < 5003 and not result.written  # all-or-nothing: checking stopped at the limit
    spec = PeopleImport(world["users"]["admin_a"], world["ngo_a"], language="en")
    result = importing.run_import(spec, path, good_rows_only=True)
    assert (len(result.errors), result.error_count, result.rejected, result.imported) == (5, 5000, 5000, 3)
    importing.write_error_report(result, tmp_path / "errors.xlsx", "en")
    from openpyxl import load_workbook

    rows = list(load_workbook(tmp_path / "errors.xlsx").worksheets[0].values)
    assert len(rows) == 7 and rows[-1][3] == "4995 more errors are not listed."
