"""The events pages by persona, in French and Arabic; an event of 1,000 registrants in few queries."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kafaat.contacts.models import Contact
from kafaat.events.models import Attendance, Event, Registration, Session, SignInReview

pytestmark = pytest.mark.django_db


def test_list_filters_and_pages(client, gathering):
    client.force_login(gathering["manager"])
    page = client.get(reverse("events:list"), {"territory": "MA-02"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Atelier de collecte" in text and "Conférence régionale de Tanger" not in text
    assert client.get(reverse("events:list"), {"page": "999"}).status_code == 200


def test_list_in_arabic(client, gathering):
    client.force_login(gathering["manager"])
    client.cookies["kafaat_language"] = "ar"
    page = client.get(reverse("events:list"))
    assert 'dir="rtl"' in page.content.decode() and "ورشة جمع المعطيات" in page.content.decode()


def test_event_page_shows_registrants_and_sessions_to_the_secretariat(client, gathering):
    client.force_login(gathering["secretariat"])
    page = client.get(reverse("events:detail", args=[gathering["workshop"].pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "Amina" in text and 'id="event-check-in"' in text
    assert 'value="register"' in text  # Youssef's invitation can be confirmed


def test_donor_sees_the_event_without_participants(client, gathering):
    client.force_login(gathering["donor"])
    page = client.get(reverse("events:detail", args=[gathering["workshop"].pk]))
    assert page.status_code == 200 and "Amina" not in page.content.decode()


def test_other_region_case_worker_gets_404(client, gathering):
    client.force_login(gathering["other_caseworker"])
    assert client.get(reverse("events:detail", args=[gathering["workshop"].pk])).status_code == 404
    assert client.get(reverse("events:check_in", args=[gathering["workshop"].pk])).status_code == 404


def test_manager_cannot_edit_another_organisation_event(client, gathering):
    client.force_login(gathering["manager"])
    assert client.get(reverse("events:edit", args=[gathering["workshop"].pk])).status_code == 403
    assert client.get(reverse("events:sign_in_import", args=[gathering["workshop"].pk])).status_code == 403


def test_create_then_edit_an_event(client, gathering):
    client.force_login(gathering["secretariat"])
    today = timezone.localdate()
    data = {
        "type": "conference",
        "name_fr": "Conférence régionale",
        "organiser": gathering["ngo_a"].pk,
        "territory": gathering["workshop"].territory.pk,
        "start_date": today.isoformat(),
        "end_date": today.isoformat(),
        "country": "MA",
        "certificate_threshold": 80,
        "languages": ["fr", "ar"],
    }
    response = client.post(reverse("events:create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get(name_fr="Conférence régionale")
    assert event.languages == ["fr", "ar"]
    data.update(
        name_fr="Conférence régionale de l'Oriental", end_date=(today - timedelta(days=1)).isoformat()
    )
    refused = client.post(reverse("events:edit", args=[event.pk]), data)
    assert refused.status_code == 200 and "errorlist" in refused.content.decode()
    data["end_date"] = today.isoformat()
    assert client.post(reverse("events:edit", args=[event.pk]), data).status_code == 302
    event.refresh_from_db()
    assert event.name_fr == "Conférence régionale de l'Oriental"


def test_register_take_a_step_and_mark_attendance(client, gathering):
    client.force_login(gathering["secretariat"])
    workshop = gathering["workshop"]
    added = client.post(
        reverse("events:registration_create", args=[workshop.pk]),
        {"contact": gathering["karim"].pk, "status": "invited", "role": "participant"},
    )
    assert added.status_code == 302
    karim = Registration.objects.get(contact=gathering["karim"])
    client.post(reverse("events:transition", args=[workshop.pk, karim.pk]), {"action": "register"})
    karim.refresh_from_db()
    assert karim.status == "registered"
    client.post(
        reverse("events:attendance", args=[workshop.pk, karim.pk]),
        {"session": gathering["sessions"][0].pk, "present": "1"},
    )
    assert Attendance.objects.filter(registration=karim).count() == 1


def test_import_and_review_in_arabic(client, gathering, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(gathering["secretariat"])
    client.cookies["kafaat_language"] = "ar"
    workshop = gathering["workshop"]
    sheet = "الاسم الكامل,الجلسة 1,الجلسة 2\nيوسف العمراني,نعم,نعم\n".encode()
    upload = SimpleUploadedFile("ورقة.csv", sheet, content_type="text/csv")
    response = client.post(reverse("events:sign_in_import", args=[workshop.pk]), {"file": upload})
    assert response.status_code == 302
    job_page = client.get(response["Location"])
    assert job_page.status_code == 200 and 'id="go-review"' in job_page.content.decode()
    review = SignInReview.objects.get()
    page = client.get(reverse("events:reviews", args=[workshop.pk]))
    assert "يوسف العمراني" in page.content.decode()
    client.post(
        reverse("events:review_resolve", args=[workshop.pk, review.pk]),
        {"choice": str(gathering["youssef"].pk)},
    )
    assert Registration.objects.get(pk=gathering["invited"].pk).attendances.count() == 2
    assert 'id="no-review"' in client.get(reverse("events:reviews", args=[workshop.pk])).content.decode()


def test_upload_of_a_wrong_file_type_is_refused(client, gathering):
    client.force_login(gathering["secretariat"])
    upload = SimpleUploadedFile("sheet.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client.post(
        reverse("events:sign_in_import", args=[gathering["workshop"].pk]), {"file": upload}
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()


def test_sign_in_template_has_one_column_per_session(client, gathering):
    import io

    from openpyxl import load_workbook

    client.force_login(gathering["secretariat"])
    response = client.get(reverse("events:sign_in_template", args=[gathering["workshop"].pk]))
    headers = [
        c.value for c in next(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(max_row=1))
    ]
    assert "Séance 3" in headers and "Nom et prénom" in headers


def test_an_event_of_a_thousand_registrants_renders_in_few_queries(client, gathering):
    workshop, ngo = gathering["workshop"], gathering["ngo_a"]
    Event.objects.filter(pk=workshop.pk).update(capacity=None)
    contacts = Contact.objects.bulk_create(
        [
            Contact(
                managed_by=ngo,
                territory=workshop.territory,
                first_name_latin=f"P{n}",
                last_name_latin=f"N{n:04d}",
                sex="F",
                organisation_type="other",
            )
            for n in range(1000)
        ]
    )
    registrations = Registration.objects.bulk_create(
        [
            Registration(event=workshop, contact=c, status="registered", badge_code=f"B{n:09d}")
            for n, c in enumerate(contacts)
        ]
    )
    Attendance.objects.bulk_create(
        [
            Attendance(registration=r, session=gathering["sessions"][n % 3], source="manual")
            for n, r in enumerate(registrations)
        ]
    )
    client.force_login(gathering["secretariat"])
    url = reverse("events:detail", args=[workshop.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        page = client.get(url)
        elapsed = time.perf_counter() - started
    assert page.status_code == 200 and page.content.decode().count("data-registration=") == 100
    assert len(queries) <= 30, "\n".join(q["sql"][:150] for q in queries.captured_queries)
    assert elapsed < 2.0


def test_the_exported_list_neutralises_formulas_and_is_audited(client, gathering):
    import io

    from openpyxl import load_workbook

    from kafaat.core.models import AuditEvent

    amina = gathering["amina"]
    amina.first_name_latin, amina.organisation_name = (
        '=HYPERLINK("http://evil.example","x")',
        "+cmd|' /C calc'!A0",
    )
    amina.save()
    client.force_login(gathering["secretariat"])
    response = client.get(reverse("events:export", args=[gathering["workshop"].pk]))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [cell.value for row in sheet.iter_rows() for cell in row if cell.value]
    assert any(str(v).startswith("'=HYPERLINK") for v in values)
    assert any(str(v).startswith("'+cmd") for v in values)
    assert not any(str(v).startswith("=") for v in values)
    assert AuditEvent.objects.filter(action="export", target_type="events.registration", count=2).exists()
    client.force_login(gathering["donor"])  # aggregates only: no list of people
    assert client.get(reverse("events:export", args=[gathering["workshop"].pk])).status_code == 403


def test_a_non_numeric_session_is_404_not_500(client, gathering):
    client.force_login(gathering["secretariat"])
    url = reverse("events:attendance", args=[gathering["workshop"].pk, gathering["registered"].pk])
    assert client.post(url, {"session": "abc"}).status_code == 404


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_edit_then_delete_a_session(client, gathering):
    client.force_login(gathering["secretariat"])
    workshop, session = gathering["workshop"], gathering["sessions"][2]
    page = client.get(reverse("events:detail", args=[workshop.pk]))
    edit_url = reverse("events:session_edit", args=[workshop.pk, session.pk])
    assert edit_url in page.content.decode()
    form = client.get(edit_url)
    assert form.status_code == 200 and _local(session.starts_at) in form.content.decode()
    later = session.ends_at + timedelta(minutes=30)
    answer = client.post(
        edit_url,
        {"title": "Restitution", "starts_at": _local(session.starts_at), "ends_at": _local(later)},
    )
    assert answer.status_code == 302
    session.refresh_from_db()
    assert session.title == "Restitution" and session.ends_at == later
    wrong = client.post(
        edit_url, {"title": "", "starts_at": _local(later), "ends_at": _local(session.starts_at)}
    )
    assert wrong.status_code == 200 and "Une séance se termine après son début." in wrong.content.decode()
    delete_url = reverse("events:session_delete", args=[workshop.pk, session.pk])
    confirm = client.get(delete_url)
    assert confirm.status_code == 200 and 'id="session-delete-confirm"' in confirm.content.decode()
    assert workshop.sessions.filter(pk=session.pk).exists()  # asking is not deleting
    assert client.post(delete_url).status_code == 302
    assert not workshop.sessions.filter(pk=session.pk).exists()


def test_a_session_with_attendance_is_not_deleted(client, gathering):
    client.force_login(gathering["secretariat"])
    workshop, session = gathering["workshop"], gathering["sessions"][0]
    Attendance.objects.create(registration=gathering["registered"], session=session)
    delete_url = reverse("events:session_delete", args=[workshop.pk, session.pk])
    confirm = client.get(delete_url).content.decode()
    assert 'id="session-delete-refused"' in confirm and 'id="session-delete-confirm"' not in confirm
    answer = client.post(delete_url, follow=True)
    assert "elle ne peut pas être supprimée" in answer.content.decode()  # in French, the default
    assert workshop.sessions.filter(pk=session.pk).exists()


def test_session_pages_in_arabic(client, gathering):
    client.force_login(gathering["secretariat"])
    workshop, session = gathering["workshop"], gathering["sessions"][0]
    client.cookies["kafaat_language"] = "ar"
    page = client.get(
        reverse("events:session_edit", args=[workshop.pk, session.pk]), HTTP_ACCEPT_LANGUAGE="ar"
    )
    text = page.content.decode()
    assert "تعديل الجلسة" in text and "حذف هذه الجلسة" in text
    confirm = client.get(
        reverse("events:session_delete", args=[workshop.pk, session.pk]), HTTP_ACCEPT_LANGUAGE="ar"
    )
    assert "حذف الجلسة" in confirm.content.decode()


def test_session_edit_and_delete_refused_to_wrong_role_and_out_of_scope(client, gathering):
    workshop, session = gathering["workshop"], gathering["sessions"][0]
    edit_url = reverse("events:session_edit", args=[workshop.pk, session.pk])
    delete_url = reverse("events:session_delete", args=[workshop.pk, session.pk])
    client.force_login(gathering["manager"])  # reads the event, manages only its own organisation's
    assert client.get(edit_url).status_code == 403
    assert client.post(delete_url).status_code == 403
    client.force_login(gathering["other_caseworker"])  # another region: the event does not exist for them
    assert client.get(edit_url).status_code == 404
    assert client.post(delete_url).status_code == 404
    client.force_login(gathering["secretariat"])
    tanger = gathering["tanger_session"]  # another event's session under this event's address
    assert client.get(reverse("events:session_edit", args=[workshop.pk, tanger.pk])).status_code == 404
    assert client.post(reverse("events:session_delete", args=[workshop.pk, tanger.pk])).status_code == 404
    assert client.post(reverse("events:session_delete", args=[workshop.pk, 999999])).status_code == 404
    assert Session.objects.filter(pk__in=[session.pk, tanger.pk]).count() == 2
