"""The IATI rules the 2.03 schema cannot express, checked before an activity is written.

Codes are checked against the IATI codelists the export uses; sector and location percentages must add up to
100; every human-readable element needs narratives (the activity's title and description in each required
language); dates must be in order and actual dates not in the future; a budget covers at most a year.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from kafaat.core.l10n import formatting
from kafaat.results.iati.activity import Activity, Baseline, Number, Org, Texts, Value

# The problems are in the reader's language: the dashboard shows them when the export is refused.
LANGUAGE_NAMES = {
    "fr": pgettext_lazy("a language, inside a sentence", "French"),
    "ar": pgettext_lazy("a language, inside a sentence", "Arabic"),
    "en": pgettext_lazy("a language, inside a sentence", "English"),
}


def _lang(code: str | None) -> str:
    return str(LANGUAGE_NAMES.get(code, code)) if code else str(_("the default language"))


ORG_ROLES = {"1", "2", "3", "4"}
ORG_TYPES = {"10", "11", "15", "21", "22", "23", "24", "30", "40", "60", "70", "71", "72", "73", "80", "90"}
ACTIVITY_STATUS = {"1", "2", "3", "4", "5", "6"}
REGION_VOCABULARIES = {"1", "2", "99"}
GEO_VOCABULARIES = {"A1", "A2", "A3", "A4", "G1", "G2"}
SECTOR_CODE = {"1": re.compile(r"\d{5}"), "2": re.compile(r"\d{3}")}
SECTOR_VOCABULARIES = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "98", "99"}
TRANSACTION_TYPES = {str(i) for i in range(1, 14)}
RESULT_TYPES = {"1", "2", "3", "9"}
MEASURES = {"1", "2", "3", "4", "5"}
LANG = re.compile(r"[a-z]{2}")
CURRENCY = re.compile(r"[A-Z]{3}")


def _texts(problems: list[str], where: str, texts: Texts, required: Sequence[str] = ()) -> None:
    if not texts:
        problems.append(_("%(where)s: a text is required") % {"where": where})
        return
    for n in texts:
        if not n.text or not n.text.strip():
            problems.append(
                _("%(where)s: an empty text (%(language)s)") % {"where": where, "language": _lang(n.lang)}
            )
        if n.lang is not None and not LANG.fullmatch(n.lang):
            problems.append(
                _("%(where)s: %(code)s is not an ISO 639-1 language code") % {"where": where, "code": n.lang}
            )
    langs = Counter(n.lang for n in texts)
    problems += [
        _("%(where)s: two texts in %(language)s") % {"where": where, "language": _lang(lang)}
        for lang, k in langs.items()
        if k > 1
    ]
    missing = [lang for lang in required if lang not in langs]
    if missing:
        problems.append(
            _("%(where)s: no text in %(languages)s")
            % {"where": where, "languages": ", ".join(map(_lang, missing))}
        )


def _percentages(problems: list[str], where: str, items: Sequence[tuple[str, Number | None]]) -> None:
    """IATI: with more than one item each carries a percentage and they add up to 100; alone, 100 or none."""
    for code, pct in items:
        if pct is not None and not 0 <= Decimal(str(pct)) <= 100:
            problems.append(
                _("%(where)s %(code)s: the percentage %(pct)s is not between 0 and 100")
                % {"where": where, "code": code, "pct": pct}
            )
    if len(items) == 1:
        if items[0][1] is not None and Decimal(str(items[0][1])) != 100:
            problems.append(
                _("%(where)s %(code)s: a single one must be 100 %% (or give no percentage)")
                % {"where": where, "code": items[0][0]}
            )
        return
    if any(pct is None for _, pct in items):
        problems.append(_("%(where)s: with several, each needs a percentage") % {"where": where})
        return
    total = sum(Decimal(str(pct)) for _, pct in items)
    if total != 100:
        problems.append(
            _("%(where)s: the percentages add up to %(total)s, not 100") % {"where": where, "total": total}
        )


def _org(problems: list[str], where: str, org: Org) -> None:
    if org.type is not None and org.type not in ORG_TYPES:
        problems.append(
            _("%(where)s: the organisation type %(code)s is not an IATI code")
            % {"where": where, "code": org.type}
        )
    if org.narratives or not org.ref:
        _texts(problems, where, org.narratives)


def _value(problems: list[str], where: str, measure: str, value: Value | Baseline) -> None:
    if value.value is None:
        if not value.comment:
            problems.append(
                _("%(where)s: a missing value (e.g. suppressed) needs a comment saying why")
                % {"where": where}
            )
    elif isinstance(value.value, bool) or not isinstance(value.value, int | float | Decimal):
        problems.append(
            _("%(where)s: the value %(value)s is not a number") % {"where": where, "value": value.value}
        )
    elif measure == "2" and not 0 <= value.value <= 100:
        problems.append(
            _("%(where)s: the value %(value)s of a percentage is not between 0 and 100")
            % {"where": where, "value": value.value}
        )
    names = [d.name for d in value.dimensions]
    if any(not d.name.strip() or not d.value.strip() for d in value.dimensions):
        problems.append(_("%(where)s: a disaggregation needs a name and a value") % {"where": where})
    if len(set(names)) != len(names):
        problems.append(_("%(where)s: a disaggregation is repeated") % {"where": where})
    if value.comment:
        _texts(problems, _("%(where)s, comment") % {"where": where}, value.comment)


def _results(problems: list[str], a: Activity) -> None:
    for i, result in enumerate(a.results, 1):
        where = _("result %(n)s") % {"n": i}
        if result.type not in RESULT_TYPES:
            problems.append(
                _("%(where)s: the type %(code)s is not 1 output, 2 outcome, 3 impact or 9 other")
                % {"where": where, "code": result.type}
            )
        _texts(problems, _("%(where)s, title") % {"where": where}, result.title)
        if not result.indicators:
            problems.append(_("%(where)s: at least one indicator is required") % {"where": where})
        for j, ind in enumerate(result.indicators, 1):
            w = _("%(where)s, indicator %(n)s") % {"where": where, "n": j}
            if ind.measure not in MEASURES:
                problems.append(
                    _("%(where)s: the measure %(code)s is not an IATI code")
                    % {"where": w, "code": ind.measure}
                )
            _texts(problems, _("%(where)s, title") % {"where": w}, ind.title)
            for baseline in ind.baselines:
                if not 1900 <= baseline.year <= 2200:
                    problems.append(
                        _("%(where)s: the baseline year %(year)s is not a year")
                        % {"where": w, "year": baseline.year}
                    )
                _value(problems, _("%(where)s, baseline") % {"where": w}, ind.measure, baseline)
            for k, period in enumerate(ind.periods, 1):
                wp = _("%(where)s, period %(n)s") % {"where": w, "n": k}
                if period.start > period.end:
                    problems.append(_("%(where)s: starts after it ends") % {"where": wp})
                for v in [*period.targets, *period.actuals]:
                    _value(problems, wp, ind.measure, v)


def _dates(problems: list[str], a: Activity, today: date) -> None:
    d = a.dates
    if not any((d.planned_start, d.actual_start, d.planned_end, d.actual_end)):
        problems.append(_("activity dates: at least one is required"))
    if d.planned_start and d.planned_end and d.planned_start > d.planned_end:
        problems.append(_("activity dates: the planned start is after the planned end"))
    if d.actual_start and d.actual_end and d.actual_start > d.actual_end:
        problems.append(_("activity dates: the actual start is after the actual end"))
    for message, day in (
        (_("activity dates: the actual start %(day)s is in the future"), d.actual_start),
        (_("activity dates: the actual end %(day)s is in the future"), d.actual_end),
    ):
        if day and day > today:
            problems.append(message % {"day": formatting.format_date(day)})
    if a.status in {"2", "3", "4"} and not d.actual_start:
        problems.append(_("activity dates: an activity that has started needs its actual start date"))


def check_activity(a: Activity, generated: datetime, required_languages: Sequence[str]) -> list[str]:
    """Every problem found in one activity (empty when it can be exported)."""
    problems: list[str] = []
    ref = a.reporting_org.ref or ""
    if not a.identifier or a.identifier != a.identifier.strip() or not a.identifier.startswith(f"{ref}-"):
        problems.append(
            _("the identifier %(identifier)s must start with the reporting organisation's reference %(ref)s-")
            % {"identifier": a.identifier, "ref": ref}
        )
    reporting = _("reporting organisation")
    if not a.reporting_org.ref or not a.reporting_org.type:
        problems.append(_("%(where)s: a reference and a type are required") % {"where": reporting})
    _org(problems, reporting, a.reporting_org)
    if not LANG.fullmatch(a.default_lang) or not CURRENCY.fullmatch(a.default_currency):
        problems.append(_("the default language must be an ISO 639-1 code and the currency an ISO 4217 one"))
    if a.last_updated.tzinfo is None or a.last_updated > generated:
        problems.append(_("the last update must be a time with its time zone, no later than the export"))
    _texts(problems, _("title"), a.title, required_languages)
    _texts(problems, _("description"), a.description, required_languages)
    for where, texts in ((_("objectives"), a.objectives), (_("target groups"), a.target_groups)):
        if texts:
            _texts(problems, where, texts)
    if not a.participating_orgs:
        problems.append(_("participating organisations: at least one is required"))
    for i, org in enumerate(a.participating_orgs, 1):
        where = _("participating organisation %(n)s") % {"n": i}
        if org.role not in ORG_ROLES:
            problems.append(
                _("%(where)s: the role %(code)s is not 1 to 4 (funding … implementing)")
                % {"where": where, "code": org.role}
            )
        _org(problems, where, org)
    if a.status not in ACTIVITY_STATUS:
        problems.append(_("the activity status %(code)s is not an IATI code") % {"code": a.status})
    _dates(problems, a, generated.date())
    _geography(problems, a)
    _sectors(problems, a)
    for i, b in enumerate(a.budgets, 1):
        where = _("budget %(n)s") % {"n": i}
        if b.period_start > b.period_end:
            problems.append(_("%(where)s: starts after it ends") % {"where": where})
        elif b.period_end - b.period_start > timedelta(days=366):
            problems.append(_("%(where)s: a budget period covers at most one year") % {"where": where})
        if b.type not in {"1", "2"} or b.status not in {"1", "2"}:
            problems.append(_("%(where)s: the type and the status are 1 or 2") % {"where": where})
    for i, t in enumerate(a.transactions, 1):
        where = _("transaction %(n)s") % {"n": i}
        if t.type not in TRANSACTION_TYPES:
            problems.append(
                _("%(where)s: the type %(code)s is not an IATI code") % {"where": where, "code": t.type}
            )
        for role, org in ((_("%(where)s, provider"), t.provider), (_("%(where)s, receiver"), t.receiver)):
            if org:
                _org(problems, role % {"where": where}, org)
    for where, money in [(_("budget %(n)s") % {"n": i}, b.value) for i, b in enumerate(a.budgets, 1)] + [
        (_("transaction %(n)s") % {"n": i}, t.value) for i, t in enumerate(a.transactions, 1)
    ]:
        if money.currency is not None and not CURRENCY.fullmatch(money.currency):
            problems.append(
                _("%(where)s: the currency %(code)s is not an ISO 4217 code")
                % {"where": where, "code": money.currency}
            )
    _results(problems, a)
    return problems


def _geography(problems: list[str], a: Activity) -> None:
    for c in a.countries:
        if not re.fullmatch(r"[A-Z]{2}", c.code):
            problems.append(
                _("the recipient country %(code)s is not an ISO 3166-1 alpha-2 code") % {"code": c.code}
            )
    for r in a.regions:
        if r.vocabulary not in REGION_VOCABULARIES:
            problems.append(
                _("the recipient region %(code)s: the vocabulary %(vocabulary)s is not 1, 2 or 99")
                % {"code": r.code, "vocabulary": r.vocabulary}
            )
        if r.vocabulary == "99" and not r.vocabulary_uri:
            problems.append(
                _("the recipient region %(code)s: the reporting organisation's vocabulary needs a URI")
                % {"code": r.code}
            )
    items = [(c.code, c.percentage) for c in a.countries] + [(r.code, r.percentage) for r in a.regions]
    if items:
        _percentages(problems, _("recipient countries and regions"), items)
    for loc in a.locations:
        where = _("location %(ref)s") % {"ref": loc.ref or ""}
        _texts(problems, where.strip(), loc.name)
        for adm in loc.administrative:
            if adm.vocabulary not in GEO_VOCABULARIES:
                problems.append(
                    _("%(where)s: the administrative vocabulary %(code)s is unknown")
                    % {"where": where, "code": adm.vocabulary}
                )
        if loc.point and not (-90 <= loc.point[0] <= 90 and -180 <= loc.point[1] <= 180):
            problems.append(
                _("%(where)s: the point %(point)s is not a latitude and longitude")
                % {"where": where, "point": loc.point}
            )


def _sectors(problems: list[str], a: Activity) -> None:
    if not a.sectors:
        problems.append(_("sectors: at least one is required (OECD DAC, 5 digits, vocabulary 1)"))
    by_vocabulary: dict[str, list[tuple[str, Number | None]]] = defaultdict(list)
    for s in a.sectors:
        if s.vocabulary not in SECTOR_VOCABULARIES:
            problems.append(
                _("the sector %(code)s: the vocabulary %(vocabulary)s is not an IATI code")
                % {"code": s.code, "vocabulary": s.vocabulary}
            )
        pattern = SECTOR_CODE.get(s.vocabulary)
        if pattern and not pattern.fullmatch(s.code):
            problems.append(
                _("the sector %(code)s is not a code of vocabulary %(vocabulary)s")
                % {"code": s.code, "vocabulary": s.vocabulary}
            )
        by_vocabulary[s.vocabulary].append((s.code, s.percentage))
    for vocabulary, items in by_vocabulary.items():
        if len({code for code, _ in items}) != len(items):
            problems.append(
                _("sectors of vocabulary %(vocabulary)s: a code is repeated") % {"vocabulary": vocabulary}
            )
        _percentages(problems, _("sectors of vocabulary %(vocabulary)s") % {"vocabulary": vocabulary}, items)
