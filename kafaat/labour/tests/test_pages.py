"""The labour pages render for the roles that may open them, refuse the others, and do what they say."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kafaat.core.models import ImportJob, Job
from kafaat.labour.models import CodingStatus, Survey, SurveyResponse, Vacancy
from kafaat.labour.tests.conftest import POSTED

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the assertions read English messages


def test_lists_and_details(client, labour):
    client.force_login(labour["users"]["analyst_oriental"])
    page = client.get("/labour/vacancies/?occupation=81")
    assert page.status_code == 200 and "Couturière qualifiée" in page.content.decode()
    partial = client.get("/labour/vacancies/?occupation=82", **HTMX).content.decode()
    assert "<html" not in partial and "Opératrice" not in partial  # Tanger lies outside the Oriental
    assert client.get(f"/labour/vacancies/{labour['wiring'].pk}/").status_code == 404
    assert client.get(f"/labour/vacancies/{labour['sewing'].pk}/").status_code == 200
    assert "Oriental Textile" in client.get("/labour/employers/").content.decode()
    assert client.get(f"/labour/employers/{labour['textile'].pk}/").status_code == 200
    assert client.get("/labour/vacancies/import/").status_code == 403
    assert client.get("/labour/vacancies/coding/").status_code == 403
    client.force_login(labour["users"]["donor"])
    assert client.get("/labour/vacancies/").status_code == 403


def test_recording_a_vacancy_from_the_employer_page(client, labour):
    client.force_login(labour["users"]["caseworker_a"])
    url = f"/labour/employers/{labour['textile'].pk}/"
    form = {"title": "Repasseuse", "positions": "3", "posted_on": "2026-03-01", "source": "employer"}
    response = client.post(url, form)
    vacancy = Vacancy.objects.get(title="Repasseuse")
    assert response.status_code == 302 and response.url == f"/labour/vacancies/{vacancy.pk}/"
    again = client.post(url, {**form, "posted_on": "2026-03-05"})
    assert again.status_code == 200 and "already posted" in again.content.decode()
    client.force_login(labour["users"]["caseworker_b"])
    assert client.post(url, form).status_code == 403


def test_the_coding_queue_confirms_in_place(client, labour):
    client.force_login(labour["users"]["caseworker_a"])
    queue = client.get("/labour/vacancies/coding/").content.decode()
    assert "Couturière qualifiée" in queue and "8153" in queue and "Opératrice" not in queue
    sewing = labour["sewing"]
    row = client.post(f"/labour/vacancies/{sewing.pk}/code/", {"occupation": "8153"}, **HTMX).content.decode()
    assert "<html" not in row and "8153" in row
    sewing.refresh_from_db()
    assert sewing.coding_status == CodingStatus.CONFIRMED
    wrong = client.post(f"/labour/vacancies/{sewing.pk}/code/", {"occupation": "12"}, **HTMX).content.decode()
    assert 'role="alert"' in wrong
    plain = client.post(f"/labour/vacancies/{sewing.pk}/code/", {"occupation": "7531", "next": "//evil"})
    assert plain.url == "/labour/vacancies/coding/"


def test_import_page_reports_errors_and_offers_the_report(client, labour, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(labour["users"]["caseworker_a"])
    content = (
        "Entreprise;Ville;Intitulé du poste;Date de publication\n"
        "Oujda Froid;Oujda-Angad;Frigoriste;01/03/2026\n"
        "Oujda Froid;Atlantide;Soudeur;32/03/2026\n"
    ).encode()
    upload = SimpleUploadedFile("offres.csv", content, content_type="text/csv")
    posted = client.post("/labour/vacancies/import/", {"file": upload, "import": "1"})
    job = ImportJob.objects.get(kind="vacancies")
    assert posted.status_code == 302 and posted["Location"] == f"/labour/vacancies/import/{job.pk}/"
    page = client.get(posted["Location"])  # the tests' immediate backend ran the job before the redirect
    html = page.content.decode()
    assert page.status_code == 200 and "Atlantide" in html and 'id="import-errors"' in html
    assert job.status == ImportJob.Status.REJECTED and job.job.status == Job.Status.REFUSED
    assert not Vacancy.objects.filter(title="Frigoriste").exists()
    assert not list(tmp_path.glob("imports/*/upload.csv"))  # the upload is not kept once read
    report = client.get(f"/labour/vacancies/import/{job.pk}/errors.xlsx")
    assert report.status_code == 200 and report["Content-Type"].startswith("application/vnd.openxml")
    assert "offres.csv" in client.get("/labour/vacancies/import/").content.decode()  # the recent imports
    client.force_login(labour["users"]["caseworker_b"])
    assert client.get(f"/labour/vacancies/import/{job.pk}/errors.xlsx").status_code == 404
    assert client.get(f"/labour/vacancies/import/{job.pk}/").status_code == 404
    assert client.get("/labour/vacancies/import/template/ar/").status_code == 200


def test_survey_form_and_results(client, labour):
    survey = Survey.objects.create(
        organisation=labour["ngo_a"],
        code="or-26",
        title="Oriental 2026",
        territory=labour["oujda"].parent,
        opens_on=POSTED,
    )
    client.force_login(labour["users"]["caseworker_a"])
    assert "Oriental 2026" in client.get("/labour/surveys/").content.decode()
    form = {
        "employer": labour["textile"].pk, "answered_on": "2026-02-20", "hiring_intention": "yes",
        "planned_hires": "12", "comment": "",
        "needs-TOTAL_FORMS": "3", "needs-INITIAL_FORMS": "0",
        "needs-MIN_NUM_FORMS": "0", "needs-MAX_NUM_FORMS": "20",
        "needs-0-title": "Couturière", "needs-0-occupation": "", "needs-0-positions": "10",
        "needs-0-hard_to_fill": "on", "needs-0-reasons": ["skills", "wages"],
        "needs-1-title": "", "needs-1-occupation": "", "needs-1-positions": "1",
        "needs-2-title": "", "needs-2-occupation": "", "needs-2-positions": "1",
    }  # fmt: skip
    response = client.post(f"/labour/surveys/{survey.pk}/respond/", form)
    assert response.status_code == 302
    need = SurveyResponse.objects.get().needs.get()
    assert need.occupation.code == "8153" and need.reasons == ["skills", "wages"]  # the code was suggested
    results = client.get(f"/labour/surveys/{survey.pk}/results/").content.decode()
    assert "81 " in results and "Applicants lack the skills" in results


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_every_page_renders_in_every_language(client, labour, language, settings):
    survey = Survey.objects.create(
        organisation=labour["ngo_a"],
        code="or-26",
        title="Oriental 2026",
        territory=labour["oujda"].parent,
        opens_on=POSTED,
    )
    client.force_login(labour["users"]["caseworker_a"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    pages = [
        "/labour/vacancies/", f"/labour/vacancies/{labour['sewing'].pk}/", "/labour/vacancies/coding/",
        "/labour/vacancies/import/", "/labour/employers/", "/labour/employers/new/",
        f"/labour/employers/{labour['textile'].pk}/", "/labour/surveys/",
        f"/labour/surveys/{survey.pk}/respond/", f"/labour/surveys/{survey.pk}/results/",
    ]  # fmt: skip
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'lang="{language}"' in response.content.decode()
    if language == "ar":
        assert "عروض الشغل" in client.get("/labour/vacancies/").content.decode()
