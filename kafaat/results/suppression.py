"""Small-cell suppression for every number shown to aggregate-only roles or exported.

Rules (docs/results-reporting.md explains them with examples):

* **Primary**: a count ``n`` with ``0 < n < threshold`` (default 5) is suppressed. Zero is *shown*: a zero
  identifies nobody, zeros are the common value of sparse disaggregations, and because zeros are always
  shown every suppressed number is known to be at least 1 — the audit below assumes a reader knows that.
  Totals are counts too: a small row, column or grand total is primary-suppressed like any cell.
* **Secondary**: totals must not reveal a suppressed number. In every *line* (a 1-D table with its total; a
  row, a column, the row of column totals or the column of row totals of a 2-D table), further entries are
  suppressed, smallest non-zero first, until (a) a line holding a suppressed entry holds at least two, (b)
  when the line's total is shown, its suppressed cells add up to at least the threshold (otherwise "total
  minus the shown cells" is itself a small count) and (c) the exact audit finds no suppressed entry that a
  reader could recompute. Then secondary entries that are not needed are released and larger ones swapped for
  smaller ones in the same line while the table stays protected, so the secondary entries are the smallest
  that work.
* **Audit**: a suppressed entry is recoverable when every table that publishes the same shown numbers and
  totals, with every suppressed entry ``>= 1``, has the same value there. The line equations of a table with
  totals form a network (each entry lies in at most two lines, with opposite signs once columns are negated),
  so an entry can change iff it lies on a directed cycle of the graph "lines x suppressed entries" whose
  edges follow the allowed moves: any suppressed entry may grow (readers know no upper bound), only those
  ``>= 2`` may shrink. The check is exact for 1-D and 2-D tables with totals.
* **Rates**: see :func:`suppress_rate`.

Primary and secondary entries must be rendered alike (:data:`MARKER`): telling them apart would tell a reader
which hidden numbers are small. The status is there for audit and tests, the hidden number is never returned.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Generic, TypeVar

THRESHOLD = 5
MARKER = "*"
# In `suppress_2d(forced=...)`, the key of a margin: (row, TOTAL) a row total, (TOTAL, col) a column total,
# (TOTAL, TOTAL) the grand total.
TOTAL = "__total__"

K = TypeVar("K", bound=Hashable)
R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)


class Status(StrEnum):
    SHOWN = "shown"
    PRIMARY = "primary"
    SECONDARY = "secondary"


@dataclass(frozen=True)
class Cell:
    """A published count: ``value`` is None whenever the status is not SHOWN."""

    status: Status
    value: int | None

    @property
    def suppressed(self) -> bool:
        return self.status is not Status.SHOWN

    def text(self, marker: str = MARKER) -> str:
        return marker if self.suppressed else str(self.value)


@dataclass(frozen=True)
class Table1D(Generic[K]):
    keys: tuple[K, ...]
    cells: dict[K, Cell]
    total: Cell | None
    threshold: int

    @property
    def any_suppressed(self) -> bool:
        return any(c.suppressed for c in self.cells.values()) or bool(self.total and self.total.suppressed)


@dataclass(frozen=True)
class Table2D(Generic[R, C]):
    rows: tuple[R, ...]
    cols: tuple[C, ...]
    cells: dict[tuple[R, C], Cell]
    row_totals: dict[R, Cell] | None
    col_totals: dict[C, Cell] | None
    grand_total: Cell | None
    threshold: int

    @property
    def any_suppressed(self) -> bool:
        entries = list(self.cells.values())
        if self.row_totals is not None and self.col_totals is not None and self.grand_total is not None:
            entries += [*self.row_totals.values(), *self.col_totals.values(), self.grand_total]
        return any(c.suppressed for c in entries)


@dataclass(frozen=True)
class Rate:
    """A proportion numerator/denominator; ``value`` is None when suppressed or when the denominator is 0."""

    status: Status
    value: Fraction | None

    @property
    def suppressed(self) -> bool:
        return self.status is not Status.SHOWN

    def percent(self, digits: int = 1) -> float | None:
        return None if self.value is None else round(float(self.value) * 100, digits)


def _check_threshold(threshold: int) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ValueError(f"The suppression threshold must be a whole number >= 1, not {threshold!r}.")


def _check_count(value: object, where: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"Counts must be whole numbers >= 0; {where!r} is {value!r}.")
    return value


def is_small(count: int, threshold: int = THRESHOLD) -> bool:
    """True when ``count`` must be primary-suppressed (zero is shown)."""
    return 0 < count < threshold


def suppress_count(count: int, *, threshold: int = THRESHOLD) -> Cell:
    """A single published count with no total around it (a headline figure)."""
    _check_threshold(threshold)
    _check_count(count, "count")
    return Cell(Status.PRIMARY, None) if is_small(count, threshold) else Cell(Status.SHOWN, count)


# --- the engine: entries, signed line equations, and the exact audit ---------------------------------------

_FREE = -1  # the node of entries that lie in fewer than two lines: it need not balance
IMPROVE_AUDITS = 200  # full audits the improvement pass may spend (a few ms each on a province table)


@dataclass
class _System:
    values: list[int]
    lines: list[list[tuple[int, int]]]  # (entry, coefficient +1/-1); a shared entry has opposite signs
    line_totals: list[int]  # the entry that is each line's total
    threshold: int
    forced: frozenset[int] = frozenset()  # entries hidden from the start, like primary ones

    def __post_init__(self) -> None:
        self.ends: list[list[tuple[int, int]]] = [[] for _ in self.values]
        for q, line in enumerate(self.lines):
            for e, coef in line:
                self.ends[e].append((q, coef))
        self.is_total = set(self.line_totals)
        self.audits_left = IMPROVE_AUDITS
        assert all(len(ends) <= 2 for ends in self.ends)
        assert all(len(x) < 2 or x[0][1] == -x[1][1] for x in self.ends)

    def line_violated(self, q: int, hidden: list[bool]) -> bool:
        hid = [e for e, _ in self.lines[q] if hidden[e]]
        if not hid:
            return False
        if len(hid) < 2:
            return True
        total = self.line_totals[q]
        return not hidden[total] and sum(self.values[e] for e in hid) < self.threshold

    def violated_line(self, hidden: list[bool]) -> int | None:
        return next((q for q in range(len(self.lines)) if self.line_violated(q, hidden)), None)

    def _moves(self, e: int) -> list[tuple[int, int]]:
        """Directed edges (from, to) for growing entry ``e`` and, when it is >= 2, for shrinking it."""
        ends = self.ends[e]
        if len(ends) == 1:
            ends = [ends[0], (_FREE, -ends[0][1])]
        (u, cu), (v, _) = ends
        grow = (u, v) if cu == -1 else (v, u)
        return [grow, (grow[1], grow[0])] if self.values[e] >= 2 else [grow]

    def pinned(self, hidden: list[bool]) -> int | None:
        """The first suppressed entry whose value every consistent table shares, or None."""
        edges = {e: self._moves(e) for e, h in enumerate(hidden) if h and self.ends[e]}
        graph: dict[int, list[tuple[int, int]]] = {}
        for e, moves in edges.items():
            for a, b in moves:
                graph.setdefault(a, []).append((b, e))
        for e, moves in edges.items():
            if not any(self._reaches(graph, b, a, e) for a, b in moves):
                return e
        return None

    @staticmethod
    def _reaches(graph: dict[int, list[tuple[int, int]]], start: int, goal: int, without: int) -> bool:
        if start == goal:
            return start == _FREE  # a loop through the free node moves one entry alone: allowed
        seen, todo = {start}, [start]
        while todo:
            for nxt, e in graph.get(todo.pop(), ()):
                if e != without and nxt not in seen:
                    if nxt == goal:
                        return True
                    seen.add(nxt)
                    todo.append(nxt)
        return False

    def protected(self, hidden: list[bool]) -> bool:
        return self.violated_line(hidden) is None and self.pinned(hidden) is None

    def _smallest(self, hidden: list[bool], entries: list[int]) -> int | None:
        """The smallest non-zero shown entry, preferring those that open no new line to protect."""
        options = [e for e in entries if not hidden[e] and self.values[e] > 0]

        def opens(e: int) -> int:
            return sum(1 for q, _ in self.ends[e] if not any(hidden[x] for x, _ in self.lines[q]))

        return min(options, key=lambda e: (opens(e), self.values[e], e in self.is_total, e), default=None)

    def _line_entries(self, q: int) -> list[int]:
        return [e for e, _ in self.lines[q]]

    def solve(self) -> list[Status]:
        primary = [
            is_small(v, self.threshold) or (i in self.forced and v > 0) for i, v in enumerate(self.values)
        ]
        hidden = list(primary)
        everything = list(range(len(self.values)))
        todo = {q for e, h in enumerate(hidden) if h for q, _ in self.ends[e]}  # lines to look at again
        while True:
            q = next((q for q in sorted(todo) if self.line_violated(q, hidden)), None)
            if q is not None:
                pick = self._smallest(hidden, self._line_entries(q))
            else:
                todo.clear()
                e = self.pinned(hidden)
                if e is None:
                    break
                near = [x for q2, _ in self.ends[e] for x in self._line_entries(q2)]
                pick = self._smallest(hidden, near)
            if pick is None:
                pick = self._smallest(hidden, everything)
            if pick is None:
                break  # every non-zero entry is hidden already: nothing more can be done
            hidden[pick] = True
            todo |= {q2 for q2, _ in self.ends[pick]}
        if not self.protected(hidden):
            # Fail safe: no such table is known, but a recoverable one must never be published.
            hidden = [True] * len(hidden)
        self._improve(hidden, primary)
        return [
            Status.PRIMARY if p else Status.SECONDARY if h else Status.SHOWN
            for p, h in zip(primary, hidden, strict=True)
        ]

    def _still_protected(self, hidden: list[bool], changed: Sequence[int]) -> bool:
        """After changing ``changed``: only their lines' rules can break (cheap), then the full audit."""
        lines = {q for e in changed for q, _ in self.ends[e]}
        if any(self.line_violated(q, hidden) for q in lines) or self.audits_left <= 0:
            return False
        self.audits_left -= 1
        return self.pinned(hidden) is None

    def _improve(self, hidden: list[bool], primary: list[bool]) -> None:
        """Release needless secondary entries, then swap each for a smaller one of its lines if that works.

        A try that passes the cheap line rules costs a full audit; audits are bounded (:data:`IMPROVE_AUDITS`)
        so that a commune-level table stays quick. The table is protected whatever.
        """
        self.audits_left = IMPROVE_AUDITS
        changed = True
        while changed and self.audits_left > 0:
            changed = False
            secondary = [e for e, h in enumerate(hidden) if h and not primary[e]]
            for s in sorted(secondary, key=lambda e: (-self.values[e], e)):
                hidden[s] = False
                if self._still_protected(hidden, [s]):
                    changed = True
                    continue
                hidden[s] = True
                near = {x for q, _ in self.ends[s] for x in self._line_entries(q)}
                smaller = [t for t in near if not hidden[t] and 0 < self.values[t] < self.values[s]]
                for t in sorted(smaller, key=lambda e: (self.values[e], e)):
                    hidden[s], hidden[t] = False, True
                    if self._still_protected(hidden, [s, t]):
                        changed = True
                        break
                    hidden[s], hidden[t] = True, False


