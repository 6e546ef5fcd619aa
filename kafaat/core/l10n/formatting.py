"""Numbers and dates for the reader's language: the one helper that pages, charts, XLSX and PDF use.

French `1 031`, `9,7 %`, `−40 %` (narrow no-break space U+202F between thousands and before %, the minus
sign U+2212); Arabic the same, with Western digits as Morocco's administration writes them; English
`1,031`, `9.7%`, `−40%`. Dates are day first in all three (07/12/2026, 7 décembre 2026, 7 Dec 2026). The
separators and date formats live in Django's format modules (`kafaat/core/formats`, FORMAT_MODULE_PATH), so
Django's own `date` and `floatformat` filters agree with this module; the choices are in
docs/decisions/0020-number-and-date-formats.md.

In Arabic (right to left) each formatted value is wrapped in Unicode isolates (FSI … PDI): a number, a
percentage or a negative value then stays one left-to-right unit inside Arabic text, instead of the minus or
the % sign jumping to the other end ("40-", "% 9,7").
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from django.utils import formats, timezone, translation
from django.utils.dates import MONTHS, MONTHS_AP, WEEKDAYS, WEEKDAYS_ABBR

Number = int | float | Decimal
Style = Literal["short", "long"]

LANGUAGES = ("fr", "ar", "en")
RIGHT_TO_LEFT = frozenset({"ar"})
MINUS = "\u2212"  # the typographic minus: as wide as +, never taken for a hyphen
NOTHING = "–"  # no value (not measured, no target)
FSI, RLI, PDI = "\u2068", "\u2067", "\u2069"  # first-strong isolate, right-to-left isolate, pop isolate
PERCENT_SIGN = {"fr": "\u202f%", "ar": "\u202f%", "en": "%"}
ARROW = {"ltr": "→", "rtl": "←"}  # "from … to": the arrow points the way the text reads


def language_of(language: str | None = None) -> str:
    """fr, ar or en: the given language, else the active one, else French."""
    code = (language or translation.get_language() or "fr")[:2]
    return code if code in LANGUAGES else "fr"


def is_rtl(language: str | None = None) -> bool:
    return language_of(language) in RIGHT_TO_LEFT


def isolate(text: str) -> str:
    """`text` as one bidirectional unit whose direction is its own first strong letter (digits alone: left to
    right), so that it neither takes nor gives order to the text around it."""
    return f"{FSI}{text}{PDI}" if text else text


def quoted(value: object, language: str | None = None) -> str:
    """A value a user typed, inside a message ("Unknown commune: Nulle-part"): in a right-to-left language one
    isolate, so that a Latin value neither reorders the Arabic around it nor loses its final punctuation."""
    return _bidi(str(value), language_of(language), None)


def strip_isolates(text: str) -> str:
    """`text` without the isolates this module adds (for an attribute, where they are noise)."""
    return text.translate({ord(FSI): None, ord(RLI): None, ord(PDI): None}) if text else text


def arrow(language: str | None = None) -> str:
    return ARROW["rtl" if is_rtl(language) else "ltr"]


def _bidi(text: str, language: str, isolated: bool | None) -> str:
    wanted = language in RIGHT_TO_LEFT if isolated is None else isolated
    return isolate(text) if wanted else text


def separators(language: str | None = None) -> tuple[str, str]:
    """(decimal separator, thousands separator) of the language, from its format module."""
    lang = language_of(language)
    return formats.get_format("DECIMAL_SEPARATOR", lang), formats.get_format("THOUSAND_SEPARATOR", lang)


def _group(digits: str, separator: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return separator.join(parts)


def _plain_number(value: Number, language: str, decimals: int, trim: bool) -> str:
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if trim and number == number.to_integral_value():
        number, decimals = number.quantize(Decimal(1)), 0
    decimal_sep, thousands = separators(language)
    whole, _dot, fraction = f"{abs(number):.{decimals}f}".partition(".")
    text = _group(whole, thousands) + (decimal_sep + fraction if fraction else "")
    return MINUS + text if number < 0 else text  # a value rounded to zero reads 0, never −0


def format_number(
    value: Number | None,
    language: str | None = None,
    decimals: int = 0,
    *,
    trim: bool = False,
    isolated: bool | None = None,
) -> str:
    """`value` rounded half up to `decimals` places (`trim`: none when the rounded value is whole), thousands
    grouped; "–" for None. `isolated` (default: in right-to-left languages) wraps it in FSI … PDI."""
    if value is None:
        return NOTHING
    lang = language_of(language)
    return _bidi(_plain_number(value, lang, decimals, trim), lang, isolated)


def format_percent(
    points: Number | None,
    language: str | None = None,
    decimals: int = 1,
    *,
    trim: bool = True,
    isolated: bool | None = None,
) -> str:
    """A percentage given in points (9.7 → "9,7 %" in French, "9.7%" in English); "–" for None."""
    if points is None:
        return NOTHING
    lang = language_of(language)
    return _bidi(_plain_number(points, lang, decimals, trim) + PERCENT_SIGN[lang], lang, isolated)


def format_date(
    value: date | None, language: str | None = None, style: Style = "short", *, isolated: bool | None = None
) -> str:
    """short: 07/12/2026 (fr, ar), 7 Dec 2026 (en); long: 7 décembre 2026, 7 دجنبر 2026, 7 December 2026."""
    if value is None:
        return NOTHING
    lang = language_of(language)
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    with translation.override(lang):
        text = formats.date_format(value, "SHORT_DATE_FORMAT" if style == "short" else "DATE_FORMAT")
    return _bidi(text, lang, isolated)


def format_datetime(
    value: datetime | None,
    language: str | None = None,
    style: Style = "short",
    *,
    isolated: bool | None = None,
) -> str:
    """A moment in local time (Africa/Casablanca), 24-hour: 07/12/2026 17:16, 7 décembre 2026 17:16."""
    if value is None:
        return NOTHING
    lang = language_of(language)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    with translation.override(lang):
        text = formats.date_format(value, "SHORT_DATETIME_FORMAT" if style == "short" else "DATETIME_FORMAT")
    return _bidi(text, lang, isolated)


# --- The same conventions for Vega (charts and maps drawn by vl-convert) -----------------------------------


def d3_format_locale(language: str | None = None) -> dict:
    """The d3-format locale of `language`: what Vega uses for axis ticks and legends."""
    lang = language_of(language)
    decimal_sep, thousands = separators(lang)
    return {"decimal": decimal_sep, "thousands": thousands, "grouping": [3], "currency": ["", "\u00a0MAD"],
            "percent": PERCENT_SIGN[lang], "minus": MINUS}  # fmt: skip


def _strftime(django_format: str) -> str:
    """A short Django date format (d/m/Y, j M Y) as a d3-time-format specifier."""
    table = {"d": "%d", "j": "%-d", "m": "%m", "n": "%-m", "Y": "%Y", "y": "%y", "M": "%b", "F": "%B",
             "H": "%H", "i": "%M", "s": "%S"}  # fmt: skip
    return "".join(table.get(ch, ch) for ch in django_format)


def d3_time_locale(language: str | None = None) -> dict:
    """The d3-time-format locale of `language`, with Django's month and day names: dates drawn by Vega read
    as the page's (07/12/2026 in French and Arabic, never the US 12/07/2026)."""
    lang = language_of(language)
    with translation.override(lang):
        short_date = _strftime(formats.get_format("SHORT_DATE_FORMAT"))
        return {
            "dateTime": f"{short_date} %H:%M:%S",
            "date": short_date,
            "time": "%H:%M:%S",
            "periods": ["AM", "PM"],
            "days": [str(WEEKDAYS[(i + 6) % 7]) for i in range(7)],  # d3 weeks start on Sunday
            "shortDays": [str(WEEKDAYS_ABBR[(i + 6) % 7]) for i in range(7)],
            "months": [str(MONTHS[i]) for i in range(1, 13)],
            "shortMonths": [str(MONTHS_AP[i]) for i in range(1, 13)],
        }
