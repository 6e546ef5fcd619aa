"""The indicator engine: every indicator of a project for a period, with every disaggregation, in one pass.

One SQL statement per fact table the indicators count over (ADR "measures over fact tables"): over the
snapshot's `journeys`, a GROUPING SETS aggregation whose columns are the measures' conditions (identical ones
computed once), whose sets are the total and one set per dimension; over another fact table (the governance
ones: `gov_attendance`…), the same with that table's own aggregates (distinct people, sums, means, ratios).
It reads no Django model and returns plain dataclasses, so the dashboard, the API, the XLSX report and the
IATI file all take their numbers from the same computation over the same snapshot.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb

from kafaat.core.pages.memo import RecentMemo
from kafaat.observatory import snapshot
from kafaat.results import measures
from kafaat.results.measures import COUNT, DAYS, PERCENT


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    measure: str
    filters: Mapping[str, str | list[str]] = field(default_factory=dict)
    disaggregations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cell:
    category: str
    value: float | None  # a count, a percentage or a mean; None where there is no denominator
    numerator: int  # people counted (for a rate: in the numerator; for a mean: averaged over)
    denominator: int | None = None  # rates only


@dataclass
class IndicatorResult:
    code: str
    measure: str
    unit: str
    total: Cell
    by: dict[str, list[Cell]] = field(default_factory=dict)


@dataclass
class Computation:
    project: str
    start: date
    end: date
    taken_at: datetime | None
    results: dict[str, IndicatorResult]
    seconds: float = 0.0


class InvalidIndicator(ValueError):
    pass


def _quote(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _filter_sql(filters: Mapping[str, str | list[str]], allowed: set[str] | None = None) -> str:
    parts = []
    for column, wanted in sorted(filters.items()):
        if column not in (measures.FILTERABLE if allowed is None else allowed):
            raise InvalidIndicator(f"cannot filter on {column!r}")
        values = wanted if isinstance(wanted, list | tuple) else [wanted]
        if not values:
            continue
        parts.append(f"{column} IN ({', '.join(_quote(v) for v in values)})")
    return " AND ".join(parts)


def _with_filter(condition: str | None, filters: str) -> str | None:
    if condition is None or not filters:
        return condition
    return f"({condition}) AND {filters}"


def _validate(spec: IndicatorSpec) -> measures.Measure:
    try:
        measure = measures.get(spec.measure)
    except KeyError as error:
        raise InvalidIndicator(str(error)) from None
    unknown = set(spec.disaggregations) - set(measures.DIMENSION_LABELS)
    if unknown:
        raise InvalidIndicator(f"unknown disaggregation(s): {', '.join(sorted(unknown))}")
    unsupported = set(spec.disaggregations) - set(measures.dimensions_of(measure))
    if unsupported:
        raise InvalidIndicator(f"{spec.measure} has no {', '.join(sorted(unsupported))} disaggregation")
    return measure


class _Columns:
    """The aggregate columns of the statement; the same expression is computed once whoever asks."""

    def __init__(self) -> None:
        self.expressions: dict[str, str] = {}

    def add(self, expression: str) -> str:
        if expression not in self.expressions:
            self.expressions[expression] = f"a{len(self.expressions)}"
        return self.expressions[expression]


def build_query(specs: Iterable[IndicatorSpec]) -> tuple[str, list[str], dict[str, tuple]]:
    """The statement, the journeys columns it groups by, and per indicator its columns' aliases and the
    column each of its disaggregations reads (the sector one depends on the measure: `measures`).

    One scan: the measures' conditions are aggregated once per combination of all the grouped columns (a
    small cube), and the total and each column's margins are rolled up from that cube — every aggregate is
    a count or a sum, so the roll-up is exact and far cheaper than one grouping of the rows per dimension.
    """
    columns, plan, grouped = _Columns(), {}, []
    for spec in specs:
        measure = _validate(spec)
        if measure.fact != measures.JOURNEYS:
            raise InvalidIndicator(f"{spec.measure} counts over {measure.fact}: see build_fact_query")
        filters = _filter_sql(spec.filters)
        numerator = _with_filter(measure.numerator, filters)
        reads = {d: measures.dimension_column(d, measure) for d in spec.disaggregations}
        if measure.unit == DAYS:  # a mean = a sum and a count, both additive
            total = columns.add(f"sum(CASE WHEN {numerator} THEN {measure.value} END)")
            plan[spec.code] = (measure, columns.add(f"count_if({numerator})"), None, total, reads)
        else:
            denominator = _with_filter(measure.denominator, filters)
            den = columns.add(f"count_if({denominator})") if denominator else None
            plan[spec.code] = (measure, columns.add(f"count_if({numerator})"), den, None, reads)
        grouped += [c for c in reads.values() if c not in grouped]
    cube = [*grouped, *(f"{expression} AS {alias}" for expression, alias in columns.expressions.items())]
    sql = f"SELECT {', '.join(cube) or '1'} FROM journeys WHERE project = $project"  # noqa: S608
    if not grouped:
        return sql, grouped, plan
    sql += " GROUP BY ALL"
    select = [f"GROUPING({c}) AS g_{c}, {c} AS c_{c}" for c in grouped]
    select += [f"sum({alias}) AS {alias}" for alias in columns.expressions.values()]
    sets = ", ".join(["()", *(f"({c})" for c in grouped)])
    return f"SELECT {', '.join(select)} FROM ({sql}) GROUP BY GROUPING SETS ({sets})", grouped, plan


def _fact_aggregates(measure: measures.Measure, columns: _Columns, filters: str) -> tuple:
    """(numerator alias, denominator alias, value alias) of a measure over a fact other than journeys."""
    numerator = _with_filter(measure.numerator, filters)
    if measure.aggregate == measures.DISTINCT:
        return columns.add(f"count(DISTINCT {measure.value}) FILTER (WHERE {numerator})"), None, None
    if measure.aggregate in (measures.SUM, measures.MEAN):  # the rows added up, and how many they are
        rows = columns.add(f"count({measure.value}) FILTER (WHERE {numerator})")
        return rows, None, columns.add(f"sum({measure.value}) FILTER (WHERE {numerator})")
    if measure.aggregate == measures.RATIO:
        denominator = _with_filter(measure.denominator, filters)
        weight, base = measure.value or "1", measure.denominator_value or "1"
        num = columns.add(f"coalesce(sum({weight}) FILTER (WHERE {numerator}), 0)")
        return num, columns.add(f"coalesce(sum({base}) FILTER (WHERE {denominator}), 0)"), None
    return columns.add(f"count_if({numerator})"), None, None


def build_fact_query(fact: str, specs: Iterable[IndicatorSpec]) -> tuple[str, list[str], dict[str, tuple]]:
    """The statement over one fact table other than journeys: its aggregates for the total and each
    disaggregation straight from the rows (a distinct count is not additive, so there is no cube to roll up),
    with the same plan shape and result columns as `build_query`."""
    columns, plan, grouped = _Columns(), {}, []
    for spec in specs:
        measure = _validate(spec)
        filters = _filter_sql(spec.filters, measures.filterable_of(measure))
        num, den, value = _fact_aggregates(measure, columns, filters)
        reads = {d: measures.dimension_column(d, measure) for d in spec.disaggregations}
        plan[spec.code] = (measure, num, den, value, reads)
        grouped += [c for c in reads.values() if c not in grouped]
    aggregates = [f"{expression} AS {alias}" for expression, alias in columns.expressions.items()]
    table = measures.FACTS[fact].table

    def grouping(column: str | None) -> str:
        # One grouping set: GROUPING(c) is 0 for the grouped column, 1 for the others (as GROUPING SETS says).
        flags = [f"{int(c != column)} AS g_{c}, {c if c == column else 'NULL'} AS c_{c}" for c in grouped]
        sql = f"SELECT {', '.join([*flags, *aggregates])} FROM {table} WHERE project = $project"  # noqa: S608
        return sql + (f" GROUP BY {column}" if column else "")

    # The grouping sets as a UNION ALL of plain groupings: DuckDB runs a distinct count under GROUPING SETS
    # about twice as slowly (measured, benchmarks/governance.py).
    return " UNION ALL ".join(grouping(c) for c in [None, *grouped]), grouped, plan


def _cell(category: str, measure: measures.Measure, row: dict, num: str, den: str | None, total: str | None):
    count = int(row.get(num) or 0)
    if measure.fact != measures.JOURNEYS and measure.aggregate in (measures.SUM, measures.MEAN):
        amount = float(row.get(total) or 0)
        if measure.aggregate == measures.SUM:
            return Cell(category, round(amount, 1), count)
        return Cell(category, round(amount / count, 1) if count else None, count)
    if measure.unit == PERCENT:
        base = int(row.get(den) or 0)
        return Cell(category, round(100.0 * count / base, 1) if base else None, count, base)
    if measure.unit == DAYS:
        return Cell(category, round(float(row[total]) / count, 1) if count else None, count)
    return Cell(category, float(count), count)


def _run(sql: str, grouped: list[str], params: dict, cursor) -> tuple[dict, dict[str, list[dict]]]:
    """The statement's total row and, per grouped column, its rows."""
    result = cursor.execute(sql, params)
    names = [d[0] for d in result.description]
    rows = [dict(zip(names, values, strict=True)) for values in result.fetchall()]
    totals = next((r for r in rows if all(r[f"g_{c}"] for c in grouped)), None)
    if totals is None:  # nothing in the project: every count is zero
        totals = dict.fromkeys(names)
    by_column: dict[str, list[dict]] = {c: [] for c in grouped}
    for row in rows:
        for c in grouped:
            if not row[f"g_{c}"]:
                by_column[c].append(row)
    return totals, by_column


