"""Reading the current snapshot: one shared read-only DuckDB connection, reopened when the file changes."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
from django.conf import settings


def warehouse_path() -> Path:
    """Where the current snapshot is (moved here from the build: every reader needs it, the build too)."""
    return Path(settings.KAFAAT_WAREHOUSE_PATH)


class NoSnapshot(LookupError):
    """The warehouse has never been refreshed."""


@dataclass(frozen=True)
class SnapshotInfo:
    taken_at: datetime
    rows: dict[str, int]


_lock = threading.Lock()
_open: dict[str, tuple[int, duckdb.DuckDBPyConnection]] = {}


def cursor(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A cursor on the current snapshot (one per caller: DuckDB cursors are not shared between threads)."""
    path = Path(path or warehouse_path())
    try:
        version = path.stat().st_mtime_ns
    except FileNotFoundError as error:
        raise NoSnapshot(str(path)) from error
    key = str(path)
    with _lock:
        held = _open.get(key)
        if held is None or held[0] != version:
            if held is not None:
                held[1].close()
            _open[key] = (version, duckdb.connect(key, read_only=True))
        return _open[key][1].cursor()


def close(path: Path) -> None:
    """Close the connection to one file (e.g. a snapshot being built, before writing to it)."""
    with _lock:
        held = _open.pop(str(path), None)
        if held is not None:
            held[1].close()


def close_all() -> None:
    with _lock:
        for _, con in _open.values():
            con.close()
        _open.clear()


def info(path: Path | None = None) -> SnapshotInfo | None:
    """When the snapshot's data was read, and its row counts; None when there is none yet."""
    try:
        rows = dict(cursor(path).execute("SELECT key, value FROM meta").fetchall())
    except NoSnapshot:
        return None
    return SnapshotInfo(
        taken_at=datetime.fromisoformat(json.loads(rows["taken_at"])), rows=json.loads(rows["rows"])
    )
