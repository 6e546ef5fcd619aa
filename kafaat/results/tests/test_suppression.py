from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kafaat.results.suppression import (
    MARKER,
    Cell,
    Status,
    suppress_1d,
    suppress_2d,
    suppress_count,
    suppress_rate,
)
from kafaat.results.tests import disclosure as dis

P, S, SHOWN = Status.PRIMARY, Status.SECONDARY, Status.SHOWN


def statuses(table):
    return {k: c.status for k, c in table.cells.items()}


# --- hand-built cases ---------------------------------------------------------------------------------------


def test_threshold_boundary_and_zero_is_shown():
    assert suppress_count(4) == Cell(P, None)
    assert suppress_count(5) == Cell(SHOWN, 5)
    assert suppress_count(0) == Cell(SHOWN, 0)
    assert suppress_count(9, threshold=10).suppressed
    assert suppress_count(1, threshold=1) == Cell(SHOWN, 1)


def test_one_small_cell_takes_the_next_smallest_with_it():
    table = suppress_1d({"f": 3, "m": 40, "x": 0, "u": 12})
    assert statuses(table) == {"f": P, "m": SHOWN, "x": SHOWN, "u": S}
    assert table.total == Cell(SHOWN, 55)
    assert [table.cells[k].text() for k in table.keys] == [MARKER, "40", "0", MARKER]


def test_hidden_cells_must_add_up_to_the_threshold_when_the_total_is_shown():
    # 1 + 1 hidden with the total shown would tell that both are exactly 1.
    table = suppress_1d({"a": 1, "b": 1, "c": 100, "d": 60})
    assert statuses(table) == {"a": P, "b": P, "c": SHOWN, "d": S}
    # 2 + 3 = 5 is enough on its own: nothing else is hidden.
    assert statuses(suppress_1d({"a": 2, "b": 3, "c": 100})) == {"a": P, "b": P, "c": SHOWN}


def test_a_secondary_cell_is_released_when_a_smaller_one_suffices():
    # Greedy smallest-first would hide 2 then 3; hiding 3 alone already protects the 2.
    table = suppress_1d({"a": 2, "b": 2, "c": 3, "d": 90})
    assert [table.cells[k].status for k in "abcd"] == [P, P, P, SHOWN]
    table = suppress_1d({"a": 4, "b": 6, "c": 7, "d": 90})
    assert statuses(table) == {"a": P, "b": S, "c": SHOWN, "d": SHOWN}


def test_a_small_total_is_suppressed_too_and_needs_no_partner():
    table = suppress_1d({"a": 3, "b": 0})
    assert table.total == Cell(P, None)
    assert statuses(table) == {"a": P, "b": SHOWN}


def test_without_total_only_small_cells_are_hidden():
    table = suppress_1d({"a": 3, "b": 50}, with_total=False)
    assert table.total is None and statuses(table) == {"a": P, "b": SHOWN}


def test_two_way_table_hides_a_rectangle():
    counts = {("F", "A"): 3, ("F", "B"): 20, ("F", "C"): 30, ("M", "A"): 40, ("M", "B"): 25, ("M", "C"): 8}
    table = suppress_2d(counts, ["F", "M"], ["A", "B", "C"])
    assert statuses(table) == {
        ("F", "A"): P, ("F", "B"): S, ("F", "C"): SHOWN,
        ("M", "A"): S, ("M", "B"): S, ("M", "C"): SHOWN,
    }  # fmt: skip
    assert table.row_totals == {"F": Cell(SHOWN, 53), "M": Cell(SHOWN, 73)}
    assert table.col_totals == {"A": Cell(SHOWN, 43), "B": Cell(SHOWN, 45), "C": Cell(SHOWN, 38)}
    assert table.grand_total == Cell(SHOWN, 126)
    values, hidden, lines = dis.published_2d(table, counts)
    assert dis.recoverable(values, hidden, lines) == []


def test_a_small_column_total_takes_another_column_total_with_it():
    counts = {("F", "A"): 2, ("M", "A"): 1, ("F", "B"): 30, ("M", "B"): 40, ("F", "C"): 9, ("M", "C"): 11}
    table = suppress_2d(counts, ["F", "M"], ["A", "B", "C"])
    assert table.col_totals["A"].status is P
    assert table.col_totals["C"].status is S  # 20 < 70: the smaller partner in the row of column totals
    assert table.col_totals["B"] == Cell(SHOWN, 70) and table.grand_total == Cell(SHOWN, 93)
    values, hidden, lines = dis.published_2d(table, counts)
    assert dis.protected(values, hidden, lines, 5)


