"""One validation of a person's data, shared by the registration form, the API and the importer.

Input is a mapping of field → raw value (strings from a spreadsheet or a form, or typed values from the API);
output is the cleaned values ready for the model, or every error by field, in the user's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kafaat.core.models import Territory
from kafaat.registry import normalise
from kafaat.registry.models import (
    Area,
    EducationLevel,
    IdType,
    Language,
    MigrationStatus,
    Sex,
    WashingtonGroup,
)

NAME_FIELDS = ("first_name_ar", "last_name_ar", "first_name_latin", "last_name_latin")
WG_FIELDS = tuple(f"wg_{domain}" for domain, _label in WashingtonGroup.DOMAINS)
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d")
TRUE_WORDS = {"1", "true", "yes", "oui", "o", "y", "نعم", "x", "vrai"}
FALSE_WORDS = {"0", "false", "no", "non", "n", "لا", "faux"}
SEX_WORDS = {
    "f": Sex.FEMALE, "female": Sex.FEMALE, "femme": Sex.FEMALE, "feminin": Sex.FEMALE, "féminin": Sex.FEMALE,
    "أنثى": Sex.FEMALE, "انثى": Sex.FEMALE, "m": Sex.MALE, "h": Sex.MALE, "male": Sex.MALE, "homme": Sex.MALE,
    "masculin": Sex.MALE, "ذكر": Sex.MALE,
}  # fmt: skip
MIN_AGE, MAX_AGE = 10, 100
NAME_MAX_LENGTH = 100  # the model's column size


class TerritoryIndex:
    """Territories by code and by normalised name, loaded once: an import makes no query per row."""

    def __init__(self) -> None:
        self.by_code: dict[str, Territory] = {}
        self.by_name: dict[str, Territory] = {}
        ambiguous: set[str] = set()
        for territory in Territory.objects.filter(level__in=["commune", "province"]).only(
            "id", "code", "level", "kind", "path", "name_fr", "name_ar", "name_en"
        ):
            self.by_code[territory.code.upper()] = territory
            for name in {territory.name_fr, territory.name_ar, territory.name_en}:
                key = " ".join(normalise.name_tokens(name))
                if not key:
                    continue
                previous = self.by_name.get(key)
                # A commune name wins over a province of the same name (Oujda commune vs Oujda-Angad).
                if previous is not None and previous.level == territory.level and previous.pk != territory.pk:
                    ambiguous.add(key)
                if previous is None or previous.level == "province":
                    self.by_name[key] = territory
        for key in ambiguous:
            self.by_name.pop(key, None)

    def find(self, raw: str) -> Territory | None:
        text = raw.strip()
        return self.by_code.get(text.upper()) or self.by_name.get(" ".join(normalise.name_tokens(text)))


_shared_index: dict[tuple, TerritoryIndex] = {}


def territory_index() -> TerritoryIndex:
    """The process's index, rebuilt only when the territories change (~20 ms to build, ~1 ms to check)."""
    fingerprint = tuple(Territory.objects.aggregate(n=Count("id"), last=Max("id")).values())
    index = _shared_index.get(fingerprint)
    if index is None:
        _shared_index.clear()
        index = _shared_index[fingerprint] = TerritoryIndex()
    return index


@receiver([post_save, post_delete], sender=Territory)
def _territories_changed(**kwargs) -> None:
    # A renamed territory keeps its count and ids: forget the index outright.
    _shared_index.clear()


@dataclass
class Cleaned:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if type(value) is str:  # the common case, first: an import calls this 22 times a row
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # spreadsheets turn 612345678 into 612345678.0
    return str(value).strip()


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 — a calendar date, no time zone
        except ValueError:
            continue
    raise ValueError(_("Write the date as DD/MM/YYYY or YYYY-MM-DD."))


def parse_bool(value: Any) -> bool | None:
    if isinstance(value, bool) or value is None:
        return value
    text = str(value).strip().lower()
    if text == "":
        return None
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(_("Answer yes or no."))


