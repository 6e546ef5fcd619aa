"""Benchmark of the synthetic people generator against a naive per-row Python loop.

    .venv/bin/python benchmarks/generate_people.py --sizes 10000,100000,1000000

Each measurement runs in a fresh process so that its peak RSS is its own. The baseline draws most of the same
columns row by row with `random.Random` and writes them with `csv.writer` (no nationality, status or NEET, so
it is if anything flattered); it runs only for the small
sizes (it is the thing the vectorised generator exists to avoid).
"""

from __future__ import annotations

import argparse
import bisect
import csv
import datetime as dt
import itertools
import multiprocessing
import os
import random
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


NAIVE_COLUMNS = [
    "external_id",
    "sex",
    "birth_date",
    "first_name_ar",
    "last_name_ar",
    "first_name_latin",
    "last_name_latin",
    "phone",
    "id_type",
    "id_number",
    "region_code",
    "province_code",
    "commune_code",
    "rural",
    "education_level",
]


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def run_vectorised(path: str, n: int, seed: int, fmt: str) -> tuple[float, float, int]:
    from kafaat.synth.people import write_people

    started = time.perf_counter()
    write_people(path, n, seed, fmt)
    return time.perf_counter() - started, _peak_rss_mb(), os.path.getsize(path)


def run_naive(path: str, n: int, seed: int) -> tuple[float, float, int]:
    """The obvious implementation: one Python loop iteration and one `random` call per field and row."""
    from kafaat.synth import identity, names
    from kafaat.synth.people import AGE_KNOTS, EDUCATION_LEVELS, REFERENCE_DATE
    from kafaat.synth.territory_weights import load_territory

    started = time.perf_counter()
    rng = random.Random(seed)
    tables = names.tables()

    def weighted(entries):
        return list(entries), list(itertools.accumulate(e.weight for e in entries))

    female, female_cum = weighted(tables["female"].entries)
    male, male_cum = weighted(tables["male"].entries)
    family, family_cum = weighted(tables["family"].entries)
    territory = load_territory()
    provinces = list(range(len(territory.province_codes)))
    province_cum = list(itertools.accumulate(int(p) for p in territory.province_population))
    ages = list(range(15, 56))
    age_cum = list(itertools.accumulate(max(0.0, _interp(a, AGE_KNOTS)) for a in ages))
    formats = ["{0}", "{1} {2} {3} {4} {5}", "+212{6}", "+212 {7} {2} {3} {4} {5}", "00212{6}"]

    def variant(entry):
        spellings, weights = zip(*entry.variants, strict=True)
        return rng.choices(spellings, weights)[0]

    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(NAIVE_COLUMNS)
        for i in range(n):
            is_female = rng.random() < 0.5
            first = rng.choices(
                female if is_female else male, cum_weights=female_cum if is_female else male_cum
            )[0]
            last = rng.choices(family, cum_weights=family_cum)[0]
            age = rng.choices(ages, cum_weights=age_cum)[0]
            birth = REFERENCE_DATE - dt.timedelta(days=int((age + rng.random()) * 365.25))
            lead, rest = rng.choice("67"), f"{rng.randrange(10**8):08d}"
            pairs = [rest[k : k + 2] for k in range(0, 8, 2)]
            phone = rng.choice(formats).format("0" + lead + rest, "0" + lead, *pairs, lead + rest, lead)
            p = rng.choices(provinces, cum_weights=province_cum)[0]
            code = territory.province_codes[p]
            prefix = rng.choice(identity.province_prefixes(code))
            count = int(territory.commune_count[p])
            commune_index = int(territory.commune_start[p]) + rng.randrange(count) if count else None
            commune = territory.commune_codes[commune_index] if count else ""
            rural = bool(territory.commune_rural[commune_index]) if count else rng.random() < 0.4
            cin = f"{prefix}{rng.randrange(10_000, 1_000_000)}"
            sex = "F" if is_female else "M"
            writer.writerow([f"SYN-{i + 1:07d}", sex, birth.isoformat(), first.arabic, last.arabic,
                             variant(first), variant(last), phone, "cin", cin, territory.province_regions[p],
                             code, commune, rural, rng.choice(EDUCATION_LEVELS)])  # fmt: skip
    return time.perf_counter() - started, _peak_rss_mb(), os.path.getsize(path)


def _interp(x: float, knots: tuple[tuple[int, float], ...]) -> float:
    xs = [k[0] for k in knots]
    i = min(max(bisect.bisect_right(xs, x), 1), len(knots) - 1)
    (x0, y0), (x1, y1) = knots[i - 1], knots[i]
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)


def measure(function, *args) -> tuple[float, float, int]:
    # A fresh interpreter per measurement: ru_maxrss is a high-water mark for the whole process.
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def print_row(name: str, n: int, seconds: float, rss_mb: float, size: int, speed_up: str) -> None:
    cells = [
        name,
        f"{n:,}",
        f"{seconds:.2f}",
        f"{n / seconds:,.0f}",
        f"{rss_mb:.0f}",
        f"{size / 1e6:.1f}",
        speed_up,
    ]
    print("| " + " | ".join(cells) + " |", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated row counts")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--format", choices=["csv", "parquet"], default="csv")
    parser.add_argument("--baseline-max", type=int, default=100_000, help="largest size for the naive loop")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")]

    print(f"# {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, format {args.format}, seed {args.seed}")
    print("| generator | size | seconds | rows/s | peak RSS (MB) | output (MB) | speed-up |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = str(Path(tmp) / f"people-{n}.{args.format}")
            seconds, rss, size = measure(run_vectorised, path, n, args.seed, args.format)
            print_row("vectorised", n, seconds, rss, size, "")
            os.remove(path)
            if n <= args.baseline_max:
                naive_path = str(Path(tmp) / f"naive-{n}.csv")
                naive_seconds, naive_rss, naive_size = measure(run_naive, naive_path, n, args.seed)
                print_row(
                    "naive loop", n, naive_seconds, naive_rss, naive_size, f"×{naive_seconds / seconds:.1f}"
                )
                os.remove(naive_path)


if __name__ == "__main__":
    main()
