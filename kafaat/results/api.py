"""Results endpoints: projects, their indicators and the indicators' values — aggregates only, always
small-cell suppressed (the API is an export), with the time of the snapshot they come from."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema

from kafaat.core import audit
from kafaat.core.api_schema import Error, IsoDate
from kafaat.results import services
from kafaat.results.publish import Figure

router = Router(tags=["results"])


class ProjectOut(Schema):
    code: str
    name_fr: str
    name_ar: str
    name_en: str
    donor: str | None
    start_date: date
    end_date: date | None
    is_active: bool


class IndicatorOut(Schema):
    code: str
    result: str
    level: str
    name_fr: str
    name_ar: str
    name_en: str
    unit: str
    measure: str
    filters: dict
    disaggregations: list[str]
    baseline: float | None
    targets: list[dict]


class FigureOut(Schema):
    category: str
    value: float | None
    suppressed: bool


class ValueOut(Schema):
    code: str
    unit: str
    value: float | None
    suppressed: bool
    target: float | None
    disaggregations: dict[str, list[FigureOut]]


class ValuesOut(Schema):
    project: str
    start: date
    end: date
    snapshot_taken_at: datetime | None
    values: list[ValueOut]


class PeriodIn(Schema):
    start: IsoDate | None = None
    end: IsoDate | None = None


def _project_out(project) -> dict:
    return {
        "code": project.code, "name_fr": project.name_fr, "name_ar": project.name_ar,
        "name_en": project.name_en,
        "donor": project.donor.code if project.donor_id else None, "start_date": project.start_date,
        "end_date": project.end_date, "is_active": project.is_active,
    }  # fmt: skip


def _figure(figure: Figure) -> dict:
    return {"category": figure.category, "value": figure.value, "suppressed": figure.suppressed}


@router.get("/results/projects", response=list[ProjectOut])
def list_projects(request: HttpRequest):
    return [_project_out(p) for p in services.visible_projects(request.user).select_related("donor")]


@router.get("/results/projects/{code}/indicators", response=list[IndicatorOut])
def list_indicators(request: HttpRequest, code: str):
    project = services.get_project(request.user, code)
    return [
        {
            "code": i.code,
            "result": i.node.code,
            "level": i.node.level,
            "name_fr": i.name_fr,
            "name_ar": i.name_ar,
            "name_en": i.name_en,
            "unit": i.unit,
            "measure": i.measure,
            "filters": i.filters,
            "disaggregations": i.disaggregations,
            "baseline": float(i.baseline) if i.baseline is not None else None,
            "targets": [
                {"start": t.period_start, "end": t.period_end, "value": float(t.value)}
                for t in i.targets.all()
            ],
        }  # fmt: skip
        for i in project.indicators.select_related("node").prefetch_related("targets")
    ]


@router.get("/results/projects/{code}/values", response={200: ValuesOut, 400: Error})
def project_values(request: HttpRequest, code: str, period: Query[PeriodIn]):
    project = services.get_project(request.user, code)
    start, end = services.default_period(project)
    start, end = period.start or start, period.end or end
    if start > end:
        raise ValidationError("The period must start before it ends.")
    results = services.compute_project(project, start, end, suppress=True)
    audit.record(audit.Action.EXPORT, request.user, project, details={"api": "values", "start": str(start),
                                                                       "end": str(end)})  # fmt: skip
    values = []
    for row in results.rows:
        figure = row.figure
        values.append(
            {
                "code": row.indicator.code,
                "unit": row.indicator.unit,
                "value": row.value,
                "suppressed": row.suppressed,
                "target": float(row.target.value) if row.target else None,
                "disaggregations": {d: [_figure(f) for f in cells] for d, cells in figure.by.items()}
                if figure
                else {},
            }
        )
    return {
        "project": project.code, "start": start, "end": end, "snapshot_taken_at": results.taken_at,
        "values": values,
    }  # fmt: skip
