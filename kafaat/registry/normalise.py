"""Normalising what people write: names in Arabic and Latin script, phone numbers, identity documents.

Search, import and deduplication all go through these functions, so a value is normalised the same way
wherever it comes from.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from django.utils.translation import gettext as _

from kafaat.core.l10n.text import strip_bidi_controls

# --- Names --------------------------------------------------------------------------------------------------

_ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_ARABIC_TATWEEL = "\u0640"
_ARABIC_FOLDS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ؤ": "و",
        "ئ": "ي",
        "ء": "",
        "ک": "ك",
        "ی": "ي",
    }
)
_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")
_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)


def normalise_arabic(text: str) -> str:
    """Fold the spellings of one Arabic name: diacritics, tatweel, hamza and alef forms, taa marbuta."""
    text = _ARABIC_DIACRITICS.sub("", unicodedata.normalize("NFC", text)).replace(_ARABIC_TATWEEL, "")
    return text.translate(_ARABIC_FOLDS)


def normalise_latin(text: str) -> str:
    """Lower case, accents removed: 'Aït Baha' → 'ait baha'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def has_arabic(text: str) -> bool:
    return bool(_ARABIC_LETTER.search(text))


def name_tokens(text: str) -> list[str]:
    """The normalised words of a name in either script; hyphens and apostrophes separate words."""
    return list(_name_tokens(text))


@lru_cache(maxsize=65_536)
def _name_tokens(text: str) -> tuple[str, ...]:
    # Names repeat (an import of 100,000 people holds a few thousand distinct ones): folding each once per
    # process saves most of the search key's cost. A pure function of the text, so caching changes nothing.
    folded = normalise_arabic(normalise_latin(text))
    return tuple(word for word in _NOT_WORD.split(folded) if word and word != "_")


def search_key(*names: str) -> str:
    """One string holding every name word of a person, space-delimited at both ends for word-prefix search."""
    tokens: list[str] = []
    for name in names:
        for token in _name_tokens(name or ""):
            if token not in tokens:
                tokens.append(token)
    return " " + " ".join(tokens) + " " if tokens else ""


def clean_name(text: str) -> str:
    """Trim and collapse spaces, drop bidirectional controls, keep the person's own spelling and capitals."""
    return " ".join(strip_bidi_controls(text or "").split())


# --- Phones -------------------------------------------------------------------------------------------------

_PHONE_CHARS = re.compile(r"\+?[\d\s.\-()/]+")
_SEPARATORS = str.maketrans("", "", " .-")


def normalise_phone(raw: str) -> str:
    """A phone number in E.164: Moroccan numbers in any usual form, foreign ones written with '+' or '00'.

    '06 12 34 56 78', '+212 6-12-34-56-78', '00212612345678', '0537 12 34 56' → '+212612345678', …
    Raises ValueError with the reason when the value cannot be a phone number.
    """
    text = (raw or "").strip()
    if not text:
        raise ValueError(_("empty phone number"))
    return _usual_moroccan_phone(text) or _phone_by_the_rules(text)


def _usual_moroccan_phone(text: str) -> str | None:
    """The usual forms, without regular expressions: a Moroccan number written 0…, +212… or 00212…, ASCII
    digits with spaces, dots or dashes between them; what `_phone_by_the_rules` gives for it (a test checks),
    or None for anything else."""
    plus = text[:1] == "+"
    digits = (text[1:] if plus else text).translate(_SEPARATORS)
    if not (digits.isascii() and digits.isdigit()):
        return None
    if plus:  # +212 and nine digits
        national = digits[3:] if len(digits) == 12 and digits[:3] == "212" else ""
    elif len(digits) == 14 and digits[:5] == "00212":  # 00212 and nine digits
        national = digits[5:]
    else:  # 0 and nine digits
        national = digits[1:] if len(digits) == 10 and digits[0] == "0" else ""
    return "+212" + national if national[:1] in ("5", "6", "7", "8") else None


def _phone_by_the_rules(text: str) -> str:
    if not _PHONE_CHARS.fullmatch(text):
        raise ValueError(_("a phone number has only digits, spaces, dots, dashes and an optional leading +"))
    international = text.startswith("+")
    digits = re.sub(r"\D", "", text.replace("(0)", ""))
    if digits.startswith("00"):
        digits, international = digits[2:], True
    if international or (digits.startswith("212") and len(digits) == 12):
        if digits.startswith("212"):
            national = digits[3:]
            if not re.fullmatch(r"[5-8]\d{8}", national):
                raise ValueError(_("a Moroccan number has 9 digits after +212, starting with 5, 6, 7 or 8"))
            return "+212" + national
        if not 8 <= len(digits) <= 15:
            raise ValueError(_("an international number has 8 to 15 digits"))
        return "+" + digits
    if re.fullmatch(r"0[5-8]\d{8}", digits):
        return "+212" + digits[1:]
    raise ValueError(_("a Moroccan number has 10 digits starting with 05, 06, 07 or 08 (or +212)"))


# --- Identity documents -------------------------------------------------------------------------------------

ID_TYPES = ("cin", "passport", "residence_card", "refugee_card", "other")
_CIN = re.compile(r"[A-Z]{1,2}\d{1,6}")
_ID_SEPARATORS = re.compile(r"[\s\-./]")


def normalise_id_number(id_type: str, raw: str) -> str:
    """Upper case without spaces, dashes or dots; a CIN must look like one (1–2 letters, up to 6 digits)."""
    if id_type not in ID_TYPES:
        raise ValueError(f"unknown document type {id_type!r}")
    value = (raw or "").upper()
    if not value.isalnum():  # letters and digits only: nothing to remove
        value = _ID_SEPARATORS.sub("", value)
    if not value:
        raise ValueError(_("empty document number"))
    if not value.isalnum():
        raise ValueError(_("a document number has only letters and digits"))
    if id_type == "cin":
        if not _CIN.fullmatch(value):
            raise ValueError(_("a CIN is 1 or 2 letters followed by up to 6 digits, e.g. AB123456"))
        # Leading zeros are often dropped or added by hand: compare CIN numbers without them.
        letters = value.rstrip("0123456789")
        value = letters + value[len(letters) :].lstrip("0")
    return value


def id_lookup_key(id_type: str, normalised_number: str) -> str:
    """What the keyed hash is computed on: the type matters (a passport number may equal a CIN)."""
    return f"{id_type}:{normalised_number}"
