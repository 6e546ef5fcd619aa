"""Matching keys for record linkage: names across Arabic and Latin script, dates of birth, phones, documents.

`normalise` folds the spellings of one script; this module goes further and makes values written in either
script comparable:

* `name_key` is a phonetic consonant skeleton shared by both scripts. Unwritten short vowels are why an
  Arabic name and its Latin spellings disagree on vowels, so vowels and the semi-vowels و ي (ou, w, y, i)
  are dropped; letters that Moroccan French spellings render alike are merged (ش ch sh → c, خ kh → x,
  غ gh rh → g, ق ك k q g → k, ث ت ط t th → t, ذ ض ظ د d dh → d, ص س s → s), ع and hamza vanish, the
  article ال / el- / al- is dropped, a final taa marbuta or h is dropped, doubled letters collapse and the
  words of a compound name are glued: «فاطمة الزهراء», "Fatima Zahra", "Fatimazahra", "Fatima Ezzahra" all
  give "ftmzhr"; «بنعلي», "Benali", "Ben Ali" give "bnl".
* `stem_key` also drops the particles ben / bent / ould / ait / ou, which clerks keep or leave out.
* `transliterate_arabic` renders Arabic the way Moroccan French civil-status spellings do (ou, ch, kh, j,
  el-/ben), for display beside the original and for people reading only Latin script.
* `parse_birth_date` reads the common written forms, keeps the day/month-swapped reading and turns a year or
  an age into a year-only value.

Everything here is pure Python on strings, so the same functions prepare records for DuckDB, for Spark
(`mapInArrow` over Arrow batches) and for the registration-time matcher.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime

from kafaat.registry import normalise

# --- Names --------------------------------------------------------------------------------------------------

_ARABIC_SKELETON = str.maketrans(
    {
        "ب": "b", "ت": "t", "ث": "t", "ج": "j", "ح": "h", "خ": "x", "د": "d", "ذ": "d", "ر": "r", "ز": "z",
        "س": "s", "ش": "c", "ص": "s", "ض": "d", "ط": "t", "ظ": "d", "غ": "k", "ف": "f", "ق": "k", "ك": "k",
        "ل": "l", "م": "m", "ن": "n", "ه": "h", "گ": "k", "ڭ": "k", "پ": "b", "ڤ": "f", "ژ": "j",
        "ا": "", "و": "", "ي": "", "ع": "",
    }
)  # fmt: skip
_LATIN_DIGRAPHS = (
    ("sch", "C"), ("ch", "C"), ("sh", "C"), ("kh", "X"), ("gh", "G"), ("th", "t"), ("dh", "d"), ("dj", "j"),
    ("ph", "f"), ("ck", "k"), ("qu", "k"),
)  # fmt: skip
# Upper-case letters are placeholders for ch/sh, kh and gh, so that the plain c and g rules leave them alone.
_LATIN_SKELETON = str.maketrans(
    {"q": "k", "p": "b", "v": "f", "a": "", "e": "", "i": "", "o": "", "u": "", "y": "", "w": ""}
)
_SOFT_C = re.compile(r"c(?=[eiy])")
_SOFT_G = re.compile(r"g(?=[eiy])")
_DOUBLED = re.compile(r"(.)\1+")
# Words that are not part of a name's identity in either script: the article, "son/daughter of", "people of".
_ARTICLES = {"el", "al", "l", "ال"}
_PARTICLES = {
    "ben",
    "bent",
    "bint",
    "bin",
    "ibn",
    "ould",
    "ait",
    "ou",
    "bnt",
    "بن",
    "بنت",
    "ولد",
    "ايت",
    "او",
}
# Abbreviations clerks use for the most frequent first names.
_ABBREVIATIONS = {"med": "mohamed", "mhd": "mohamed", "mohd": "mohamed", "md": "mohamed", "abd": "abdel"}


_ASSIMILATED = re.compile(r"e(?=(ch|([bcdfgjklmnpqrstvz])\2))")


def _initial_vowel(word: str) -> bool:
    """A word that starts with a vowel sound (Ahmed, Omar, Imane, Oussama), not with w (Ouafae, Ouazzani)."""
    if word[:2] == "ou" and len(word) > 2 and word[2] in "aeiy":
        return False
    return word[0] in "aeiou"


def _latin_word_key(word: str, first: bool = False) -> str:
    word = _ABBREVIATIONS.get(word, word)
    if word.startswith("rh"):  # Rhita, Rharbi: the French rendering of غ at the start of a word
        word = "gh" + word[2:]
    if len(word) > 4 and word[:2] in ("el", "al"):  # glued article: Elfassi, Elamrani (not Alaoui, Alami)
        rest = word[2:]
        if (rest[0] not in "aeiouyl") or (rest[0] != "l" and len(_latin_word_key(rest)) >= 3):
            word = rest
    elif len(word) > 3 and _ASSIMILATED.match(word):  # Ezzahra, Ettazi, Echarkaoui, Eddine
        word = word[1:]
    marker = "a" if first and _initial_vowel(word) else ""
    word = word.replace("x", "ks")
    for digraph, letter in _LATIN_DIGRAPHS:
        word = word.replace(digraph, letter)
    word = _SOFT_G.sub("j", _SOFT_C.sub("s", word)).replace("c", "k").replace("g", "k").replace("G", "k")
    return marker + word.translate(_LATIN_SKELETON).lower()


_SUN = set("تثدذرزسشصضطظلن")
# Before the hamza forms are folded: «إل» opens a name (Ilyas, Ilham), not the article; ة is written a or,
# after alef, t (Hayat, Najat).
_ARABIC_PRE = ((re.compile(r"(^|\s)إل"), r"\1عل"), (re.compile("اة"), "ات"), (re.compile("ة"), ""))


def _arabic_word_key(word: str, after_abd: bool, first: bool = False) -> str:
    if word.startswith("ال") and len(word) > 3:
        # After عبد the article is written: Abdelaziz, but assimilated before a sun letter: Abderrahim.
        word = word[1:] if after_abd and word[2] not in _SUN else word[2:]
    if len(word) >= 4 and word.endswith("ه"):  # a taa marbuta typed as ه (فاطمه), not الله or طه
        word = word[:-1]
    # The initial vowel of a name, which Latin spellings write (Ahmed / Hamid, Omar / Marouane).
    marker = "a" if first and word[:1] in ("ا", "ع") else ""
    return marker + word.translate(_ARABIC_SKELETON)


def _words(text: str) -> list[str]:
    if normalise.has_arabic(text):
        for pattern, replacement in _ARABIC_PRE:
            text = pattern.sub(replacement, text)
        text = re.sub(r"(^|\s)عبدال", r"\1عبد ال", text)
    return [w for w in normalise.name_tokens(text or "") if not w.isdigit()]


@functools.lru_cache(maxsize=200_000)
def _word_keys(text: str, drop_particles: bool) -> tuple[str, ...]:
    keys = []
    previous = ""
    for word in _words(text):
        if word in _ARTICLES or (drop_particles and word in _PARTICLES):
            previous = word
            continue
        if normalise.has_arabic(word):
            key = _arabic_word_key(word, previous == "عبد", first=not keys)
        else:
            key = _latin_word_key(word, first=not keys)
        previous = word
        keys.append(_DOUBLED.sub(r"\1", key) or "a")
    return tuple(keys)


def name_key(text: str) -> str:
    """The script-independent phonetic key of a (possibly compound) name: its words' skeletons glued.

    A name made only of vowels and semi-vowels (Aya, آية) has an empty skeleton: it gets the key "a".
    """
    key = _DOUBLED.sub(r"\1", "".join(_word_keys(text, False)))
    return key or ("a" if _words(text) else "")


def stem_key(text: str) -> str:
    """`name_key` without the particles ben / bent / ould / ait / ou, glued or separate; never empty."""
    key = _DOUBLED.sub(r"\1", "".join(_word_keys(text, True)))
    if key.startswith("bn") and len(key) > 2:  # glued: Benjelloun, بنعلي (never Abdel…)
        key = key[2:]
    if key.startswith("l") and len(key) > 2:  # the article written L: Lamrani, Lazrak, Lahlou
        key = key[1:]
    if key.startswith("a") and len(key) >= 2:  # the initial vowel, often dropped with the article
        key = key[1:]
    return key or name_key(text)


def first_word_key(text: str) -> str:
    """Key of the first word of a compound first name (Fatima Zahra → Fatima), for partial agreement."""
    keys = _word_keys(text, True)
    if not keys:
        return ""
    if keys[0] in ("abd", "abdl", "ab"):  # عبد…, Abdel…, Abou…: the first word is not a name on its own
        return name_key(text)
    return keys[0]


def word_keys(*texts: str) -> list[str]:
    """The distinct keys of every word of the given names, sorted (for token-overlap comparisons)."""
    return sorted({k for text in texts for k in _word_keys(text, True) if len(k) > 1})


_TRANSLITERATION = {
    "ا": "a", "ب": "b", "ت": "t", "ث": "t", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "d", "ر": "r",
    "ز": "z", "س": "s", "ش": "ch", "ص": "s", "ض": "d", "ط": "t", "ظ": "d", "ع": "a", "غ": "gh", "ف": "f",
    "ق": "k", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "ou", "ي": "i", "گ": "g", "ڭ": "g",
}  # fmt: skip
_SUN_LETTERS = set("تثدذرزسشصضطظلن")


@functools.lru_cache(maxsize=50_000)
def transliterate_arabic(text: str) -> str:
    """Moroccan French rendering of an Arabic name: «فاطمة الزهراء بنعلي» → 'Fatma Ezzahra Benali'-like.

    Short vowels are not written in Arabic, so an 'a' is put between two consonants that would otherwise
    meet; the result is a readable key, not a civil-status spelling.
    """
    words = []
    for word in normalise.normalise_arabic(text or "").split():
        prefix = ""
        if word.startswith("ال") and len(word) > 3:
            word = word[2:]
            prefix = "e" + _TRANSLITERATION[word[0]] if word[0] in _SUN_LETTERS else "el"
        elif word in ("بن", "بنت", "ولد"):
            words.append({"بن": "ben", "بنت": "bent", "ولد": "ould"}[word])
            continue
        elif word.startswith("بن") and len(word) > 3:
            prefix, word = "ben", word[2:]
        out, previous_consonant = prefix, bool(prefix) and prefix[-1] not in "aeiou"
        for i, letter in enumerate(word):
            latin = _TRANSLITERATION.get(letter, "")
            if letter == "ه" and i == len(word) - 1 and i > 0:
                latin = "a"  # taa marbuta
            if letter == "ي" and (i == 0 or word[i - 1] in "اوي"):
                latin = "y"
            consonant = bool(latin) and latin[0] not in "aeiou"
            if consonant and previous_consonant and i > 0:
                out += "a"
            out += latin
            previous_consonant = consonant and latin != "y"
        words.append(out)
    return " ".join(w.capitalize() for w in words if w)


# --- Dates of birth -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BirthDate:
    """What a written date of birth tells: the date if complete, the year, and the day/month-swapped date."""

    value: date | None = None
    year: int | None = None
    swapped: date | None = None
    year_only: bool = False

    @property
    def iso(self) -> str | None:
        return self.value.isoformat() if self.value else None

    @property
    def swapped_iso(self) -> str | None:
        return self.swapped.isoformat() if self.swapped else None


_MONTHS = {
    "jan": 1, "janv": 1, "janvier": 1, "january": 1, "feb": 2, "fev": 2, "fevr": 2, "fevrier": 2,
    "february": 2, "mar": 3, "mars": 3, "march": 3, "apr": 4, "avr": 4, "avril": 4, "april": 4, "mai": 5,
    "may": 5, "jun": 6, "juin": 6, "june": 6, "jul": 7, "juil": 7, "juillet": 7, "july": 7, "aou": 8,
    "aout": 8, "aug": 8, "august": 8, "sep": 9, "sept": 9, "septembre": 9, "september": 9, "oct": 10,
    "octobre": 10, "october": 10, "nov": 11, "novembre": 11, "november": 11, "dec": 12, "decembre": 12,
    "december": 12,
}  # fmt: skip
_NUMERIC_DATE = re.compile(r"(\d{1,4})[\s/.\-](\d{1,2})[\s/.\-](\d{1,4})")
_WORD_DATE = re.compile(r"(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})")
_AGE = re.compile(r"(?:age\s*:?\s*)?(\d{1,2})\s*(?:ans?|years?|y)?")


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day) if 1900 <= year <= 2100 else None
    except ValueError:
        return None


def _full_year(year: int) -> int:
    return year + (1900 if year >= 30 else 2000) if year < 100 else year


def parse_birth_date(raw, *, estimated: bool = False, reference_year: int | None = None) -> BirthDate:
    """Read a date of birth written in any common way; a year alone or an age gives a year-only value.

    Day first unless the first number is a year (ISO) or cannot be a day: '03/12/2001' is 3 December, and
    its swapped reading (12 March) is kept for the comparison. `estimated` marks a date derived from an age.
    """
    if raw is None or raw == "":
        return BirthDate()
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        if estimated:
            return BirthDate(year=raw.year, year_only=True)
        swapped = _safe_date(raw.year, raw.day, raw.month) if raw.day <= 12 and raw.day != raw.month else None
        return BirthDate(raw, raw.year, swapped)
    text = normalise.normalise_latin(str(raw)).strip()
    match = _NUMERIC_DATE.fullmatch(text.split("t")[0].split(" 00:")[0].strip())
    if match:
        a, b, c = (int(g) for g in match.groups())
        if len(match.group(1)) == 4:
            year, month, day = a, b, c
        else:
            day, month, year = a, b, _full_year(c)
            if month > 12 >= day:
                day, month = month, day
        value = _safe_date(year, month, day)
        if value is None:
            return BirthDate(year=year, year_only=True) if 1900 <= year <= 2100 else BirthDate()
        return parse_birth_date(value, estimated=estimated)
    match = _WORD_DATE.fullmatch(text)
    if match and match.group(2) in _MONTHS:
        value = _safe_date(int(match.group(3)), _MONTHS[match.group(2)], int(match.group(1)))
        return parse_birth_date(value) if value else BirthDate()
    if re.fullmatch(r"\d{4}(\.0)?", text):
        year = int(text[:4])
        return BirthDate(year=year, year_only=True) if 1900 <= year <= 2100 else BirthDate()
    match = _AGE.fullmatch(text)
    if match:
        year = (reference_year or date.today().year) - int(match.group(1))
        return BirthDate(year=year, year_only=True)
    return BirthDate()


# --- Phones and documents -----------------------------------------------------------------------------------


def phone_key(raw) -> str:
    """E.164 form of a phone number, '' when it cannot be one (the comparison then treats it as missing)."""
    if raw is None:
        return ""
    text = str(raw).strip()
    if re.fullmatch(r"\d+\.0", text):  # a spreadsheet that read the number as a float
        text = text[:-2]
    if re.fullmatch(r"[5-8]\d{8}", text):  # the leading 0 eaten by a spreadsheet
        text = "0" + text
    try:
        return normalise.normalise_phone(text)
    except ValueError:
        return ""


def id_key(raw, id_type: str = "") -> str:
    """A document number comparable across files: upper case, no separators, CIN without leading zeros."""
    if raw is None or str(raw).strip() == "":
        return ""
    text = str(raw)
    for kind in ([id_type] if id_type in normalise.ID_TYPES else []) + ["cin", "other"]:
        try:
            return normalise.normalise_id_number(kind, text)
        except ValueError:
            continue
    return ""


# Moved here from linkage.py: linkage_settings reads it too, and linkage imports linkage_settings.
# Columns each comparison reads; a comparison whose columns are all empty is left out of the model.
COMPARISON_COLUMNS = {
    "first_name": ("fn_k1",),
    "last_name": ("ln_k1",),
    "birth_date": ("dob_year",),
    "phone": ("phone1",),
    "id_number": ("id_key",),
    "sex": ("sex",),
    "place": ("commune", "province"),
    "address": ("address",),
    "postcode": ("postcode",),
}

# Blocking: each rule with the columns it needs. Together they keep about ten comparisons per record. Here,
# below Splink, so that the registration-time matcher and the registry's match keys use them without it.
BLOCKING_RULES = (
    ("name_pair1",),  # same first and last name keys, in either order
    ("name_pair2",),
    ("phone1",),
    ("id_key",),
    ("dob", "ln_s1"),
    ("dob", "fn_k1"),
    ("dob", "commune"),
    ("fn_k1", "ln_s1", "dob_year"),
    ("fn_k1", "ln_s1", "province"),
    ("ln_s1", "dob_year", "commune"),  # first name mistyped and birth date not quite the same
    ("address", "dob_year"),
    ("postcode", "fn_k1"),
)