def test_a_bridge_between_two_protected_blocks_is_caught_by_the_audit():
    # Hiding the two 2x2 blocks and the single cell (r1, c3) gives every line two hidden entries, but the
    # bridging cell is the difference of two sums: the audit must hide more.
    counts = {(r, c): 50 for r in range(4) for c in range(4)}
    counts |= {(0, 0): 3, (2, 2): 3}
    table = suppress_2d(counts, range(4), range(4))
    values, hidden, lines = dis.published_2d(table, counts)
    assert dis.protected(values, hidden, lines, 5)


def test_rates():
    assert suppress_rate(30, 40) == suppress_rate(Cell(SHOWN, 30), Cell(SHOWN, 40))
    assert suppress_rate(30, 40).value == Fraction(3, 4) and suppress_rate(30, 40).percent() == 75.0
    assert suppress_rate(0, 40).value == 0  # zero is shown
    assert suppress_rate(3, 40).status is P  # small numerator
    assert suppress_rate(3, 4).status is P  # small denominator
    assert suppress_rate(38, 40).status is P  # 2 people did not: complement
    assert suppress_rate(38, 40, complement=False).status is SHOWN
    assert suppress_rate(40, 40).value == 1  # nobody left out
    assert suppress_rate(0, 0) == suppress_rate(0, 0) and suppress_rate(0, 0).value is None
    assert suppress_rate(Cell(S, None), 40).status is S
    assert suppress_rate(10, Cell(P, None)).value is None


@pytest.mark.parametrize(
    "call",
    [
        lambda: suppress_1d({"a": -1}),
        lambda: suppress_1d({"a": 2.5}),
        lambda: suppress_1d({"a": True}),
        lambda: suppress_1d({"a": 3}, threshold=0),
        lambda: suppress_2d({("x", "y"): 3}, ["a"], ["b"]),
        lambda: suppress_rate(5, 4),
        lambda: suppress_count(3, threshold=2.0),
    ],
)
def test_bad_input_is_refused(call):
    with pytest.raises(ValueError):
        call()


# --- properties ---------------------------------------------------------------------------------------------

counts_values = st.one_of(st.integers(0, 6), st.integers(0, 40))
heavy = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_published(values, hidden, lines, threshold):
    assert all(values[e] > 0 for e in hidden), "a zero is never hidden"
    for members, total in lines:
        assert len([e for e in [*members, total] if e in hidden]) != 1, "one hidden entry in a line"
    assert dis.line_rules_hold(values, hidden, lines, threshold)
    assert dis.recoverable(values, hidden, lines) == []


def check_smallest(values, hidden, lines, primary, threshold):
    """No secondary entry can be released, nor swapped for a smaller shown entry of one of its lines."""
    for s in hidden - primary:
        assert not dis.protected(values, hidden - {s}, lines, threshold)
        near = {e for members, total in lines if s in [*members, total] for e in [*members, total]}
        for t in near - hidden:
            if 0 < values[t] < values[s]:
                assert not dis.protected(values, (hidden - {s}) | {t}, lines, threshold)


@heavy
@given(st.lists(counts_values, min_size=1, max_size=7), st.sampled_from([3, 5, 10]))
def test_1d_no_hidden_count_can_be_recomputed(values, threshold):
    counts = dict(enumerate(values))
    table = suppress_1d(counts, threshold=threshold)
    published = dis.published_1d(table, counts)
    check_published(*published, threshold)
    for k, c in table.cells.items():
        assert (c.value is None) == c.suppressed and (c.suppressed or c.value == counts[k])
        assert (c.status is P) == (0 < counts[k] < threshold)
    hidden = published[1]
    primary = {("cell", k) for k, c in table.cells.items() if c.status is P}
    primary |= {("total",)} if table.total.status is P else set()
    check_smallest(published[0], hidden, published[2], primary, threshold)
    # In one dimension the secondary cells are the smallest non-zero shown cells.
    secondary = [counts[k] for k, c in table.cells.items() if c.status is S]
    shown = [counts[k] for k, c in table.cells.items() if not c.suppressed and counts[k] > 0]
    if secondary and shown:
        assert min(shown) >= min(secondary)


