"""Importing scores and survey answers: all or nothing, row errors, idempotent, hostile files."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from kafaat.core.imports import run_import
from kafaat.core.models import ImportJob
from kafaat.events.models import KnowledgeScore, SurveyResponse
from kafaat.events.outcomes.score_imports import (
    SCORES_KIND,
    SURVEY_KIND,
    ScoreImport,
    SurveyImport,
    start_import,
)

pytestmark = pytest.mark.django_db


def _csv(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))


def _scores_file(world, rows):
    regs = world["registrations"]
    lines = ["Code badge;Nom;Score avant;Score après"]
    lines += [f"{regs[name].badge_code};{name};{pre};{post}" for name, pre, post in rows]
    return _csv("\n".join(lines) + "\n")


def test_a_good_file_is_imported_and_again_changes_nothing(event_world):
    manager, event = event_world["users"]["manager"], event_world["event"]
    rows = [("Alaoui", "40", "70"), ("Idrissi", "55,5", "80"), ("Tazi", "", "60")]
    result = run_import(ScoreImport(manager, event), _scores_file(event_world, rows), "scores.csv")
    assert (result.status, result.imported) == ("done", 3)
    assert KnowledgeScore.objects.count() == 5
    again = run_import(ScoreImport(manager, event), _scores_file(event_world, rows), "scores.csv")
    assert (again.imported, again.already_imported) == (0, 3)
    assert KnowledgeScore.objects.count() == 5


def test_one_bad_row_writes_nothing_and_says_where(event_world):
    manager, event = event_world["users"]["manager"], event_world["event"]
    rows = [("Alaoui", "40", "70"), ("Idrissi", "150", "80")]
    result = run_import(ScoreImport(manager, event), _scores_file(event_world, rows), "scores.csv")
    assert result.status == "rejected" and not KnowledgeScore.objects.exists()
    assert [(e.row, e.column) for e in result.errors] == [(3, "Score avant")]


def test_unknown_and_repeated_badge_codes_are_row_errors(event_world):
    manager, event = event_world["users"]["manager"], event_world["event"]
    code = event_world["registrations"]["Alaoui"].badge_code
    text = f"Badge code,Pre-test score\n{code},40\n{code},41\nZZZZZZZZZZ,50\n=cmd|' /C calc'!A0,3\n"
    result = run_import(ScoreImport(manager, event), _csv(text), "scores.csv")
    assert result.status == "rejected" and result.error_count == 3
    assert not KnowledgeScore.objects.exists()


def test_a_badge_of_another_event_is_unknown_here(event_world, module_world):
    manager, event = event_world["users"]["manager"], event_world["event"]
    other = module_world["trainers"]["Saidi"].badge_code
    result = run_import(
        ScoreImport(manager, event), _csv(f"Badge code,Pre-test score\n{other},40\n"), "s.csv"
    )
    assert result.status == "rejected"


def test_a_file_without_the_columns_is_refused(event_world):
    manager, event = event_world["users"]["manager"], event_world["event"]
    result = run_import(ScoreImport(manager, event), _csv("a,b\n1,2\n"), "s.csv")
    assert result.status == "rejected" and not KnowledgeScore.objects.exists()


def test_a_broken_xlsx_fails_the_job_with_a_message(event_world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("scores.xlsx", b"PK\x03\x04 not really a workbook")
    job = start_import(event_world["users"]["manager"], event_world["event"], SCORES_KIND, upload)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.message
    assert not KnowledgeScore.objects.exists()


def test_an_xlsx_import_as_a_job(event_world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["رمز الشارة", "النتيجة القبلية", "النتيجة البعدية"])
    sheet.append([event_world["registrations"]["Alaoui"].badge_code, 35, 72.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("scores.xlsx", buffer.getvalue())
    job = start_import(event_world["users"]["manager"], event_world["event"], SCORES_KIND, upload)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.imported == 1
    assert sorted(KnowledgeScore.objects.values_list("score", flat=True)) == [35, 72.5]


def test_a_case_worker_of_another_organisation_may_not_import(event_world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        ScoreImport(event_world["users"]["caseworker_b"], event_world["event"])


def test_survey_import_anonymous_rows_keep_no_link_and_reimport_adds_nothing(event_world):
    manager, event = event_world["users"]["manager"], event_world["event"]
    code = event_world["registrations"]["Alaoui"].badge_code
    text = (
        "Code badge,Satisfaction globale,Contenu,Commentaire\n"
        f"{code},5,4,Bien\n,4,4,\n,4,4,\n,3,,Trop court\n"
    )
    result = run_import(SurveyImport(manager, event), _csv(text), "survey.csv")
    assert (result.status, result.imported) == ("done", 4)
    assert SurveyResponse.objects.filter(registration__isnull=True).count() == 3
    assert SurveyResponse.objects.get(registration__isnull=False).registration.badge_code == code
    again = run_import(SurveyImport(manager, event), _csv(text), "survey.csv")
    assert (again.imported, again.already_imported) == (0, 4)
    assert SurveyResponse.objects.count() == 4


def test_survey_import_out_of_range_rating(event_world):
    manager, event = event_world["users"]["manager"], event_world["event"]
    result = run_import(SurveyImport(manager, event), _csv("Overall satisfaction\n4\n9\n"), "survey.csv")
    assert result.status == "rejected" and not SurveyResponse.objects.exists()


def test_survey_upload_as_a_job(event_world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("survey.csv", b"Overall satisfaction\n4\n5\n")
    job = start_import(event_world["users"]["manager"], event_world["event"], SURVEY_KIND, upload)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and SurveyResponse.objects.count() == 2


def test_a_huge_file_is_refused_with_a_message(event_world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.KAFAAT_IMPORT_MAX_ROWS = 50
    code = event_world["registrations"]["Alaoui"].badge_code
    body = "Badge code,Pre-test score\n" + f"{code},40\n" * 200
    upload = SimpleUploadedFile("scores.csv", body.encode())
    job = start_import(event_world["users"]["manager"], event_world["event"], SCORES_KIND, upload)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and "50" in job.message
    assert not KnowledgeScore.objects.exists()


def test_a_binary_file_named_csv_is_refused(event_world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("scores.csv", bytes(range(256)) * 40)
    job = start_import(event_world["users"]["manager"], event_world["event"], SCORES_KIND, upload)
    job.refresh_from_db()
    assert job.status in (ImportJob.Status.FAILED, ImportJob.Status.REJECTED) and job.message
    assert not KnowledgeScore.objects.exists()
