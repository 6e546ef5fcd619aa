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

from kafaat.results.iati.activity import Activity, Baseline, Number, Org, Texts, Value

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
        problems.append(f"{where}: a narrative is required")
        return
    for n in texts:
        if not n.text or not n.text.strip():
            problems.append(f"{where}: empty narrative ({n.lang or 'default language'})")
        if n.lang is not None and not LANG.fullmatch(n.lang):
            problems.append(f"{where}: {n.lang!r} is not an ISO 639-1 language code")
    langs = Counter(n.lang for n in texts)
    problems += [
        f"{where}: two narratives in {lang or 'the default language'}" for lang, k in langs.items() if k > 1
    ]
    missing = [lang for lang in required if lang not in langs]
    if missing:
        problems.append(f"{where}: no narrative in {', '.join(missing)}")


def _percentages(problems: list[str], where: str, items: Sequence[tuple[str, Number | None]]) -> None:
    """IATI: with more than one item each carries a percentage and they add up to 100; alone, 100 or none."""
    for code, pct in items:
        if pct is not None and not 0 <= Decimal(str(pct)) <= 100:
            problems.append(f"{where} {code}: percentage {pct} is not between 0 and 100")
    if len(items) == 1:
        if items[0][1] is not None and Decimal(str(items[0][1])) != 100:
            problems.append(f"{where} {items[0][0]}: a single one must be 100 % (or give no percentage)")
        return
    if any(pct is None for _, pct in items):
        problems.append(f"{where}: with several, each needs a percentage")
        return
    total = sum(Decimal(str(pct)) for _, pct in items)
    if total != 100:
        problems.append(f"{where}: percentages add up to {total}, not 100")


def _org(problems: list[str], where: str, org: Org) -> None:
    if org.type is not None and org.type not in ORG_TYPES:
        problems.append(f"{where}: organisation type {org.type!r} is not in the OrganisationType codelist")
    if org.narratives or not org.ref:
        _texts(problems, where, org.narratives)


def _value(problems: list[str], where: str, measure: str, value: Value | Baseline) -> None:
    if value.value is None:
        if not value.comment:
            problems.append(f"{where}: a missing value (e.g. suppressed) needs a comment saying why")
    elif isinstance(value.value, bool) or not isinstance(value.value, int | float | Decimal):
        problems.append(f"{where}: value {value.value!r} is not a number")
    elif measure == "2" and not 0 <= value.value <= 100:
        problems.append(f"{where}: a percentage indicator's value {value.value} is not between 0 and 100")
    names = [d.name for d in value.dimensions]
    if any(not d.name.strip() or not d.value.strip() for d in value.dimensions):
        problems.append(f"{where}: a dimension needs a name and a value")
    if len(set(names)) != len(names):
        problems.append(f"{where}: a dimension is repeated")
    if value.comment:
        _texts(problems, f"{where} comment", value.comment)


def _results(problems: list[str], a: Activity) -> None:
    for i, result in enumerate(a.results, 1):
        where = f"result {i}"
        if result.type not in RESULT_TYPES:
            problems.append(f"{where}: type {result.type!r} is not 1 output, 2 outcome, 3 impact or 9 other")
        _texts(problems, f"{where} title", result.title)
        if not result.indicators:
            problems.append(f"{where}: at least one indicator is required")
        for j, ind in enumerate(result.indicators, 1):
            w = f"{where} indicator {j}"
            if ind.measure not in MEASURES:
                problems.append(f"{w}: measure {ind.measure!r} is not in the IndicatorMeasure codelist")
            _texts(problems, f"{w} title", ind.title)
            for baseline in ind.baselines:
                if not 1900 <= baseline.year <= 2200:
                    problems.append(f"{w}: baseline year {baseline.year} is not a year")
                _value(problems, f"{w} baseline", ind.measure, baseline)
            for k, period in enumerate(ind.periods, 1):
                if period.start > period.end:
                    problems.append(f"{w} period {k}: starts after it ends")
                for v in [*period.targets, *period.actuals]:
                    _value(problems, f"{w} period {k}", ind.measure, v)


def _dates(problems: list[str], a: Activity, today: date) -> None:
    d = a.dates
    if not any((d.planned_start, d.actual_start, d.planned_end, d.actual_end)):
        problems.append("activity dates: at least one is required")
    if d.planned_start and d.planned_end and d.planned_start > d.planned_end:
        problems.append("activity dates: the planned start is after the planned end")
    if d.actual_start and d.actual_end and d.actual_start > d.actual_end:
        problems.append("activity dates: the actual start is after the actual end")
    for name, day in (("actual start", d.actual_start), ("actual end", d.actual_end)):
        if day and day > today:
            problems.append(f"activity dates: the {name} {day} is in the future")
    if a.status in {"2", "3", "4"} and not d.actual_start:
        problems.append("activity dates: an activity that has started needs its actual start date")


