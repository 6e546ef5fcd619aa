"""The donor workbook: territories by name (their codes beside), numbers kept as numbers with number formats
(the spreadsheet shows the reader's separators), dates in the workbook's language."""

import io
from datetime import UTC, date, datetime

import openpyxl
import pytest

from kafaat.core.models import Territory
from kafaat.results import exports, xlsx_report
from kafaat.results.models import Indicator, Target
from kafaat.results.tests.test_services import programme  # noqa: F401 — the shared fixture

END = date(2026, 12, 31)


@pytest.fixture
def workbooks(programme):  # noqa: F811
    Target.objects.create(indicator=Indicator.objects.get(code="REG"), period_start=date(2025, 1, 1),
                          period_end=date(2026, 12, 31), value=1200)  # fmt: skip
    report = exports.donor_report(programme.project, END)
    return {
        lang: openpyxl.load_workbook(io.BytesIO(xlsx_report.report_bytes(report, lang)))
        for lang in ["fr", "ar"]
    }


def _rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "sheet", "code_label"), [("fr", "Région", "Code"), ("ar", "الجهة", "الرمز")]
)
def test_regions_are_named_in_the_workbooks_language_with_their_codes(workbooks, language, sheet, code_label):
    rows = _rows(workbooks[language][sheet])
    names = [getattr(Territory.objects.get(code=code), f"name_{language}") for code in ("MA-01", "MA-02")]
    assert rows[1][2:4] == names  # the headings: names, not codes
    assert rows[2][1:4] == [code_label, "MA-01", "MA-02"]  # the codes, a row of their own
    assert rows[3][0] == "REG"


@pytest.mark.django_db
def test_numbers_stay_numbers_with_number_formats(workbooks):
    logframe = workbooks["fr"]["Cadre logique"]
    reg = next(row for row in logframe.iter_rows() if row[1].value == "REG")
    target = next(c for c in reg[5:] if c.value == 1200)
    assert target.data_type == "n" and target.number_format == "#,##0"  # 1 200 in a French Excel
    assert "*" in [c.value for c in reg]  # 4 people: suppressed in every export, and so is the progress
    cover = {row[0]: row[1] for row in _rows(workbooks["fr"]["Couverture"]) if row[0]}
    assert cover["Période de rapport"] == "2026 (01/01/2025 – 31/12/2026)"


def test_a_rate_keeps_its_decimal_and_progress_is_a_percentage():
    line = xlsx_report.IndicatorLine("outcome", "OC2", {"fr": "Taux"}, {"fr": "%"}, 40, [
        xlsx_report.PeriodValue("2025", 60, 56.3)])  # fmt: skip
    report = xlsx_report.DonorReport({"fr": "P"}, "2025", date(2025, 1, 1), date(2025, 12, 31),
                                     datetime(2026, 1, 15, 6, 0, tzinfo=UTC), [line])  # fmt: skip
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_report.report_bytes(report, "fr")))["Cadre logique"]
    baseline, target, actual, progress = (sheet.cell(row=3, column=c) for c in (5, 6, 7, 8))
    assert (baseline.value, baseline.number_format) == (40, "#,##0")
    assert (actual.value, actual.number_format, actual.data_type) == (56.3, "#,##0.0", "n")
    assert progress.number_format == "0.0%" and round(progress.value, 3) == 0.815
