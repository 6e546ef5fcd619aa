"""Employers, vacancies and occupation coding: the business rules shared by pages, API, import and demo."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kafaat.core import access, audit
from kafaat.core import services as core_services
from kafaat.core.imports import fold
from kafaat.core.l10n.text import strip_bidi_controls
from kafaat.core.models import Organisation, Territory
from kafaat.labour import classifier
from kafaat.labour.access_rules import CHANGE_LABOUR, VIEW_LABOUR
from kafaat.labour.models import (
    CodingDecision,
    CodingStatus,
    ContractType,
    Employer,
    Occupation,
    RequiredLevel,
    SizeBand,
    Source,
    Vacancy,
)

DUPLICATE_WINDOW_DAYS = 30  # the same ad posted again within this many days is the same vacancy
AUTO_CONFIRM = False  # suggestions always wait for a person; the score orders the review queue
_LEGAL_FORMS = re.compile(r"\b(sarl ?au|sarl|sa|sas|ste|societe|ets|etablissements|group|groupe|cie|co)\b")


class DuplicateVacancy(ValidationError):
    """The ad is already there (same employer, title and territory within the window)."""

    def __init__(self, existing: Vacancy):
        self.existing = existing
        super().__init__(
            _("The same vacancy was already posted on %(day)s (no. %(id)s).")
            % {"day": existing.posted_on.isoformat(), "id": existing.pk}
        )


def employer_key(name: str) -> str:
    """An employer's name as compared: no accents, case, punctuation or legal form (SARL, SA, Sté…)."""
    text = unicodedata.normalize("NFKD", str(name or ""))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[^a-z0-9\u0600-\u06ff]+", " ", text.replace(".", ""))
    return " ".join(_LEGAL_FORMS.sub(" ", text).split())[:200]


def organisation_for(user, organisation: Organisation | None = None) -> Organisation:
    """Where the user enters labour records: the one given if they may, else their only one."""
    return core_services.organisation_for(user, CHANGE_LABOUR, organisation)


# --- Reading ------------------------------------------------------------------------------------------------


def employers_for(user) -> QuerySet[Employer]:
    return access.scoped(user, VIEW_LABOUR, Employer.objects.select_related("sector", "territory"))


# --- The registry as placements pick from it --------------------------------------------------------------
# A placement names its employer as "Name — Territory", the label the step form suggests; the step links the
# employer that label names, or keeps the text, to be matched.

LABEL_SEPARATOR = " — "


def employer_label(employer: Employer) -> str:
    """ "Atlas Textiles — Oujda", in the page's language."""
    return f"{employer.name}{LABEL_SEPARATOR}{employer.territory.name}"


def employer_suggestions(user, text: str = "", limit: int = 20) -> list[str]:
    """Labels of the registry's employers whose name contains the text."""
    employers = employers_for(user)
    for word in text.replace(LABEL_SEPARATOR.strip(), " ").split()[:4]:
        employers = employers.filter(
            Q(name__icontains=word)
            | Q(territory__name_fr__icontains=word)
            | Q(territory__name_ar__icontains=word)
        )
    return sorted({employer_label(e) for e in employers.order_by("name", "pk")[:limit]}, key=fold)


def _place_keys(employer: Employer) -> set[str]:
    territory = employer.territory
    return {fold(name) for name in (territory.name_fr, territory.name_ar, territory.name_en) if name}


class EmployerFinder:
    """The employer of the user's registry that a typed label names ("Name — Territory", or a name alone),
    else None; each distinct text looked up once. The same name in the same place entered by two
    organisations is one employer entered twice: the user's own organisation's record is taken, else the
    first entered. The same name in two places, without the place, is not guessed."""

    def __init__(self, user, organisation: Organisation | None = None) -> None:
        self.employers = employers_for(user)
        self.organisation_id = organisation.pk if organisation else None
        self.found: dict[str, Employer | None] = {}

    def find(self, text: str) -> Employer | None:
        text = " ".join((text or "").split())
        if not text:
            return None
        if text not in self.found:
            self.found[text] = self._look_up(text)
        return self.found[text]

    def _look_up(self, text: str) -> Employer | None:
        name, _separator, place = text.rpartition(LABEL_SEPARATOR)
        name, place = (name, place) if name else (text, "")
        found = list(self.employers.filter(name_key=employer_key(name)).order_by("pk")[:50])
        if place:  # compared folded in Python: SQLite's case-insensitive match knows ASCII only
            found = [employer for employer in found if fold(place) in _place_keys(employer)]
        if len({employer.territory_id for employer in found}) != 1:
            return None  # none, or the same name in several places
        own = [employer for employer in found if employer.organisation_id == self.organisation_id]
        return (own or found)[0]


