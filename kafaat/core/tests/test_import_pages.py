"""The shared pieces of the import pages (core/imports/forms.py and the core/imports/ templates): a bad or
huge file refused in the user's language, and a finished job's outcome shown by every app's fragment alike."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.utils import translation

from kafaat.core.imports.forms import SpreadsheetUploadForm


class _TinyLimit(SpreadsheetUploadForm):
    max_upload_bytes = 10


def _errors(form_class, name: str, content: bytes, language: str) -> list[str]:
    with translation.override(language):
        form = form_class(data={}, files={"file": SimpleUploadedFile(name, content)})
        assert not form.is_valid()
        return [str(message) for message in form.errors["file"]]


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "Upload a CSV or XLSX file."), ("fr", "CSV"), ("ar", "CSV")],
)
def test_a_file_that_is_no_spreadsheet_is_refused_in_the_users_language(language, words):
    errors = _errors(SpreadsheetUploadForm, "payload.exe", b"MZ", language)
    assert len(errors) == 1 and words in errors[0]
    if language != "en":
        assert errors[0] != "Upload a CSV or XLSX file."  # translated, not the English fallback


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "The file is larger than 20 MB: split it."),
        ("fr", "Le fichier dépasse 20 Mo"),
        ("ar", "يتجاوز الملف"),
    ],
)
def test_a_file_over_the_limit_is_refused_and_the_user_told_to_split_it(language, words):
    errors = _errors(_TinyLimit, "rows.csv", b"a,b\n1,2\n3,4\n", language)
    assert len(errors) == 1 and words in errors[0]


def test_a_spreadsheet_within_the_limit_is_accepted():
    form = SpreadsheetUploadForm(data={}, files={"file": SimpleUploadedFile("Rows.XLSX", b"x" * 100)})
    assert form.is_valid(), form.errors


class _Rejected:
    pk = id = uuid.UUID("12345678-1234-5678-1234-567812345678")
    status = "rejected"
    finished = True
    message = ""
    language = "ar"
    rows_read, valid, imported, already_imported, rejected = 3, 2, 0, 0, 1
    error_count = 1
    errors = [(2, "email", "عنوان غير صالح")]
    report_path = ""
    details: dict = {}

    def get_status_display(self) -> str:
        return "مرفوض"


@pytest.mark.parametrize(
    ("template", "report_link", "good_rows_note"),
    [
        ("contacts/import_job_status.html", True, False),
        ("training/import_job_status.html", True, False),
        ("registry/import_job_status.html", True, True),
        ("labour/import_job_status.html", False, True),  # labour offers the report only when one was kept
        ("events/import_job_status.html", False, False),  # a sign-in sheet has no error report
    ],
)
def test_a_rejected_job_shows_its_errors_and_what_to_do_in_arabic(rf, template, report_link, good_rows_note):
    with translation.override("ar"):
        page = render_to_string(template, {"job": _Rejected()}, request=rf.get("/x/"))
    assert 'id="import-status"' in page and 'id="import-errors"' in page and "عنوان غير صالح" in page
    assert "hx-get" not in page  # a finished job stops polling
    assert ('id="error-report"' in page) is report_link
    assert ("Correct the rows below" not in page) and ("صحّح الصفوف" in page)
    with translation.override("en"):
        english = render_to_string(template, {"job": _Rejected()}, request=rf.get("/x/"))
    assert ("or import only the good rows" in english) is good_rows_note
