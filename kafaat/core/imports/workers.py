"""Validating an import's rows chunk by chunk: in this process, in a thread a few chunks ahead of the writes,
or in worker processes (forked, or spawned where the process runs other threads).

Split from ``importing.py``, whose `run_import` reads the file, collects the outcomes and writes; a spec's
`validate_rows` receives each chunk as rows (number, {field: cell}) or, when the spec is columnar, as
`Columns`.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import translation

if TYPE_CHECKING:
    from kafaat.core.imports.spec import ImportSpec, Outcome

_worker: tuple[Callable, Any, list, Callable] | None = None


def _start_worker(spec_path: str, state: bytes, items: list, language: str, columnar: bool = False) -> None:
    global _worker
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kafaat.settings")
    import django

    django.setup()  # nothing to do in a forked worker
    from django.utils.module_loading import import_string

    translation.activate(language)
    state = pickle.loads(state)  # noqa: S301 — our own bytes
    _worker = (import_string(spec_path).validate_rows, state, items, _shaped(columnar))


@dataclass
class Columns:
    """A chunk of rows as columns: the row numbers, and the cells of each mapped field (None where a row is
    shorter than the header)."""

    numbers: list[int]
    columns: dict[str, list]


def _as_raw(rows: list[tuple[int, list]], items: list[tuple[str, int]]) -> list[tuple[int, dict]]:
    out = []
    for number, cells in rows:
        width = len(cells)
        out.append((number, {key: cells[i] if i < width else None for key, i in items}))
    return out


def as_columns(rows: list[tuple[int, list]], items: list[tuple[str, int]]) -> Columns:
    width = max((i for _key, i in items), default=-1) + 1
    cells = [row if len(row) >= width else [*row, *[None] * (width - len(row))] for _number, row in rows]
    transposed = list(zip(*cells, strict=False)) if cells else []  # longer rows: extra cells unread
    return Columns(
        [number for number, _row in rows],
        {key: list(transposed[i]) if transposed else [] for key, i in items},
    )


def _shaped(columnar: bool) -> Callable:
    return as_columns if columnar else _as_raw


def _validate_in_worker(rows: list[tuple[int, list]]) -> list[Outcome]:
    validate, state, items, shape = _worker
    return validate(state, shape(rows, items))


def chunks(rows: Iterator[tuple[int, list]], size: int) -> Iterator[list[tuple[int, list]]]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _os_threads() -> int | None:
    try:
        return len(os.listdir("/proc/self/task"))  # native threads too, not only Python's
    except OSError:
        return None


# The threads a process has once this framework is loaded (BLAS keeps idle ones; they are fork-safe).
_THREADS_AT_LOAD = _os_threads()


def _no_threads_since_start() -> bool:
    if os.name != "posix" or threading.active_count() > 1:
        return False
    now = _os_threads()
    return now is None or _THREADS_AT_LOAD is None or now <= _THREADS_AT_LOAD


def _validated_ahead(spec: ImportSpec, chunks: Iterator, items: list) -> Iterator[tuple[list, list]]:
    """(chunk, outcomes) in file order, validated by a thread of this process a few chunks ahead of the
    caller: while the caller waits for the database (psycopg releases the GIL), the next chunks are checked.
    No pickling, no second copy of the rows; the GIL keeps the two from running Python at the same time."""
    shape = _shaped(spec.columnar)
    state = spec.worker_state()
    language = translation.get_language()
    ready: queue.Queue = queue.Queue(maxsize=3)
    stop = threading.Event()
    done = object()

    def produce() -> None:
        try:
            with translation.override(language):
                for chunk in chunks:
                    if stop.is_set():
                        return
                    ready.put((chunk, spec.validate_rows(state, shape(chunk, items))))
            ready.put(done)
        except BaseException as error:  # handed to the caller, raised there
            ready.put(error)

    thread = threading.Thread(target=produce, name="import-validation", daemon=True)
    thread.start()
    try:
        while (item := ready.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            with suppress(queue.Empty):
                ready.get(timeout=0.05)
        thread.join()


def validated(
    spec: ImportSpec, chunks: Iterator, items: list, workers: int, ahead: bool = False
) -> Iterator[tuple[list, list]]:
    """(chunk, outcomes) in file order; with workers, a few chunks are in flight at once; with `ahead` (and
    one worker) a thread validates the next chunks while the caller writes."""
    shape = _shaped(spec.columnar)
    if workers <= 1 and ahead and spec.parallel:
        yield from _validated_ahead(spec, chunks, items)
        return
    if workers <= 1:
        state = spec.worker_state()
        for chunk in chunks:
            yield chunk, spec.validate_rows(state, shape(chunk, items))
        return
    spec_path = f"{type(spec).__module__}.{type(spec).__qualname__}"
    state = pickle.dumps(spec.worker_state())
    # Forking is fastest, but never fork a process that runs other threads (a web server, or native pools
    # such as DuckDB's or vl-convert's: a forked child then crashes at random): spawn there.
    method = "fork" if _no_threads_since_start() else "spawn"
    context = multiprocessing.get_context(method)
    initargs = (spec_path, state, items, spec.language, spec.columnar)
    with ProcessPoolExecutor(workers, context, _start_worker, initargs) as pool:
        pending: deque = deque()
        for chunk in chunks:
            pending.append((chunk, pool.submit(_validate_in_worker, chunk)))
            if len(pending) > 2 * workers:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()
