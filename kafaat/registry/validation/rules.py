"""One validation of a person's data, shared by the registration form, the API and the importer.

Input is a mapping of field → raw value (strings from a spreadsheet or a form, or typed values from the API);
output is the cleaned values ready for the model, or every error by field, in the user's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kafaat.core.l10n import countries
from kafaat.core.l10n.formatting import quoted
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


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    # The two usual forms without strptime (which looks up the locale on every call): what it gives for them.
    if len(text) == 10 and text.isascii() and text.replace("-", "").replace("/", "").isdigit():
        if text[4] == "-" == text[7]:
            with suppress(ValueError):
                return date(int(text[:4]), int(text[5:7]), int(text[8:]))
        elif text[2] == "/" == text[5]:
            with suppress(ValueError):
                return date(int(text[6:]), int(text[3:5]), int(text[:2]))
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


def choice(text: str, choices) -> str:
    """A choice by its code or by its label in any language the user might have typed."""
    if text in _choice_codes(choices):
        return text
    found = _choice_lookup(choices).get(normalise.normalise_arabic(normalise.normalise_latin(text.strip())))
    if found is not None:
        return found
    # The labels in the reader's language, which are accepted too: codes ("urban") are not words of theirs.
    raise ValueError(
        _("Choose one of: %(choices)s.") % {"choices": ", ".join(str(label) for label in choices.labels)}
    )


# --- The rules of a person ----------------------------------------------------------------------------------
#
# One declaration, two ways to apply it. Each rule reads a few raw fields and gives the cleaned values of a
# few fields, or errors by field; it is a pure function of its inputs and of the context (territories, today).
# `clean_person` applies every rule to one person (the form, the API, a service); `clean_columns`
# (validation_columns.py) applies them to whole columns of a file, each rule once per distinct combination of
# its inputs (an import of 100,000 people holds a few dozen sexes, statuses and communes, a few thousand names
# and dates). Both give the same values and the same messages because they run the same functions.


@dataclass(frozen=True)
class Context:
    territories: TerritoryIndex
    today: date


@dataclass(frozen=True)
class Rule:
    inputs: tuple[str, ...]  # raw fields read
    outputs: tuple[str, ...]  # cleaned fields given, in this order
    check: Callable[..., tuple[tuple, dict[str, str] | None]]  # (context, *raw values) → (values, errors)


def _t(value: Any) -> str:
    """A raw value as trimmed text; a whole float (a spreadsheet's 612345678.0) as an integer."""
    if value is None:
        return ""
    if type(value) is str:
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # spreadsheets turn 612345678 into 612345678.0
    return str(value).strip()


def _name_rule(arabic: bool) -> Callable:
    def check(ctx: Context, raw: Any) -> tuple[tuple, dict | None]:
        value = normalise.clean_name(_t(raw))
        error = None
        if len(value) > NAME_MAX_LENGTH:
            error = _("At most %(n)s characters.") % {"n": NAME_MAX_LENGTH}
        if value and normalise.has_arabic(value) != arabic:
            error = (
                _("Write this name in Arabic letters.") if arabic else _("Write this name in Latin letters.")
            )
        return (value,), error

    return check


def _with_key(key: str, check: Callable) -> Callable:
    def keyed(ctx: Context, *raw: Any) -> tuple[tuple, dict | None]:
        values, error = check(ctx, *raw)
        return values, {key: error} if error else None

    return keyed


def _some_name(ctx: Context, *names: Any) -> tuple[tuple, dict | None]:
    if any(normalise.clean_name(_t(name)) for name in names):  # a name of bidi controls alone is no name
        return (), None
    return (), {"last_name_latin": _("Give at least one name, in Arabic or Latin letters.")}


def _sex(ctx: Context, raw: Any) -> tuple[tuple, dict | None]:
    sex = _t(raw)
    if not sex:
        return (None,), {"sex": _("This field is required.")}
    found = SEX_WORDS.get(sex.lower()) or SEX_WORDS.get(sex)
    if found is None:
        return (None,), {"sex": _("Write F or M.")}
    return (found,), None


def _birth(ctx: Context, birth: Any, age_raw: Any, estimated_raw: Any) -> tuple[tuple, dict | None]:
    age = _t(age_raw)
    value, estimated, errors = None, False, {}
    if birth not in (None, ""):
        try:
            value = parse_date(birth)
        except ValueError as error:
            errors["birth_date"] = str(error)
        # An edit that keeps an estimated date keeps it estimated.
        estimated = estimated_raw is True
    elif age:
        try:
            years = int(float(age))
        except (ValueError, OverflowError):  # "abc", "nan", "inf"
            errors["age"] = _("Write the age in years.")
        else:
            if MIN_AGE <= years <= MAX_AGE:
                # Mid-year of the birth year that this age implies: half a year off at worst.
                value = ctx.today - timedelta(days=round(365.25 * years + 182))
                estimated = True
            else:  # checked before the date arithmetic: an age of 2030 years is no date at all
                errors["age"] = _("The age must be between %(min)s and %(max)s years.") % {
                    "min": MIN_AGE,
                    "max": MAX_AGE,
                }
    if value is not None and "birth_date" not in errors:
        years = (ctx.today - value).days / 365.25
        if not MIN_AGE <= years <= MAX_AGE:
            errors["age" if estimated else "birth_date"] = _(
                "The age must be between %(min)s and %(max)s years."
            ) % {"min": MIN_AGE, "max": MAX_AGE}
    return (value, estimated), errors or None


def _nationality_of(raw: Any) -> str:
    """The code a typed nationality names (empty: Moroccan); the text, upper-cased, when it names none."""
    text = _t(raw)
    return (countries.find(text) or text.upper()) if text else "MA"


def _nationality(ctx: Context, raw: Any) -> tuple[tuple, dict | None]:
    nationality = _nationality_of(raw)
    if nationality not in countries.names():  # "ZZ", "XX", "Atlantis": not a country of ISO 3166-1
        return (nationality[:2],), {
            "nationality": _(
                "Unknown country: %(value)s. Choose it from the list, or write its two-letter "
                "ISO code (MA, SN, SY…)."
            )
            % {"value": quoted(_t(raw))}
        }
    return (nationality,), None


def _migration_status(ctx: Context, raw: Any, nationality: Any) -> tuple[tuple, dict | None]:
    status = _t(raw)
    if not status:
        moroccan = _nationality_of(nationality) == "MA"
        return (MigrationStatus.MOROCCAN if moroccan else MigrationStatus.REGULAR_MIGRANT,), None
    try:
        return (choice(status, MigrationStatus),), None
    except ValueError as error:
        return (None,), {"migration_status": str(error)}


def _residence_text(commune: Any, territory: Any) -> str:
    return _t(commune) or _t(territory)


def _territory(ctx: Context, commune: Any, territory: Any) -> tuple[tuple, dict | None]:
    residence = _residence_text(commune, territory)
    if not residence:
        return (None,), {"commune": _("This field is required.")}
    found = ctx.territories.find(residence)
    if found is None:
        return (None,), {
            "commune": _("Unknown commune or province: %(value)s.") % {"value": quoted(residence)}
        }
    return (found,), None


def _area(ctx: Context, raw: Any, commune: Any, territory: Any) -> tuple[tuple, dict | None]:
    area = _t(raw)
    if not area:
        residence = _residence_text(commune, territory)
        return (_area_of(ctx.territories.find(residence) if residence else None),), None
    try:
        return (choice(area, Area),), None
    except ValueError as error:
        return (None,), {"area": str(error)}


def _phone(key: str) -> Callable:
    def check(ctx: Context, raw: Any) -> tuple[tuple, dict | None]:
        text = _t(raw)
        if not text:
            return ("",), None
        try:
            return (normalise.normalise_phone(text),), None
        except ValueError as error:
            return ("",), {key: _("Not a valid phone number (%(reason)s).") % {"reason": error}}

    return check


def _document(ctx: Context, type_raw: Any, number_raw: Any) -> tuple[tuple, dict | None]:
    id_type, id_number = _t(type_raw), _t(number_raw)
    if not (id_number or id_type):
        return ("", ""), None
    errors = {}
    value_type = value_number = ""
    try:
        value_type = choice(id_type, IdType) if id_type else IdType.CIN
    except ValueError as error:
        errors["id_type"] = str(error)
    if not id_number:
        errors["id_number"] = _("Give the document number, or leave the document type empty.")
    elif "id_type" not in errors:
        try:
            value_number = normalise.normalise_id_number(value_type, id_number)
        except ValueError as error:
            errors["id_number"] = _("Not a valid document number (%(reason)s).") % {"reason": error}
    return (value_type, value_number), errors or None


def _education(ctx: Context, raw: Any) -> tuple[tuple, dict | None]:
    education = _t(raw)
    try:
        return (choice(education, EducationLevel) if education else "",), None
    except ValueError as error:
        return (None,), {"education_level": str(error)}


def _yes_no(key: str, default: Any) -> Callable:
    def check(ctx: Context, raw: Any) -> tuple[tuple, dict | None]:
        try:
            value = parse_bool(raw)
        except ValueError as error:
            return (default,), {key: str(error)}
        return (value if default is None else bool(value),), None

    return check


def _languages(ctx: Context, raw: Any) -> tuple[tuple, dict | None]:
    languages = raw or []
    if isinstance(languages, str):
        languages = [part for part in languages.replace(";", ",").split(",") if part.strip()]
    values, error = [], None
    for language in languages:
        try:
            values.append(choice(str(language).strip(), Language))
        except ValueError:
            error = {"languages": _("Unknown language: %(value)s.") % {"value": language}}
    return (values,), error


def _washington_group(ctx: Context, *raw: Any) -> tuple[tuple, dict | None]:
    answers, errors = {}, {}
    for key, (domain, _label), value in zip(WG_FIELDS, WashingtonGroup.DOMAINS, raw, strict=True):
        text = _t(value)
        if not text:
            continue
        if text not in {"1", "2", "3", "4"}:
            errors[key] = _("Answer 1 (no difficulty) to 4 (cannot do at all).")
        else:
            answers[domain] = int(text)
    if answers and len(answers) != len(WG_FIELDS) and not errors:
        errors[WG_FIELDS[0]] = _("Answer all six Washington Group questions, or none.")
    return (answers or None,), errors or None


def _external_id(ctx: Context, raw: Any) -> tuple[tuple, dict | None]:
    return (_t(raw)[:64],), None


PERSON_RULES: tuple[Rule, ...] = (
    *(Rule((key,), (key,), _with_key(key, _name_rule(key.endswith("_ar")))) for key in NAME_FIELDS),
    Rule(NAME_FIELDS, (), _some_name),
    Rule(("sex",), ("sex",), _sex),
    Rule(("birth_date", "age", "birth_date_estimated"), ("birth_date", "birth_date_estimated"), _birth),
    Rule(("nationality",), ("nationality",), _nationality),
    Rule(("migration_status", "nationality"), ("migration_status",), _migration_status),
    Rule(("commune", "territory"), ("territory",), _territory),
    Rule(("area", "commune", "territory"), ("area",), _area),
    Rule(("phone",), ("phone",), _phone("phone")),
    Rule(("phone_alt",), ("phone_alt",), _phone("phone_alt")),
    Rule(("id_type", "id_number"), ("id_type", "id_number"), _document),
    Rule(("education_level",), ("education_level",), _education),
    Rule(("neet",), ("neet",), _yes_no("neet", None)),
    Rule(("household_head",), ("household_head",), _yes_no("household_head", False)),
    Rule(("languages",), ("languages",), _languages),
    Rule(WG_FIELDS, ("disability_answers",), _washington_group),
    Rule(("external_id",), ("external_id",), _external_id),
)


def clean_person(
    raw: Mapping[str, Any], territories: TerritoryIndex, *, today: date | None = None
) -> Cleaned:
    """Validate and normalise one person. Never raises for bad input: every problem lands in `errors`."""
    ctx = Context(territories, today or timezone.localdate())
    out = Cleaned()
    for rule in PERSON_RULES:
        values, errors = rule.check(ctx, *(raw.get(key) for key in rule.inputs))
        out.values.update(zip(rule.outputs, values, strict=True))
        if errors:
            out.errors.update(errors)
    return out


_AREA_OF_KIND = {Territory.Kind.URBAN: Area.URBAN, Territory.Kind.RURAL: Area.RURAL}


def _area_of(territory: Territory | None) -> str:
    if territory is None:
        return ""
    return _AREA_OF_KIND.get(territory.kind, "")