@cache
def _choice_codes(choices) -> frozenset[str]:
    # `choices.values` builds a new list on every access: the import calls this for every cell.
    return frozenset(choices.values)


@cache
def _choice_lookup(choices) -> dict[str, str]:
    """Folded code or label (fr, ar, en) → value; built once per choice list, translations being fixed."""
    lookup: dict[str, str] = {}
    for language in ("en", "ar", "fr"):
        with translation.override(language):
            for value, label in choices.choices:
                lookup[normalise.normalise_arabic(normalise.normalise_latin(str(label)))] = value
    for value in choices.values:
        lookup[value] = lookup[value.replace("_", " ")] = value
    return lookup


def _choice(text: str, choices) -> str:
    """A choice by its code or by its label in any language the user might have typed."""
    if text in _choice_codes(choices):
        return text
    found = _choice_lookup(choices).get(normalise.normalise_arabic(normalise.normalise_latin(text.strip())))
    if found is not None:
        return found
    raise ValueError(_("Choose one of: %(choices)s.") % {"choices": ", ".join(choices.values)})


def clean_person(
    raw: Mapping[str, Any], territories: TerritoryIndex, *, today: date | None = None
) -> Cleaned:
    """Validate and normalise one person. Never raises for bad input: every problem lands in `errors`."""
    today = today or timezone.localdate()
    out = Cleaned()
    values, errors = out.values, out.errors

    for key in NAME_FIELDS:
        values[key] = normalise.clean_name(_text(raw, key))
        if len(values[key]) > NAME_MAX_LENGTH:
            errors[key] = _("At most %(n)s characters.") % {"n": NAME_MAX_LENGTH}
    for key in ("first_name_ar", "last_name_ar"):
        if values[key] and not normalise.has_arabic(values[key]):
            errors[key] = _("Write this name in Arabic letters.")
    for key in ("first_name_latin", "last_name_latin"):
        if values[key] and normalise.has_arabic(values[key]):
            errors[key] = _("Write this name in Latin letters.")
    if not any(values[key] for key in NAME_FIELDS):
        errors["last_name_latin"] = _("Give at least one name, in Arabic or Latin letters.")

    sex = _text(raw, "sex")
    if not sex:
        errors["sex"] = _("This field is required.")
    else:
        found = SEX_WORDS.get(sex.lower()) or SEX_WORDS.get(sex)
        if found is None:
            errors["sex"] = _("Write F or M.")
        else:
            values["sex"] = found

    birth, age = raw.get("birth_date"), _text(raw, "age")
    values["birth_date"], values["birth_date_estimated"] = None, False
    if birth not in (None, ""):
        try:
            values["birth_date"] = parse_date(birth)
        except ValueError as error:
            errors["birth_date"] = str(error)
        # An edit that keeps an estimated date keeps it estimated.
        values["birth_date_estimated"] = raw.get("birth_date_estimated") is True
    elif age:
        try:
            years = int(float(age))
        except (ValueError, OverflowError):  # "abc", "nan", "inf"
            errors["age"] = _("Write the age in years.")
        else:
            if MIN_AGE <= years <= MAX_AGE:
                # Mid-year of the birth year that this age implies: half a year off at worst.
                values["birth_date"] = today - timedelta(days=round(365.25 * years + 182))
                values["birth_date_estimated"] = True
            else:  # checked before the date arithmetic: an age of 2030 years is no date at all
                errors["age"] = _("The age must be between %(min)s and %(max)s years.") % {
                    "min": MIN_AGE,
                    "max": MAX_AGE,
                }
    if values["birth_date"] is not None and "birth_date" not in errors:
        years = (today - values["birth_date"]).days / 365.25
        if not MIN_AGE <= years <= MAX_AGE:
            errors["age" if values["birth_date_estimated"] else "birth_date"] = _(
                "The age must be between %(min)s and %(max)s years."
            ) % {"min": MIN_AGE, "max": MAX_AGE}

    nationality = (_text(raw, "nationality") or "MA").upper()
    if len(nationality) != 2 or not nationality.isalpha():
        errors["nationality"] = _("Use the two-letter country code (MA, SN, SY…).")
    values["nationality"] = nationality

    status = _text(raw, "migration_status")
    try:
        values["migration_status"] = (
            _choice(status, MigrationStatus)
            if status
            else (MigrationStatus.MOROCCAN if nationality == "MA" else MigrationStatus.REGULAR_MIGRANT)
        )
    except ValueError as error:
        errors["migration_status"] = str(error)

    residence = _text(raw, "commune") or _text(raw, "territory")
    territory = territories.find(residence) if residence else None
    if not residence:
        errors["commune"] = _("This field is required.")
    elif territory is None:
        errors["commune"] = _("Unknown commune or province: %(value)s.") % {"value": residence}
    values["territory"] = territory

    area = _text(raw, "area")
    try:
        values["area"] = _choice(area, Area) if area else _area_of(territory)
    except ValueError as error:
        errors["area"] = str(error)

    for key in ("phone", "phone_alt"):
        text = _text(raw, key)
        values[key] = ""
        if text:
            try:
                values[key] = normalise.normalise_phone(text)
            except ValueError as error:
                errors[key] = _("Not a valid phone number (%(reason)s).") % {"reason": error}

    id_type, id_number = _text(raw, "id_type"), _text(raw, "id_number")
    values["id_type"], values["id_number"] = "", ""
    if id_number or id_type:
        try:
            values["id_type"] = _choice(id_type, IdType) if id_type else IdType.CIN
        except ValueError as error:
            errors["id_type"] = str(error)
        if not id_number:
            errors["id_number"] = _("Give the document number, or leave the document type empty.")
        elif "id_type" not in errors:
            try:
                values["id_number"] = normalise.normalise_id_number(values["id_type"], id_number)
            except ValueError as error:
                errors["id_number"] = _("Not a valid document number (%(reason)s).") % {"reason": error}

    education = _text(raw, "education_level")
    try:
        values["education_level"] = _choice(education, EducationLevel) if education else ""
    except ValueError as error:
        errors["education_level"] = str(error)

    for key in ("neet", "household_head"):
        try:
            values[key] = parse_bool(raw.get(key))
        except ValueError as error:
            errors[key] = str(error)
    values["household_head"] = bool(values.get("household_head"))

    languages = raw.get("languages") or []
    if isinstance(languages, str):
        languages = [part for part in languages.replace(";", ",").split(",") if part.strip()]
    values["languages"] = []
    for language in languages:
        try:
            values["languages"].append(_choice(str(language).strip(), Language))
        except ValueError:
            errors["languages"] = _("Unknown language: %(value)s.") % {"value": language}

    answers = {}
    for key, (domain, _label) in zip(WG_FIELDS, WashingtonGroup.DOMAINS, strict=True):
        text = _text(raw, key)
        if not text:
            continue
        if text not in {"1", "2", "3", "4"}:
            errors[key] = _("Answer 1 (no difficulty) to 4 (cannot do at all).")
        else:
            answers[domain] = int(text)
    if answers and len(answers) != len(WG_FIELDS) and not any(k in errors for k in WG_FIELDS):
        errors[WG_FIELDS[0]] = _("Answer all six Washington Group questions, or none.")
    values["disability_answers"] = answers or None

    values["external_id"] = _text(raw, "external_id")[:64]
    return out


_AREA_OF_KIND = {Territory.Kind.URBAN: Area.URBAN, Territory.Kind.RURAL: Area.RURAL}


def _area_of(territory: Territory | None) -> str:
    if territory is None:
        return ""
    return _AREA_OF_KIND.get(territory.kind, "")
