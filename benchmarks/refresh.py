"""The warehouse refresh against a plain COPY of the same queries, in alternating rounds (a shared machine).

    KAFAAT_BENCH_DATABASE=kafaat_bench_refresh2 \\
        .venv/bin/python benchmarks/indicators.py --people 200000 --keep --orm-indicators 1   # loads
    KAFAAT_BENCH_DATABASE=kafaat_bench_refresh2 .venv/bin/python benchmarks/refresh.py --rounds 3

Each round: COPY, full refresh (every record decrypted), COPY, incremental refresh (nothing to decrypt),
COPY; a refresh's ratio is its rate over the mean rate of the two COPYs around it, so that the load of the
moment weighs on both. With `--plain`, each COPY is followed by the issue's literal baseline, a plain
`COPY table TO STDOUT` (text, every column) of each table the refresh reads (`indicators.plain_copy_seconds`),
and a second ratio (its seconds over the refresh's) is printed; the strict one stays the headline.
`COPY (query) TO STDOUT (FORMAT binary)` of exactly the queries the refresh reads
(`benchmarks/indicators.py:copy_rate`). Prints each round (seconds per stage, the process's CPU time, load
average) and the median ratios.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--plain", action="store_true", help="also the plain COPY of the tables (text)")
    args = parser.parse_args()
    import indicators

    database = os.environ.get("KAFAAT_BENCH_DATABASE", indicators.DATABASE)
    indicators.DATABASE = database
    os.environ["DATABASE_URL"] = f"{args.server}/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kafaat.settings")
    import django

    django.setup()
    from kafaat.observatory import warehouse

    path = Path(tempfile.mkdtemp(prefix="refresh-bench-")) / "warehouse.duckdb"
    ratios: dict[str, list[float]] = {"full": [], "incremental": []}
    plain: dict[str, list[float]] = {"full": [], "incremental": []}
    copy_rows, before = indicators.copy_rate(args.server)
    plain_before = indicators.plain_copy_seconds(args.server) if args.plain else 0.0
    for round_ in range(1, args.rounds + 1):
        for kind in ("full", "incremental"):
            cpu = time.process_time()
            result = warehouse.refresh(path=path, full=kind == "full")
            cpu = time.process_time() - cpu
            _, after = indicators.copy_rate(args.server)
            copy_rate = copy_rows / ((before + after) / 2)
            plain_note = ""
            if args.plain:
                plain_after = indicators.plain_copy_seconds(args.server)
                plain[kind].append((plain_before + plain_after) / 2 / result.seconds)
                plain_note = (
                    f" plain COPY {plain_before:4.1f}/{plain_after:4.1f} s, ratio {plain[kind][-1]:.2f};"
                )
                plain_before = plain_after
            rate = result.read / result.seconds
            ratios[kind].append(rate / copy_rate)
            load = " ".join(f"{x:.2f}" for x in os.getloadavg())
            print(f"round {round_} {kind:<11} {result.read:,} rows: refresh {result.seconds:5.1f} s "
                  f"{rate:>9,.0f} rows/s, COPY {before:4.1f}/{after:4.1f} s {copy_rate:>9,.0f} rows/s, "
                  f"ratio {rate / copy_rate:.2f};{plain_note} stages {result.stages}; CPU {cpu:.1f} s; "
                  f"load {load}", flush=True)  # fmt: skip
            before = after
    for kind, values in ratios.items():
        each = ", ".join(f"{v:.2f}" for v in values)
        print(f"{kind}: median ratio {statistics.median(values):.2f} ({each})")
        if args.plain:
            each = ", ".join(f"{v:.2f}" for v in plain[kind])
            median = statistics.median(plain[kind])
            print(f"{kind}, against the plain COPY of the tables: median {median:.2f} ({each})")
    path.unlink(missing_ok=True)
    path.parent.rmdir()


if __name__ == "__main__":
    main()