grids = st.integers(1, 3).flatmap(
    lambda nr: st.integers(1, 4).flatmap(
        lambda nc: st.lists(counts_values, min_size=nr * nc, max_size=nr * nc).map(
            lambda vs: (nr, nc, {(i, j): vs[i * nc + j] for i in range(nr) for j in range(nc)})
        )
    )
)


@heavy
@given(grids, st.sampled_from([3, 5]))
def test_2d_no_hidden_count_can_be_recomputed(grid, threshold):
    nr, nc, counts = grid
    table = suppress_2d(counts, range(nr), range(nc), threshold=threshold)
    values, hidden, lines = dis.published_2d(table, counts)
    check_published(values, hidden, lines, threshold)
    entries = {("cell", k): c for k, c in table.cells.items()}
    entries |= {("row", r): c for r, c in table.row_totals.items()}
    entries |= {("col", k): c for k, c in table.col_totals.items()}
    entries[("grand",)] = table.grand_total
    for e, c in entries.items():
        assert (c.status is P) == (0 < values[e] < threshold)
        assert c.value == (None if c.suppressed else values[e])
    # every hidden cell's row and column hold at least two hidden entries
    for (r, col), c in table.cells.items():
        if c.suppressed:
            assert sum(table.cells[r, j].suppressed for j in range(nc)) + table.row_totals[r].suppressed >= 2
            assert (
                sum(table.cells[i, col].suppressed for i in range(nr)) + table.col_totals[col].suppressed >= 2
            )
    primary = {e for e, c in entries.items() if c.status is P}
    check_smallest(values, hidden, lines, primary, threshold)


def test_the_attacker_finds_what_naive_suppression_leaks():
    # Only the small cell hidden, total shown: total minus the shown cells gives it back.
    counts = {"a": 3, "b": 40}
    values = {("cell", "a"): 3, ("cell", "b"): 40, ("total",): 43}
    lines = [([("cell", "a"), ("cell", "b")], ("total",))]
    assert dis.recoverable(values, {("cell", "a")}, lines) == [("cell", "a")]
    # Two hidden 1s with the total shown: each is at least 1, so both are exactly 1.
    values = {("cell", "a"): 1, ("cell", "b"): 1, ("cell", "c"): 9, ("total",): 11}
    lines = [([("cell", "a"), ("cell", "b"), ("cell", "c")], ("total",))]
    assert len(dis.recoverable(values, {("cell", "a"), ("cell", "b")}, lines)) == 2
    assert dis.recoverable(values, {("cell", "a"), ("cell", "c")}, lines) == []
    # The bridge between two hidden 2x2 blocks is the difference of two sums.
    counts = {(r, c): 50 for r in range(4) for c in range(4)}
    table = suppress_2d(counts, range(4), range(4))
    values, _, lines = dis.published_2d(table, counts)
    block = {("cell", (r, c)) for r in (0, 1) for c in (0, 1)} | {
        ("cell", (r, c)) for r in (2, 3) for c in (2, 3)
    }
    assert dis.recoverable(values, block | {("cell", (0, 2))}, lines) == [("cell", (0, 2))]


def test_a_province_by_sex_table_is_protected():
    rows = [f"P{i:02d}" for i in range(75)]
    counts = {(r, s): (i * 7 + j * 3) % 23 for i, r in enumerate(rows) for j, s in enumerate("FMU")}
    table = suppress_2d(counts, rows, "FMU")
    values, hidden, lines = dis.published_2d(table, counts)
    assert any(c.status is S for c in table.cells.values())
    check_published(values, hidden, lines, 5)


def test_when_the_search_finds_nothing_everything_is_hidden(monkeypatch):
    from kafaat.results import suppression

    monkeypatch.setattr(suppression._System, "_smallest", lambda self, hidden, entries: None)
    monkeypatch.setattr(suppression._System, "_improve", lambda self, hidden, primary: None)
    table = suppress_1d({"a": 3, "b": 40, "c": 0})
    assert all(c.suppressed for c in table.cells.values()) and table.total.suppressed
