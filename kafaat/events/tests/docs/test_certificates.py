"""Attendance certificates: the threshold, one certificate however many times it is issued, the participant's
language read back from the PDF (Arabic shaped, words in reading order), the bulk issue as a job."""

import pytest
from django.core.exceptions import PermissionDenied

from kafaat.core.models import AuditEvent
from kafaat.events.documents import certificate_pdf, certificates_pdf
from kafaat.events.models import Certificate
from kafaat.events.outcomes import certificates
from kafaat.events.tests.docs.pdf_text import pdf_pages, pdf_text

pytestmark = pytest.mark.django_db


def test_a_registrant_above_the_threshold_gets_a_numbered_certificate(event_world):
    manager = event_world["users"]["manager"]
    registration = event_world["registrations"]["Bennani"]  # 3 of 4 = 75 %, the threshold
    certificate = certificates.issue(manager, registration)
    assert (certificate.sessions_attended, certificate.sessions_total) == (3, 4)
    assert certificate.number == f"KF-2026-{registration.event_id:05d}-{registration.pk:06d}"
    assert certificate.language == "fr"
    assert AuditEvent.objects.filter(action="create", target_type="events.certificate").count() == 1


def test_issuing_twice_gives_the_same_certificate(event_world):
    manager = event_world["users"]["manager"]
    registration = event_world["registrations"]["Alaoui"]
    first = certificates.issue(manager, registration)
    second = certificates.issue(manager, registration)
    assert first.pk == second.pk and first.number == second.number
    assert Certificate.objects.count() == 1


def test_below_the_threshold_is_refused_with_the_reason(event_world):
    manager = event_world["users"]["manager"]
    with pytest.raises(certificates.CertificateRefused) as refusal:
        certificates.issue(manager, event_world["registrations"]["Tazi"])  # 2 of 4 = 50 %
    assert "2" in refusal.value.messages[0] and "75" in refusal.value.messages[0]
    assert not Certificate.objects.exists()


def test_an_event_without_sessions_refuses(event_world):
    event_world["event"].sessions.all().delete()
    with pytest.raises(certificates.CertificateRefused, match="aucune séance") as refusal:
        certificates.issue(event_world["users"]["manager"], event_world["registrations"]["Alaoui"])
    assert refusal.value.code == "threshold"


def test_a_case_worker_of_another_organisation_may_not_issue(event_world):
    with pytest.raises(PermissionDenied):
        certificates.issue(event_world["users"]["caseworker_b"], event_world["registrations"]["Alaoui"])


def test_the_arabic_certificate_reads_back_in_arabic(event_world):
    certificate = certificates.issue(event_world["users"]["manager"], event_world["registrations"]["Alaoui"])
    assert certificate.language == "ar"  # the contact's language for letters
    text = pdf_text(certificate_pdf(certificate))
    # HarfBuzz shaped the glyphs; their ToUnicode maps give the letters back, each word in reading order.
    for word in ("شهادة", "حضور", "كريم", "العلوي", "ورشة", "البيانات", certificate.number):
        assert word in text
    assert "Certificate" not in text and "Attestation" not in text


def test_the_french_certificate_reads_back_in_french(event_world):
    certificate = certificates.issue(event_world["users"]["manager"], event_world["registrations"]["Idrissi"])
    text = pdf_text(certificate_pdf(certificate))
    assert "Attestation de présence" in text
    assert "Salma Idrissi" in text and "Atelier de collecte de données" in text
    assert "Séances suivies : 4 sur 4." in text
    assert certificate.number in text


def test_bulk_issue_is_a_job_making_one_pdf_of_the_earned_certificates(event_world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = certificates.start_bulk_issue(event_world["users"]["manager"], event_world["event"])
    job.refresh_from_db()
    assert job.status == "done", job.message
    assert Certificate.objects.count() == 4  # Alaoui, Idrissi, Bennani, Amrani
    content = certificates.bulk_file(job).read_bytes()
    assert pdf_pages(content) == 4
    text = pdf_text(content)
    assert "شهادة" in text and "Attestation de présence" in text and "Certificate of attendance" not in text
    again = certificates.start_bulk_issue(event_world["users"]["manager"], event_world["event"])
    again.refresh_from_db()
    assert again.status == "done" and Certificate.objects.count() == 4  # nothing issued twice


def test_one_pdf_of_several_languages(event_world):
    manager = event_world["users"]["manager"]
    issued = [certificates.issue(manager, event_world["registrations"][n]) for n in ("Alaoui", "Idrissi")]
    assert pdf_pages(certificates_pdf(issued)) == 2


def test_who_sees_the_participants_reprints_but_may_not_issue(event_world, make_member):
    from kafaat.core.models import Role

    colleague = make_member("analyst_agency_admin", event_world["ngo_a"], Role.ADMINISTRATOR, scope="MA-02")
    registration = event_world["registrations"]["Idrissi"]
    with pytest.raises(PermissionDenied):
        certificates.certificate_for_download(colleague, registration)  # issuing: the organiser's
    issued = certificates.issue(event_world["users"]["manager"], registration)
    assert certificates.certificate_for_download(colleague, registration).pk == issued.pk
