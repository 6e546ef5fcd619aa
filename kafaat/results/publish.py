"""From the engine's exact results to published figures: small-cell suppression for aggregate-only readers
and every export (kafaat.results.suppression), nothing hidden for the managers of the project."""

from __future__ import annotations

from dataclasses import dataclass, field

from kafaat.core.l10n import formatting
from kafaat.results import measures, suppression
from kafaat.results.engine import Cell, IndicatorResult
from kafaat.results.measures import PERCENT


@dataclass(frozen=True)
class Figure:
    category: str
    value: float | None  # None when suppressed, or when there is nothing to divide by
    suppressed: bool = False
    numerator: int | None = None  # hidden (None) whenever the figure is suppressed
    denominator: int | None = None

    def text(self, language: str | None = None, digits: int = 1) -> str:
        """The figure for a reader of `language` (default: the active one): "1 031", "56,3", "*", "–"."""
        if self.suppressed:
            return suppression.MARKER
        return formatting.format_number(self.value, language, digits, trim=True)


@dataclass
class PublishedIndicator:
    code: str
    unit: str
    total: Figure
    by: dict[str, list[Figure]] = field(default_factory=dict)

    @property
    def any_suppressed(self) -> bool:
        return self.total.suppressed or any(f.suppressed for cells in self.by.values() for f in cells)


def _exact(cell: Cell) -> Figure:
    return Figure(cell.category, cell.value, False, cell.numerator, cell.denominator)


def _rate(category: str, numerator: suppression.Cell, denominator: suppression.Cell) -> Figure:
    rate = suppression.suppress_rate(numerator, denominator)
    if rate.suppressed:
        return Figure(category, None, True)
    return Figure(category, rate.percent(), False, numerator.value, denominator.value)


def _count_figure(category: str, cell: suppression.Cell) -> Figure:
    if cell.suppressed:
        return Figure(category, None, True)
    return Figure(category, float(cell.value), False, cell.value)


def publish(result: IndicatorResult, *, suppress: bool) -> PublishedIndicator:
    """The figures of one indicator; `suppress` for analysts, donors, exports and the API's aggregates."""
    if not suppress:
        return PublishedIndicator(
            result.code, result.unit, _exact(result.total), {d: [_exact(c) for c in cells] for d, cells in
                                                             result.by.items()}
        )  # fmt: skip
    measure = measures.REGISTRY.get(result.measure)
    if measure is not None and measure.is_mean_like:
        # A mean or a sum over fewer rows than the threshold describes identifiable people (or missions).

        def mean(cell: Cell) -> Figure:
            if suppression.is_small(cell.numerator):
                return Figure(cell.category, None, True)
            return Figure(cell.category, cell.value, False, cell.numerator)

        return PublishedIndicator(
            result.code, result.unit, mean(result.total), {d: [mean(c) for c in cells] for d, cells in
                                                           result.by.items()}
        )  # fmt: skip
    total_num = suppression.suppress_count(result.total.numerator)
    total_den = suppression.suppress_count(result.total.denominator or 0) if result.unit == PERCENT else None
    by: dict[str, list[Figure]] = {}
    hidden_total = total_num.suppressed
    for dimension, cells in result.by.items():
        numerators = suppression.suppress_1d({c.category: c.numerator for c in cells})
        hidden_total |= bool(numerators.total and numerators.total.suppressed)
        if result.unit == PERCENT:
            denominators = suppression.suppress_1d({c.category: c.denominator or 0 for c in cells})
            hidden_total |= bool(denominators.total and denominators.total.suppressed)
            by[dimension] = [
                _rate(c.category, numerators.cells[c.category], denominators.cells[c.category]) for c in cells
            ]
        else:
            by[dimension] = [_count_figure(c.category, numerators.cells[c.category]) for c in cells]
    if result.unit == PERCENT:
        total = _rate("", total_num, total_den) if not hidden_total else Figure("", None, True)
    else:
        total = Figure("", None, True) if hidden_total else _count_figure("", total_num)
    return PublishedIndicator(result.code, result.unit, total, by)
