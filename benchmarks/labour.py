"""Labour figures: the synthetic vacancy generator's speed and the title classifier's throughput.

Each figure is printed against a baseline measured in the same run, as a ratio, with the load average (the
machine is shared):
- generation: rows per second of `generate_vacancies`, against writing the same table to CSV (pyarrow);
- classification: titles per second of `suggest_many`, against normalising the same titles only.

    .venv/bin/python benchmarks/labour.py [--rows 1000000] [--titles 20000]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def _load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--titles", type=int, default=20_000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kafaat.settings")
    import django

    django.setup()
    from kafaat.labour import classifier
    from kafaat.synth.vacancies import generate_vacancies, write_vacancies

    print(f"{_load()}")
    started = time.perf_counter()
    table = generate_vacancies(args.rows)
    generated = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        write_vacancies(table, Path(folder) / "vacancies.csv")
        written = time.perf_counter() - started
    print("| step | rows | seconds | rows/s | ratio to baseline |\n| --- | --- | --- | --- | --- |")
    print(f"| generate_vacancies | {args.rows:,} | {generated:.2f} | {args.rows / generated:,.0f} | "
          f"{generated / written:.2f} |")  # fmt: skip
    print(f"| baseline: write it as CSV | {args.rows:,} | {written:.2f} | {args.rows / written:,.0f} | 1 |")

    titles = table["title"].slice(0, args.titles).cast("string").to_pylist()
    started = time.perf_counter()
    classifier.base_index()
    built = time.perf_counter() - started
    started = time.perf_counter()
    for title in titles:
        classifier.normalise(title)
    normalised = time.perf_counter() - started
    started = time.perf_counter()
    for start in range(0, len(titles), 2000):
        classifier.suggest_many(titles[start : start + 2000], top=3, use_decisions=False)
    suggested = time.perf_counter() - started
    print(f"\nindex built once per process in {built:.1f} s ({_load()})")
    print("| step | titles | seconds | titles/s | ratio to baseline |\n| --- | --- | --- | --- | --- |")
    distinct = len({classifier.normalise(t) for t in titles})
    print(f"| suggest_many (top 3; {distinct:,} distinct) | {len(titles):,} | {suggested:.2f} | "
          f"{len(titles) / suggested:,.0f} | {suggested / normalised:.1f} |")  # fmt: skip
    rate = len(titles) / normalised
    print(f"| baseline: normalise only | {len(titles):,} | {normalised:.2f} | {rate:,.0f} | 1 |")
    print(_load())


if __name__ == "__main__":
    main()
