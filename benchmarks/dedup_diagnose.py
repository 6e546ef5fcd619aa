"""Where the project's deduplication loses pairs, on a synthetic registry whose true people are known.

    .venv/bin/python benchmarks/dedup_diagnose.py --size 300000 --seed 7

Runs `linkage.link` as `benchmarks/dedup.py` does, then scores every true pair with the same model (a
second Splink run blocked on the true person) and sorts:

* missed true pairs: not produced by any blocking rule / blocked but below the clustering threshold /
  above it but held back by the clustering guard; with the comparison levels of the most common misses;
* false pairs: two people of one household, or unrelated; joined by a direct edge or only transitively.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kafaat.settings")
RENAME = {"record_id": "unique_id", "commune_code": "commune", "province_code": "province"}
COMPARISONS = ("first_name", "last_name", "birth_date", "phone", "id_number", "sex", "place")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--model", default=None, help="a model JSON other than the saved one")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--save", default=None, help="a DuckDB file to keep the tables in, for a closer look")
    args = parser.parse_args()
    import django

    django.setup()
    import duckdb
    import numpy as np
    import pyarrow as pa
    from splink import Linker, block_on

    from kafaat.registry.dedup import linkage
    from kafaat.registry.dedup import splink_settings as linkage_settings
    from kafaat.synth.duplicates import generate_registry

    table = generate_registry(args.size, seed=args.seed)
    table = table.rename_columns([RENAME.get(c, c) for c in table.column_names])
    prepared = linkage.prepare(table.drop_columns(["cluster_id", "household_id"]), reference_year=2025)
    model = linkage.load_model(args.model) if args.model else None
    started = time.perf_counter()
    result = linkage.link(prepared, model=model, threads=2)
    print(f"link: {time.perf_counter() - started:.1f} s, load {os.getloadavg()[0]:.2f}")

    # Every true pair scored by the same model: block on the true person.
    used = result.model
    used["blocking_rules_to_generate_predictions"] = [
        block_on("cluster_id").get_blocking_rule("duckdb").as_dict()
    ]
    used["retain_intermediate_calculation_columns"] = True
    labelled = prepared.append_column("cluster_id", table["cluster_id"]).append_column(
        "household_id", table["household_id"]
    )
    db_api = linkage._duckdb_api(2, None)
    linker = Linker(
        db_api.register(labelled, dataset_display_name="records"), used, log_level=logging.WARNING
    )
    true_pairs = linker.inference.predict(warning_mode="never").as_pyarrow_table()

    con = duckdb.connect(args.save or ":memory:")
    raw = table.drop_columns(["unique_id"]).append_column("unique_id", table["unique_id"])
    for name, data in (("records", labelled), ("tp", true_pairs), ("clusters", result.clusters),
                       ("edges", result.pairs), ("raw", raw)):  # fmt: skip
        con.register(f"{name}_view", data)
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {name}_view")  # noqa: S608
    rules = [
        rule for rule in linkage_settings.BLOCKING_RULES if all(c in prepared.column_names for c in rule)
    ]
    blocked = " OR ".join("(" + " AND ".join(f"l.{c} = r.{c}" for c in rule) + ")" for rule in rules)
    guard = linkage._guard_condition(used)
    gammas = [f"round(mw_{c}, 1)" for c in COMPARISONS]
    con.execute(
        f"""CREATE TABLE t AS SELECT tp.*, ({blocked}) AS blocked, ({guard}) AS guard_ok,
            coalesce(cl.cluster_id = cr.cluster_id, false) AS found,
            coalesce(cl.cluster_id, -1) AS cl, coalesce(cr.cluster_id, -2) AS cr
        FROM tp JOIN records l ON l.unique_id = tp.unique_id_l JOIN records r ON r.unique_id = tp.unique_id_r
        LEFT JOIN clusters cl ON cl.unique_id = tp.unique_id_l
        LEFT JOIN clusters cr ON cr.unique_id = tp.unique_id_r"""  # noqa: S608
    )
    total, found = con.execute("SELECT count(*), sum(found::int) FROM t").fetchone()
    print(f"\ntrue pairs {total:,}, found {found:,} (recall {found / total:.4f})")
    print("missed, by cause:")
    for row in con.execute(
        f"""SELECT CASE WHEN NOT coalesce(blocked, false) THEN 'not blocked'
                   WHEN match_probability < 0.5 THEN 'blocked, p < 0.5'
                   WHEN match_probability < {linkage.CLUSTER_THRESHOLD} THEN 'blocked, 0.5 <= p < cluster'
                   WHEN NOT coalesce(guard_ok, false) THEN 'p >= cluster, guard'
                   ELSE 'other' END AS cause,
            count(*) AS n,
            sum((match_probability >= {linkage.CLUSTER_THRESHOLD})::int) AS p_ge_cluster
        FROM t WHERE NOT found GROUP BY 1 ORDER BY 2 DESC"""  # noqa: S608
    ).fetchall():
        print(f"  {row[0]:<28} {row[1]:>8,}  {row[1] / total:.4f} of true pairs  (p >= cluster: {row[2]:,})")
    print("\nmost common match weights of missed pairs (" + ", ".join(COMPARISONS) + "):")
    for row in con.execute(
        f"""SELECT {", ".join(gammas)}, coalesce(blocked, false), count(*), avg(match_probability)
        FROM t WHERE NOT found GROUP BY ALL ORDER BY count(*) DESC LIMIT {int(args.top)}"""  # noqa: S608
    ).fetchall():
        print(f"  {row[:7]} blocked={row[7]!s:<5} n={row[8]:>6,} mean p={row[9]:.3f}")
    print("\ncalibration of the scored pairs (p >= 0.5): share of true pairs by probability")
    con.execute(
        """CREATE OR REPLACE TABLE e AS SELECT e.*, (l.cluster_id = r.cluster_id) AS same_person,
            (l.household_id = r.household_id) AS same_household
        FROM edges e JOIN records l ON l.unique_id = e.unique_id_l
        JOIN records r ON r.unique_id = e.unique_id_r"""
    )
    for row in con.execute(
        """SELECT floor(match_probability * 10) / 10 AS bucket, count(*), avg(same_person::int),
            avg((same_household AND NOT same_person)::int) FROM e GROUP BY 1 ORDER BY 1"""
    ).fetchall():
        print(f"  p in [{row[0]:.1f}, +0.1): {row[1]:>8,} pairs, true {row[2]:.3f}, household {row[3]:.3f}")
    print("\nmissed, not blocked: which fields are present on both sides")
    for row in con.execute(
        """SELECT (mw_birth_date <> 0) dob_both, (mw_phone <> 0) phone_both, round(mw_first_name, 1),
            round(mw_last_name, 1), count(*) FROM t WHERE NOT found AND NOT coalesce(blocked, false)
        GROUP BY ALL ORDER BY count(*) DESC LIMIT 12"""
    ).fetchall():
        print(f"  dob both={row[0]!s:<5} phone both={row[1]!s:<5} fn={row[2]} ln={row[3]} n={row[4]:,}")

    # False pairs: predicted together, different people.
    con.execute(
        """CREATE TABLE pred AS SELECT c.unique_id, c.cluster_id, r.cluster_id AS person, r.household_id
        FROM clusters c JOIN records r USING (unique_id)"""
    )
    fp = con.execute(
        f"""SELECT (a.household_id = b.household_id) AS household,
            (e.unique_id_l IS NOT NULL) AS direct_edge, count(*)
        FROM pred a JOIN pred b ON a.cluster_id = b.cluster_id AND a.unique_id < b.unique_id
        LEFT JOIN edges e ON e.unique_id_l = least(a.unique_id, b.unique_id)
             AND e.unique_id_r = greatest(a.unique_id, b.unique_id)
             AND e.match_probability >= {linkage.CLUSTER_THRESHOLD}
        WHERE a.person <> b.person GROUP BY ALL ORDER BY 3 DESC"""  # noqa: S608
    ).fetchall()
    predicted = con.execute(
        """SELECT count(*) FROM pred a
        JOIN pred b ON a.cluster_id = b.cluster_id AND a.unique_id < b.unique_id"""
    ).fetchone()[0]
    print(f"\npredicted pairs {predicted:,}; false pairs by kind:")
    for household, direct, n in fp:
        print(f"  household={household!s:<5} direct edge={direct!s:<5} {n:>7,}  {n / predicted:.4f}")
    del np, pa


if __name__ == "__main__":
    main()
