from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from lxml import etree

from kafaat.results import iati as I  # noqa: N812
from kafaat.results.tests.iati_example import GENERATED, N, activity

SHARED_EXAMPLE = Path("/work/shared/data/iati-2.03/worked-example.xml")


def export(a, **kw):
    return I.export_activities([a], generated=GENERATED, **kw)


def test_a_full_activity_validates_and_keeps_the_schema_order():
    document = export(activity())
    assert I.schema_errors(document) == []
    root = etree.fromstring(document)
    assert root.tag == "iati-activities" and root.get("version") == "2.03"
    assert root.get("generated-datetime") == "2026-11-29T08:00:00+00:00"
    a = root[0]
    assert a.get("last-updated-datetime") == "2026-11-28T18:30:00+00:00"
    assert a.get(I.XML_LANG) == "fr" and a.get("default-currency") == "MAD"
    tags = [child.tag for child in a]
    assert tags == [
        "iati-identifier", "reporting-org", "title", "description", "description", "participating-org",
        "participating-org", "activity-status", "activity-date", "activity-date", "activity-date",
        "activity-scope", "recipient-country", "recipient-region", "location", "sector", "sector",
        "collaboration-type", "default-flow-type", "default-finance-type", "default-aid-type",
        "default-tied-status", "budget", "transaction", "result",
    ]  # fmt: skip
    assert [(d.get("type"), d.get("iso-date")) for d in a.findall("activity-date")] == [
        ("1", "2024-01-01"), ("2", "2024-02-15"), ("3", "2027-12-31")
    ]  # fmt: skip
    assert a.find("reporting-org").attrib == {"ref": "XM-DAC-99", "type": "10"}
    assert (
        a.find("budget/value").text == "2500000.5"
        and a.find("budget/value").get("value-date") == "2025-01-01"
    )
    assert a.find("transaction/value").get("currency") == "EUR"
    assert [s.get("percentage") for s in a.findall("sector")] == ["70", "30"]
    assert a.find("location/administrative").attrib == {"vocabulary": "G1", "code": "2597549", "level": "1"}


def test_results_carry_baseline_periods_and_dimensions():
    a = etree.fromstring(export(activity()))[0]
    first, second = a.findall("result/indicator")
    assert first.get("measure") == "1" and second.get("measure") == "2"
    assert first.find("baseline").attrib == {"year": "2023", "iso-date": "2023-12-31", "value": "0"}
    period = first.find("period")
    assert period.find("period-start").get("iso-date") == "2025-01-01"
    assert period.find("target").get("value") == "1200"
    actuals = period.findall("actual")
    assert [x.get("value") for x in actuals] == ["1315", None, "612", "40"]
    assert [[(d.get("name"), d.get("value")) for d in x.findall("dimension")] for x in actuals] == [
        [], [("sex", "female")], [("sex", "male")], [("disability", "yes")]
    ]  # fmt: skip
    # the suppressed value is absent and explained
    assert actuals[1].find("comment/narrative").text == "Suppressed to protect privacy"
    assert second.find("period/actual").get("value") == "37.5"


def test_arabic_narratives_round_trip():
    document = export(activity())
    assert "مهارات من أجل التشغيل".encode() in document  # UTF-8, not character references
    a = etree.fromstring(document)[0]
    by_lang = {n.get(I.XML_LANG): n.text for n in a.find("title")}
    assert by_lang == {
        "en": "Skills for employment",
        "fr": "Compétences pour l'emploi",
        "ar": "مهارات من أجل التشغيل",
    }
    loc = {n.get(I.XML_LANG): n.text for n in a.find("location/name")}
    assert loc["ar"] == "سوس ماسة"


def test_several_activities_in_one_document():
    second = replace(activity(), identifier="XM-DAC-99-KAF-002")
    root = etree.fromstring(I.export_activities([activity(), second], generated=GENERATED))
    assert [x.findtext("iati-identifier") for x in root] == ["XM-DAC-99-KAF-001", "XM-DAC-99-KAF-002"]


def _indicator_with(**kw):
    a = activity()
    ind = replace(a.results[0].indicators[0], **kw)
    return replace(a, results=[replace(a.results[0], indicators=[ind])])


