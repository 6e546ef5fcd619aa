"""Countries (ISO 3166-1 alpha-2) with their names in French, Arabic and English: the nationality list.

The codes are Debian's iso-codes list of ISO 3166-1 (the data pycountry ships), the names CLDR's (what
browsers and phones show), both read once at build time into `core/data/countries.json` by `build()`
(`python -m kafaat.core.l10n.countries /usr/share/iso-codes/json/iso_3166-1.json`, with Babel installed
for the run only): nothing is fetched or needed at run time. Two deliberate departures, for a Moroccan
registry (docs/decisions/0022-nationality-and-catalogue-links.md): EH is left out (its people are Moroccan
nationals here), and PS is named Palestine / فلسطين, as Moroccan forms name it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

DATA = Path(__file__).resolve().parents[1] / "data" / "countries.json"
LANGUAGES = ("fr", "ar", "en")
LEFT_OUT = {"EH"}
NAMED = {"PS": ("Palestine", "فلسطين", "Palestine")}
# "Sénégal (SN)": a choice of the list carries its code, which resolves whatever the language.
CODE_IN_BRACKETS = re.compile(r"\(\s*([A-Za-z]{2})\s*\)\s*$")


@cache
def names() -> dict[str, tuple[str, str, str]]:
    """Code → (French, Arabic, English) name."""
    rows = json.loads(DATA.read_text(encoding="utf-8"))
    return {code: tuple(row) for code, row in rows.items()}


def _language(language: str | None) -> int:
    code = (language or get_language() or "fr")[:2]
    return LANGUAGES.index(code) if code in LANGUAGES else 0


def name(code: str, language: str | None = None) -> str:
    """The country's name in the page's language (or the one given); the code itself when it is unknown."""
    row = names().get((code or "").upper())
    return row[_language(language)] if row else code


def label(code: str, language: str | None = None) -> str:
    """What the nationality field shows and its list offers: "Sénégal (SN)"."""
    return f"{name(code, language)} ({code.upper()})" if code else ""


def fold(text: str) -> str:
    """A name as compared: no case, accents, Arabic hamza forms, punctuation or spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(c for c in decomposed if not unicodedata.combining(c) and (c.isalnum()))
    return kept.translate(str.maketrans("أإآٱىة", "اااايه"))


@cache
def _by_name() -> dict[str, str]:
    found: dict[str, str] = {}
    for code, row in names().items():
        for text in row:
            found.setdefault(fold(text), code)
    return found


def find(text: str) -> str | None:
    """The code that a typed nationality names: "SN", "sn", "Sénégal (SN)", "Senegal", "السنغال"; None when it
    names no country of the list ("ZZ", "Atlantis")."""
    text = (text or "").strip()
    bracketed = CODE_IN_BRACKETS.search(text)
    if bracketed:
        code = bracketed.group(1).upper()
        return code if code in names() else None
    if len(text) == 2 and text.isascii():
        return text.upper() if text.upper() in names() else None
    return _by_name().get(fold(text)) if text else None


def choices(language: str | None = None) -> list[tuple[str, str]]:
    """(code, name) in the page's language, Morocco first, then by name as the language sorts them."""
    index = _language(language)
    rows = sorted(((code, row[index]) for code, row in names().items()), key=lambda item: fold(item[1]))
    return sorted(rows, key=lambda item: item[0] != "MA")


def build(iso_codes_json: str, out: Path = DATA) -> int:
    """Write `countries.json` from iso-codes' ISO 3166-1 file and CLDR's names (Babel); the number written."""
    from babel import Locale  # a build-time tool only: not a dependency of the product

    codes = [row["alpha_2"] for row in json.loads(Path(iso_codes_json).read_text())["3166-1"]]
    territories = [Locale(language).territories for language in LANGUAGES]
    rows = {
        code: list(NAMED.get(code) or [t[code] for t in territories])
        for code in sorted(codes)
        if code not in LEFT_OUT
    }
    lines = [f"{json.dumps(code)}: {json.dumps(row, ensure_ascii=False)}" for code, row in rows.items()]
    out.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")  # a country a line: diffs read
    return len(rows)


if __name__ == "__main__":
    import sys

    print(build(sys.argv[1]), "countries written to", DATA)
