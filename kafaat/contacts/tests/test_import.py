"""Importing contacts: all or nothing with row errors, idempotent by external id, a row matching an existing
contact strongly updates it (never a second entry), a bad file is refused with a message; the page runs it
as a job."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from kafaat.contacts.importing import ContactImport
from kafaat.contacts.models import Contact
from kafaat.core.imports import ImportFileError, run_import
from kafaat.core.models import ImportJob

HEADER = "Identifiant;Prénom;Nom;Prénom (arabe);Nom (arabe);Sexe;Territoire (code);Type d'organisme;Courriel;Téléphone;Formateur\n"  # noqa: E501
GOOD = HEADER + (
    "GTR-1;Rachid;Amrani;رشيد;العمراني;M;MA-02;employer;r.amrani@cgem.ma;0661000001;non\n"
    "GTR-2;Laila;Fassi;ليلى;الفاسي;F;02.411;ngo;;;oui\n"
)


def _run(gtr, text: str, name: str = "gtr.csv", **options):
    spec = ContactImport(gtr["users"]["secretariat"], gtr["oriental_office"], file_name=name)
    return run_import(spec, io.BytesIO(text.encode()), name, **options)


def test_import_then_the_same_file_again_changes_nothing(gtr):
    result = _run(gtr, GOOD)
    assert result.written and result.imported == 2
    laila = Contact.objects.get(external_id="GTR-2")
    assert laila.is_trainer and laila.managed_by == gtr["oriental_office"]
    assert Contact.objects.get(external_id="GTR-1").phone == "+212661000001"
    again = _run(gtr, GOOD)
    assert again.imported == 0 and again.already_imported == 2
    assert Contact.objects.count() == 7


def test_a_row_matching_an_existing_contact_updates_it(gtr):
    # Amina is in the directory without an external id; the file has her e-mail and a new position.
    text = HEADER.replace("Formateur\n", "Formateur;Fonction\n") + (
        "GTR-9;Amina;El Idrissi;أمينة;الإدريسي;F;MA-02;regional_council;"
        "amina@region-oriental.ma;;non;Présidente\n"
    )
    result = _run(gtr, text)
    assert result.written and Contact.objects.filter(last_name_latin="El Idrissi").count() == 1
    amina = gtr["people"]["amina"]
    amina.refresh_from_db()
    assert amina.position == "Présidente" and amina.external_id == "GTR-9"


def test_one_bad_row_and_nothing_is_written(gtr):
    text = GOOD + "GTR-3;;;;;X;ZZ;spaceship;not-mail;abc;peut-être\n"
    result = _run(gtr, text)
    assert not result.written and not Contact.objects.filter(external_id__startswith="GTR").exists()
    fields = {error.column for error in result.errors}
    assert {"Nom", "Sexe", "Type d'organisme", "Courriel", "Téléphone", "Formateur"} <= fields


def test_the_same_id_twice_in_a_file_is_an_error(gtr):
    text = GOOD + "GTR-1;Rachid;Amrani;;;M;MA-02;employer;;;non\n"
    result = _run(gtr, text)
    assert not result.written and any("row" in error.message.lower() or "ligne" in error.message.lower()
                                      for error in result.errors)  # fmt: skip


def test_a_missing_column_and_a_broken_file_are_refused(gtr):
    result = _run(gtr, "Nom;Prénom\nAmrani;Rachid\n")
    assert not result.written and result.errors
    with pytest.raises(ImportFileError):
        _run(gtr, "not a zip file" * 10, name="gtr.xlsx")


def test_no_import_for_an_organisation_one_does_not_keep(gtr):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        ContactImport(gtr["users"]["secretariat"], gtr["tanger_office"])
    with pytest.raises(PermissionDenied):
        ContactImport(gtr["users"]["donor"], gtr["oriental_office"])


def test_the_import_page_runs_the_job(client, gtr, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(gtr["users"]["secretariat"])
    upload = io.BytesIO(GOOD.encode())
    upload.name = "gtr.csv"
    response = client.post(
        reverse("contacts:import"), {"file": upload, "organisation": gtr["oriental_office"].pk}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == "done" and job.imported == 2
    page = client.get(response["Location"]).content.decode()
    assert 'id="import-summary"' in page
    other = client.get(reverse("contacts:import"))
    assert other.status_code == 200
    client.force_login(gtr["users"]["other_secretariat"])
    assert client.get(reverse("contacts:import_job", args=[job.pk])).status_code == 404


def test_a_file_that_is_not_a_spreadsheet_is_refused_on_the_page(client, gtr, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(gtr["users"]["secretariat"])
    upload = io.BytesIO(b"MZ\x90\x00")
    upload.name = "virus.exe"
    response = client.post(
        reverse("contacts:import"), {"file": upload, "organisation": gtr["oriental_office"].pk}
    )
    assert response.status_code == 200 and not ImportJob.objects.exists()
    client.force_login(gtr["users"]["donor"])
    assert client.get(reverse("contacts:import")).status_code == 403