def vacancies_for(user) -> QuerySet[Vacancy]:
    queryset = Vacancy.objects.select_related("employer", "occupation", "sector", "territory", "organisation")
    return access.scoped(user, VIEW_LABOUR, queryset)


@dataclass
class VacancyFilters:
    q: str = ""
    occupation: str = ""  # an ISCO code prefix: 1 to 4 digits
    sector: str = ""  # ISIC section letter or division
    territory: Territory | None = None
    contract_type: str = ""
    coding_status: str = ""
    posted_from: date | None = None
    posted_to: date | None = None


def filter_vacancies(queryset: QuerySet[Vacancy], filters: VacancyFilters) -> QuerySet[Vacancy]:
    if filters.q:
        queryset = queryset.filter(title__icontains=filters.q.strip()) | queryset.filter(
            employer__name__icontains=filters.q.strip()
        )
    if filters.occupation:
        queryset = queryset.filter(occupation__code__startswith=filters.occupation)
    if filters.sector:
        field = "sector__parent__code" if filters.sector.isalpha() else "sector__code"
        queryset = queryset.filter(**{field: filters.sector.upper()})
    if filters.territory is not None:
        queryset = queryset.filter(territory__path__startswith=filters.territory.path)
    if filters.contract_type:
        queryset = queryset.filter(contract_type=filters.contract_type)
    if filters.coding_status:
        queryset = queryset.filter(coding_status=filters.coding_status)
    if filters.posted_from:
        queryset = queryset.filter(posted_on__gte=filters.posted_from)
    if filters.posted_to:
        queryset = queryset.filter(posted_on__lte=filters.posted_to)
    return queryset


def may_change(user, obj) -> bool:
    return access.has_permission(user, CHANGE_LABOUR, obj)


# --- Employers ----------------------------------------------------------------------------------------------

EMPLOYER_FIELDS = ("name", "sector", "territory", "size", "ice")


def _clean_employer(values: dict[str, Any]) -> dict[str, Any]:
    errors = {}
    name = strip_bidi_controls(str(values.get("name") or "")).strip()
    if not name:
        errors["name"] = _("Give the employer's name.")
    if values.get("territory") is None:
        errors["territory"] = _("Give the employer's province or commune.")
    if values.get("size") and values["size"] not in SizeBand.values:
        errors["size"] = _("Choose one of: %(choices)s.") % {"choices": ", ".join(SizeBand.values)}
    if errors:
        raise ValidationError(errors)
    return {**values, "name": name[:200], "ice": str(values.get("ice") or "").strip()[:20]}


def create_employer(user, organisation: Organisation | None = None, **values) -> Employer:
    organisation = organisation_for(user, organisation)
    values = _clean_employer(values)
    key = employer_key(values["name"])
    if Employer.objects.filter(
        organisation=organisation, name_key=key, territory=values["territory"]
    ).exists():
        raise ValidationError({"name": _("Your organisation already has this employer in this territory.")})
    employer = Employer.objects.create(organisation=organisation, name_key=key, created_by=user, **values)
    audit.record(audit.Action.CREATE, user, employer)
    return employer


def update_employer(user, employer: Employer, **values) -> Employer:
    access.require(user, CHANGE_LABOUR, employer)
    before = {field: str(getattr(employer, field)) for field in EMPLOYER_FIELDS}
    merged = {field: getattr(employer, field) for field in EMPLOYER_FIELDS} | values
    merged = _clean_employer(merged)
    for field in EMPLOYER_FIELDS:
        setattr(employer, field, merged[field])
    employer.name_key = employer_key(employer.name)
    employer.save()
    after = {field: str(getattr(employer, field)) for field in EMPLOYER_FIELDS}
    audit.record(
        audit.Action.UPDATE, user, employer, details={"changes": audit.changes_between(before, after)}
    )
    return employer


