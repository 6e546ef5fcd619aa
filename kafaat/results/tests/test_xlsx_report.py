import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from kafaat.results.suppression import MARKER, suppress_1d
from kafaat.results.xlsx_report import (
    Category,
    DisaggregatedLine,
    Disaggregation,
    DonorReport,
    IndicatorLine,
    PeriodValue,
    progress,
    report_bytes,
    write_report,
)

PEOPLE = {"fr": "personnes", "ar": "أشخاص", "en": "people"}
SEXES = [
    Category("female", {"fr": "Femmes", "ar": "نساء", "en": "Women"}),
    Category("male", {"fr": "Hommes", "ar": "رجال", "en": "Men"}),
    Category("unknown", {"fr": "Non renseigné", "ar": "غير محدد", "en": "Not recorded"}),
]


def report() -> DonorReport:
    by_sex = {
        "OP1": {"female": 3, "male": 40, "unknown": 12},
        "OC1": {"female": 30, "male": 25, "unknown": 0},
    }
    tables = {code: suppress_1d(counts) for code, counts in by_sex.items()}
    return DonorReport(
        project={
            "fr": "Compétences pour l'emploi",
            "ar": "مهارات من أجل التشغيل",
            "en": "Skills for employment",
        },
        donor={"fr": "Agence donatrice", "ar": "وكالة مانحة", "en": "Donor agency"},
        period_label="2025",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        snapshot=datetime(2026, 1, 15, 6, 0, tzinfo=UTC),
        indicators=[
            IndicatorLine(
                "output",
                "OP1",
                {"fr": "Personnes formées", "ar": "أشخاص مكوَّنون", "en": "People trained"},
                PEOPLE,
                baseline=0,
                periods=[
                    PeriodValue("2024", 100, 80),
                    PeriodValue("2025", 200, tables["OP1"].total),
                ],
            ),
            IndicatorLine(
                "outcome",
                "OC1",
                {"fr": "Personnes insérées", "ar": "أشخاص مدمجون", "en": "People placed"},
                PEOPLE,
                baseline=10,
                periods=[PeriodValue("2025", 60, tables["OC1"].total)],
            ),
            IndicatorLine(
                "impact",
                "IM1",
                {"fr": "Taux d'emploi des jeunes", "en": "Youth employment rate"},
                {"fr": "%", "en": "%"},
                baseline=30,
                periods=[PeriodValue("2025", 40, None)],
            ),
        ],
        disaggregations=[
            Disaggregation(
                "sex",
                {"fr": "Sexe", "ar": "الجنس", "en": "Sex"},
                SEXES,
                [DisaggregatedLine(code, t.cells, t.total) for code, t in tables.items()],
                period="2025",
            )
        ],
    )


def rows(sheet):
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_french_workbook():
    book = load_workbook(io.BytesIO(report_bytes(report(), "fr")))
    assert book.sheetnames == ["Couverture", "Cadre logique", "Sexe"]
    cover = {r[0]: r[1] for r in rows(book["Couverture"]) if r[0]}
    assert cover["Projet"] == "Compétences pour l'emploi"
    assert cover["Bailleur"] == "Agence donatrice"
    assert cover["Période de rapport"].startswith("2025 (")
    assert cover["Instantané des données"] == "15 janvier 2026 07:00"  # Casablanca time, in French
    assert cover["Petits effectifs"].startswith(f"{MARKER} Non affiché : effectifs de 1 à 4 personnes")
    assert not any(book[name].sheet_view.rightToLeft for name in book.sheetnames)

    logframe = rows(book["Cadre logique"])
    assert logframe[0][5] == "2024" and logframe[0][8] == "2025"
    assert logframe[1][:11] == [
        "Niveau", "Code", "Indicateur", "Unité", "Situation de référence",
        "Cible", "Réalisé", "Avancement", "Cible", "Réalisé", "Avancement",
    ]  # fmt: skip
    # impact, then outcome, then output
    assert [r[1] for r in logframe[2:5]] == ["IM1", "OC1", "OP1"]
    im1, oc1, op1 = logframe[2:5]
    assert im1[:5] == ["Impact", "IM1", "Taux d'emploi des jeunes", "%", 30]
    assert im1[8:11] == [40, None, None]  # not measured yet: no actual, no progress
    assert oc1[:3] == ["Effet", "OC1", "Personnes insérées"]
    assert oc1[8:11] == [60, 55, pytest.approx(0.9)]  # (55 - 10) / (60 - 10)
    assert op1[0] == "Extrant" and op1[5:8] == [100, 80, pytest.approx(0.8)]
    assert op1[8:11] == [200, 55, pytest.approx(0.275)]
    assert book["Cadre logique"].cell(row=4, column=11).number_format == "0.0%"
    assert not any(MARKER in str(v) for r in logframe for v in r)  # nothing suppressed, no footnote

    sexes = rows(book["Sexe"])
    assert sexes[0][:3] == ["Sexe", None, "2025"]
    assert sexes[1] == ["Code", "Indicateur", "Femmes", "Hommes", "Non renseigné", "Total"]
    assert sexes[2] == ["OP1", "Personnes formées", MARKER, 40, MARKER, 55]
    assert sexes[3] == ["OC1", "Personnes insérées", 30, 25, 0, 55]
    assert sexes[5][0].startswith(f"{MARKER} Non affiché")


