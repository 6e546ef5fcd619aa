"""The same model on Splink's Spark backend and on DuckDB: same pairs, same probabilities, same clusters?

    .venv/bin/pip install pyspark   # a developer's tool, not a project dependency (needs Java 17)
    .venv/bin/python benchmarks/dedup_spark.py --size 10000

The synthetic registry (seed 7) is prepared once (`linkage.prepare`, pure Python and Arrow); DuckDB runs
`linkage.link` as the project does; Spark gets `linkage_settings.settings_for_dialect("spark")` with the m,
u and prior DuckDB used, the same blocking rules rendered for Spark, and the same clustering guard and
threshold. Printed: pairs above the review threshold on each side, pairs on one side only, the largest
difference in probability, and pair precision, recall and F1 of each side's clusters.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kafaat.settings")


def _benchmark_module():
    spec = importlib.util.spec_from_file_location("dedup_benchmark", ROOT / "benchmarks" / "dedup.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def spark_model(duckdb_model: dict, comparisons: list[str], rules: list[tuple[str, ...]]) -> dict:
    """The Spark rendering of the settings, carrying the trained numbers of the DuckDB model."""
    from splink import block_on

    from kafaat.registry.dedup import splink_settings as linkage_settings

    model = linkage_settings.settings_for_dialect("spark", comparisons)
    trained = {c["output_column_name"]: c for c in duckdb_model["comparisons"]}
    keys = (
        "m_probability",
        "u_probability",
        "tf_adjustment_column",
        "tf_adjustment_weight",
        "tf_minimum_u_value",
    )
    for comparison in model["comparisons"]:
        source = trained[comparison["output_column_name"]]["comparison_levels"]
        for level, origin in zip(comparison["comparison_levels"], source, strict=True):
            level.update({key: origin[key] for key in keys if key in origin})
    model["probability_two_random_records_match"] = duckdb_model["probability_two_random_records_match"]
    model["blocking_rules_to_generate_predictions"] = [
        block_on(*rule).get_blocking_rule("spark").as_dict() for rule in rules
    ]
    model["retain_intermediate_calculation_columns"] = True
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    args = parser.parse_args()
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        sys.exit("pyspark is not installed: .venv/bin/pip install pyspark")
    import django

    django.setup()
    import pyarrow as pa
    import pyarrow.parquet as pq
    from splink import Linker, SparkAPI

    from kafaat.registry.dedup import linkage
    from kafaat.registry.dedup import splink_settings as linkage_settings

    bench = _benchmark_module()
    table = bench._registry(args.size, seed=7)
    prepared = linkage.prepare(table.drop_columns(["cluster_id", "household_id"]), reference_year=2025)
    started = time.perf_counter()
    duck = linkage.link(prepared, threads=2)
    duck_seconds = time.perf_counter() - started

    comparisons = linkage.present_comparisons(prepared)
    files_only = {"address", "postcode"} - set(comparisons)  # as `blocking_rules_for` leaves them out
    rules = [r for r in linkage_settings.BLOCKING_RULES if not files_only & set(r)]
    model = spark_model(duck.model, comparisons, rules)

    from splink.backends.spark import similarity_jar_location

    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.jars", similarity_jar_location())  # Splink's jaro_winkler and friends
        .config("spark.driver.memory", "2g")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="kafaat-spark-"))
    path = Path(tempfile.mkdtemp(prefix="kafaat-spark-")) / "prepared.parquet"
    pq.write_table(prepared, path)
    started = time.perf_counter()
    records = SparkAPI(spark_session=spark).register(spark.read.parquet(str(path)))
    linker = Linker(records, model, log_level=logging.WARNING)
    predictions = linker.inference.predict(
        threshold_match_probability=linkage.REVIEW_THRESHOLD, warning_mode="never"
    )
    guard = linkage._guard_condition(model)
    edges = predictions.query_sql(f"SELECT * FROM {{this}} WHERE {guard}")  # noqa: S608 (the model's numbers)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        edges, threshold_match_probability=linkage.CLUSTER_THRESHOLD
    ).as_pyarrow_table()
    spark_pairs = predictions.as_pyarrow_table()
    spark_seconds = time.perf_counter() - started

    def by_pair(pairs: pa.Table) -> dict:
        ids = zip(pairs["unique_id_l"].to_pylist(), pairs["unique_id_r"].to_pylist(), strict=True)
        return dict(zip(ids, pairs["match_probability"].to_pylist(), strict=True))

    duck_by, spark_by = by_pair(duck.pairs), by_pair(spark_pairs)
    common = duck_by.keys() & spark_by.keys()
    largest = max((abs(duck_by[k] - spark_by[k]) for k in common), default=0.0)
    print(
        f"records {prepared.num_rows:,}; pairs >= {linkage.REVIEW_THRESHOLD}: DuckDB {len(duck_by):,}, "
        f"Spark {len(spark_by):,}, in both {len(common):,}; largest probability difference {largest:.2e}"
    )
    print("| backend | pair P | pair R | pair F1 | cluster F1 | wall s |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, found, seconds in (("DuckDB", duck.clusters, duck_seconds), ("Spark", clusters, spark_seconds)):
        r = bench.metrics(table, found.select(["unique_id", "cluster_id"]))
        print(
            f"| {name} | {r['pair_precision']:.4f} | {r['pair_recall']:.4f} | {r['pair_f1']:.4f} | "
            f"{r['cluster_f1']:.4f} | {seconds:.1f} |"
        )
    print(f"load average {os.getloadavg()[0]:.1f}")
    spark.stop()


if __name__ == "__main__":
    main()