def check_activity(a: Activity, generated: datetime, required_languages: Sequence[str]) -> list[str]:
    """Every problem found in one activity (empty when it can be exported)."""
    problems: list[str] = []
    ref = a.reporting_org.ref or ""
    if not a.identifier or a.identifier != a.identifier.strip() or not a.identifier.startswith(f"{ref}-"):
        problems.append(
            f"identifier {a.identifier!r} must start with the reporting organisation's ref {ref!r}-"
        )
    if not a.reporting_org.ref or not a.reporting_org.type:
        problems.append("reporting-org: ref and type are required")
    _org(problems, "reporting-org", a.reporting_org)
    if not LANG.fullmatch(a.default_lang) or not CURRENCY.fullmatch(a.default_currency):
        problems.append("default language must be ISO 639-1 and default currency ISO 4217")
    if a.last_updated.tzinfo is None or a.last_updated > generated:
        problems.append("last-updated must be a timezone-aware time no later than the export")
    _texts(problems, "title", a.title, required_languages)
    _texts(problems, "description", a.description, required_languages)
    for where, texts in (("objectives", a.objectives), ("target groups", a.target_groups)):
        if texts:
            _texts(problems, where, texts)
    if not a.participating_orgs:
        problems.append("participating-org: at least one is required")
    for i, org in enumerate(a.participating_orgs, 1):
        if org.role not in ORG_ROLES:
            problems.append(f"participating-org {i}: role {org.role!r} is not 1-4 (funding ... implementing)")
        _org(problems, f"participating-org {i}", org)
    if a.status not in ACTIVITY_STATUS:
        problems.append(f"activity-status {a.status!r} is not in the ActivityStatus codelist")
    _dates(problems, a, generated.date())
    _geography(problems, a)
    _sectors(problems, a)
    for i, b in enumerate(a.budgets, 1):
        if b.period_start > b.period_end:
            problems.append(f"budget {i}: starts after it ends")
        elif b.period_end - b.period_start > timedelta(days=366):
            problems.append(f"budget {i}: a budget period covers at most one year")
        if b.type not in {"1", "2"} or b.status not in {"1", "2"}:
            problems.append(f"budget {i}: type and status are 1 or 2")
    for i, t in enumerate(a.transactions, 1):
        if t.type not in TRANSACTION_TYPES:
            problems.append(f"transaction {i}: type {t.type!r} is not in the TransactionType codelist")
        for role, org in (("provider", t.provider), ("receiver", t.receiver)):
            if org:
                _org(problems, f"transaction {i} {role}", org)
    for where, money in [(f"budget {i}", b.value) for i, b in enumerate(a.budgets, 1)] + [
        (f"transaction {i}", t.value) for i, t in enumerate(a.transactions, 1)
    ]:
        if money.currency is not None and not CURRENCY.fullmatch(money.currency):
            problems.append(f"{where}: currency {money.currency!r} is not an ISO 4217 code")
    _results(problems, a)
    return problems


def _geography(problems: list[str], a: Activity) -> None:
    for c in a.countries:
        if not re.fullmatch(r"[A-Z]{2}", c.code):
            problems.append(f"recipient-country {c.code!r} is not an ISO 3166-1 alpha-2 code")
    for r in a.regions:
        if r.vocabulary not in REGION_VOCABULARIES:
            problems.append(f"recipient-region {r.code}: vocabulary {r.vocabulary!r} is not 1, 2 or 99")
        if r.vocabulary == "99" and not r.vocabulary_uri:
            problems.append(f"recipient-region {r.code}: the reporting organisation's vocabulary needs a URI")
    items = [(c.code, c.percentage) for c in a.countries] + [(r.code, r.percentage) for r in a.regions]
    if items:
        _percentages(problems, "recipient countries and regions", items)
    for loc in a.locations:
        _texts(problems, f"location {loc.ref or ''}".strip(), loc.name)
        for adm in loc.administrative:
            if adm.vocabulary not in GEO_VOCABULARIES:
                problems.append(
                    f"location {loc.ref}: administrative vocabulary {adm.vocabulary!r} is unknown"
                )
        if loc.point and not (-90 <= loc.point[0] <= 90 and -180 <= loc.point[1] <= 180):
            problems.append(f"location {loc.ref}: point {loc.point} is not a latitude and longitude")


def _sectors(problems: list[str], a: Activity) -> None:
    if not a.sectors:
        problems.append("sector: at least one is required (OECD DAC 5-digit, vocabulary 1)")
    by_vocabulary: dict[str, list[tuple[str, Number | None]]] = defaultdict(list)
    for s in a.sectors:
        if s.vocabulary not in SECTOR_VOCABULARIES:
            problems.append(
                f"sector {s.code}: vocabulary {s.vocabulary!r} is not in the SectorVocabulary codelist"
            )
        pattern = SECTOR_CODE.get(s.vocabulary)
        if pattern and not pattern.fullmatch(s.code):
            problems.append(f"sector {s.code!r}: not a code of vocabulary {s.vocabulary}")
        by_vocabulary[s.vocabulary].append((s.code, s.percentage))
    for vocabulary, items in by_vocabulary.items():
        if len({code for code, _ in items}) != len(items):
            problems.append(f"sectors of vocabulary {vocabulary}: a code is repeated")
        _percentages(problems, f"sectors of vocabulary {vocabulary}", items)