# Computations per snapshot file: a dashboard read again (by anyone, in any language) on the same snapshot
# asks DuckDB nothing (0.22 s of the results dashboard's 0.30 s at 1M people; a third of the web work in the
# load test, docs/operations.md). A new snapshot is another file version, hence another key.
_computations = RecentMemo(128)


def _snapshot_version(path: Path | None) -> tuple:
    try:
        stat = Path(path or snapshot.warehouse_path()).stat()
    except FileNotFoundError as error:
        raise snapshot.NoSnapshot(str(path)) from error
    return (str(path or snapshot.warehouse_path()), stat.st_ino, stat.st_size, stat.st_mtime_ns)


def _spec_key(spec: IndicatorSpec) -> tuple:
    filters = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in spec.filters.items()))
    return (spec.code, spec.measure, filters, tuple(spec.disaggregations))


def compute(
    project: str, start: date, end: date, specs: Iterable[IndicatorSpec], *, path: Path | None = None
) -> Computation:
    """Compute `specs` for `project` over [start, end] from the current snapshot (NoSnapshot if none),
    remembered per snapshot version (the figures of one snapshot never change)."""
    specs = list(specs)
    key = (_snapshot_version(path), project, start, end, tuple(_spec_key(s) for s in specs))
    return _computations.get(key, lambda: _compute(project, start, end, specs, path))


