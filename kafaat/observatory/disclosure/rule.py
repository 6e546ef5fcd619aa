"""The one suppression rule of the observatory's published figures (dashboard, API and open-data packages).

Every count a reader of the published form sees comes from one pattern computed for the whole country, per
year and dimension (`protection`), so that a figure is shown or hidden identically on the dashboard, in the
API and in every package — and no combination of them tells more than one alone.

Tables (kafaat/results/suppression.py: threshold 5, primary then secondary suppression with its exact audit),
for each count (graduates, women graduates, men graduates, vacancy positions, placements, women placed, men
placed):

* the regions × groups table with its totals (row totals: each region's all-groups figure; column totals: the
  country's figure of each group);
* for each region, its provinces × groups table with its totals — the column totals are the region's row of
  the regions table; a region's figures that no province holds are the row ``<region>-NA``;
* for graduates and placements, each territory's (country, region, province) groups × (women, men) table with
  its totals, so that "all − women" never gives a small count of men back (men's counts are protected but not
  published).

An entry shared by two tables is hidden in both whenever either hides it, and the tables are suppressed again
with those entries forced until none hides anything new; in the last round every table passes the audit with
the published pattern. Rates follow their counts (`published_fields`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from kafaat.results import suppression
from kafaat.results.suppression import MARKER, THRESHOLD, TOTAL

NATIONAL = "MA"  # the country's territory code (ISO 3166-1 alpha-2)
ALL = "*"  # the group code of a territory's all-groups figure
UNALLOCATED = "-NA"  # suffix of the row of a region's figures that no province holds

PUBLISHED_COUNTS = ("graduates", "graduates_women", "vacancies", "hires", "hires_women")
SEXED = {"graduates": ("graduates_women", "graduates_men"), "hires": ("hires_women", "hires_men")}
COUNTS = (*PUBLISHED_COUNTS, "graduates_men", "hires_men")

Key = tuple[str, str]  # (territory code, group code or ALL)


def region_of(province: str) -> str:
    """The region code of a province code (HCP codes start with the region's number: 02.411 -> MA-02)."""
    return f"{NATIONAL}-{province.split('.')[0]}"


def unallocated_code(region: str) -> str:
    return f"{region}{UNALLOCATED}"


@dataclass
class Protection:
    """The exact counts of the whole country for a year and dimension, and the entries hidden of each."""

    year: int
    dimension: str
    regions: list[str]
    provinces: dict[str, list[str]]  # region -> its provinces (and its -NA row when it has one)
    groups: list[str]
    counts: dict[str, dict[Key, int]]  # measure -> (territory, group) -> count (leaf cells only)
    hidden: dict[str, set[Key]]

    def children(self, territory: str) -> list[str]:
        return self.regions if territory == NATIONAL else self.provinces.get(territory, [])

    def value(self, measure: str, territory: str, group: str) -> int:
        """A count of any territory (country, region, province) and group (ALL: every group)."""
        if territory == NATIONAL:
            return sum(self.value(measure, r, group) for r in self.regions)
        table = self.counts[measure]
        if group == ALL:
            return sum(table.get((territory, g), 0) for g in self.groups)
        return table.get((territory, group), 0)

    def is_hidden(self, measure: str, territory: str, group: str) -> bool:
        return (territory, group) in self.hidden[measure]

    def cell(self, measure: str, territory: str, group: str) -> suppression.Cell:
        value = self.value(measure, territory, group)
        if self.is_hidden(measure, territory, group):
            small = suppression.is_small(value)
            return suppression.Cell(
                suppression.Status.PRIMARY if small else suppression.Status.SECONDARY, None
            )
        return suppression.Cell(suppression.Status.SHOWN, value)

    def tables(self) -> Iterable[tuple[str, dict[Key, int], list[str], list[str], Callable[[object], Key]]]:
        """Every territory × group table: (measure, cells, rows, columns, table key -> protection key)."""
        for measure in COUNTS:
            table = self.counts[measure]
            yield (
                measure,
                _cells(table, self.regions, self.groups),
                self.regions,
                self.groups,
                _mapper(NATIONAL),
            )
            for region, children in self.provinces.items():
                yield measure, _cells(table, children, self.groups), children, self.groups, _mapper(region)


def _cells(table: dict[Key, int], rows: list[str], cols: list[str]) -> dict[Key, int]:
    wanted = set(rows)
    return {key: v for key, v in table.items() if key[0] in wanted and v}


def _mapper(parent: str) -> Callable[[object], Key]:
    def key_of(key) -> Key:
        row, col = key
        return (parent if row == TOTAL else row, ALL if col == TOTAL else col)

    return key_of


def _hidden_keys(table, rows, cols) -> Iterable[tuple]:
    for key, cell in table.cells.items():
        if cell.suppressed:
            yield key
    for r in rows:
        if table.row_totals[r].suppressed:
            yield (r, TOTAL)
    for c in cols:
        if table.col_totals[c].suppressed:
            yield (TOTAL, c)
    if table.grand_total.suppressed:
        yield (TOTAL, TOTAL)


def _protect(p: Protection, threshold: int) -> None:
    """The linked suppression (module docstring). A table whose forced entries did not change since it was
    last suppressed gives the same answer (suppression is deterministic): it is not suppressed again."""
    hidden = p.hidden
    by_territory: dict[str, dict[str, set[str]]] = {m: {} for m in COUNTS}  # measure -> territory -> groups
    territories = [NATIONAL, *p.regions, *(c for children in p.provinces.values() for c in children)]
    cols = p.groups
    last: dict[tuple, frozenset] = {}
    territory_tables = list(p.tables())
    sex_tables = []
    for base, (women, men) in SEXED.items():
        for territory in territories:
            sexes = {(g, "women"): p.value(women, territory, g) for g in cols}
            sexes |= {(g, "men"): p.value(men, territory, g) for g in cols}
            sex_tables.append((base, women, men, territory, {k: v for k, v in sexes.items() if v}))

    def add(measure: str, key: Key) -> bool:
        if key in hidden[measure]:
            return False
        hidden[measure].add(key)
        by_territory[measure].setdefault(key[0], set()).add(key[1])
        return True

    changed = True
    while changed:
        changed = False
        for measure, cells, rows, columns, key_of in territory_tables:
            parent = _parent(key_of)
            forced = frozenset(
                (TOTAL if t == parent else t, TOTAL if g == ALL else g)
                for t in (*rows, parent)
                for g in by_territory[measure].get(t, ())
            )
            if last.get((measure, parent)) == forced:
                continue
            last[(measure, parent)] = forced
            table = suppression.suppress_2d(cells, rows, columns, threshold=threshold, forced=forced)
            for key in _hidden_keys(table, rows, columns):
                changed |= add(measure, key_of(key))
        for base, women, men, territory, sexes in sex_tables:
            by_measure = {TOTAL: base, "women": women, "men": men}
            forced = frozenset(
                (TOTAL if g == ALL else g, s)
                for s, m in by_measure.items()
                for g in by_territory[m].get(territory, ())
            )
            if last.get((base, territory, "sex")) == forced:
                continue
            last[(base, territory, "sex")] = forced
            table = suppression.suppress_2d(sexes, cols, ("women", "men"), threshold=threshold, forced=forced)
            for g, s in _hidden_keys(table, cols, ("women", "men")):
                changed |= add(by_measure[s], (territory, ALL if g == TOTAL else g))


def _parent(key_of: Callable[[object], Key]) -> str:
    return key_of((TOTAL, TOTAL))[0]


def build(year: int, dimension: str, region_rows, province_rows, *, threshold: int = THRESHOLD) -> Protection:
    """The protection of a year and dimension from the gap engine's rows of all regions and provinces."""
    counts: dict[str, dict[Key, int]] = {m: {} for m in COUNTS}
    regions, groups = set(), set()
    provinces: dict[str, set[str]] = {}
    for row in region_rows:
        regions.add(row.territory_code)
        groups.add(row.group_code)
        for m in PUBLISHED_COUNTS:
            counts[m][(row.territory_code, row.group_code)] = int(getattr(row, m) or 0)
    in_provinces: dict[str, dict[Key, int]] = {m: {} for m in PUBLISHED_COUNTS}
    for row in province_rows:
        region = region_of(row.territory_code)
        regions.add(region)
        provinces.setdefault(region, set()).add(row.territory_code)
        groups.add(row.group_code)
        for m in PUBLISHED_COUNTS:
            value = int(getattr(row, m) or 0)
            counts[m][(row.territory_code, row.group_code)] = value
            key = (region, row.group_code)
            in_provinces[m][key] = in_provinces[m].get(key, 0) + value
    for region in regions:  # a region's figures that no province holds: its -NA row
        for group in groups:
            for m in PUBLISHED_COUNTS:
                rest = counts[m].get((region, group), 0) - in_provinces[m].get((region, group), 0)
                if rest > 0:
                    counts[m][(unallocated_code(region), group)] = rest
                    provinces.setdefault(region, set()).add(unallocated_code(region))
    for base, (women, men) in SEXED.items():
        for key, total in list(counts[base].items()):
            counts[men][key] = max(total - counts[women].get(key, 0), 0)
    protection = Protection(
        int(year),
        dimension,
        sorted(regions),
        {r: sorted(children) for r, children in sorted(provinces.items())},
        sorted(groups),
        counts,
        {m: set() for m in COUNTS},
    )
    _protect(protection, threshold)
    return protection


# --- rates: hidden with the counts they come from ---------------------------------------------------------


def _ratio(numerator: suppression.Cell, denominator: suppression.Cell) -> float | str | None:
    if numerator.suppressed or denominator.suppressed:
        return MARKER
    return None if not denominator.value else numerator.value / denominator.value


def _mismatch(supply: suppression.Cell, demand: suppression.Cell) -> float | str | None:
    if supply.suppressed or demand.suppressed:
        return MARKER
    both = supply.value + demand.value
    return None if not both else (supply.value - demand.value) / both


def _share(part: suppression.Cell | int, whole: suppression.Cell | int) -> float | str | None:
    rate = suppression.suppress_rate(part, whole)
    if rate.suppressed:
        return MARKER
    return None if rate.value is None else float(rate.value)


def published_fields(
    p: Protection,
    territory: str,
    group: str,
    *,
    location_quotient: float | None,
    cohort: tuple[int, int] | None,
    youth: int | None,
) -> dict[str, int | float | str | None]:
    """Every published field of one territory × group (or ALL): a number, None (undefined) or MARKER.

    Counts as protected; S/D, mismatch and coverage hidden with the graduates or the vacancies; the location
    quotient with the vacancies; women's shares as rates of protected counts (`suppress_rate`: small
    numerator, denominator or complement); the placement rate as a rate of the pathways cohort (placed,
    certified); the young population (a census figure) shown.
    """
    cells = {m: p.cell(m, territory, group) for m in PUBLISHED_COUNTS}
    graduates, vacancies = cells["graduates"], cells["vacancies"]
    out: dict[str, int | float | str | None] = {
        m: MARKER if c.suppressed else c.value for m, c in cells.items()
    }
    out["ratio"] = _ratio(graduates, vacancies)
    out["mismatch"] = _mismatch(graduates, vacancies)
    if vacancies.suppressed:
        out["location_quotient"] = MARKER
    else:
        out["location_quotient"] = location_quotient
    out["placement_rate"] = None if cohort is None else _share(cohort[0], cohort[1])
    out["women_share_graduates"] = _share(cells["graduates_women"], graduates)
    out["women_share_hires"] = _share(cells["hires_women"], cells["hires"])
    out["youth_population"] = youth
    if graduates.suppressed:
        out["coverage"] = MARKER
    else:
        out["coverage"] = None if not youth else graduates.value * 1000 / youth
    return out


# --- projections: observed figures as published, projected ones with them -----------------------------------


def published_projection(
    rows,
    *,
    protection: Protection | None = None,
    territory: str | None = None,
    group: str | None = None,
) -> tuple[list, set[tuple[int, str]]]:
    """A projection (gaps.ProjectionRow) as published, and the (year, "supply" | "demand") hidden.

    An observed value is hidden when it is a small count, and in the protection's year exactly as in the
    gap table (the graduates, or the vacancies, of `territory` × `group`); a projected value when the last
    observed one is hidden or it is itself between 0 and the threshold. The dashboard, the API and the
    packages use it.
    """
    hidden: set[tuple[int, str]] = set()
    last = {"supply": False, "demand": False}
    out = []
    for point in sorted(rows, key=lambda p: p.year):
        changes: dict[str, None] = {}
        for side, measure in (("supply", "graduates"), ("demand", "vacancies")):
            value = getattr(point, side)
            if point.observed:
                hide = value is not None and suppression.is_small(round(value))
                if protection is not None and point.year == protection.year:
                    hide = protection.is_hidden(measure, territory, group)  # type: ignore[arg-type]
                last[side] = hide
            else:
                hide = last[side] or (value is not None and 0 < value < THRESHOLD)
            if hide:
                hidden.add((point.year, side))
                changes |= {side: None, f"{side}_low": None, f"{side}_high": None}
        out.append(replace(point, **changes) if changes else point)
    return out, hidden
