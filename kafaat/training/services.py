"""Training supply rules: reading establishments and programmes in scope, editing them, checking figures.

Every read goes through `access.scoped` (VIEW_SUPPLY, territorial), every change through CHANGE_ESTABLISHMENT
(the establishment's own organisation or its operator) and is audited with the fields that changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from kafaat.core import access, audit
from kafaat.core.imports import fold
from kafaat.core.models import Organisation, Territory
from kafaat.training import isco
from kafaat.training.access_rules import CHANGE_ESTABLISHMENT, MANAGE_SUPPLY, VIEW_SUPPLY
from kafaat.training.models import (
    AgeBand,
    Establishment,
    Programme,
    ProgrammeOccupation,
    Sector,
    Source,
    SupplyStatistic,
)

# Organisations whose administrators may create establishments (they operate them).
OPERATOR_TYPES = (Organisation.Type.OFPPT, Organisation.Type.MINISTRY, Organisation.Type.TRAINING_PROVIDER)
ESTABLISHMENT_FIELDS = (
    "name_fr",
    "name_ar",
    "name_en",
    "operator_type",
    "territory",
    "capacity",
    "is_active",
)
PROGRAMME_FIELDS = (
    "code", "title_fr", "title_ar", "title_en", "sector", "level", "mode", "duration_months", "is_active",
)  # fmt: skip


# --- Reading ------------------------------------------------------------------------------------------------


def establishments(user) -> QuerySet[Establishment]:
    return access.scoped(user, VIEW_SUPPLY, Establishment.objects.all())


def list_establishments(
    user,
    *,
    territory_code: str | None = None,
    sector: str | None = None,
    operator_type: str | None = None,
    query: str | None = None,
) -> QuerySet[Establishment]:
    """Establishments in the user's scope, filtered; with their number of active programmes."""
    queryset = establishments(user).select_related("territory", "operator")
    if territory_code:
        territory = Territory.objects.filter(code=territory_code).first()
        if territory is None:
            return queryset.none()
        queryset = queryset.filter(territory__path__startswith=territory.path)
    if sector:
        queryset = queryset.filter(Q(sectors__code=sector) | Q(programmes__sector__code=sector)).distinct()
    if operator_type:
        queryset = queryset.filter(operator_type=operator_type)
    if query:
        queryset = queryset.filter(
            Q(name_fr__icontains=query) | Q(name_ar__icontains=query) | Q(code__icontains=query)
        )
    return queryset.annotate(
        programme_count=Count("programmes", filter=Q(programmes__is_active=True), distinct=True)
    ).order_by("name_fr", "pk")


def establishments_with_sectors() -> QuerySet[Establishment]:
    return Establishment.objects.select_related("operator", "organisation", "territory").prefetch_related(
        "sectors"
    )


def programmes_of(establishment: Establishment) -> QuerySet[Programme]:
    return establishment.programmes.select_related("sector", "establishment").prefetch_related("occupations")


def get_establishment(user, pk: int) -> Establishment:
    queryset = Establishment.objects.select_related("territory", "operator", "organisation")
    return access.get_object_or_404(user, VIEW_SUPPLY, queryset, pk=pk)


def get_programme(user, pk: int) -> Programme:
    queryset = Programme.objects.select_related("establishment__territory", "sector").prefetch_related(
        "occupations"
    )
    return access.get_object_or_404(user, VIEW_SUPPLY, queryset, pk=pk)


# --- The catalogue as pathway steps pick from it ------------------------------------------------------------
# An enrolment (or a referral to training) names its programme as "Title — Establishment", the label the step
# form suggests; the step links the one programme that label names, or keeps the text, to be matched.

LABEL_SEPARATOR = " — "


def programme_catalogue(user) -> QuerySet[Programme]:
    """The active programmes of active establishments in the user's scope, as steps may name them."""
    active = Programme.objects.filter(is_active=True, establishment__is_active=True)
    return access.scoped(user, VIEW_SUPPLY, active).select_related("establishment")


