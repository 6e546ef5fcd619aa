"""Benchmark of the registration-time matcher: likely matches of one new record against a large registry.

    .venv/bin/python benchmarks/match_at_registration.py --sizes 100000,1000000 --queries 1000

The registry is a synthetic one with known people (`kafaat.synth.duplicates`, seed 7). The index is built
once over all records but the queried ones; each query is one held-out record, typed as a case worker
would (any script, any spelling), prepared and matched exactly as `dedup_services.likely_matches` does.
Measured per query: the time from the raw values to the ranked matches (p50, p95, p99), and whether another
record of the same person is among the matches shown (probability ≥ 0.5): the recall at registration.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kafaat.settings")

RENAME = {"record_id": "unique_id", "commune_code": "commune", "province_code": "province"}


def measure(size: int, queries: int) -> dict:
    import numpy as np
    import pyarrow as pa

    from kafaat.registry.dedup import linkage, matching
    from kafaat.synth.duplicates import generate_registry

    table = generate_registry(size, seed=7)
    table = table.rename_columns([RENAME.get(c, c) for c in table.column_names])
    rng = np.random.default_rng(0)
    held_out = np.sort(rng.choice(table.num_rows, queries, replace=False))
    keep = np.ones(table.num_rows, bool)
    keep[held_out] = False
    started = time.perf_counter()
    records = linkage.prepare(table.filter(pa.array(keep)).drop_columns(["cluster_id", "household_id"]))
    index = matching.MatchIndex(records)
    build = time.perf_counter() - started
    truth = dict(zip(table["unique_id"].to_pylist(), table["cluster_id"].to_pylist(), strict=True))
    indexed_people: dict[int, int] = {}
    for uid in records["unique_id"].to_pylist():
        indexed_people[truth[uid]] = indexed_people.get(truth[uid], 0) + 1
    timings, expected, found, shown = [], 0, 0, []
    for position in held_out:
        raw = table.slice(int(position), 1).drop_columns(["cluster_id", "household_id"])
        start = time.perf_counter()
        query = linkage.prepare(raw, reference_year=2025)
        matches = index.matches(query, threshold=0.3, limit=5)
        timings.append(time.perf_counter() - start)
        person = truth[raw["unique_id"][0].as_py()]
        shown.append(len(matches))
        if indexed_people.get(person):
            expected += 1
            found += any(truth[m["unique_id"]] == person and m["probability"] >= 0.5 for m in matches)
    ms = np.array(timings) * 1000
    return {
        "records": records.num_rows,
        "build_s": build,
        "p50_ms": float(np.percentile(ms, 50)),
        "p95_ms": float(np.percentile(ms, 95)),
        "p99_ms": float(np.percentile(ms, 99)),
        "recall": found / expected if expected else 1.0,
        "queries_with_a_duplicate": expected,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--queries", type=int, default=1000)
    args = parser.parse_args()
    import django

    django.setup()
    print("| registry | index build s | p50 ms | p95 ms | p99 ms | recall (dup. shown ≥ 0.5) | peak MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size in (int(s) for s in args.sizes.split(",")):
        r = measure(size, args.queries)
        print(
            f"| {r['records']:,} | {r['build_s']:.1f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
            f"{r['p99_ms']:.1f} | {r['recall']:.3f} ({r['queries_with_a_duplicate']} queries) | "
            f"{r['peak_rss_mb']:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
