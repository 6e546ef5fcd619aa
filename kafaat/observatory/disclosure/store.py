"""Where the suppression patterns of `disclosure` are kept so that readers do not compute them: every year ×
dimension computed at refresh and stored in the snapshot (`store_patterns`), and, for any other, on disk
beside the drawn charts for the server's other processes. Split from ``rule.py`` (the rule).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import tempfile
from pathlib import Path

from kafaat.observatory import gaps, maps, snapshot
from kafaat.observatory.disclosure import rule
from kafaat.observatory.disclosure.rule import Protection
from kafaat.results.suppression import THRESHOLD


def disk_path(version, year: int, dimension: str, threshold: int) -> Path:
    """Where the pattern of a snapshot is kept for the server's other processes."""
    root = maps.cache_dir()  # beside the drawn charts: the same lifetime, shared by every process
    name = hashlib.sha256(repr((version, int(year), dimension, threshold)).encode()).hexdigest()
    return root / "disclosure" / f"{name}.json"


def is_real(engine) -> bool:
    """Whether `engine` is the gap engine itself (tests stand in for it: their patterns are not kept)."""
    return engine is gaps


def as_json(p: Protection) -> dict:
    return {
        "year": p.year,
        "dimension": p.dimension,
        "regions": p.regions,
        "provinces": p.provinces,
        "groups": p.groups,
        "counts": {m: [[t, g, v] for (t, g), v in table.items()] for m, table in p.counts.items()},
        "hidden": {m: sorted([t, g] for t, g in keys) for m, keys in p.hidden.items()},
    }


def from_json(data: dict) -> Protection:
    return Protection(
        data["year"],
        data["dimension"],
        data["regions"],
        data["provinces"],
        data["groups"],
        {m: {(t, g): v for t, g, v in rows} for m, rows in data["counts"].items()},
        {m: {(t, g) for t, g in keys} for m, keys in data["hidden"].items()},
    )


def save(path: Path, p: Protection) -> None:
    data = as_json(p)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(data, out)
    os.replace(temporary, path)  # atomic: a reader never sees half a file


def load(path: Path) -> Protection | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    return from_json(data)


# --- every pattern computed at refresh, stored in the snapshot ---------------------------------------------

PATTERNS = "disclosure_patterns"  # the snapshot's table: year, dimension, threshold, pattern (JSON)


def store_patterns(path: Path, *, threshold: int = THRESHOLD) -> int:
    """Compute the pattern of every year × dimension of the snapshot being built at `path` and write them into
    it, so that no reader's request computes one (0.3–0.8 s each at the issue's size). Returns how many."""
    import duckdb

    engine = importlib.import_module("kafaat.observatory.gaps")  # as currently imported (tests stand in)
    if not is_real(engine):
        return 0  # a stand-in's patterns are never kept
    rows = []
    try:
        for year in engine.years_available(path=path):
            for dimension in engine.DIMENSIONS:
                regions = engine.gap_table(year, level="region", dimension=dimension, path=path)  # type: ignore[arg-type]
                provinces = engine.gap_table(year, level="province", dimension=dimension, path=path)  # type: ignore[arg-type]
                p = rule.build(year, dimension, regions, provinces, threshold=threshold)
                rows.append((year, dimension, threshold, json.dumps(as_json(p))))
    finally:
        snapshot.close(path)  # the read-only connection, before writing
    con = duckdb.connect(str(path))
    try:
        columns = "year INTEGER, dimension VARCHAR, threshold INTEGER, pattern VARCHAR"
        con.execute(f"CREATE OR REPLACE TABLE {PATTERNS} ({columns})")
        if rows:  # none before the first supply or demand figures
            con.executemany(f"INSERT INTO {PATTERNS} VALUES (?, ?, ?, ?)", rows)  # noqa: S608 — a constant
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return len(rows)


def stored(year: int, dimension: str, threshold: int) -> Protection | None:
    """The pattern the refresh stored in the current snapshot; None for a snapshot from before that."""
    import duckdb

    sql = f"SELECT pattern FROM {PATTERNS} WHERE year = ? AND dimension = ? AND threshold = ?"  # noqa: S608
    try:
        found = snapshot.cursor().execute(sql, [int(year), dimension, threshold]).fetchone()
    except duckdb.CatalogException:
        return None
    return from_json(json.loads(found[0])) if found else None
