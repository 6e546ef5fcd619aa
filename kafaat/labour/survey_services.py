"""Employer-needs surveys: recording a response with the occupations needed, and the aggregates an analyst
reads (by ISCO-08 sub-major group, by ISIC section, by territory)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kafaat.core import access, audit
from kafaat.core.models import Organisation, Territory
from kafaat.labour.access_rules import CHANGE_LABOUR, VIEW_LABOUR
from kafaat.labour.models import (
    Employer,
    HardToFillReason,
    HiringIntention,
    Occupation,
    Survey,
    SurveyNeed,
    SurveyResponse,
)
from kafaat.labour.services import occupation, organisation_for


def surveys_for(user) -> QuerySet[Survey]:
    return access.scoped(user, VIEW_LABOUR, Survey.objects.select_related("territory", "organisation"))


def create_survey(
    user,
    *,
    code: str,
    title: str,
    territory: Territory,
    opens_on: date,
    organisation: Organisation | None = None,
) -> Survey:
    organisation = organisation_for(user, organisation)
    if Survey.objects.filter(code=code).exists():
        raise ValidationError({"code": _("This code is already used.")})
    survey = Survey.objects.create(
        organisation=organisation, code=code, title=title, territory=territory, opens_on=opens_on
    )
    audit.record(audit.Action.CREATE, user, survey)
    return survey


@dataclass
class NeedIn:
    title: str
    occupation: str  # 4-digit ISCO code
    positions: int = 1
    skills: str = ""
    hard_to_fill: bool = False
    reasons: list[str] = field(default_factory=list)


def _clean_needs(needs: list[NeedIn]) -> list[SurveyNeed]:
    errors: dict[str, str] = {}
    out = []
    for number, need in enumerate(needs, start=1):
        prefix = f"needs.{number}."
        try:
            chosen = occupation(need.occupation)
        except ValidationError:
            errors[prefix + "occupation"] = _("Unknown ISCO-08 unit group: %(code)s.") % {
                "code": need.occupation
            }
            continue
        if not 1 <= need.positions <= 10_000:
            errors[prefix + "positions"] = _("Give a whole number of positions between 1 and 10,000.")
        unknown = sorted(set(need.reasons) - set(HardToFillReason.values))
        if unknown:
            errors[prefix + "reasons"] = _("Unknown reasons: %(reasons)s.") % {"reasons": ", ".join(unknown)}
        if need.reasons and not need.hard_to_fill:
            errors[prefix + "reasons"] = _("Reasons are given only for occupations hard to fill.")
        out.append(
            SurveyNeed(
                title=(need.title or chosen.label).strip()[:200],
                occupation=chosen,
                positions=need.positions,
                skills=need.skills.strip(),
                hard_to_fill=need.hard_to_fill,
                reasons=sorted(set(need.reasons)),
            )
        )
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def record_response(
    user,
    survey: Survey,
    employer: Employer,
    *,
    answered_on: date,
    hiring_intention: str,
    planned_hires: int = 0,
    needs: list[NeedIn] = (),
    comment: str = "",
    organisation: Organisation | None = None,
) -> SurveyResponse:
    """One employer's answer to a survey (one per employer and survey), with the occupations it needs."""
    organisation = organisation_for(user, organisation)
    if not access.has_permission(user, VIEW_LABOUR, survey) or not access.has_permission(
        user, VIEW_LABOUR, employer
    ):
        raise ValidationError({"survey": _("Unknown survey or employer.")})
    errors = {}
    if hiring_intention not in HiringIntention.values:
        errors["hiring_intention"] = _("Choose one of: %(choices)s.") % {
            "choices": ", ".join(HiringIntention.values)
        }
    if planned_hires < 0 or planned_hires > 100_000:
        errors["planned_hires"] = _("Give a whole number of hires, 0 or more.")
    if hiring_intention == HiringIntention.NO and planned_hires:
        errors["planned_hires"] = _("An employer that will not hire plans no hires.")
    if SurveyResponse.objects.filter(survey=survey, employer=employer).exists():
        errors["employer"] = _("This employer has already answered this survey.")
    if errors:
        raise ValidationError(errors)
    cleaned = _clean_needs(list(needs))
    response = SurveyResponse.objects.create(
        survey=survey,
        employer=employer,
        organisation=organisation,
        answered_on=answered_on,
        hiring_intention=hiring_intention,
        planned_hires=planned_hires,
        comment=comment.strip(),
        created_by=user,
    )
    for need in cleaned:
        need.response = response
    SurveyNeed.objects.bulk_create(cleaned)
    audit.record(audit.Action.CREATE, user, response, details={"needs": len(cleaned)})
    return response


