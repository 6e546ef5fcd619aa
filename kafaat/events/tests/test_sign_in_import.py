"""The sign-in sheet import: matching (e-mail, phone, names across scripts), the review queue, all or nothing,
idempotence, hostile files, and its speed."""

from __future__ import annotations

import io
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from kafaat.contacts.models import Contact
from kafaat.core.models import ImportJob
from kafaat.events import services
from kafaat.events.models import Attendance, Registration, RegistrationStatus, SignInReview

pytestmark = pytest.mark.django_db
HEADERS = ["Nom et prénom", "Organisme", "E-mail", "Téléphone", "Sexe", "Séance 1", "Séance 2", "Séance 3"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def csv_file(rows, headers=HEADERS, name="emargement.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    for row in [headers, *rows]:
        buffer.write(",".join(f'"{cell}"' for cell in row) + "\n")
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_file(rows, headers=HEADERS, name="emargement.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    for row in [headers, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


SHEET = [
    ["Amina BERRADA", "Conseil régional", "Amina.Berrada@example.ma", "", "F", "x", "✓", ""],
    ["يوسف العمراني", "", "", "", "", "نعم", "", "oui"],
    ["Salma Idrissi", "AREF Oriental", "", "0661 22 33 44", "F", "1", "", ""],
]


def run(gathering, upload, user=None):
    job = services.start_sign_in_import(user or gathering["secretariat"], gathering["workshop"], upload)
    return ImportJob.objects.get(pk=job.pk)


def test_rows_are_linked_reviewed_or_added(gathering):
    job = run(gathering, xlsx_file(SHEET))
    assert job.status == "done", (job.message, job.errors)
    assert job.details["linked"] == 1 and job.details["new_contacts"] == 1 and job.details["to_review"] == 1
    amina = Registration.objects.get(pk=gathering["registered"].pk)
    assert amina.status == RegistrationStatus.ATTENDED
    assert set(amina.attendances.values_list("session__position", flat=True)) == {0, 1}
    salma = Contact.objects.get(last_name_latin="Idrissi")
    assert salma.managed_by == gathering["ngo_a"] and salma.phone == "+212661223344" and salma.search_name
    assert Registration.objects.get(contact=salma).status == RegistrationStatus.ATTENDED
    review = SignInReview.objects.get()
    assert review.name == "يوسف العمراني" and review.candidates[0]["contact"] == gathering["youssef"].pk
    assert review.sessions.count() == 2


def test_reimporting_the_same_sheet_changes_nothing(gathering):
    run(gathering, csv_file(SHEET))
    counts = (
        Contact.objects.count(),
        Registration.objects.count(),
        Attendance.objects.count(),
        SignInReview.objects.count(),
    )
    again = run(gathering, csv_file(SHEET))
    assert again.status in ("done", "checked"), again.errors  # nothing left to write: "checked"
    assert again.already_imported == 3
    assert (
        Contact.objects.count(),
        Registration.objects.count(),
        Attendance.objects.count(),
        SignInReview.objects.count(),
    ) == counts


def test_settling_a_review_records_the_presences(gathering):
    run(gathering, csv_file(SHEET))
    review = SignInReview.objects.get()
    user = gathering["secretariat"]
    candidates = services.review_candidates(user, review)
    assert [c.pk for c, _score in candidates][0] == gathering["youssef"].pk
    services.resolve_review(user, review, contact_id=gathering["youssef"].pk)
    youssef = Registration.objects.get(pk=gathering["invited"].pk)
    assert youssef.status == RegistrationStatus.ATTENDED and youssef.attendances.count() == 2
    with pytest.raises(Exception, match="already"):
        services.resolve_review(user, review, dismiss=True)


def test_a_review_cannot_pick_an_unproposed_contact(gathering):
    run(gathering, csv_file(SHEET))
    review = SignInReview.objects.get()
    with pytest.raises(Exception, match="proposed"):
        services.resolve_review(gathering["secretariat"], review, contact_id=gathering["karim"].pk)


def test_a_review_may_create_the_contact(gathering):
    run(gathering, csv_file(SHEET))
    review = SignInReview.objects.get()
    with pytest.raises(Exception, match="sex"):
        services.resolve_review(gathering["secretariat"], review, create=True)
    services.resolve_review(gathering["secretariat"], review, create=True, sex="M")
    created = Contact.objects.get(first_name_ar="يوسف")
    assert Registration.objects.get(contact=created).attendances.count() == 2


def test_bad_rows_write_nothing_and_say_where(gathering):
    rows = [*SHEET, ["Omar", "", "not-an-email", "", "X", "maybe", "", ""]]
    job = run(gathering, csv_file(rows))
    assert job.status == "rejected"
    columns = {column for _row, column, _message in job.errors}
    assert {"E-mail", "Sexe", "Séance 1"} <= columns
    assert not Attendance.objects.exists() and not SignInReview.objects.exists()
    assert not Contact.objects.filter(last_name_latin="Idrissi").exists()


def test_a_new_person_without_sex_is_a_row_error(gathering):
    job = run(gathering, csv_file([["Hamza Ouazzani", "", "", "", "", "x", "", ""]]))
    assert job.status == "rejected" and "F or M" in job.errors[0][2]


def test_the_name_column_is_required(gathering):
    job = run(gathering, csv_file([["x"]], headers=["Séance 1"]))
    assert job.status == "rejected"


def test_a_malformed_file_fails_with_a_message(gathering):
    upload = SimpleUploadedFile("emargement.xlsx", b"PK\x03\x04 this is not a workbook")
    job = run(gathering, upload)
    assert job.status == "failed" and job.message


def test_a_formula_in_a_name_is_kept_as_text(gathering):
    job = run(gathering, csv_file([['=HYPERLINK("http://evil")', "", "", "", "M", "x", "", ""]]))
    assert job.status in ("done", "rejected")
    assert not Contact.objects.filter(first_name_latin__startswith="=").exists() or job.status == "done"


def test_wrong_role_cannot_import(gathering):
    with pytest.raises(PermissionDenied):
        run(gathering, csv_file(SHEET), user=gathering["manager"])


def test_five_hundred_rows_with_matching_import_quickly(gathering, make_contact):
    ngo = gathering["ngo_a"]
    Contact.objects.bulk_create(
        [
            Contact(
                managed_by=ngo,
                territory=gathering["workshop"].territory,
                first_name_latin=f"Prenom{n}",
                last_name_latin=f"Nom{n}",
                sex="F",
                organisation_type="other",
                email=f"p{n}@example.ma",
                search_name=f" prenom{n} nom{n} ",
            )
            for n in range(300)
        ]
    )
    rows = [
        [f"Prenom{n} Nom{n}", "", f"p{n}@example.ma", "", "F", "x", "x" if n % 2 else "", ""]
        for n in range(300)
    ]
    rows += [[f"Nouveau{n} Participant{n}", "", "", f"06610{n:05d}", "M", "x", "", "x"] for n in range(200)]
    started = time.perf_counter()
    job = run(gathering, xlsx_file(rows))
    elapsed = time.perf_counter() - started
    assert job.status == "done", job.errors[:3]
    assert job.details["linked"] == 300 and job.details["new_contacts"] == 200
    assert elapsed < 5.0, elapsed


def _beneficiary(user, first: str, last: str, phone: str):
    from datetime import date

    from kafaat.registry.services import register_person

    return register_person(
        user,
        {"first_name_latin": first, "last_name_latin": last, "sex": "F", "age": 24, "commune": "COM_0610",
         "phone": phone},
        consent_given_on=date(2026, 1, 5),
    )  # fmt: skip


def test_a_beneficiary_the_user_sees_is_linked_by_phone_and_name(gathering):
    hajar = _beneficiary(gathering["users"]["caseworker_a"], "Hajar", "Moussaoui", "0677 11 22 33")
    stranger = _beneficiary(gathering["users"]["caseworker_b"], "Sanaa", "Rifi", "0677 44 55 66")
    rows = [
        ["Hajar Moussaoui", "", "", "06 77 11 22 33", "", "x", "x", ""],  # NGO A's beneficiary: linked
        ["Sanaa Rifi", "", "", "0677445566", "F", "x", "", ""],  # NGO B's: not seen, a new contact
        ["Hajar Autre", "", "", "0677112233", "F", "x", "", ""],  # the phone alone: to review
    ]
    job = run(gathering, csv_file(rows), user=gathering["users"]["caseworker_a"])
    assert job.status == "done", job.errors
    registration = Registration.objects.get(event=gathering["workshop"], person=hajar)
    assert registration.status == RegistrationStatus.ATTENDED and registration.attendances.count() == 2
    assert not Registration.objects.filter(person=stranger).exists()
    assert Contact.objects.filter(last_name_latin="Rifi").exists()
    assert not Contact.objects.filter(last_name_latin="Autre").exists()
    review = SignInReview.objects.get(name="Hajar Autre")
    assert review.candidates == [{"person": hajar.pk, "score": 0.85, "reasons": ["phone"]}]
    again = run(gathering, csv_file(rows), user=gathering["users"]["caseworker_a"])
    assert again.already_imported == 3 and Registration.objects.filter(person=hajar).count() == 1


def test_a_sheet_over_the_limits_fails_with_a_message_and_writes_nothing(gathering, settings):
    settings.KAFAAT_IMPORT_MAX_ROWS = 5
    rows = [[f"Participant {n}", "", "", "", "F", "x", "", ""] for n in range(50)]
    job = run(gathering, csv_file(rows))
    assert job.status in ("failed", "rejected") and (job.message or job.errors)
    assert not Contact.objects.filter(first_name_latin="Participant").exists()


def test_a_phone_only_beneficiary_goes_to_review_and_picking_registers_them(client, gathering):
    caseworker = gathering["users"]["caseworker_a"]
    hajar = _beneficiary(caseworker, "Hajar", "Moussaoui", "0677 11 22 33")
    rows = [["Hajar M.", "", "", "0677112233", "", "x", "", "x"]]  # no sex needed: a candidate exists
    job = run(gathering, csv_file(rows), user=caseworker)
    assert job.status == "done", job.errors
    assert job.details["to_review"] == 1 and job.details["new_contacts"] == 0
    review = SignInReview.objects.get()
    assert not Registration.objects.filter(person=hajar).exists()  # nothing linked before a person decides
    client.force_login(caseworker)
    page = client.get(reverse("events:reviews", args=[gathering["workshop"].pk])).content.decode()
    assert f'value="person-{hajar.pk}"' in page and "Hajar Moussaoui" in page
    answer = client.post(
        reverse("events:review_resolve", args=[gathering["workshop"].pk, review.pk]),
        {"choice": f"person-{hajar.pk}"},
    )
    assert answer.status_code == 302
    registration = Registration.objects.get(event=gathering["workshop"], person=hajar)
    assert registration.status == RegistrationStatus.ATTENDED and registration.attendances.count() == 2
    review.refresh_from_db()
    assert review.status == SignInReview.Status.LINKED and review.registration == registration
    counts = (Registration.objects.count(), Attendance.objects.count(), SignInReview.objects.count())
    again = run(gathering, csv_file(rows), user=caseworker)
    assert again.already_imported == 1
    assert (Registration.objects.count(), Attendance.objects.count(), SignInReview.objects.count()) == counts
    assert not Contact.objects.filter(first_name_latin="Hajar").exists()


def test_a_name_only_beneficiary_is_proposed_besides_the_directory(gathering):
    caseworker = gathering["users"]["caseworker_a"]
    hajar = _beneficiary(caseworker, "Hajar", "Moussaoui", "0677 11 22 33")
    rows = [["Hajar Moussaoui", "", "", "0699 00 00 00", "F", "x", "", ""]]  # another phone
    job = run(gathering, csv_file(rows), user=caseworker)
    assert job.status == "done", job.errors
    review = SignInReview.objects.get()
    assert review.candidates == [{"person": hajar.pk, "score": 0.8, "reasons": ["name"]}]
    people = services.review_people(caseworker, [review])[review.pk]
    assert [p.pk for p, _score in people] == [hajar.pk]
    services.resolve_review(caseworker, review, person_id=hajar.pk)
    assert Registration.objects.get(person=hajar).attendances.count() == 1


def test_a_beneficiary_the_user_may_not_see_is_never_proposed(client, gathering):
    caseworker = gathering["users"]["caseworker_a"]
    stranger = _beneficiary(gathering["users"]["caseworker_b"], "Sanaa", "Rifi", "0677 44 55 66")
    rows = [
        ["Sanaa Rifi", "", "", "0677445566", "F", "x", "", ""],  # phone and name of NGO B's beneficiary
        ["Sanaa R.", "", "", "0677445566", "F", "x", "", ""],  # her phone alone
        ["Sanaa Rifi", "", "", "0600000001", "F", "", "x", ""],  # her name alone
    ]
    job = run(gathering, csv_file(rows), user=caseworker)
    assert job.status == "done", job.errors
    assert not SignInReview.objects.exists() and job.details["new_contacts"] == 3
    assert not Registration.objects.filter(person=stranger).exists()
    # Proposed to the user who sees her, then settled by one who does not: refused, never shown.
    hajar = _beneficiary(caseworker, "Hajar", "Moussaoui", "0677 11 22 33")
    run(gathering, csv_file([["Hajar X", "", "", "0677112233", "", "x", "", ""]]), user=caseworker)
    review = SignInReview.objects.get()
    outsider = gathering["users"]["caseworker_b"]
    assert services.review_people(outsider, [review]) == {review.pk: []}
    with pytest.raises(ValidationError, match="proposed"):
        services.resolve_review(caseworker, review, person_id=stranger.pk)
    client.force_login(caseworker)
    answer = client.post(
        reverse("events:review_resolve", args=[gathering["workshop"].pk, review.pk]),
        {"choice": "person-abc"},
        follow=True,
    )
    assert answer.status_code == 200 and not Registration.objects.filter(person=hajar).exists()


def test_beneficiary_matching_reads_the_registry_in_bounded_queries(gathering):
    caseworker = gathering["users"]["caseworker_a"]
    _beneficiary(caseworker, "Hajar", "Moussaoui", "0677 11 22 33")
    rows = [[f"Nouveau{n} Participant{n}", "", "", f"06610{n:05d}", "M", "x", "", ""] for n in range(300)]
    with CaptureQueriesContext(connection) as queries:
        job = run(gathering, xlsx_file(rows), user=caseworker)
    assert job.status == "done", job.errors[:3]
    registry = [q for q in queries.captured_queries if '"registry_person"' in q["sql"]]
    assert len(registry) <= 4, len(registry)  # by phone once, by name once per 200 rows
