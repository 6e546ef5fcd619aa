"""Donor exports from the engine: the XLSX workbook, the IATI 2.03 activity and the dashboard's charts.

Every number is published (suppressed): exports leave the system. One engine pass per reporting period
(cumulative from the project's start to the end of each target period), all indicators at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from django.utils import timezone, translation

from kafaat.core.models import Organisation, Project
from kafaat.core.pages import charts
from kafaat.results import categories, iati, measures, services, xlsx_report
from kafaat.results.models import Indicator, LogframeNode
from kafaat.results.publish import Figure
from kafaat.results.suppression import Cell, Status

LANGUAGES = ("fr", "ar", "en")
RESULT_TYPES = {"impact": "3", "outcome": "2", "output": "1"}
# IATI OrganisationType for each kind of organisation.
ORG_TYPES = {
    "ministry": "10", "ofppt": "10", "donor": "15", "implementing_agency": "10", "ngo": "22",
    "training_provider": "10", "employer": "70",
}  # fmt: skip
DESCENDING = {"dropout_rate", "days_to_placement"}  # lower is better


def _names(obj) -> dict[str, str]:
    return {lang: getattr(obj, f"name_{lang}", "") or obj.name_fr for lang in LANGUAGES}


def _in_languages(text) -> dict[str, str]:
    result = {}
    for lang in LANGUAGES:
        with translation.override(lang):
            result[lang] = str(text)
    return result


@dataclass
class Period:
    label: str
    start: date
    end: date


def reporting_periods(project: Project, end: date) -> list[Period]:
    """One period per target end (cumulative from the project's start) up to `end`, and `end` itself."""
    ends = sorted(
        {t for t in project.indicators.values_list("targets__period_end", flat=True) if t and t <= end}
        | {end}
    )

    def label(e: date) -> str:
        return str(e.year) if (e.month, e.day) == (12, 31) else e.isoformat()

    return [Period(label(e), project.start_date, e) for e in ends]


def compute_periods(project: Project, end: date | None = None):
    end = end or services.default_period(project)[1]
    indicators = list(project.indicators.select_related("node").prefetch_related("targets", "manual_values"))
    periods = reporting_periods(project, end)
    computed = [(p, services.compute_project(project, p.start, p.end, suppress=True, indicators=indicators))
                for p in periods]  # fmt: skip
    return indicators, computed


def _targets_period(row: services.IndicatorRow, period: Period, computed: list) -> bool:
    """A target belongs to the period it ends, or to the last (partial) period it covers."""
    if row.target is None:
        return False
    return row.target.period_end == period.end or period is computed[-1][0]


def _xlsx_figure(figure: Figure | None, unit: str):
    if figure is None:
        return None
    if figure.suppressed:
        return Cell(Status.SECONDARY, None)  # written "*"; which kind stays unsaid
    if figure.value is None:
        return None
    return int(figure.value) if unit == Indicator.Unit.COUNT else figure.value


def _row_actual(row: services.IndicatorRow):
    if row.indicator.is_manual:
        return row.manual.value if row.manual else None
    return _xlsx_figure(row.figure.total if row.figure else None, row.indicator.unit)


def donor_report(project: Project, end: date | None = None) -> xlsx_report.DonorReport:
    indicators, computed = compute_periods(project, end)
    last_period, last = computed[-1]
    by_code = [{r.indicator.code: r for r in results.rows} for _p, results in computed]
    lines = []
    for indicator in indicators:
        periods = []
        for (period, _results), rows in zip(computed, by_code, strict=True):
            row = rows[indicator.code]
            target = row.target.value if _targets_period(row, period, computed) else None
            periods.append(xlsx_report.PeriodValue(period.label, target, _row_actual(row)))
        lines.append(
            xlsx_report.IndicatorLine(
                level=indicator.node.level, code=indicator.code, names=_names(indicator),
                unit=_in_languages(indicator.get_unit_display()), baseline=indicator.baseline,
                periods=periods,
            )
        )  # fmt: skip
    disaggregations = []
    last_rows = by_code[-1]
    for dimension, label in measures.DIMENSION_LABELS.items():
        rows = [r for r in last_rows.values() if r.figure and dimension in r.figure.by]
        if not rows:
            continue
        keys = sorted({f.category for r in rows for f in r.figure.by[dimension]})
        named = categories.labels(dimension, keys)
        disaggregations.append(
            xlsx_report.Disaggregation(
                dimension=dimension, names=_in_languages(label),
                categories=[xlsx_report.Category(k, named[k].names, named[k].code) for k in keys],
                lines=[
                    xlsx_report.DisaggregatedLine(
                        r.indicator.code,
                        {f.category: _xlsx_figure(f, r.indicator.unit) for f in r.figure.by[dimension]},
                        _xlsx_figure(r.figure.total, r.indicator.unit),
                    )
                    for r in rows
                ],
                period=last_period.label,
            )
        )  # fmt: skip
    return xlsx_report.DonorReport(
        project=_names(project), period_label=last_period.label, period_start=project.start_date,
        period_end=last_period.end, snapshot=last.taken_at or timezone.now(), indicators=lines,
        disaggregations=disaggregations,
    )  # fmt: skip


# --- IATI ---------------------------------------------------------------------------------------------------


def _narratives(texts: dict[str, str]) -> list[iati.Narrative]:
    return [iati.Narrative(text, lang) for lang, text in texts.items() if text]


def _org(organisation: Organisation, role: str | None = None, ref: str | None = None) -> iati.Org:
    return iati.Org(
        _narratives(_names(organisation)), ref=ref, type=ORG_TYPES.get(organisation.type), role=role
    )


def _iati_value(figure: Figure | None, dimensions=()) -> iati.Value:
    if figure is None or figure.suppressed or figure.value is None:
        why = _in_languages(measures.SUPPRESSED_COMMENT) if figure and figure.suppressed else _in_languages(
            measures.NO_VALUE_COMMENT)  # fmt: skip
        return iati.Value(None, dimensions, _narratives(why))
    return iati.Value(Decimal(str(figure.value)), dimensions)


def _yearly_budgets(project: Project, profile) -> list[iati.Budget]:
    if not profile.budget or not project.end_date:
        return []
    years = range(project.start_date.year, project.end_date.year + 1)
    spans = [(max(project.start_date, date(y, 1, 1)), min(project.end_date, date(y, 12, 31))) for y in years]
    days = sum((b - a).days + 1 for a, b in spans)
    return [
        iati.Budget(a, b, iati.Money((profile.budget * ((b - a).days + 1) / days).quantize(Decimal("0.01")),
                                     project.start_date))
        for a, b in spans
    ]  # fmt: skip


def iati_activity(project: Project, end: date | None = None) -> iati.Activity:
    profile = services.profile_of(project)
    indicators, computed = compute_periods(project, end)
    taken = computed[-1][1].taken_at or timezone.now()
    by_code = [{r.indicator.code: r for r in results.rows} for _p, results in computed]
    results = []
    for node in LogframeNode.objects.filter(project=project):
        mine = [i for i in indicators if i.node_id == node.pk]
        if not mine:
            continue
        iati_indicators = []
        for indicator in mine:
            periods = []
            for (period, _results), rows in zip(computed, by_code, strict=True):
                row = rows[indicator.code]
                targets = [iati.Value(row.target.value)] if _targets_period(row, period, computed) else []
                if indicator.is_manual:
                    actuals = [iati.Value(row.manual.value)] if row.manual else []
                else:
                    actuals = [_iati_value(row.figure.total if row.figure else None)]
                    for dimension, figures in row.figure.by.items() if row.figure else ():
                        actuals += [_iati_value(f, [iati.Dimension(dimension, f.category)]) for f in figures]
                periods.append(iati.Period(period.start, period.end, targets, actuals))
            baseline = []
            if indicator.baseline is not None:
                year = (indicator.baseline_date or project.start_date).year
                baseline = [iati.Baseline(year, indicator.baseline, indicator.baseline_date)]
            iati_indicators.append(
                iati.Indicator(
                    title=_narratives(_names(indicator)),
                    measure="2" if indicator.unit == Indicator.Unit.PERCENT else "1",
                    ascending=indicator.measure not in DESCENDING,
                    reference=("99", f"{project.code}-{indicator.code}"), baselines=baseline, periods=periods,
                )
            )  # fmt: skip
        results.append(iati.Result(RESULT_TYPES[node.level], _narratives(_names(node)), iati_indicators))
    participating = []
    if project.donor:
        participating.append(_org(project.donor, "1", profile.reporting_org_ref or None))
    participating += [_org(o, "4") for o in profile.implementers.all()]
    return iati.Activity(
        identifier=profile.iati_identifier,
        reporting_org=iati.Org(_narratives(_names(project.donor)) if project.donor else [],
                               ref=profile.reporting_org_ref, type="15"),
        title=_narratives(_names(project)),
        description=_narratives({lang: getattr(profile, f"description_{lang}") for lang in LANGUAGES}),
        participating_orgs=participating, status=profile.status,
        dates=iati.Dates(planned_start=project.start_date,
                         actual_start=project.start_date if profile.status in {"2", "3", "4"} else None,
                         planned_end=project.end_date),
        last_updated=taken.astimezone(UTC), default_currency=profile.currency,
        locations=[iati.Location(_narratives(_names(t)), ref=t.code) for t in project.territories.all()],
        sectors=[iati.Sector(s.code, s.percentage) for s in profile.sectors.all()],
        budgets=_yearly_budgets(project, profile), results=results,
    )  # fmt: skip


def iati_document(project: Project, end: date | None = None) -> bytes:
    """The validated IATI 2.03 XML; iati.IatiError (listing every problem) when it cannot be exported."""
    return iati.export_activity(iati_activity(project, end), generated=datetime.now(UTC))


# --- Charts -------------------------------------------------------------------------------------------------


def progress_svg(results: services.ProjectResults, language: str) -> str:
    with translation.override(language):  # each value as the page around the chart writes it
        bars = [
            charts.ProgressBar(r.indicator.code, None if r.progress is None else r.progress / 100, r.text)
            for r in results.rows
            if r.target is not None
        ]
    if not bars:
        return ""
    spec = charts.progress_chart(bars, language=language)
    spec["usermeta"]["snapshot"] = str(results.taken_at)  # one image per snapshot in the cache
    return charts.render_svg(spec)


def funnel_svg(groups: list[services.FunnelGroup], dimension: str, language: str, taken_at) -> str:
    series = [
        charts.FunnelSeries(
            g.named.name(language) if g.named else str(measures.category_label(dimension, g.category)),
            {stage: (None if share is None else share / 100) for stage, _figure, share in g.stages},
        )
        for g in groups
    ]
    if not series:
        return ""
    spec = charts.funnel_chart(series, language=language)
    spec["usermeta"]["snapshot"] = str(taken_at)
    return charts.render_svg(spec)
