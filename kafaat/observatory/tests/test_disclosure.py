"""One suppression rule: the dashboard's (and the API's) published table and the open-data packages show or
hide every figure identically, and no hidden count can be recomputed from what any of them shows.

The gap engine is replaced by demo-like figures (three regions with their real provinces, eight groups, counts
drawn so that many are small, a region's vacancies partly in no province)."""

from __future__ import annotations

import csv
import random
import sys
import types
from dataclasses import replace
from pathlib import Path

import pytest
from django.utils import translation

import kafaat.observatory
from kafaat.core.models import Territory
from kafaat.observatory import dashboard, disclosure, gaps, publication, warehouse
from kafaat.observatory.publication import schema as publication_schema
from kafaat.results import suppression
from kafaat.results.suppression import MARKER, TOTAL

YEAR = 2025
REGIONS = ("MA-01", "MA-02", "MA-03")
GROUPS = {
    "occupation": ["21", "31", "51", "52", "72", "74", "83", "93"],
    "sector": ["AGR", "BTP", "IND", "TOU"],
}


def _demo_rows(dimension: str) -> tuple[list[gaps.GapRow], list[gaps.GapRow]]:
    rng = random.Random(f"demo-{dimension}")
    provinces, regions = [], []
    for region in REGIONS:
        children = (
            Territory.objects.filter(parent__code=region).order_by("code").values_list("code", flat=True)
        )
        for group in GROUPS[dimension]:
            sums = [0] * 7
            for code in list(children)[:4]:
                s = rng.choice([0, 1, 2, 3, 4, 6, 9, 14, 25, 40, 80])
                sw = rng.randint(0, s)
                h = rng.randint(0, s)
                hw = rng.randint(0, h)
                d = rng.choice([0, 2, 3, 7, 12, 30, 60])
                certified = h + rng.choice([0, 1, 3, 6, 20])
                values = (s, sw, d, h, hw, certified, h)
                sums = [a + b for a, b in zip(sums, values, strict=True)]
                provinces.append(_row(dimension, "province", code, group, values, 1000))
            sums[2] += rng.choice([0, 0, 3, 8])  # vacancies placed in the region only
            regions.append(_row(dimension, "region", region, group, tuple(sums), 4000))
    return regions, provinces


def _row(dimension, level, code, group, values, youth) -> gaps.GapRow:
    s, sw, d, h, hw, certified, placed = values
    return gaps.GapRow(
        YEAR, level, code, code, dimension, group, group, s, sw, d, h, hw,
        s / d if d else None, (s - d) / (s + d) if s + d else None, 1.25,
        placed / certified if certified else None,
        sw / s if s else None, hw / h if h else None, youth, 1000 * s / youth, certified, placed,
    )  # fmt: skip


@pytest.fixture
def demo_engine(monkeypatch, open_data_dir, reference_territories):
    tables = {d: _demo_rows(d) for d in ("occupation", "sector")}

    def gap_table(year, *, level="region", region=None, dimension="occupation"):
        if year != YEAR:
            raise gaps.GapError("no figures")
        regions, provinces = tables[dimension]
        if level == "region":
            return [r for r in regions if region in (None, r.territory_code)]
        return [r for r in provinces if region is None or disclosure.region_of(r.territory_code) == region]

    def projection(**_kwargs):
        raise gaps.GapError("no projection in this stand-in")

    engine = types.ModuleType("kafaat.observatory.gaps")
    for name in ("GapError", "GapRow", "PublishedGapRow", "NoSnapshot", "group_name"):
        setattr(engine, name, getattr(gaps, name))
    engine.gap_table = gap_table
    engine.projection = projection
    engine.years_available = lambda: [YEAR]
    engine.latest_complete_year = lambda: YEAR
    monkeypatch.setitem(sys.modules, "kafaat.observatory.gaps", engine)
    monkeypatch.setattr(kafaat.observatory, "gaps", engine)
    warehouse.refresh()
    return engine, tables


def _csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _files(package) -> Path:
    return publication.open_data_root() / package.directory


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(round(value, 4))
    return str(value)


FIELDS = [name for name in publication_schema.GAP_FIELDS if name in gaps.PublishedGapRow.__dataclass_fields__]
FIELDS = [f for f in FIELDS if f not in ("year", "level", "territory_code", "group_code")]


def _published(rows) -> dict[tuple[str, str], dict[str, str]]:
    out = {}
    for row in disclosure.published_table(rows):
        out[(row.territory_code, row.group_code)] = {
            f: row.text(f) if f in row.suppressed else _as_text(getattr(row, f)) for f in FIELDS
        }
    return out


def _package_cells(package, name: str) -> dict[tuple[str, str], dict[str, str]]:
    return {
        (r["territory_code"], r["group_code"]): {f: r[f] for f in FIELDS}
        for r in _csv(_files(package) / name)
    }