def may_record(user) -> bool:
    return access.has_permission(user, CHANGE_LABOUR)


@dataclass
class Row:
    key: str
    label: str
    employers: int = 0
    positions: int = 0
    hard_to_fill: int = 0  # positions in occupations said hard to fill
    reasons: Counter = field(default_factory=Counter)

    @property
    def hard_share(self) -> float:
        return self.hard_to_fill / self.positions if self.positions else 0.0


@dataclass
class SurveyResults:
    responses: int
    will_hire: int
    planned_hires: int
    by_occupation: list[Row]
    by_sector: list[Row]
    by_territory: list[Row]
    reasons: list[tuple[str, int]]


def results(user, survey: Survey) -> SurveyResults:
    """The needs summed by ISCO sub-major group, ISIC section and province, within the user's reach."""
    responses = access.scoped(user, VIEW_LABOUR, SurveyResponse.objects.filter(survey=survey))
    needs = SurveyNeed.objects.filter(response__in=responses).values_list(
        "response__employer_id",
        "occupation__code",
        "response__employer__sector__parent__code",
        "response__employer__sector__code",
        "response__employer__territory__path",
        "positions",
        "hard_to_fill",
        "reasons",
    )
    groups: dict[str, dict[str, Row]] = {"occupation": {}, "sector": {}, "territory": {}}
    seen: dict[tuple[str, str], set[int]] = defaultdict(set)
    reasons: Counter = Counter()
    for employer, code, section, division, path, positions, hard, why in needs:
        province = path.split("/")[1] if path.count("/") > 1 else path.split("/")[0]
        keys = {"occupation": code[:2], "sector": section or division or "", "territory": province}
        for dimension, key in keys.items():
            row = groups[dimension].setdefault(key, Row(key, ""))
            row.positions += positions
            seen[(dimension, key)].add(employer)
            if hard:
                row.hard_to_fill += positions
                row.reasons.update(why)
        if hard:
            reasons.update(why)
    labels = _labels(groups)
    for dimension, rows in groups.items():
        for key, row in rows.items():
            row.employers = len(seen[(dimension, key)])
            row.label = labels[dimension].get(key, key or "—")
    summary = responses.values_list("hiring_intention", "planned_hires")
    reason_labels = dict(HardToFillReason.choices)
    return SurveyResults(
        responses=len(summary),
        will_hire=sum(1 for intention, _n in summary if intention == HiringIntention.YES),
        planned_hires=sum(n for _i, n in summary),
        by_occupation=sorted(groups["occupation"].values(), key=lambda r: -r.positions),
        by_sector=sorted(groups["sector"].values(), key=lambda r: -r.positions),
        by_territory=sorted(groups["territory"].values(), key=lambda r: -r.positions),
        reasons=[(str(reason_labels.get(k, k)), n) for k, n in reasons.most_common()],
    )


def _labels(groups) -> dict[str, dict[str, str]]:
    from kafaat.labour.models import Sector

    occupations = Occupation.objects.filter(code__in=list(groups["occupation"]))
    sectors = Sector.objects.filter(code__in=list(groups["sector"]))
    territories = Territory.objects.filter(code__in=list(groups["territory"]))
    return {
        "occupation": {o.code: f"{o.code} {o.label}" for o in occupations},
        "sector": {s.code: f"{s.code} {s.label}" for s in sectors},
        "territory": {t.code: t.name for t in territories},
    }
