"""Benchmark of small-cell suppression on tables the size donors receive.

    .venv/bin/python benchmarks/suppression.py [--seed 2] [--repeat 3]

Tables: region x sex (12 x 3), province x sex (75 x 3), province x age band (75 x 5), commune x sex
(1500 x 3). Counts are drawn as in a sparse disaggregation: 15 % of cells are 1-4, the others 0-200.
Baseline, in the same run: primary suppression only (``with_totals=False``: hide the small cells, no
totals, no audit). Printed: best wall time of ``--repeat`` runs, its ratio to the baseline, the cells
hidden by each rule, and the load average (the machine is shared).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kafaat.results.suppression import Status, suppress_2d  # noqa: E402

TABLES = [
    ("region x sex", 12, 3),
    ("province x sex", 75, 3),
    ("province x age", 75, 5),
    ("commune x sex", 1500, 3),
]


def best(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rnd = random.Random(args.seed)
    print(f"load average before: {os.getloadavg()}")
    head = ("table", "cells", "baseline s", "suppress s", "ratio", "primary", "secondary")
    print("{:<16}{:>7}{:>12}{:>12}{:>8}{:>9}{:>11}".format(*head))
    for name, nr, nc in TABLES:
        counts = {
            (i, j): rnd.randint(1, 4) if rnd.random() < 0.15 else rnd.randint(0, 200)
            for i in range(nr)
            for j in range(nc)
        }
        base, _ = best(lambda: suppress_2d(counts, range(nr), range(nc), with_totals=False), args.repeat)  # noqa: B023
        full, table = best(lambda: suppress_2d(counts, range(nr), range(nc)), args.repeat)  # noqa: B023
        primary = sum(c.status is Status.PRIMARY for c in table.cells.values())
        secondary = sum(c.status is Status.SECONDARY for c in table.cells.values())
        print(
            f"{name:<16}{nr * nc:>7}{base:>12.4f}{full:>12.4f}{full / base:>8.0f}{primary:>9}{secondary:>11}"
        )
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
