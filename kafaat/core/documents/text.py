"""Which way a document's text runs: by language, with a look at the text itself for data (a Latin name in an
Arabic certificate is still written left to right inside the line; HarfBuzz and fpdf2's bidi do that)."""

from __future__ import annotations

import unicodedata

RTL_LANGUAGES = frozenset({"ar"})


def is_rtl(language: str) -> bool:
    return (language or "")[:2] in RTL_LANGUAGES


def direction_of(language: str) -> str:
    return "rtl" if is_rtl(language) else "ltr"


def has_arabic(text: str) -> bool:
    return any(unicodedata.bidirectional(char) in ("AL", "R") for char in text)