def programme_label(programme: Programme) -> str:
    """ "Couture — ISTA Oujda", in the page's language."""
    return f"{programme.title}{LABEL_SEPARATOR}{programme.establishment.name}"


def programme_suggestions(user, text: str = "", limit: int = 20) -> list[str]:
    """Labels of the catalogue's programmes whose title, code or establishment contains the text."""
    catalogue = programme_catalogue(user)
    for word in text.replace(LABEL_SEPARATOR.strip(), " ").split()[:4]:
        catalogue = catalogue.filter(
            Q(title_fr__icontains=word) | Q(title_ar__icontains=word) | Q(title_en__icontains=word)
            | Q(code__icontains=word) | Q(establishment__name_fr__icontains=word)
            | Q(establishment__name_ar__icontains=word) | Q(establishment__name_en__icontains=word)
        )  # fmt: skip
    return sorted({programme_label(p) for p in catalogue.order_by("title_fr", "pk")[:limit]}, key=fold)


class ProgrammeFinder:
    """The one programme of the user's catalogue that a typed text names — its label ("Title — Establishment",
    whatever the separator), its title or its code, in any language, compared folded (case, accents, Arabic
    marks, spaces and punctuation ignored, as ADR 0008 compares labels) — else None. The catalogue is read
    once, when first needed (an import names a few programmes thousands of times). Ambiguity is never
    guessed: a title that two establishments teach names no programme without its establishment."""

    def __init__(self, user) -> None:
        self.user = user
        self.index: dict[str, set[int]] | None = None
        self.found: dict[str, Programme | None] = {}

    def find(self, text: str) -> Programme | None:
        key = fold(text or "")
        if not key:
            return None
        if key not in self.found:
            pks = self._index().get(key, set())
            self.found[key] = (
                Programme.objects.select_related("establishment").get(pk=min(pks)) if len(pks) == 1 else None
            )
        return self.found[key]

    def _index(self) -> dict[str, set[int]]:
        if self.index is None:
            self.index = {}
            rows = programme_catalogue(self.user).values_list(
                "pk", "code", "title_fr", "title_ar", "title_en",
                "establishment__name_fr", "establishment__name_ar", "establishment__name_en",
            )  # fmt: skip
            for pk, code, *names in rows:
                titles, places = [t for t in names[:3] if t], [p for p in names[3:] if p]
                keys = {code, *titles, *(title + place for title in titles for place in places)}
                for key in {fold(key) for key in keys} - {""}:
                    self.index.setdefault(key, set()).add(pk)
        return self.index


def can_change(user, establishment: Establishment) -> bool:
    return access.has_permission(user, CHANGE_ESTABLISHMENT, establishment)


def managing_organisations(user) -> QuerySet[Organisation]:
    """Organisations for which the user may create establishments (as their operator)."""
    return access.organisations_where(user, MANAGE_SUPPLY).filter(type__in=OPERATOR_TYPES, is_active=True)


def statistics_of(programmes: Iterable[Programme] | QuerySet) -> QuerySet[SupplyStatistic]:
    return SupplyStatistic.objects.filter(programme__in=programmes).order_by("-year", "source", "age_band")


@dataclass
class YearTotals:
    year: int
    source: str
    values: dict[str, int | None] = field(default_factory=dict)

    @property
    def women_share(self) -> float | None:
        enrolled, women = self.values.get("enrolled"), self.values.get("enrolled_women")
        return round(100 * women / enrolled, 1) if enrolled and women is not None else None


def yearly_totals(statistics: QuerySet[SupplyStatistic]) -> list[YearTotals]:
    """Sums by year and source over all-ages rows (age bands detail them and would count twice)."""
    rows = (
        statistics.filter(age_band=AgeBand.ALL)
        .order_by()
        .values("year", "source")
        .annotate(**{name: Sum(name) for name in SupplyStatistic.MEASURES})
        .order_by("-year", "source")
    )
    return [
        YearTotals(row["year"], row["source"], {name: row[name] for name in SupplyStatistic.MEASURES})
        for row in rows
    ]