# --- Vacancies ----------------------------------------------------------------------------------------------

EARLIEST_POSTING = date(1990, 1, 1)  # the observatory's first year: no labour-market data is older
BLANK_WHEN_NULL = ("description", "contract_type", "required_level")  # null there means "not known": ""
VACANCY_FIELDS = (
    "employer", "title", "description", "occupation", "sector", "territory", "positions", "contract_type",
    "required_level", "posted_on", "source", "source_name", "external_id",
)  # fmt: skip


def clean_vacancy(values: dict[str, Any], *, today: date | None = None) -> dict[str, str]:
    """Errors by field of a vacancy's values (model objects already resolved); empty when it is good."""
    errors: dict[str, str] = {}
    title = str(values.get("title") or "").strip()
    if not title:
        errors["title"] = _("Give the job title.")
    elif len(title) > 200:
        errors["title"] = _("A job title has at most 200 characters.")
    if values.get("employer") is None and not values.get("employer_name"):
        errors["employer"] = _("Give the employer.")
    if values.get("territory") is None:
        errors["territory"] = _("Give the province or commune of the job.")
    positions = values.get("positions", 1)
    if not isinstance(positions, int) or not 1 <= positions <= 10_000:
        errors["positions"] = _("Give a whole number of positions between 1 and 10,000.")
    posted = values.get("posted_on")
    if not isinstance(posted, date):
        errors["posted_on"] = _("Give the posting date.")
    elif posted > (today or date.today()) + timedelta(days=1):
        errors["posted_on"] = _("The posting date cannot be in the future.")
    elif posted < EARLIEST_POSTING:  # year 1 is a typing slip, and its duplicate window would overflow
        errors["posted_on"] = _("The posting date cannot be before %(day)s.") % {
            "day": EARLIEST_POSTING.isoformat()
        }
    for field, choices in (
        ("contract_type", ContractType),
        ("required_level", RequiredLevel),
        ("source", Source),
    ):
        if values.get(field) and values[field] not in choices.values:
            errors[field] = _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices.values)}
    occupation = values.get("occupation")
    if occupation is not None and occupation.level != 4:
        errors["occupation"] = _("Give a 4-digit ISCO-08 unit group.")
    if len(str(values.get("external_id") or "")) > 64:
        errors["external_id"] = _("An external id has at most 64 characters.")
    return errors


def find_duplicate(
    employer_name_key: str, title_key: str, territory_id: int, posted_on: date, exclude: int | None = None
) -> Vacancy | None:
    """The vacancy this ad repeats: same employer name, title and territory, posted within the window."""
    window = timedelta(days=DUPLICATE_WINDOW_DAYS)
    candidates = Vacancy.objects.filter(
        employer__name_key=employer_name_key,
        title_key=title_key,
        territory_id=territory_id,
        posted_on__range=(posted_on - window, posted_on + window),
    )
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude)
    return candidates.order_by("posted_on", "pk").first()


def apply_coding(vacancy: Vacancy, occupation: Occupation | None) -> None:
    """A given occupation is confirmed; otherwise the classifier's best guess waits for review."""
    if occupation is not None:
        vacancy.occupation, vacancy.coding_status, vacancy.coding_score = (
            occupation,
            CodingStatus.CONFIRMED,
            None,
        )
        return
    best = classifier.suggest(vacancy.title, top=1)
    if best:
        vacancy.occupation = Occupation.objects.get(code=best[0].code)
        vacancy.coding_status, vacancy.coding_score = CodingStatus.SUGGESTED, best[0].score
    else:
        vacancy.occupation, vacancy.coding_status, vacancy.coding_score = None, CodingStatus.UNCODED, None