def _cell(status: Status, value: int) -> Cell:
    return Cell(status, value if status is Status.SHOWN else None)


def suppress_1d(
    counts: Mapping[K, int], *, threshold: int = THRESHOLD, with_total: bool = True
) -> Table1D[K]:
    """Suppress a one-way table (e.g. counts by sex); its total is the sum of the cells, published or not.

    Include every category, "not recorded" too, so that the total really is the sum of the cells.
    """
    _check_threshold(threshold)
    keys = tuple(counts)
    values = [_check_count(counts[k], k) for k in keys]
    if not with_total:
        cells = {k: suppress_count(v, threshold=threshold) for k, v in zip(keys, values, strict=True)}
        return Table1D(keys, cells, None, threshold)
    n = len(values)
    line = [(i, 1) for i in range(n)] + [(n, -1)]
    statuses = _System([*values, sum(values)], [line], [n], threshold).solve()
    cells = {k: _cell(statuses[i], values[i]) for i, k in enumerate(keys)}
    return Table1D(keys, cells, _cell(statuses[n], sum(values)), threshold)


def suppress_2d(
    counts: Mapping[tuple[R, C], int],
    rows: Sequence[R],
    cols: Sequence[C],
    *,
    threshold: int = THRESHOLD,
    with_totals: bool = True,
    forced: Collection[tuple[R | str, C | str]] = (),
) -> Table2D[R, C]:
    """Suppress a two-way table (e.g. sex x region) with row, column and grand totals; missing cells are 0.

    ``forced``: non-zero entries to hide from the start whatever their size (reported as primary), e.g. those
    a linked table already hides; margins are named with :data:`TOTAL`. Secondary suppression then protects
    them like any primary entry.
    """
    _check_threshold(threshold)
    rows, cols = tuple(rows), tuple(cols)
    keys = {(r, c) for r in rows for c in cols}
    unknown = [key for key in counts if key not in keys]
    if unknown:
        raise ValueError(f"Cells outside the table's rows and columns: {unknown[:5]!r}.")
    grid = [[_check_count(counts.get((r, c), 0), (r, c)) for c in cols] for r in rows]
    if not with_totals:
        cells = {(r, c): suppress_count(grid[i][j], threshold=threshold)
                 for i, r in enumerate(rows) for j, c in enumerate(cols)}  # fmt: skip
        return Table2D(rows, cols, cells, None, None, None, threshold)
    nr, nc = len(rows), len(cols)
    cell = lambda i, j: i * nc + j  # noqa: E731
    row_t = lambda i: nr * nc + i  # noqa: E731
    col_t = lambda j: nr * nc + nr + j  # noqa: E731
    grand = nr * nc + nr + nc
    row_sums = [sum(row) for row in grid]
    col_sums = [sum(grid[i][j] for i in range(nr)) for j in range(nc)]
    values = [v for row in grid for v in row] + row_sums + col_sums + [sum(row_sums)]
    # Column lines are negated so that every entry lies in two lines with opposite signs (a network).
    lines = [[(cell(i, j), 1) for j in range(nc)] + [(row_t(i), -1)] for i in range(nr)]
    lines += [[(cell(i, j), -1) for i in range(nr)] + [(col_t(j), 1)] for j in range(nc)]
    lines.append([(row_t(i), 1) for i in range(nr)] + [(grand, -1)])
    lines.append([(col_t(j), -1) for j in range(nc)] + [(grand, 1)])
    totals = [row_t(i) for i in range(nr)] + [col_t(j) for j in range(nc)] + [grand, grand]
    index = {(r, c): cell(i, j) for i, r in enumerate(rows) for j, c in enumerate(cols)}
    index |= {(r, TOTAL): row_t(i) for i, r in enumerate(rows)} | {
        (TOTAL, c): col_t(j) for j, c in enumerate(cols)
    }
    index[(TOTAL, TOTAL)] = grand
    unknown = [key for key in forced if key not in index]
    if unknown:
        raise ValueError(f"Forced entries outside the table: {unknown[:5]!r}.")
    st = _System(values, lines, totals, threshold, frozenset(index[key] for key in forced)).solve()
    return Table2D(
        rows,
        cols,
        {(r, c): _cell(st[cell(i, j)], grid[i][j]) for i, r in enumerate(rows) for j, c in enumerate(cols)},
        {r: _cell(st[row_t(i)], row_sums[i]) for i, r in enumerate(rows)},
        {c: _cell(st[col_t(j)], col_sums[j]) for j, c in enumerate(cols)},
        _cell(st[grand], values[grand]),
        threshold,
    )


