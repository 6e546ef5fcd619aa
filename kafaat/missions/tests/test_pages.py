"""Missions pages: the list and its filters, a mission, the form (create, edit, hostile upload), steps, the
report download, the roll-up (in Arabic too) and its XLSX export — each for the right persona only."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from kafaat.missions.models import ExpertMission


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def as_user(client, twinning):
    def login(name):
        client.force_login(twinning["users"][name])
        return client

    return login


def form_data(twinning, **overrides) -> dict:
    return {
        "expert": twinning["experts"][1].pk,
        "organiser": twinning["agency"].pk,
        "project": "twin",
        "result": twinning["component"].pk,
        "territory": "MA-04",
        "purpose": "Référentiels",
        "start_date": "2025-10-06",
        "end_date": "2025-10-10",
        "person_days": "",
        "deliverables": "",
        **overrides,
    }


def test_the_list_filters_and_links_to_a_mission(as_user, twinning):
    client = as_user("manager")
    page = client.get("/missions/?country=ES").content.decode()
    assert page.count('href="/missions/') >= 2 and "Expert2" in page and "Expert1" not in page
    detail = client.get(f"/missions/{twinning['missions'][0].pk}/").content.decode()
    assert 'id="mission-edit"' in detail
    assert client.get("/missions/", HTTP_ACCEPT_LANGUAGE="ar").status_code == 200
    from kafaat.core.models import AuditEvent

    listed = (
        AuditEvent.objects.filter(action="list", target_type="missions.expertmission").order_by("pk").last()
    )
    assert listed.count == 6 and listed.details["shown"] == "missions"  # each page shown is one event


def test_roles_without_the_right_get_403_and_out_of_scope_404(as_user, twinning):
    assert as_user("donor").get("/missions/").status_code == 403
    assert as_user("caseworker_b").get("/missions/rollup/").status_code == 403
    client = as_user("admin_oriental")
    assert client.get(f"/missions/{twinning['missions'][0].pk}/").status_code == 404
    assert as_user("analyst_oriental").get("/missions/new/").status_code == 403
    assert as_user("admin_a").get(f"/missions/{twinning['missions'][0].pk}/edit/").status_code == 403


def test_the_form_plans_a_mission_and_refuses_a_bad_report(as_user, twinning):
    client = as_user("manager")
    assert client.get("/missions/new/").status_code == 200
    bad = SimpleUploadedFile("r.pdf", b"not a pdf")
    response = client.post("/missions/new/", {**form_data(twinning), "report": bad})
    assert response.status_code == 200 and "document PDF, DOCX ou ODT" in response.content.decode()
    assert not ExpertMission.objects.filter(purpose="Référentiels").exists()
    good = SimpleUploadedFile("r.pdf", b"%PDF-1.4 report")
    response = client.post("/missions/new/", {**form_data(twinning), "report": good})
    mission = ExpertMission.objects.get(purpose="Référentiels")
    assert response.status_code == 302 and mission.person_days == 5 and mission.report
    response = client.get(f"/missions/{mission.pk}/report/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    response = client.post(f"/missions/{mission.pk}/edit/", form_data(twinning, person_days="2"))
    mission.refresh_from_db()
    assert (mission.person_days, mission.person_days_entered) == (2, True)
    client.post(f"/missions/{mission.pk}/steps/complete/")
    mission.refresh_from_db()
    assert mission.status == "done"


def test_a_step_that_cannot_be_taken_says_why(as_user, twinning):
    planned = twinning["missions"][4]  # ends in 2099
    response = as_user("manager").post(f"/missions/{planned.pk}/steps/complete/", follow=True)
    assert "date de fin passée" in response.content.decode()
    planned.refresh_from_db()
    assert planned.status == "planned"
    assert as_user("donor").post(f"/missions/{planned.pk}/steps/cancel/").status_code == 404


def test_the_rollup_page_and_its_export(as_user, twinning):
    client = as_user("donor")
    page = client.get("/missions/rollup/?by=quarter").content.decode()
    assert 'data-key="2025-Q2"' in page and 'id="rollup-total"' in page
    client.post("/i18n/setlang/", {"language": "ar"})
    arabic = client.get("/missions/rollup/?by=country").content.decode()
    assert 'dir="rtl"' in arabic and "أيام العمل" in arabic
    response = client.get("/missions/rollup.xlsx?by=country")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[-1][1:4] == (4, 3, 12.5)
    assert [row[0] for row in values[1:-1]] == ["ES", "FR"]
