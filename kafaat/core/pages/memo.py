"""A small thread-safe memo that keeps the most recently used results, with hit and miss counts.

Shared by the chart renderer (`core.charts`) and the dashboard (`observatory.dashboard.cache`): both keep
expensive, deterministic results in memory for the process's life, bounded in size.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class RecentMemo:
    """`get(key, compute)` returns the remembered value for `key`, or computes, remembers and returns it; the
    `size` most recently used values are kept. `compute` runs outside the lock: two threads asking for the
    same new key may both compute it (the values are deterministic, so either is right)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._hits = 0
        self._misses = 0

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                self._hits += 1
                return self._values[key]
        value = compute()
        with self._lock:
            self._misses += 1
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def info(self) -> dict[str, int]:
        with self._lock:
            return {"hits": self._hits, "misses": self._misses, "size": len(self._values)}

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._hits = self._misses = 0