def _compute(
    project: str, start: date, end: date, specs: list[IndicatorSpec], path: Path | None
) -> Computation:
    started = time.perf_counter()
    by_fact: dict[str, list[IndicatorSpec]] = {}
    for spec in specs:
        fact = _validate(spec).fact
        by_fact.setdefault(fact, []).append(spec)
    statements = []
    for fact, fact_specs in by_fact.items():
        if fact == measures.JOURNEYS:
            statements.append((fact_specs, *build_query(fact_specs)))
        else:
            statements.append((fact_specs, *build_fact_query(fact, fact_specs)))
    if not statements:  # no indicator: the journeys' empty statement still says when the snapshot was taken
        statements.append(([], *build_query([])))
    params = {"project": project, "start": start, "end": end}
    cursor = snapshot.cursor(path)
    try:
        answers = []
        for fact_specs, sql, grouped, plan in statements:
            used = params if "$start" in sql or "$end" in sql else {"project": project}
            try:
                answers.append((fact_specs, grouped, plan, *_run(sql, grouped, used, cursor)))
            except duckdb.CatalogException:
                if fact_specs and _validate(fact_specs[0]).fact == measures.JOURNEYS:
                    raise
                # A snapshot taken before this fact table existed: nothing counted until the next refresh.
                answers.append((fact_specs, grouped, plan, {}, {c: [] for c in grouped}))
        info = snapshot.info(path)
    finally:
        cursor.close()
    results = {}
    for fact_specs, _grouped, plan, totals, by_column in answers:
        for spec in fact_specs:
            measure, num, den, avg, reads = plan[spec.code]
            result = IndicatorResult(
                spec.code, spec.measure, measure.unit, _cell("", measure, totals, num, den, avg)
            )
            for d in spec.disaggregations:
                column = reads[d]
                cells = [
                    _cell(str(row[f"c_{column}"] or measures.UNKNOWN_CATEGORY), measure, row, num, den, avg)
                    for row in by_column[column]
                ]
                result.by[d] = sorted(cells, key=lambda c: c.category)
            results[spec.code] = result
    return Computation(
        project=project,
        start=start,
        end=end,
        taken_at=info.taken_at if info else None,
        results={spec.code: results[spec.code] for spec in specs},
        seconds=time.perf_counter() - started,
    )


def funnel(project: str, start: date, end: date, dimension: str, *, path: Path | None = None) -> Computation:
    """The equity funnel (orientation → insertion) of each group of `dimension`, from the same engine."""
    specs = [IndicatorSpec(stage, code, {}, (dimension,)) for stage, code, _label in measures.FUNNEL]
    return compute(project, start, end, specs, path=path)


__all__ = ["COUNT", "Cell", "Computation", "IndicatorResult", "IndicatorSpec", "compute", "funnel"]
