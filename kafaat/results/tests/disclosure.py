"""An independent attacker for the suppression tests: it looks for another table that publishes the same.

It knows only what is published (shown entries, which entries are hidden, the line equations) and that a
hidden number is at least 1 (zeros are always shown). A hidden entry is safe when some other table with the
same published numbers gives it another value. Searching each hidden entry within one of its true value is
enough: the line equations of 1-D and 2-D tables form a network, so any alternative table implies one that
moves every entry by at most 1 along a cycle.
"""

from __future__ import annotations

from kafaat.results.suppression import Table1D, Table2D

Entry = tuple  # ("cell", key) | ("row", r) | ("col", c) | ("grand",) | ("total",)


def published_1d(table: Table1D, counts: dict) -> tuple[dict, set, list]:
    values = {("cell", k): counts[k] for k in table.keys}
    hidden = {("cell", k) for k in table.keys if table.cells[k].suppressed}
    lines = []
    if table.total is not None:
        values[("total",)] = sum(counts.values())
        if table.total.suppressed:
            hidden.add(("total",))
        lines.append(([("cell", k) for k in table.keys], ("total",)))
    return values, hidden, lines


def published_2d(table: Table2D, counts: dict) -> tuple[dict, set, list]:
    grid = {(r, c): counts.get((r, c), 0) for r in table.rows for c in table.cols}
    values = {("cell", k): v for k, v in grid.items()}
    hidden = {("cell", k) for k in grid if table.cells[k].suppressed}
    lines = []
    if table.grand_total is not None:
        for r in table.rows:
            values[("row", r)] = sum(grid[r, c] for c in table.cols)
            hidden |= {("row", r)} if table.row_totals[r].suppressed else set()
            lines.append(([("cell", (r, c)) for c in table.cols], ("row", r)))
        for c in table.cols:
            values[("col", c)] = sum(grid[r, c] for r in table.rows)
            hidden |= {("col", c)} if table.col_totals[c].suppressed else set()
            lines.append(([("cell", (r, c)) for r in table.rows], ("col", c)))
        values[("grand",)] = sum(grid.values())
        hidden |= {("grand",)} if table.grand_total.suppressed else set()
        lines.append(([("row", r) for r in table.rows], ("grand",)))
        lines.append(([("col", c) for c in table.cols], ("grand",)))
    return values, hidden, lines


def _equations(values: dict, hidden: set, lines: list) -> list[tuple[dict, int]]:
    """Each line as {hidden entry: coefficient} = constant, the shown numbers moved to the right."""
    eqs = []
    for members, total in lines:
        coefs, const = {}, 0
        for entry, coef in [(m, 1) for m in members] + [(total, -1)]:
            if entry in hidden:
                coefs[entry] = coefs.get(entry, 0) + coef
            else:
                const -= coef * values[entry]
        if coefs:
            eqs.append((coefs, const))
    return eqs


def alternative(values: dict, hidden: set, lines: list, target: Entry) -> dict | None:
    """Another assignment of the hidden entries, consistent with all that is published, moving ``target``."""
    eqs = _equations(values, hidden, lines)
    order = [target] + sorted((e for e in hidden if e != target), key=repr)
    domains = {e: [v for v in (values[e] - 1, values[e], values[e] + 1) if v >= 1] for e in order}
    domains[target] = [v for v in domains[target] if v != values[target]]

    def feasible(assigned: dict) -> bool:
        for coefs, const in eqs:
            lo = hi = 0
            for e, a in coefs.items():
                if e in assigned:
                    lo += a * assigned[e]
                    hi += a * assigned[e]
                else:
                    options = [a * v for v in domains[e]]
                    lo, hi = lo + min(options), hi + max(options)
            if not lo <= const <= hi:
                return False
        return True

    def search(i: int, assigned: dict) -> dict | None:
        if i == len(order):
            return dict(assigned)
        for v in domains[order[i]]:
            assigned[order[i]] = v
            if feasible(assigned):
                found = search(i + 1, assigned)
                if found is not None:
                    return found
            del assigned[order[i]]
        return None

    return search(0, {}) if all(domains.values()) else None


def recoverable(values: dict, hidden: set, lines: list) -> list[Entry]:
    """Hidden entries whose value every consistent table shares."""
    return [e for e in sorted(hidden, key=repr) if alternative(values, hidden, lines, e) is None]


def line_rules_hold(values: dict, hidden: set, lines: list, threshold: int) -> bool:
    """Every line holds 0 or >= 2 hidden entries; a shown total: hidden cells add to >= threshold."""
    for members, total in lines:
        hid = [e for e in [*members, total] if e in hidden]
        if len(hid) == 1:
            return False
        if hid and total not in hidden and sum(values[e] for e in hid) < threshold:
            return False
    return True


def protected(values: dict, hidden: set, lines: list, threshold: int) -> bool:
    return line_rules_hold(values, hidden, lines, threshold) and not recoverable(values, hidden, lines)