def supply_totals(
    user, *, territory_code: str | None = None, sector: str | None = None, year: int | None = None
) -> list[YearTotals]:
    """What analysts read: the supply of every establishment in their scope, summed by year and source."""
    statistics = access.scoped(user, VIEW_SUPPLY, SupplyStatistic.objects.all())
    if territory_code:
        territory = Territory.objects.filter(code=territory_code).first()
        if territory is None:
            return []
        statistics = statistics.filter(programme__establishment__territory__path__startswith=territory.path)
    if sector:
        statistics = statistics.filter(programme__sector__code=sector)
    if year:
        statistics = statistics.filter(year=year)
    return yearly_totals(statistics)


# --- Checking figures ---------------------------------------------------------------------------------------

WOMEN_OF = {"applicants_women": "applicants", "enrolled_women": "enrolled", "graduates_women": "graduates"}


def check_figures(values: Mapping[str, int | None]) -> dict[str, str]:
    """The consistency rules of one row of figures: errors by measure, empty when it holds together."""
    errors: dict[str, str] = {}
    for name in SupplyStatistic.MEASURES:
        value = values.get(name)
        if value is not None and (not isinstance(value, int) or value < 0):
            errors[name] = _("Write a whole number, 0 or more.")
    if errors:
        return errors
    for women, total in WOMEN_OF.items():
        if values.get(women) is not None and values.get(total) is not None and values[women] > values[total]:
            errors[women] = _("More women (%(women)s) than in total (%(total)s).") % {
                "women": values[women],
                "total": values[total],
            }
    enrolled, graduates, applicants = (
        values.get("enrolled"),
        values.get("graduates"),
        values.get("applicants"),
    )
    if graduates is not None and enrolled is not None and graduates > enrolled:
        errors.setdefault(
            "graduates",
            _("More graduates (%(graduates)s) than enrolled (%(enrolled)s).")
            % {"graduates": graduates, "enrolled": enrolled},
        )
    if enrolled is not None and applicants is not None and enrolled > applicants:
        errors.setdefault(
            "enrolled",
            _("More enrolled (%(enrolled)s) than applicants (%(applicants)s).")
            % {"enrolled": enrolled, "applicants": applicants},
        )
    return errors


# --- Changing -----------------------------------------------------------------------------------------------


def _snapshot(obj, names: Iterable[str]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in names}


def _plain(value):
    return value.pk if hasattr(value, "pk") else value


def _require_change(user, establishment: Establishment) -> None:
    if not can_change(user, establishment):
        raise PermissionDenied


def _valid_sectors(codes: Iterable[str]) -> list[Sector]:
    codes = list(dict.fromkeys(codes))
    sectors = list(Sector.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {s.code for s in sectors})
    if unknown:
        raise ValidationError({"sectors": _("Unknown sector: %(codes)s.") % {"codes": ", ".join(unknown)}})
    return sectors


@transaction.atomic
def create_establishment(user, data: Mapping[str, Any], sectors: Iterable[str] = ()) -> Establishment:
    """A new establishment run by `data["operator"]`, an organisation the user administers."""
    operator = data.get("operator")
    if operator is None or not managing_organisations(user).filter(pk=operator.pk).exists():
        raise PermissionDenied
    establishment = Establishment(**{k: v for k, v in data.items() if k in (*ESTABLISHMENT_FIELDS, "code")})
    establishment.operator, establishment.organisation = operator, data.get("organisation")
    establishment.full_clean()
    establishment.save()
    establishment.sectors.set(_valid_sectors(sectors))
    if not can_change(user, establishment):  # outside the territorial scope of the user's membership
        raise PermissionDenied
    audit.record(audit.Action.CREATE, user, establishment, details={"code": establishment.code})
    return establishment


