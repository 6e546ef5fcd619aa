"""The pages by persona: the organiser prints and issues, a case worker of another organisation gets 404,
the donor sees only the suppressed summary; refusals are clear pages, in the reader's language."""

import pytest
from django.urls import reverse

from kafaat.core.models import AuditEvent
from kafaat.events.models import Certificate, KnowledgeScore, SurveyResponse
from kafaat.events.tests.docs.pdf_text import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def login(user, language="fr"):
        client.force_login(user)
        client.cookies["kafaat_language"] = language
        return client

    return login


def test_the_organiser_sees_the_documents_page(event_world, as_user):
    client = as_user(event_world["users"]["manager"])
    page = client.get(reverse("events:documents", args=[event_world["event"].pk]))
    assert page.status_code == 200
    assert "Feuille d'émargement (PDF)" in page.text and "Alaoui" in page.text
    assert AuditEvent.objects.filter(action="list", details__page="event_documents").exists()


def test_the_sign_in_sheet_in_the_chosen_language(event_world, as_user):
    client = as_user(event_world["users"]["manager"])
    url = reverse("events:documents_sign_in_sheet", args=[event_world["event"].pk])
    response = client.get(url, {"language": "ar"})
    assert response["Content-Type"] == "application/pdf"
    assert "ورقة التوقيع" in pdf_text(response.content)
    assert AuditEvent.objects.filter(action="read", details__document="sign_in_sheet", count=6).exists()


def test_certificate_download_and_refusal(event_world, as_user):
    client = as_user(event_world["users"]["manager"])
    event, regs = event_world["event"], event_world["registrations"]
    url = reverse("events:documents_certificate", args=[event.pk, regs["Idrissi"].pk])
    response = client.get(url)
    assert response.status_code == 200 and "Attestation de présence" in pdf_text(response.content)
    refused = client.get(reverse("events:documents_certificate", args=[event.pk, regs["Tazi"].pk]))
    assert refused.status_code == 400
    assert "n'a pas droit à une attestation" in refused.text and "75" in refused.text
    assert Certificate.objects.count() == 1


def test_a_case_worker_of_another_organisation_gets_404(event_world, as_user):
    client = as_user(event_world["users"]["caseworker_b"])
    event = event_world["event"]
    for name in ("events:documents", "events:documents_scores", "events:documents_summary"):
        assert client.get(reverse(name, args=[event.pk])).status_code == 404
    url = reverse("events:documents_certificate", args=[event.pk, event_world["registrations"]["Alaoui"].pk])
    assert client.get(url).status_code == 404


def test_the_donor_sees_the_summary_only(event_world, as_user):
    client = as_user(event_world["users"]["donor"])
    event = event_world["event"]
    assert client.get(reverse("events:documents", args=[event.pk])).status_code == 403
    assert client.get(reverse("events:documents_sign_in_sheet", args=[event.pk])).status_code == 403
    page = client.get(reverse("events:documents_summary", args=[event.pk]))
    assert page.status_code == 200 and 'id="survey-suppressed"' in page.text


def test_the_scores_grid_saves_all_or_nothing(event_world, as_user):
    client = as_user(event_world["users"]["manager"], "ar")
    event, regs = event_world["event"], event_world["registrations"]
    url = reverse("events:documents_scores", args=[event.pk])
    bad = client.post(url, {f"pre-{regs['Alaoui'].pk}": "40", f"post-{regs['Alaoui'].pk}": "140"})
    assert bad.status_code == 200 and "النتيجة تكون بين 0 و100" in bad.text
    assert not KnowledgeScore.objects.exists()
    good = client.post(url, {f"pre-{regs['Alaoui'].pk}": "40", f"post-{regs['Alaoui'].pk}": "70"})
    assert good.status_code == 302 and KnowledgeScore.objects.count() == 2


def test_an_anonymous_survey_answer_from_the_page(event_world, as_user):
    client = as_user(event_world["users"]["manager"])
    url = reverse("events:documents_survey", args=[event_world["event"].pk])
    registration = event_world["registrations"]["Alaoui"].pk
    response = client.post(url, {"anonymous": "on", "registration": registration, "overall": "5"})
    assert response.status_code == 302
    assert SurveyResponse.objects.get().registration_id is None


def test_trainers_page(module_world, as_user):
    from kafaat.events.outcomes import trainers

    trainers.certify_completion(module_world["users"]["manager"], module_world["trainers"]["Saidi"])
    page = as_user(module_world["users"]["manager"]).get(reverse("events:trainers"))
    assert page.status_code == 200 and "Formateurs professionnalisés" in page.text and "Saidi" in page.text
    donor = as_user(module_world["users"]["donor"]).get(reverse("events:trainers"))
    assert donor.status_code == 200 and "Saidi" not in donor.text  # aggregates only, 1 < 5: hidden
    assert 'id="professionalised-total">Au total : *' in donor.text


def test_upload_refuses_other_files(event_world, as_user, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = as_user(event_world["users"]["manager"])
    url = reverse("events:documents_import", args=[event_world["event"].pk, "event_scores"])
    response = client.post(url, {"file": SimpleUploadedFile("x.exe", b"MZ")}, follow=True)
    assert "Importez un fichier CSV ou XLSX." in response.text
    response = client.post(url, {"file": SimpleUploadedFile("s.csv", b"Code badge,Score avant\nNOPE,40\n")})
    assert response.status_code == 302
    job_page = client.get(response["Location"])
    assert job_page.status_code == 200 and "NOPE" in job_page.text


def test_bulk_issue_from_the_page_then_download(event_world, as_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = as_user(event_world["users"]["manager"])
    event = event_world["event"]
    response = client.post(reverse("events:documents_issue_all", args=[event.pk]))
    assert response.status_code == 302
    job_page = client.get(response["Location"])
    assert job_page.status_code == 200 and 'id="certificates-file"' in job_page.text
    job_id = response["Location"].rstrip("/").split("/")[-1]
    pdf = client.get(reverse("events:documents_certificates_file", args=[job_id]))
    assert pdf.status_code == 200 and "Attestation de présence" in pdf_text(b"".join(pdf.streaming_content))
    other = as_user(event_world["users"]["caseworker_b"])
    assert other.get(response["Location"]).status_code == 404  # another user's job


def test_import_templates_in_three_languages(event_world, as_user):
    client = as_user(event_world["users"]["manager"])
    for language in ("fr", "ar", "en"):
        response = client.get(reverse("events:documents_import_template", args=["event_scores", language]))
        assert response.status_code == 200 and response.content.startswith(b"PK")
    assert client.get(reverse("events:documents_import_template", args=["nope", "fr"])).status_code == 404


def test_a_forged_registration_in_the_survey_form_is_404_not_500(event_world, module_world, as_user):
    client = as_user(event_world["users"]["manager"])
    url = reverse("events:documents_survey", args=[event_world["event"].pk])
    assert client.post(url, {"registration": "abc", "overall": "4"}).status_code == 404
    other_event = module_world["trainers"]["Saidi"].pk
    assert client.post(url, {"registration": other_event, "overall": "4"}).status_code == 404
    assert not SurveyResponse.objects.exists()
