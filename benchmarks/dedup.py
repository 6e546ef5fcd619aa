"""Benchmark of deduplication on synthetic registries whose true people are known.

    .venv/bin/python benchmarks/dedup.py --sizes 10000,100000,1000000

For each size the registry is generated once (`kafaat.synth.duplicates`, seed 7) and written to Parquet;
then each method runs in a fresh process, so that its wall time and peak memory (RSS) are its own:

(a) the project's settings: keys across scripts, the saved model (`kafaat/registry/dedup/linkage_model.json`),
    the household and first-name guards of clustering;
(b) Splink with generic settings: Jaro-Winkler on first and last name (Latin if written, else Arabic, lower
    case), date of birth (Splink's DateOfBirthComparison), exact city; m and u estimated the same way as the
    project's model, on the same training registry (seed 1), before the clock starts;
(c) exact matching on the normalised name words and the date of birth.

The last column is the 1-minute load average when each method finished: the machine is shared.

Pairs: every two records put in one cluster, against every two records of one true person (precision,
recall, F1). Clusters: a predicted cluster counts when it is exactly a true person's set of records
(precision over predicted clusters, recall over true people, singletons included).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kafaat.settings")

CLUSTER_THRESHOLD = 0.9  # generic Splink; the project clusters at its own `linkage.CLUSTER_THRESHOLD`
RENAME = {"record_id": "unique_id", "commune_code": "commune", "province_code": "province"}


def _setup() -> None:
    import django

    django.setup()


def _registry(n: int, seed: int):
    from kafaat.synth.duplicates import generate_registry

    table = generate_registry(n, seed=seed)
    return table.rename_columns([RENAME.get(c, c) for c in table.column_names])


def _generic_inputs(table):
    """What generic settings get: names as written (Latin, else Arabic) in lower case, the date, the city."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from kafaat.registry.dedup import parse_birth_date

    def name(latin: str, arabic: str):
        latin_col, arabic_col = table[latin], table[arabic]
        chosen = pc.if_else(pc.equal(latin_col, ""), arabic_col, latin_col)
        return pc.if_else(pc.equal(chosen, ""), pa.scalar(None, pa.string()), pc.utf8_lower(chosen))

    dates = [parse_birth_date(v).iso for v in table["birth_date"].to_pylist()]
    city = pc.if_else(pc.equal(table["commune"], ""), pa.scalar(None, pa.string()), table["commune"])
    return pa.table(
        {
            "unique_id": table["unique_id"],
            "first_name": name("first_name_latin", "first_name_ar"),
            "last_name": name("last_name_latin", "last_name_ar"),
            "dob": pa.array(dates, pa.string()),
            "city": city,
        }
    )


def _generic_settings():
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("first_name", [0.9, 0.7]),
            cl.JaroWinklerAtThresholds("last_name", [0.9, 0.7]),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("city"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "last_name"),
            block_on("last_name", "dob"),
            block_on("first_name", "dob"),
        ],
        retain_intermediate_calculation_columns=False,
    )


def _generic_model(path: Path) -> dict:
    """Train the generic model like the project's (u by sampling, m from the known people of seed 1)."""
    if path.exists():
        return json.loads(path.read_text())
    import logging

    from splink import Linker

    from kafaat.registry.dedup.linkage import _duckdb_api

    table = _registry(100_000, seed=1)
    inputs = _generic_inputs(table).append_column("cluster_id", table["cluster_id"])
    linker = Linker(_duckdb_api(2, None).register(inputs), _generic_settings(), log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        ["l.first_name = r.first_name and l.last_name = r.last_name and l.dob = r.dob"], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e7, seed=1)
    linker.training.estimate_m_from_label_column("cluster_id")
    model = linker.misc.save_model_to_json()
    path.write_text(json.dumps(model))
    return model


def run_project(table):
    from kafaat.registry.dedup import linkage

    prepared = linkage.prepare(table.drop_columns(["cluster_id", "household_id"]), reference_year=2025)
    result = linkage.link(prepared, threads=2)
    return result.clusters, result.pairs.num_rows


def run_generic(table, model_path: Path):
    import logging

    from splink import Linker

    from kafaat.registry.dedup.linkage import _duckdb_api

    model = _generic_model(model_path)
    started = time.perf_counter()
    linker = Linker(_duckdb_api(2, None).register(_generic_inputs(table)), model, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        ["l.first_name = r.first_name and l.last_name = r.last_name and l.dob = r.dob"], recall=0.7
    )
    predictions = linker.inference.predict(threshold_match_probability=0.5, warning_mode="never")
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=CLUSTER_THRESHOLD
    ).as_pyarrow_table()
    elapsed = time.perf_counter() - started
    return clusters.select(["unique_id", "cluster_id"]), predictions.as_pyarrow_table().num_rows, elapsed