def suppress_rate(
    numerator: int | Cell, denominator: int | Cell, *, threshold: int = THRESHOLD, complement: bool = True
) -> Rate:
    """A proportion, suppressed when it could reveal a small group.

    Primary when the denominator is small (``0 < d < threshold``), when the numerator is small, or — with
    ``complement`` — when ``d - n`` is small (96 % of 50 tells who the 2 others are). Pass the numerator and
    denominator as :class:`Cell` of suppressed tables to carry their suppression over: a rate of a
    suppressed count is secondary-suppressed, or it would give the count back.
    A zero denominator gives no rate.
    """
    _check_threshold(threshold)
    if any(isinstance(x, Cell) and x.suppressed for x in (numerator, denominator)):
        return Rate(Status.SECONDARY, None)
    num = _check_count(numerator.value if isinstance(numerator, Cell) else numerator, "numerator")
    den = _check_count(denominator.value if isinstance(denominator, Cell) else denominator, "denominator")
    if num > den:
        raise ValueError(f"A rate's numerator ({num}) cannot exceed its denominator ({den}).")
    if den == 0:
        return Rate(Status.SHOWN, None)
    small = is_small(den, threshold) or is_small(num, threshold)
    if small or (complement and is_small(den - num, threshold)):
        return Rate(Status.PRIMARY, None)
    return Rate(Status.SHOWN, Fraction(num, den))