@transaction.atomic
def update_establishment(
    user, establishment: Establishment, data: Mapping[str, Any], sectors: Iterable[str] | None = None
) -> Establishment:
    _require_change(user, establishment)
    names = [name for name in ESTABLISHMENT_FIELDS if name in data]
    before = _snapshot(establishment, names)
    for name in names:
        setattr(establishment, name, data[name])
    establishment.full_clean()
    establishment.save()
    changes = audit.changes_between(before, _snapshot(establishment, names))
    if sectors is not None:
        old = sorted(establishment.sectors.values_list("code", flat=True))
        establishment.sectors.set(_valid_sectors(sectors))
        new = sorted(establishment.sectors.values_list("code", flat=True))
        if old != new:
            changes["sectors"] = [old, new]
    if not can_change(user, establishment):  # moved out of the user's territory
        raise PermissionDenied
    if changes:
        audit.record(audit.Action.UPDATE, user, establishment, details={"changes": changes})
    return establishment


def _set_occupations(programme: Programme, codes: list[str]) -> None:
    ProgrammeOccupation.objects.filter(programme=programme).exclude(isco_code__in=codes).delete()
    existing = set(programme.occupations.values_list("isco_code", flat=True))
    ProgrammeOccupation.objects.bulk_create(
        ProgrammeOccupation(programme=programme, isco_code=code) for code in codes if code not in existing
    )


def _isco(value) -> list[str]:
    try:
        return isco.parse_codes(value)
    except ValueError as error:
        raise ValidationError({"isco_codes": str(error)}) from error


@transaction.atomic
def create_programme(
    user, establishment: Establishment, data: Mapping[str, Any], isco_codes: Iterable[str] = ()
) -> Programme:
    _require_change(user, establishment)
    codes = _isco(list(isco_codes))
    programme = Programme(establishment=establishment, **{k: data[k] for k in PROGRAMME_FIELDS if k in data})
    programme.full_clean()
    programme.save()
    _set_occupations(programme, codes)
    audit.record(audit.Action.CREATE, user, programme, details={"establishment": establishment.code})
    return programme


@transaction.atomic
def update_programme(
    user, programme: Programme, data: Mapping[str, Any], isco_codes: Iterable[str] | None = None
) -> Programme:
    _require_change(user, programme.establishment)
    names = [name for name in PROGRAMME_FIELDS if name in data]
    before = _snapshot(programme, names)
    for name in names:
        setattr(programme, name, data[name])
    programme.full_clean()
    programme.save()
    changes = audit.changes_between(before, _snapshot(programme, names))
    if isco_codes is not None:
        old, new = programme.isco_codes, _isco(list(isco_codes))
        _set_occupations(programme, new)
        if sorted(old) != sorted(new):
            changes["isco_codes"] = [old, new]
    if changes:
        audit.record(audit.Action.UPDATE, user, programme, details={"changes": changes})
    return programme


@transaction.atomic
def save_statistic(
    user, programme: Programme, year: int, values: Mapping[str, int | None], age_band: str = AgeBand.ALL
) -> SupplyStatistic:
    """Enter or correct one year of published figures by hand (the import does the same for whole tables)."""
    _require_change(user, programme.establishment)
    if age_band not in AgeBand.values:
        raise ValidationError({"age_band": _("Unknown age band.")})
    if not 1990 <= year <= 2100:
        raise ValidationError({"year": _("Write a training year such as 2024 or 2024-2025.")})
    values = {name: values.get(name) for name in SupplyStatistic.MEASURES}
    errors = check_figures(values)
    if errors:
        raise ValidationError(errors)
    statistic, created = SupplyStatistic.objects.get_or_create(
        programme=programme,
        year=year,
        source=Source.PUBLISHED,
        age_band=age_band,
        defaults={**values, "updated_by": user},
    )
    if created:
        audit.record(audit.Action.CREATE, user, statistic, details={"values": values})
        return statistic
    changes = audit.changes_between(statistic.values(), values)
    if changes:
        for name, value in values.items():
            setattr(statistic, name, value)
        statistic.updated_by = user
        statistic.save()
        audit.record(audit.Action.UPDATE, user, statistic, details={"changes": changes})
    return statistic
