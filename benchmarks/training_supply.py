"""Benchmark of the training supply at national scale: the synthetic generator and the supply import.

    DATABASE_URL=sqlite:////tmp/kafaat_training_bench.sqlite3 .venv/bin/python benchmarks/training_supply.py

1. `generate_supply` (3,000 establishments, 20,000 programmes, 10 years) against a per-row Python loop drawing
   the same statistics columns with `random.Random` (the baseline the vectorised generator exists to avoid).
2. Importing one national year (one row per programme) through `SupplyImport` — every row checked, then one
   transaction — against reading the same file with `read_table` alone; then importing it again (nothing
   changes). The scratch database must have a name containing "training" (shared machines).
"""

from __future__ import annotations

import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/kafaat_training_bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kafaat.settings")


MEASURES = (
    "seats",
    "applicants",
    "applicants_women",
    "enrolled",
    "enrolled_women",
    "graduates",
    "graduates_women",
)


def naive_statistics(programmes: int, years: int, seed: int) -> list[tuple]:
    rng = random.Random(seed)
    rows = []
    for programme in range(programmes):
        seats0 = 40 * rng.uniform(0.6, 1.6)
        share = rng.random()
        for year in range(years):
            seats = round(seats0 * 1.04**year)
            applicants = round(seats * rng.uniform(1.2, 3.2))
            enrolled = min(applicants, round(seats * rng.uniform(0.8, 1.0)))
            women = sum(rng.random() < share for _ in range(enrolled))
            graduates = sum(rng.random() < 0.75 for _ in range(enrolled))
            rows.append((programme, 2015 + year, seats, applicants, enrolled, women, graduates))
    return rows


def main() -> None:
    if "training" not in os.environ["DATABASE_URL"]:
        raise SystemExit("use a scratch database whose name contains 'training'")
    import django

    django.setup()
    from django.core.management import call_command

    from kafaat.core.imports import read_table, run_import
    from kafaat.core.models import Membership, Organisation, Role
    from kafaat.synth.supply import generate_supply, load_supply
    from kafaat.training.importing import SupplyImport
    from kafaat.training.models import Establishment, Programme, SupplyStatistic

    print(f"load average: {os.getloadavg()}")
    rows = []
    started = time.perf_counter()
    generate_supply(3_000, 20_000, 10)
    vectorised = time.perf_counter() - started
    started = time.perf_counter()
    naive_statistics(20_000, 10, 1)
    naive = time.perf_counter() - started
    rows.append(
        ("generate 3,000 / 20,000 / 10 years", f"{vectorised:.2f} s", f"{naive:.2f} s", naive / vectorised)
    )

    call_command("migrate", verbosity=0)
    SupplyStatistic.objects.all().delete()
    Programme.objects.all().delete()
    Establishment.objects.all().delete()
    one_year = generate_supply(3_000, 20_000, 1)
    load_supply(type(one_year)(one_year.establishments, one_year.programmes, one_year.occupations,
                               one_year.statistics.slice(0, 0)))  # fmt: skip
    SupplyStatistic.objects.all().delete()
    operator = Organisation.objects.get(code="synth-ofppt")
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="bench-training", is_superuser=True)
    Membership.objects.get_or_create(user=user, organisation=operator, role=Role.ADMINISTRATOR)
    codes = dict(Establishment.objects.values_list("pk", "code"))
    ofppt = set(Establishment.objects.filter(operator=operator).values_list("pk", flat=True))
    statistics = one_year.statistics.to_pydict()
    programmes = list(Programme.objects.order_by("pk").values_list("establishment_id", "code"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "supply.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(["Code établissement", "Code filière", "Année de formation", "Places offertes",
                             "Candidats", "Candidats dont filles", "Inscrits", "Inscrits dont filles",
                             "Lauréats", "Lauréats dont filles"])  # fmt: skip
            written = 0
            for index, (establishment, code) in enumerate(programmes):
                if establishment not in ofppt:
                    continue
                figures = [statistics[name][index] for name in MEASURES]
                writer.writerow([codes[establishment], code, "2024-2025", *figures])
                written += 1
        started = time.perf_counter()
        table = read_table(path)
        sum(1 for _ in table.rows)
        reading = time.perf_counter() - started
        started = time.perf_counter()
        result = run_import(SupplyImport(user, operator), path, workers=1)
        first = time.perf_counter() - started
        assert result.imported == written, result.errors[:3]
        started = time.perf_counter()
        again = run_import(SupplyImport(user, operator), path, workers=1)
        second = time.perf_counter() - started
        assert again.already_imported == written and again.imported == 0
    rows.append(
        (f"import {written:,} rows (OFPPT, one year)", f"{first:.2f} s", f"{reading:.2f} s", reading / first)
    )
    rows.append(
        (f"import the same {written:,} rows again", f"{second:.2f} s", f"{reading:.2f} s", reading / second)
    )
    print(f"database: {os.environ['DATABASE_URL'].split('://')[0]}")
    print(f"{'measure':<42} {'measured':>10} {'baseline':>10} {'baseline / measured':>20}")
    for name, measured, baseline, ratio in rows:
        print(f"{name:<42} {measured:>10} {baseline:>10} {ratio:>20.2f}")
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
