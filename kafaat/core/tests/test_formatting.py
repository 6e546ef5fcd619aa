"""Numbers and dates in each language, from the one helper (kafaat.core.l10n.formatting) and its filters."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import dateformat, formats, translation

from kafaat.core.l10n import formatting
from kafaat.core.l10n.formatting import format_date, format_datetime, format_number, format_percent, isolate

NNBSP = "\u202f"  # narrow no-break space
DAY = date(2026, 12, 7)
MOMENT = datetime(2026, 12, 7, 16, 16, tzinfo=UTC)  # 17:16 in Casablanca (UTC+1)


@pytest.mark.parametrize(
    ("language", "thousands", "decimals", "negative", "big"),
    [
        ("fr", f"1{NNBSP}031", "56,3", "−40,5", f"1{NNBSP}234{NNBSP}567,89"),
        (
            "ar",
            isolate(f"1{NNBSP}031"),
            isolate("56,3"),
            isolate("−40,5"),
            isolate(f"1{NNBSP}234{NNBSP}567,89"),
        ),
        ("en", "1,031", "56.3", "−40.5", "1,234,567.89"),
    ],
)
def test_numbers(language, thousands, decimals, negative, big):
    assert format_number(1031, language) == thousands
    assert format_number(56.25, language, 1) == decimals  # half up, not to even
    assert format_number(Decimal("-40.5"), language, 1) == negative
    assert format_number(1234567.891, language, 2) == big


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_small_and_empty_numbers(language):
    plain = {"isolated": False}
    assert format_number(999, language, **plain) == "999"
    assert format_number(0, language, **plain) == "0"
    assert format_number(-0.04, language, 1, **plain) in {"0,0", "0.0"}  # rounded to zero: never "−0,0"
    assert format_number(3000.0, language, 1, trim=True, **plain) == (
        "3,000" if language == "en" else "3\u202f000"
    )
    assert format_number(None, language) == "–"
    assert format_percent(None, language) == "–"


@pytest.mark.parametrize(
    ("language", "points", "expected"),
    [
        ("fr", 9.7, f"9,7{NNBSP}%"),
        ("fr", 100.0, f"100{NNBSP}%"),
        ("fr", -107.04, f"−107{NNBSP}%"),
        ("ar", 9.7, isolate(f"9,7{NNBSP}%")),
        ("ar", -40, isolate(f"−40{NNBSP}%")),
        ("en", 9.7, "9.7%"),
        ("en", -40, "−40%"),
        ("en", 1250.5, "1,250.5%"),
    ],
)
def test_percentages(language, points, expected):
    assert format_percent(points, language) == expected


@pytest.mark.parametrize(
    ("language", "short", "long", "moment"),
    [
        ("fr", "07/12/2026", "7 décembre 2026", "07/12/2026 17:16"),
        ("ar", isolate("07/12/2026"), isolate("7 دجنبر 2026"), isolate("07/12/2026 17:16")),
        ("en", "7 Dec 2026", "7 December 2026", "7 Dec 2026, 17:16"),
    ],
)
def test_dates_are_day_first_in_every_language(language, short, long, moment):
    assert format_date(DAY, language) == short
    assert format_date(DAY, language, "long") == long
    assert format_datetime(MOMENT, language) == moment


MOROCCAN_MONTHS = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "ماي",
    "يونيو",
    "يوليوز",
    "غشت",
    "شتنبر",
    "أكتوبر",
    "نونبر",
    "دجنبر",
]


@pytest.mark.parametrize("month", range(1, 13))
def test_arabic_dates_use_moroccan_month_names(month):
    """Morocco's names (ماي, يوليوز, غشت, شتنبر, نونبر, دجنبر), never the Mashriq's (مايو, يوليو, أغسطس,
    سبتمبر, نوفمبر, ديسمبر): in the helper, in Django's own `date` filter, and in the charts' time locale."""
    day = date(2026, month, 7)
    name = MOROCCAN_MONTHS[month - 1]
    assert format_date(day, "ar", "long") == isolate(f"7 {name} 2026")
    with translation.override("ar"):
        assert formats.date_format(day, "DATE_FORMAT") == f"7 {name} 2026"
        assert formats.date_format(day, "YEAR_MONTH_FORMAT") == f"{name} 2026"
        assert dateformat.format(day, "N E b") == f"{name} {name} {name}"
    time_locale = formatting.d3_time_locale("ar")
    assert time_locale["months"][month - 1] == time_locale["shortMonths"][month - 1] == name


def test_django_formats_agree_with_the_helper_in_arabic():
    """Django's own filters read the same format modules: no US month-first date on an Arabic page."""
    with translation.override("ar"):
        assert formats.date_format(MOMENT, "DATETIME_FORMAT") == "7 دجنبر 2026 16:16"
        assert formats.date_format(MOMENT, "SHORT_DATETIME_FORMAT") == "07/12/2026 16:16"
        assert formats.number_format(1031.5, 1, force_grouping=True) == f"1{NNBSP}031,5"


def test_the_active_language_is_the_default():
    with translation.override("en"):
        assert format_number(1031) == "1,031"
    with translation.override("fr"):
        assert format_percent(56.3) == f"56,3{NNBSP}%"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", f"1{NNBSP}031 · 12,25 · 9,7{NNBSP}% · 0 · 07/12/2026 · 7 décembre 2026 · –"),
        ("en", "1,031 · 12.25 · 9.7% · 0 · 7 Dec 2026 · 7 December 2026 · –"),
    ],
)
def test_template_filters(language, expected):
    template = Template(
        "{% load numbers %}{{ n|number }} · {{ x|number:2 }} · {{ p|percent }} · {{ zero|number }} · "
        "{{ day|short_date }} · {{ day|long_date }} · {{ none|number }}"
    )
    with translation.override(language):
        text = template.render(
            Context({"n": 1031, "x": 12.25, "p": 9.7, "zero": 0, "day": DAY, "none": None})
        )
    assert text == expected


def test_vega_locales_follow_the_language():
    assert formatting.d3_format_locale("fr")["thousands"] == NNBSP
    assert formatting.d3_format_locale("en") | {} == {
        "decimal": ".", "thousands": ",", "grouping": [3], "currency": ["", "\u00a0MAD"], "percent": "%",
        "minus": "−",
    }  # fmt: skip
    ar = formatting.d3_time_locale("ar")
    assert ar["date"] == "%d/%m/%Y" and ar["months"][11] == "دجنبر"
    assert formatting.d3_time_locale("en")["date"] == "%-d %b %Y"