@pytest.mark.parametrize("dimension", ["occupation", "sector"])
def test_dashboard_and_packages_show_and_hide_the_same_cells(demo_engine, db, dimension):
    _engine, tables = demo_engine
    regions, provinces = tables[dimension]
    resource = f"gaps_by_{dimension}.csv"
    with translation.override("en"):
        national = _package_cells(publication.publish(None, "MA", YEAR), resource)
        regional = {code: _package_cells(publication.publish(None, code, YEAR), resource) for code in REGIONS}
        # What the dashboard shows (dashboard.shown is the published table for aggregate-only readers):
        # the regions, the provinces of a region, and the country's figure of each group (regions added up).
        shown = _published(regions) | _published(provinces)
        country = [
            dashboard.combine([r for r in regions if r.group_code == g], territory_code="MA",
                              territory_name="", level="region", group_code=g, group_name=g)
            for g in GROUPS[dimension]
        ]  # fmt: skip
        shown |= _published(country)
    compared = hidden = 0
    for package in (national, *regional.values()):
        for key, cells in package.items():
            if key[0].endswith(disclosure.UNALLOCATED):
                continue  # not a territory of the dashboard
            assert key in shown, key
            for name, value in cells.items():
                if name == "location_quotient" and key[0] == "MA":
                    continue  # the country's quotient is 1 by definition; the package leaves it empty
                assert shown[key][name] == value, (key, name, shown[key][name], value)
                compared += 1
                hidden += value == MARKER
    assert compared > 500 and hidden > 50  # demo-like: many cells, many of them hidden


@pytest.mark.parametrize("dimension", ["occupation", "sector"])
def test_the_totals_agree_with_the_dashboards_map_figures(demo_engine, db, dimension):
    """The map and the totals resource show each territory's all-groups figure: the same cell."""
    _engine, tables = demo_engine
    regions, provinces = tables[dimension]
    with translation.override("en"):
        package = publication.publish(None, "MA-02", YEAR)
        totals = {r["territory_code"]: r for r in _csv(_files(package) / "supply_demand_totals.csv")
                  if r["dimension"] == dimension}  # fmt: skip
        children = sorted({r.territory_code for r in provinces if r.territory_code.startswith("02.")})
        per_territory = [
            dashboard.combine([r for r in provinces if r.territory_code == code], territory_code=code,
                              territory_name="", level="province", group_code="*", group_name="")
            for code in children
        ]  # fmt: skip
        for row in disclosure.published_table(per_territory):
            for name in ("graduates", "vacancies", "hires", "ratio", "mismatch", "coverage"):
                value = row.text(name) if name in row.suppressed else _as_text(getattr(row, name))
                assert totals[row.territory_code][name] == value, (row.territory_code, name)


@pytest.mark.parametrize("dimension", ["occupation", "sector"])
def test_no_hidden_count_can_be_recomputed(demo_engine, db, dimension):
    """Every table of the protection passes the suppression module's audit with the published pattern: asked
    to protect the table with exactly those entries hidden, it hides nothing more."""
    regions, provinces = demo_engine[1][dimension]
    p = disclosure.protection(YEAR, dimension)
    audited = 0
    for measure, cells, rows, cols, key_of in p.tables():
        parent = key_of((TOTAL, TOTAL))[0]
        pattern = {(TOTAL if t == parent else t, TOTAL if g == disclosure.ALL else g)
                   for t, g in p.hidden[measure] if t in rows or t == parent}  # fmt: skip
        table = suppression.suppress_2d(cells, rows, cols, forced=pattern)
        assert set(_hidden(table, rows, cols)) == pattern, (measure, parent)
        audited += 1
    for base, (women, men) in disclosure.SEXED.items():
        for territory in [disclosure.NATIONAL, *p.regions, *(c for cs in p.provinces.values() for c in cs)]:
            sexes = {
                (g, s): p.value(m, territory, g)
                for g in p.groups
                for s, m in (("women", women), ("men", men))
            }
            by = {TOTAL: base, "women": women, "men": men}
            pattern = {(TOTAL if g == disclosure.ALL else g, s) for s, m in by.items() for t, g in p.hidden[m]
                       if t == territory}  # fmt: skip
            table = suppression.suppress_2d(sexes, p.groups, ("women", "men"), forced=pattern)
            assert set(_hidden(table, p.groups, ("women", "men"))) == pattern, (territory, base)
            audited += 1
    assert audited > 20
    # And no shown count is small.
    for measure in disclosure.COUNTS:
        for key, value in p.counts[measure].items():
            if suppression.is_small(value):
                assert key in p.hidden[measure], (measure, key)


def _hidden(table, rows, cols):
    return list(disclosure.rule._hidden_keys(table, rows, cols))


def test_the_rule_is_computed_once_per_figures(demo_engine, db):
    first = disclosure.protection(YEAR, "occupation")
    assert disclosure.protection(YEAR, "occupation") is first
    engine, tables = demo_engine
    regions, provinces = tables["occupation"]
    tables["occupation"] = (
        [replace(regions[0], graduates=regions[0].graduates + 1), *regions[1:]],
        provinces,
    )
    assert disclosure.protection(YEAR, "occupation") is first  # the same snapshot: no gap table read again
    warehouse.refresh()  # a new snapshot: the figures are read, and they differ
    assert disclosure.protection(YEAR, "occupation") is not first