def run_exact(table):
    import pyarrow as pa

    from kafaat.registry.dedup import parse_birth_date
    from kafaat.registry.normalise import name_tokens

    columns = [
        table[c].to_pylist()
        for c in ("first_name_latin", "last_name_latin", "first_name_ar", "last_name_ar", "birth_date")
    ]
    keys = []
    for first_lat, last_lat, first_ar, last_ar, birth in zip(*columns, strict=True):
        name = " ".join(
            name_tokens(f"{first_lat} {last_lat}" if first_lat or last_lat else f"{first_ar} {last_ar}")
        )
        keys.append(f"{name}|{parse_birth_date(birth).iso}")
    return pa.table({"unique_id": table["unique_id"], "cluster_id": pa.array(keys)}), 0


def metrics(table, clusters) -> dict:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = table.num_rows
    ids = table["unique_id"].to_numpy()
    truth = np.empty(n, np.int64)
    truth[ids] = table["cluster_id"].to_numpy()
    predicted = np.arange(n, dtype=np.int64) + n  # records absent from the clusters are alone
    codes = pc.dictionary_encode(pc.cast(clusters["cluster_id"], pa.string())).combine_chunks()
    predicted[clusters["unique_id"].to_numpy()] = codes.indices.to_numpy()

    def pairs(labels: np.ndarray) -> np.ndarray:
        order = np.argsort(labels, kind="stable")
        sorted_labels, out = labels[order], []
        starts = np.flatnonzero(np.r_[True, sorted_labels[1:] != sorted_labels[:-1], True])
        for start, stop in zip(starts[:-1], starts[1:], strict=True):
            if stop - start > 1:
                members = np.sort(order[start:stop])
                a, b = np.triu_indices(len(members), 1)
                out.append(members[a] * n + members[b])
        return np.concatenate(out) if out else np.empty(0, np.int64)

    true_pairs, predicted_pairs = pairs(truth), pairs(predicted)
    tp = len(np.intersect1d(true_pairs, predicted_pairs, assume_unique=True))
    precision = tp / len(predicted_pairs) if len(predicted_pairs) else 1.0
    recall = tp / len(true_pairs) if len(true_pairs) else 1.0

    def groups(labels: np.ndarray) -> set:
        order = np.argsort(labels, kind="stable")
        sorted_labels = labels[order]
        starts = np.flatnonzero(np.r_[True, sorted_labels[1:] != sorted_labels[:-1], True])
        return {tuple(np.sort(order[a:b])) for a, b in zip(starts[:-1], starts[1:], strict=True)}

    true_groups, predicted_groups = groups(truth), groups(predicted)
    exact = len(true_groups & predicted_groups)
    cp, cr = exact / len(predicted_groups), exact / len(true_groups)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "pair_precision": precision,
        "pair_recall": recall,
        "pair_f1": f1,
        "cluster_precision": cp,
        "cluster_recall": cr,
        "cluster_f1": 2 * cp * cr / (cp + cr),
        "true_pairs": len(true_pairs),
        "predicted_pairs": len(predicted_pairs),
    }


def worker(method: str, path: str, model_path: str) -> None:
    _setup()
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    started = time.perf_counter()
    if method == "project":
        clusters, scored = run_project(table)
        elapsed = time.perf_counter() - started
    elif method == "generic":
        clusters, scored, elapsed = run_generic(table, Path(model_path))
    else:
        clusters, scored = run_exact(table)
        elapsed = time.perf_counter() - started
    result = {
        "method": method,
        "records": table.num_rows,
        "seconds": elapsed,
        "pairs_scored": scored,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "load": os.getloadavg()[0],
    }
    result.update(metrics(table, clusters))
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--methods", default="project,generic,exact")
    parser.add_argument("--timeout", type=int, default=900, help="seconds allowed to one method at one size")
    parser.add_argument("--worker", nargs=3, metavar=("METHOD", "PARQUET", "MODEL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    _setup()
    import pyarrow.parquet as pq

    folder = Path(tempfile.mkdtemp(prefix="kafaat-dedup-"))
    model_path = folder / "generic_model.json"
    header = (
        "records | method | pair P | pair R | pair F1 | cluster P | cluster R | cluster F1 | wall s | peak MB"
        " | load"
    )
    print(f"| {header} |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in (int(s) for s in args.sizes.split(",")):
        path = folder / f"registry_{size}.parquet"
        pq.write_table(_registry(size, seed=7), path)
        for method in args.methods.split(","):
            command = [sys.executable, __file__, "--worker", method, str(path), str(model_path)]
            try:
                done = subprocess.run(  # noqa: S603  (this very script, in a fresh interpreter)
                    command, capture_output=True, text=True, timeout=args.timeout, check=True
                )
            except subprocess.TimeoutExpired:
                print(f"| {size:,} | {method} | timed out after {args.timeout} s |")
                continue
            except subprocess.CalledProcessError as error:
                print(f"| {size:,} | {method} | failed: {error.stderr.strip().splitlines()[-1:]} |")
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(
                f"| {size:,} | {method} | {r['pair_precision']:.4f} | {r['pair_recall']:.4f} | "
                f"{r['pair_f1']:.4f} | {r['cluster_precision']:.4f} | {r['cluster_recall']:.4f} | "
                f"{r['cluster_f1']:.4f} | {r['seconds']:.1f} | {r['peak_rss_mb']:.0f} | {r['load']:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
