"""The training pages: filtered list (and its htmx rows), details, edits under the rules, the import page."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kafaat.core.models import ImportJob
from kafaat.training.models import Programme, SupplyStatistic


@pytest.fixture
def as_user(client, supply):
    def login(name):
        client.force_login(supply["users"][name])
        return client

    return login


def test_the_list_filters_by_region_province_and_sector(as_user, supply):
    client = as_user("superuser")
    page = client.get(reverse("training:establishments")).content.decode()
    assert "ISTA Nador" in page and "ITA Tanger" in page
    rows = client.get(reverse("training:establishments"), {"region": "MA-01"}, HTTP_HX_REQUEST="true")
    assert "ITA Tanger" in rows.content.decode() and "ISTA Nador" not in rows.content.decode()
    assert "<html" not in rows.content.decode()  # htmx gets the rows only
    page = client.get(reverse("training:establishments"), {"province": "02.381"}).content.decode()
    assert "ISTA Nador" in page and "ITA Tanger" not in page
    page = client.get(reverse("training:establishments"), {"sector": "agriculture"}).content.decode()
    assert "ITA Tanger" in page and "ISTA Nador" not in page


def test_an_analyst_sees_their_region_and_no_edit_button(as_user, supply):
    client = as_user("analyst_oriental")
    page = client.get(reverse("training:establishment", args=[supply["nador"].pk])).content.decode()
    assert "Électricité du bâtiment" in page and "establishment-edit" not in page
    assert client.get(reverse("training:establishment", args=[supply["tanger"].pk])).status_code == 404
    assert client.get(reverse("training:establishment_edit", args=[supply["nador"].pk])).status_code == 403
    assert client.get(reverse("training:import")).status_code == 403


def test_people_without_a_supply_role_are_refused(as_user, supply):
    assert as_user("reviewer").get(reverse("training:establishments")).status_code == 403
    assert (
        as_user("nobody").get(reverse("training:establishment", args=[supply["nador"].pk])).status_code == 404
    )


def test_the_manager_edits_the_establishment_and_adds_a_programme(as_user, supply):
    client = as_user("establishment")
    url = reverse("training:establishment_edit", args=[supply["nador"].pk])
    form = {
        "name_fr": "ISTA Nador",
        "name_ar": "",
        "name_en": "",
        "operator_type": "ofppt",
        "territory": "02.381",
        "capacity": "1000",
        "is_active": "on",
        "sectors": [supply["sectors"]["electrical"].pk],
    }
    assert client.post(url, form).status_code == 302
    supply["nador"].refresh_from_db()
    assert supply["nador"].capacity == 1000
    url = reverse("training:programme_create", args=[supply["nador"].pk])
    form = {
        "code": "Q-PL",
        "title_fr": "Plomberie",
        "sector": supply["sectors"]["construction"].pk,
        "level": "qualification",
        "mode": "apprenticeship",
        "duration_months": "12",
        "is_active": "on",
        "isco_codes": "7126",
    }
    response = client.post(url, form)
    programme = Programme.objects.get(code="Q-PL")
    assert response.status_code == 302 and programme.isco_codes == ["7126"]
    page = client.get(reverse("training:programme", args=[programme.pk])).content.decode()
    assert "7126" in page and "Plombiers et tuyauteurs" in page  # ESCO's French label on a French page
    bad = client.post(url, {**form, "code": "Q-P2", "isco_codes": "71"})
    assert bad.status_code == 200 and "Pas un groupe de base de la CITP-08" in bad.content.decode()


def test_the_programme_page_shows_published_and_derived_figures(as_user, supply):
    SupplyStatistic.objects.create(
        programme=supply["electricity"], year=2024, source="published", enrolled=58
    )
    SupplyStatistic.objects.create(programme=supply["electricity"], year=2024, source="kafaat", enrolled=7)
    page = as_user("analyst_oriental").get(reverse("training:programme", args=[supply["electricity"].pk]))
    text = page.content.decode()
    assert "2024-2025" in text and ">58<" in text and ">7<" in text


def test_the_import_page_reports_errors_then_imports(as_user, supply, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = as_user("establishment")
    assert client.get(reverse("training:import")).status_code == 200
    bad = "Code établissement;Code filière;Année;Inscrits;Lauréats\nista-nador;Q-EB;2024;10;11\n"
    upload = io.BytesIO(bad.encode())
    upload.name = "bad.csv"
    response = client.post(
        reverse("training:import"), {"file": upload, "organisation": supply["provider"].pk}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == "rejected" and not SupplyStatistic.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Lauréats" in page and "error-report" in page
    report = client.get(reverse("training:import_errors", args=[job.pk]))
    assert load_workbook(io.BytesIO(b"".join(report.streaming_content))).worksheets[0].max_row == 2
    upload = io.BytesIO(bad.replace(";11", ";9").encode())
    upload.name = "good.csv"
    client.post(reverse("training:import"), {"file": upload, "organisation": supply["provider"].pk})
    assert SupplyStatistic.objects.get().graduates == 9


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_the_template_has_the_headers_of_its_language(as_user, supply, language):
    response = as_user("establishment").get(reverse("training:import_template", args=[language]))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    expected = {"fr": "Code établissement", "ar": "رمز المؤسسة", "en": "Establishment code"}[language]
    assert headers[0] == expected and len(headers) == 16


def test_the_pages_speak_arabic_right_to_left(as_user, supply):
    client = as_user("analyst_oriental")
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    page = client.get(reverse("training:establishment", args=[supply["nador"].pk])).content.decode()
    assert 'dir="rtl"' in page and "الشعب" in page and "كهرباء البناء" in page
    page = client.get(reverse("training:establishments")).content.decode()
    assert "مؤسسات التكوين" in page and "جميع الجهات" in page