@transaction.atomic
def create_vacancy(user, organisation: Organisation | None = None, **values) -> Vacancy:
    """A new vacancy; DuplicateVacancy when the same ad is already there, ValidationError on bad values."""
    organisation = organisation_for(user, organisation)
    values.setdefault("positions", 1)
    errors = clean_vacancy(values)
    employer = values.get("employer")
    if employer is not None and not access.has_permission(user, VIEW_LABOUR, employer):
        errors["employer"] = _("Unknown employer.")
    if errors:
        raise ValidationError(errors)
    vacancy = Vacancy(organisation=organisation, created_by=user)
    for field in VACANCY_FIELDS:
        if field in values and values[field] is not None:
            setattr(vacancy, field, values[field])
    vacancy.title = vacancy.title.strip()
    vacancy.title_key = classifier.normalise(vacancy.title)
    if vacancy.sector_id is None:
        vacancy.sector = employer.sector
    duplicate = find_duplicate(employer.name_key, vacancy.title_key, vacancy.territory_id, vacancy.posted_on)
    if duplicate is not None:
        raise DuplicateVacancy(duplicate)
    apply_coding(vacancy, values.get("occupation"))
    vacancy.save()
    audit.record(audit.Action.CREATE, user, vacancy)
    return vacancy


@transaction.atomic
def update_vacancy(user, vacancy: Vacancy, **values) -> Vacancy:
    access.require(user, CHANGE_LABOUR, vacancy)
    before = {field: str(getattr(vacancy, field)) for field in VACANCY_FIELDS}
    values = {
        field: "" if value is None and field in BLANK_WHEN_NULL else value for field, value in values.items()
    }
    merged = {field: getattr(vacancy, field) for field in VACANCY_FIELDS} | values
    errors = clean_vacancy(merged)
    if errors:
        raise ValidationError(errors)
    for field in VACANCY_FIELDS:
        setattr(vacancy, field, merged[field])
    vacancy.title_key = classifier.normalise(vacancy.title)
    if "occupation" in values:
        apply_coding(vacancy, values["occupation"])
    elif "title" in values and vacancy.coding_status != CodingStatus.CONFIRMED:
        apply_coding(vacancy, None)
    vacancy.save()
    after = {field: str(getattr(vacancy, field)) for field in VACANCY_FIELDS}
    audit.record(
        audit.Action.UPDATE, user, vacancy, details={"changes": audit.changes_between(before, after)}
    )
    return vacancy


# --- Occupation coding --------------------------------------------------------------------------------------


def occupation(code: str) -> Occupation:
    """A 4-digit ISCO-08 unit group by code; ValidationError otherwise."""
    found = Occupation.objects.filter(code=str(code).strip(), level=4).first()
    if found is None:
        raise ValidationError({"occupation": _("Unknown ISCO-08 unit group: %(code)s.") % {"code": code}})
    return found


def suggestions(title: str, top: int = 3) -> list[tuple[Occupation, float]]:
    ranked = classifier.suggest(title, top)
    found = Occupation.objects.in_bulk([s.code for s in ranked], field_name="code")
    return [(found[s.code], s.score) for s in ranked if s.code in found]


def review_queue(user) -> QuerySet[Vacancy]:
    """Vacancies of the user's organisations whose suggested code waits for a person, least sure first."""
    queryset = access.scoped(
        user, CHANGE_LABOUR, Vacancy.objects.select_related("employer", "occupation", "territory")
    )
    return queryset.filter(coding_status=CodingStatus.SUGGESTED).order_by("coding_score", "pk")


@transaction.atomic
def code_vacancy(user, vacancy: Vacancy, code: str) -> CodingDecision:
    """Confirm (same code) or correct (another code) a vacancy's occupation; suggestions learn from it."""
    access.require(user, CHANGE_LABOUR, vacancy)
    chosen = occupation(code)
    suggested = vacancy.occupation if vacancy.coding_status == CodingStatus.SUGGESTED else None
    before = vacancy.occupation.code if vacancy.occupation_id else ""
    vacancy.occupation, vacancy.coding_status = chosen, CodingStatus.CONFIRMED
    vacancy.save(update_fields=["occupation", "coding_status", "updated_at"])
    decision = CodingDecision.objects.create(
        title=vacancy.title,
        title_key=vacancy.title_key,
        occupation=chosen,
        suggested=suggested,
        organisation=vacancy.organisation,
        decided_by=user,
    )
    audit.record(
        audit.Action.UPDATE,
        user,
        vacancy,
        details={"changes": {"occupation": [before, chosen.code]}, "coding": "confirmed"},
    )
    return decision


def occupations_of(codes: set[str]) -> dict[str, Occupation]:
    """The occupations of `codes`, by code (their labels, in the reader's language, on the pages)."""
    return {o.code: o for o in Occupation.objects.filter(code__in=codes)}