def test_arabic_workbook_is_right_to_left():
    book = load_workbook(io.BytesIO(report_bytes(report(), "ar")))
    assert book.sheetnames == ["الغلاف", "الإطار المنطقي", "الجنس"]
    assert all(book[name].sheet_view.rightToLeft for name in book.sheetnames)
    logframe = rows(book["الإطار المنطقي"])
    assert logframe[1][:3] == ["المستوى", "الرمز", "المؤشر"]
    assert logframe[2][2] == "Taux d'emploi des jeunes"  # no Arabic name: French rather than nothing
    assert logframe[3][:4] == ["النتيجة", "OC1", "أشخاص مدمجون", "أشخاص"]
    assert rows(book["الجنس"])[1][2:] == ["نساء", "رجال", "غير محدد", "المجموع"]


def test_a_suppressed_actual_hides_its_progress_and_gets_a_footnote(tmp_path):
    small = suppress_1d({"female": 2, "male": 1})  # total 3: suppressed
    r = report()
    line = IndicatorLine(
        "output", "OP9", {"en": "Trainers trained"}, PEOPLE, 0, [PeriodValue("2025", 10, small.total)]
    )
    path = tmp_path / "report.xlsx"
    write_report(DonorReport(**{**r.__dict__, "indicators": [line], "disaggregations": []}), "en", path)
    logframe = rows(load_workbook(path)["Logframe"])
    assert logframe[2][5:8] == [10, MARKER, MARKER]
    assert logframe[4][0].startswith(f"{MARKER} Not shown: counts from 1 to 4 people")
    assert progress(0, 10, small.total) == (None, True)


def test_text_that_looks_like_a_formula_stays_text():
    r = report()
    evil = IndicatorLine("output", "=1+1", {"en": '=HYPERLINK("http://x","y")'}, PEOPLE)
    data = report_bytes(DonorReport(**{**r.__dict__, "indicators": [evil], "disaggregations": []}), "en")
    sheet = load_workbook(io.BytesIO(data))["Logframe"]
    assert sheet.cell(row=3, column=2).value == "'=1+1" and sheet.cell(row=3, column=2).data_type == "s"
    assert sheet.cell(row=3, column=3).data_type == "s"


def test_sheet_names_are_made_valid_and_unique():
    r = report()
    d = Disaggregation("age", {"en": "Age band / years [all]: ages 15 to 35 and over"}, SEXES[:1], [])
    data = report_bytes(DonorReport(**{**r.__dict__, "disaggregations": [d, d]}), "en")
    names = load_workbook(io.BytesIO(data)).sheetnames
    assert names[2] == "Age band - years -all-- ages 15"
    assert len(names) == 4 and len(set(names)) == 4 and all(len(n) <= 31 for n in names)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="fr, ar or en"):
        report_bytes(report(), "de")
    r = report()
    bad = IndicatorLine("goal", "X", {"en": "x"}, PEOPLE)
    with pytest.raises(ValueError, match="goal"):
        report_bytes(DonorReport(**{**r.__dict__, "indicators": [bad]}), "en")