BROKEN = {
    "sectors over 100": (
        lambda a: replace(a, sectors=[I.Sector("11330", 70), I.Sector("16020", 40)]),
        "add up to 110",
    ),
    "sector percentage missing": (
        lambda a: replace(a, sectors=[I.Sector("11330", 70), I.Sector("16020")]),
        "each needs a percentage",
    ),
    "no sector": (lambda a: replace(a, sectors=[]), "at least one is required"),
    "bad DAC code": (lambda a: replace(a, sectors=[I.Sector("1133")]), "not a code of vocabulary 1"),
    "countries and regions": (
        lambda a: replace(a, regions=[I.Region("189", percentage=20)]),
        "add up to 110",
    ),
    "no arabic title": (lambda a: replace(a, title=a.title[:2]), "title: no text in Arabic"),
    "empty description": (
        lambda a: replace(a, description=(N(" ", "fr"), *a.description[1:])),
        "description: an empty text",
    ),
    "duplicate language": (lambda a: replace(a, title=(*a.title, N("Autre", "fr"))), "two texts in French"),
    "dates out of order": (
        lambda a: replace(a, dates=I.Dates(date(2028, 1, 1), date(2024, 2, 1), date(2027, 1, 1))),
        "planned start is after the planned end",
    ),
    "actual start in the future": (
        lambda a: replace(a, dates=I.Dates(date(2024, 1, 1), date(2027, 2, 1))),
        "is in the future",
    ),
    "started without actual start": (
        lambda a: replace(a, dates=I.Dates(planned_start=date(2024, 1, 1))),
        "needs its actual start date",
    ),
    "identifier prefix": (lambda a: replace(a, identifier="KAF-001"), "must start with"),
    "role": (
        lambda a: replace(a, participating_orgs=[replace(a.participating_orgs[0], role="7")]),
        "the role 7 is",
    ),
    "status": (lambda a: replace(a, status="9"), "the activity status 9"),
    "naive last-updated": (lambda a: replace(a, last_updated=datetime(2026, 1, 1)), "with its time zone"),
    "budget longer than a year": (
        lambda a: replace(a, budgets=[replace(a.budgets[0], period_end=date(2026, 6, 30))]),
        "at most one year",
    ),
    "percentage indicator over 100": (
        lambda a: _indicator_with(measure="2"),
        "not between 0 and 100",
    ),
    "missing value without comment": (
        lambda a: _indicator_with(periods=[I.Period(date(2025, 1, 1), date(2025, 12, 31), [I.Value(None)])]),
        "needs a comment",
    ),
    "period reversed": (
        lambda a: _indicator_with(periods=[I.Period(date(2025, 12, 31), date(2025, 1, 1))]),
        "starts after it ends",
    ),
    "currency": (
        lambda a: replace(a, budgets=[replace(a.budgets[0], value=I.Money(1, date(2025, 1, 1), "euro"))]),
        "not an ISO 4217 code",
    ),
}


@pytest.mark.parametrize("case", BROKEN)
def test_broken_input_is_refused_with_a_reason(case):
    breaks, message = BROKEN[case]
    with translation.override("en"), pytest.raises(I.IatiError) as refused:
        export(breaks(activity()))
    assert any(message in p for p in refused.value.problems), refused.value.problems


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ["titre : aucun texte en arabe", "la devise euro n’est pas un code ISO 4217"]),
        ("ar", ["العنوان: لا نص باللغة العربية", "العملة euro ليست رمزًا من ISO 4217"]),
    ],
)
def test_the_reasons_are_in_the_readers_language(language, expected):
    """The dashboard shows why the export is refused: in French or Arabic, never the rules' English."""
    broken = replace(activity(), title=activity().title[:2])
    broken = replace(broken, budgets=[replace(broken.budgets[0], value=I.Money(1, date(2025, 1, 1), "euro"))])
    with translation.override(language), pytest.raises(I.IatiError) as refused:
        export(broken)
    problems = " | ".join(refused.value.problems)
    for text in expected:
        assert text in problems, problems
    assert "narrative" not in problems and "currency" not in problems


def test_what_only_the_schema_catches_is_refused_with_its_message():
    a = activity()
    loc = replace(a.locations[0], administrative=[I.Administrative("G1", "2597549", level=-1)])
    with translation.override("en"), pytest.raises(I.IatiError) as refused:
        export(replace(a, locations=[loc]))
    assert refused.value.problems == [
        "The file does not match the IATI 2.03 schema (a fault of Kafaat: report it)."
    ]
    assert refused.value.details[0].startswith("line ")
    assert "level" in refused.value.details[0] and "nonNegativeInteger" in refused.value.details[0]


def test_schema_errors_report_element_order_and_old_documents():
    root = etree.fromstring(export(activity()))
    act = root[0]
    act.insert(0, act.find("reporting-org"))  # reporting-org before iati-identifier
    errors = I.schema_errors(etree.tostring(root))
    assert errors and "reporting-org" in errors[0]
    if SHARED_EXAMPLE.exists():  # the shared "worked example" is IATI 1.x and no 2.03 document
        assert I.schema_errors(SHARED_EXAMPLE.read_bytes())
    assert I.schema_errors(b"<iati-activities")[0].startswith("not well-formed")


def test_languages_required_can_be_chosen_and_nothing_else_is_relaxed():
    a = replace(activity(), title=(N("Compétences"),), description=(N("Formation"),))
    with pytest.raises(I.IatiError):
        export(a)
    document = export(a, required_languages=())
    assert etree.fromstring(document)[0].find("title/narrative").get(I.XML_LANG) is None
    with translation.override("en"), pytest.raises(I.IatiError, match="no activity"):
        I.export_activities([], generated=GENERATED)
    assert Decimal(etree.fromstring(document)[0].find("budget/value").text) == Decimal("2500000.5")


def test_values_from_suppressed_tables():
    from kafaat.results.suppression import suppress_1d

    table = suppress_1d({"female": 3, "male": 40, "other": 9})
    female = I.value_of(table.cells["female"], [I.Dimension("sex", "female")])
    assert female.value is None and female.comment == I.SUPPRESSED_COMMENT
    assert I.value_of(table.total).value == 52 and I.value_of(12.5).value == 12.5
    assert I.value_of(None).value is None and I.value_of(None).comment == ()
    with pytest.raises(ValueError):
        I.value_of("12")
    a = activity()
    ind = a.results[0].indicators[0]
    period = I.Period(date(2025, 1, 1), date(2025, 12, 31), [I.Value(60)], [I.value_of(table.total), female])
    a = replace(a, results=[replace(a.results[0], indicators=[replace(ind, periods=[period])])])
    actuals = etree.fromstring(export(a))[0].findall("result/indicator/period/actual")
    assert [x.get("value") for x in actuals] == ["52", None]
    assert {n.get(I.XML_LANG) for n in actuals[1].findall("comment/narrative")} == {"en", "fr", "ar"}
