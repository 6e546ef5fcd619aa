"""The donor workbook and the IATI file from the engine: content, suppression, XSD validity, commands."""

import io
from datetime import date

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from lxml import etree

from kafaat.results import exports, iati, xlsx_report
from kafaat.results.models import Indicator, ProjectProfile, ProjectSector, Target
from kafaat.results.tests.test_services import programme  # noqa: F401 — the shared fixture

END = date(2026, 12, 31)


@pytest.fixture
def profiled(programme, world):  # noqa: F811
    project = programme.project
    project.name_ar, project.name_en, project.end_date = "مشروع", "Project P", date(2027, 12, 31)
    project.donor = world["donor"]
    project.save()
    profile = ProjectProfile.objects.create(
        project=project, iati_identifier="XM-DAC-7-P-RESULTS", reporting_org_ref="XM-DAC-7", status="2",
        description_fr="Projet", description_ar="مشروع", description_en="Project", budget=1_000_000,
    )  # fmt: skip
    ProjectSector.objects.create(profile=profile, code="11330", percentage=100)
    Indicator.objects.filter(code="REG").update(name_ar="مسجلون", name_en="Registered")
    Target.objects.create(indicator=Indicator.objects.get(code="REG"), period_start=date(2025, 1, 1),
                          period_end=date(2025, 12, 31), value=10)  # fmt: skip
    return project


@pytest.mark.django_db
def test_workbook_holds_suppressed_values_and_the_snapshot(profiled):
    report = exports.donor_report(profiled, END)
    assert [p.period for p in report.indicators[0].periods] == ["2025", "2026"]
    book = openpyxl.load_workbook(io.BytesIO(xlsx_report.report_bytes(report, "en")))
    logframe = book.worksheets[1]
    rows = {row[1]: row for row in logframe.iter_rows(values_only=True) if row[1]}
    assert rows["REG"][6] == "*"  # 3 people registered in 2025: suppressed even in the manager's export
    cover = " ".join(str(c) for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c)
    assert report.snapshot.strftime("%Y") in cover
    sex = book["Sex"]
    values = [c for row in sex.iter_rows(values_only=True) for c in row]
    assert "*" in values and 2 not in values  # the two women are hidden


@pytest.mark.django_db
def test_iati_file_is_valid_and_never_holds_a_hidden_number(profiled):
    document = exports.iati_document(profiled, END)
    assert iati.schema_errors(document) == []
    tree = etree.fromstring(document)
    assert tree.find("iati-activity/iati-identifier").text == "XM-DAC-7-P-RESULTS"
    actuals = tree.findall(".//indicator/period/actual")
    hidden = [a for a in actuals if a.get("value") is None]
    assert hidden and all(a.find("comment") is not None for a in hidden)
    assert {a.get("value") for a in actuals if a.find("dimension") is not None} <= {None, "0", "0.0"}


@pytest.mark.django_db
def test_iati_export_refuses_an_incomplete_project(programme, tmp_path):  # noqa: F811
    ProjectProfile.objects.create(project=programme.project)  # no identifier, no descriptions, no sector
    with pytest.raises(iati.IatiError):
        exports.iati_document(programme.project, END)
    out = tmp_path / "activities.xml"
    with pytest.raises(CommandError, match="IATI export refused"):
        call_command("iati_export", project="p-results", out=str(out))
    assert not out.exists()


@pytest.mark.django_db
def test_commands_write_the_files(profiled, tmp_path):
    call_command("report", project="p-results", out=str(tmp_path / "r.xlsx"), until=END, language="ar")
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert book.worksheets[1].sheet_view.rightToLeft
    call_command("iati_export", project="p-results", out=str(tmp_path / "a.xml"), until=END)
    assert iati.schema_errors((tmp_path / "a.xml").read_bytes()) == []
    with pytest.raises(CommandError):
        call_command("report", project="nope", out=str(tmp_path / "x.xlsx"))


@pytest.mark.django_db
def test_downloads_from_the_dashboard(client, profiled, world):
    client.force_login(world["users"]["donor"])
    answer = client.get(reverse("results:report_xlsx", args=["p-results"]), {"end": "2026-12-31"})
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/vnd.openxml")
    answer = client.get(reverse("results:iati_xml", args=["p-results"]), {"end": "2026-12-31"})
    assert answer.status_code == 200 and iati.schema_errors(answer.content) == []
    page = client.get(reverse("results:dashboard", args=["p-results"]), {"end": "2026-12-31"})
    assert "<svg" in page.content.decode()  # the progress chart, rendered on the server
