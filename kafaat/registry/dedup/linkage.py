"""Record linkage of people with Splink: the prepared columns, the comparisons, training, pairs and clusters.

Records go through `prepare` (pure Python and Arrow, see `linkage_keys`) and then through Splink. The
comparisons and blocking rules are built only from Splink's own level creators (exact match, reversed
columns, Jaro-Winkler, Levenshtein, null), which Splink renders for each SQL dialect: the same
`settings()` runs on DuckDB here and on Spark at national scale (`settings_for_dialect("spark")`).

The trained model (m and u probabilities) is stored in `linkage_model.json` beside this file, so a run is
deterministic; `train` re-estimates it (u by random sampling, m by expectation maximisation). The prior,
the probability that two random records match, depends on the size of the data and is estimated on each
run from rules that admit almost no false matches.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from kafaat.registry import normalise
from kafaat.registry.dedup import keys
from kafaat.registry.dedup.keys import COMPARISON_COLUMNS

MODEL_PATH = Path(__file__).with_name("linkage_model.json")
REVIEW_THRESHOLD = 0.5  # pairs at or above are kept for review
CLUSTER_THRESHOLD = 0.8  # pairs at or above join a cluster (best pair F1 on the synthetic registries)
UNOBSERVED_M = 0.001
MIN_RECORDS_FOR_FREQUENCIES = 10_000  # below, name frequencies are noise: no term-frequency adjustment
Progress = Callable[[str, float], None]

# The fields a record may carry; a spreadsheet maps its own columns to them.
FIELDS = (
    "first_name", "last_name", "full_name", "first_name_ar", "last_name_ar", "first_name_latin",
    "last_name_latin", "sex", "birth_date", "birth_date_estimated", "phone", "phone_alt", "id_number",
    "id_hash", "commune", "province", "address", "postcode",
)  # fmt: skip

# Short labels of the levels that count as agreement, by comparison and comparison-vector value.
AGREEMENT_LABELS: dict[str, dict[int, str]] = {
    "first_name": {5: "same", 4: "swapped", 3: "same first word", 2: "similar", 1: "close"},
    "last_name": {5: "same", 4: "same without ben/el", 3: "swapped", 2: "similar", 1: "close"},
    "birth_date": {6: "same", 5: "day/month swapped", 4: "one digit apart", 3: "same year (age only)",
                   2: "year ±1 (age only)", 1: "same year"},
    "phone": {3: "same (same family name and commune)", 2: "same (same family name)", 1: "same"},
    "id_number": {2: "same", 1: "one character apart"},
    "sex": {1: "same"},
    "place": {2: "same commune", 1: "same province"},
    "address": {2: "same", 1: "similar"},
    "postcode": {1: "same"},
}  # fmt: skip

logger = logging.getLogger(__name__)


# --- Preparing records --------------------------------------------------------------------------------------


_STRING = pa.string()


def _column(table: pa.Table, name: str) -> pa.ChunkedArray | None:
    return table.column(name) if name in table.column_names else None


def _map_unique(values: pa.ChunkedArray | pa.Array, function, result_type: pa.DataType = _STRING) -> pa.Array:
    """Apply a Python function once per distinct value: names and dates repeat a lot in a registry."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        if pa.types.is_date(values.type) or pa.types.is_timestamp(values.type):
            encoded = pc.dictionary_encode(values)
            mapped = [function(v) for v in encoded.dictionary.to_pylist()]
            return pa.array(mapped, result_type).take(encoded.indices)
        values = pc.cast(values, pa.string())
    encoded = pc.dictionary_encode(values)
    mapped = [function(v) for v in encoded.dictionary.to_pylist()]
    return pa.array(mapped, result_type).take(encoded.indices)


def _empty_to_null(array: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(array, ""), pa.scalar(None, array.type), array)


def _split_by_script(table: pa.Table, field: str) -> tuple[pa.Array | None, pa.Array | None]:
    """A name column of unknown script → its Arabic values and its Latin values (the other is null)."""
    column = _column(table, field)
    if column is None:
        return None, None
    text = _map_unique(column, lambda v: normalise.clean_name(v or ""))
    arabic = pc.match_substring_regex(text, "[\u0600-\u06ff]")
    null = pa.scalar(None, pa.string())
    return pc.if_else(arabic, text, null), pc.if_else(arabic, null, text)


def _names(table: pa.Table) -> dict[str, pa.Array | None]:
    names: dict[str, pa.Array | None] = {}
    for part in ("first", "last"):
        ar, lat = _split_by_script(table, f"{part}_name")
        names[f"{part}_ar"] = ar if _column(table, f"{part}_name_ar") is None else table[f"{part}_name_ar"]
        names[f"{part}_lat"] = (
            lat if _column(table, f"{part}_name_latin") is None else table[f"{part}_name_latin"]
        )
    full = _column(table, "full_name")
    if full is not None:  # last word = last name, the rest = first name; the swapped level covers the rest
        split = _map_unique(full, lambda v: "\t".join(_split_full(v or "")))
        first = pc.list_element(pc.split_pattern(split, "\t"), 0)
        last = pc.list_element(pc.split_pattern(split, "\t"), 1)
        arabic = pc.match_substring_regex(split, "[\u0600-\u06ff]")
        null = pa.scalar(None, pa.string())
        for part, value in (("first", first), ("last", last)):
            for script, condition in (("ar", arabic), ("lat", pc.invert(arabic))):
                current = names.get(f"{part}_{script}")
                picked = pc.if_else(condition, value, null)
                names[f"{part}_{script}"] = picked if current is None else pc.coalesce(current, picked)
    return names


def _split_full(text: str) -> tuple[str, str]:
    words = normalise.clean_name(text).split(" ")
    if len(words) < 2:
        return text, ""
    return " ".join(words[:-1]), words[-1]


# One ASCII letter per Arabic letter: string similarity functions count bytes on some backends (DuckDB's
# Jaro-Winkler) and characters on others, and the registration-time scorer must give the same numbers.
_ARABIC_ASCII = str.maketrans(
    dict(zip("ابتثجحخدذرزسشصضطظعغفقكلمنهوي", "abtTjHxdDrzscSDtZEgfqklmnhwy", strict=True))
)


def _letters(value: str | None) -> str | None:
    joined = "".join(normalise.name_tokens(value or "")).translate(_ARABIC_ASCII)
    joined = joined.encode("ascii", "ignore").decode()
    return joined or None


def _name_columns(names: dict[str, pa.Array | None], n: int) -> dict[str, pa.Array]:
    null_column = pa.nulls(n, pa.string())
    out: dict[str, pa.Array] = {}
    for part, short in (("first", "fn"), ("last", "ln")):
        ar = names[f"{part}_ar"] if names[f"{part}_ar"] is not None else null_column
        lat = names[f"{part}_lat"] if names[f"{part}_lat"] is not None else null_column
        ar_key = _empty_to_null(_map_unique(ar, lambda v: keys.name_key(v or "")))
        lat_key = _empty_to_null(_map_unique(lat, lambda v: keys.name_key(v or "")))
        out[f"{short}_k1"] = pc.coalesce(ar_key, lat_key)  # Arabic first: the more stable spelling
        out[f"{short}_k2"] = pc.coalesce(lat_key, ar_key)
        out[f"{short}_lat"] = _map_unique(lat, _letters)
        out[f"{short}_ar"] = _map_unique(ar, _letters)
        if short == "ln":
            ar_stem = _empty_to_null(_map_unique(ar, lambda v: keys.stem_key(v or "")))
            lat_stem = _empty_to_null(_map_unique(lat, lambda v: keys.stem_key(v or "")))
            out["ln_s1"] = pc.coalesce(ar_stem, lat_stem)
            out["ln_s2"] = pc.coalesce(lat_stem, ar_stem)
        else:
            ar_word = _empty_to_null(_map_unique(ar, lambda v: keys.first_word_key(v or "")))
            lat_word = _empty_to_null(_map_unique(lat, lambda v: keys.first_word_key(v or "")))
            out["fn_w1"] = pc.coalesce(ar_word, lat_word)
    for i in ("1", "2"):
        first, last = out[f"fn_k{i}"], out[f"ln_k{i}"]
        low = pc.if_else(pc.less_equal(first, last), first, last)
        high = pc.if_else(pc.less_equal(first, last), last, first)
        out[f"name_pair{i}"] = pc.binary_join_element_wise(low, high, "|")
    return out


def _dates(table: pa.Table, n: int, reference_year: int | None) -> dict[str, pa.Array]:
    column = _column(table, "birth_date")
    if column is None:
        return {name: pa.nulls(n, pa.string()) for name in ("dob", "dob_swap")} | {
            "dob_year": pa.nulls(n, pa.int32())
        }
    estimated = _column(table, "birth_date_estimated")
    parsed_cache: dict = {}

    def parse(value, flag=False):
        key = (value, flag)
        if key not in parsed_cache:
            parsed_cache[key] = keys.parse_birth_date(value, estimated=flag, reference_year=reference_year)
        return parsed_cache[key]

    if estimated is not None:
        values, flags = column.to_pylist(), estimated.to_pylist()
        parsed = [parse(v, bool(f)) for v, f in zip(values, flags, strict=True)]
        return {
            "dob": pa.array([p.iso for p in parsed], pa.string()),
            "dob_swap": pa.array([p.swapped_iso for p in parsed], pa.string()),
            "dob_year": pa.array([p.year for p in parsed], pa.int32()),
        }
    return {
        "dob": _map_unique(column, lambda v: parse(v).iso),
        "dob_swap": _map_unique(column, lambda v: parse(v).swapped_iso),
        "dob_year": _map_unique(column, lambda v: parse(v).year, pa.int32()),
    }


def _text_key(value) -> str | None:
    words = normalise.name_tokens(str(value)) if value not in (None, "") else []
    return " ".join(words) or None


def prepare(table: pa.Table, *, reference_year: int | None = None) -> pa.Table:
    """The linkage columns of records given with any subset of `FIELDS` and a `unique_id` column."""
    n = table.num_rows
    null = pa.nulls(n, pa.string())
    columns: dict[str, pa.Array] = {"unique_id": pc.cast(table["unique_id"], pa.int64()).combine_chunks()}
    columns |= _name_columns(_names(table), n)
    columns |= _dates(table, n, reference_year)
    sex = _column(table, "sex")
    columns["sex"] = _map_unique(sex, _sex) if sex is not None else null
    for target, source in (("phone1", "phone"), ("phone2", "phone_alt")):
        column = _column(table, source)
        columns[target] = _empty_to_null(_map_unique(column, keys.phone_key)) if column is not None else null
    id_column, id_hash = _column(table, "id_number"), _column(table, "id_hash")
    if id_column is not None:
        columns["id_key"] = _empty_to_null(_map_unique(id_column, keys.id_key))
    else:
        columns["id_key"] = _empty_to_null(_map_unique(id_hash, str)) if id_hash is not None else null
    for field in ("commune", "province", "address", "postcode"):
        column = _column(table, field)
        columns[field] = _map_unique(column, _text_key) if column is not None else null
    return pa.table(columns)


def _sex(value) -> str | None:
    text = normalise.normalise_latin(str(value or "")).strip()
    if text in ("f", "femme", "female", "feminin", "w", "2") or text.startswith("أنث") or text == "انثى":
        return "F"
    if text in ("m", "h", "homme", "male", "masculin", "1") or text.startswith("ذكر"):
        return "M"
    return None


def present_comparisons(prepared: pa.Table) -> list[str]:
    """The comparisons that the prepared records can feed (at least one value in one of their columns)."""
    return [
        name
        for name, columns in COMPARISON_COLUMNS.items()
        if any(prepared[c].null_count < prepared.num_rows for c in columns if c in prepared.column_names)
    ]


# --- The model ----------------------------------------------------------------------------------------------


def load_model(path: Path | str = MODEL_PATH) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def model_for(comparisons: Iterable[str], base: dict | None = None) -> dict:
    """The saved model restricted to some comparisons; comparisons it lacks start from the defaults."""
    from kafaat.registry.dedup import splink_settings as linkage_settings

    base = base if base is not None else load_model()
    wanted = list(comparisons)
    trained = {c["output_column_name"]: c for c in base["comparisons"]}
    model = linkage_settings.settings(wanted).create_settings_dict("duckdb")
    model["comparisons"] = [trained.get(c["output_column_name"], c) for c in model["comparisons"]]
    model["probability_two_random_records_match"] = base["probability_two_random_records_match"]
    return model


@dataclass
class LinkageResult:
    pairs: pa.Table  # unique_id_l, unique_id_r, match_probability, agreed
    clusters: pa.Table  # unique_id, cluster_id
    model: dict | None = None  # the model as used, with the prior estimated for these records


def level_weights(model: dict) -> dict[str, list[tuple[float, str, bool]]]:
    """Each comparison's levels as (match weight, label, counts as agreement), best level first."""
    weights: dict[str, list[tuple[float, str, bool]]] = {}
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        labels = AGREEMENT_LABELS.get(name, {})
        rows = []
        for position, level in enumerate(levels):
            m, u = level.get("m_probability") or UNOBSERVED_M, level.get("u_probability") or UNOBSERVED_M
            value = len(levels) - 1 - position  # Splink's comparison vector value
            rows.append((math.log2(m / u), labels.get(value, ""), value > 0))
        weights[name] = rows
    return weights


def _guard_condition(model: dict) -> str:
    """Edges that may join a cluster: never two records whose first names plainly differ, nor two of
    different sex unless their first names are the same.

    A household shares a family name, a phone and a commune, twins even a date of birth: the model adds
    that evidence as if it were independent. Such pairs stay in the review list, they only do not merge.
    """
    weights = level_weights(model)
    if "first_name" not in weights:
        return ""
    first_else, first_same = weights["first_name"][-1][0], weights["first_name"][0][0]
    condition = f"mw_first_name > {first_else + 1e-6}"
    if "sex" in weights:
        condition += f" AND (mw_sex > {weights['sex'][-1][0] + 1e-6} OR mw_first_name >= {first_same - 1e-6})"
    return condition


def agreed_fields(pairs: pa.Table, model: dict) -> pa.Array:
    """'first name: same; birth date: day/month swapped; …' for each pair, from its match weights."""
    weights = level_weights(model)
    names = [name for name in weights if f"mw_{name}" in pairs.column_names]
    if not names:
        return pa.nulls(pairs.num_rows, pa.string())
    rounded = [pc.cast(pc.round(pairs[f"mw_{name}"], 4), pa.string()) for name in names]
    encoded = pc.dictionary_encode(pc.binary_join_element_wise(*rounded, ";")).combine_chunks()
    labels = []
    for vector in encoded.dictionary.to_pylist():
        reasons = []
        for name, value in zip(names, vector.split(";"), strict=True):
            weight = float(value)
            if weight == 0:
                continue  # a value missing on one side
            _, label, agrees = min(weights[name], key=lambda row: abs(row[0] - weight))
            if agrees and label:
                reasons.append(f"{name.replace('_', ' ')}: {label}")
        labels.append("; ".join(reasons))
    return pa.array(labels, pa.string()).take(encoded.indices)


def without_small_sample_frequencies(model: dict, records: int) -> dict:
    """In a small registry or file a name's frequency says little: switch term-frequency adjustments off."""
    if records >= MIN_RECORDS_FOR_FREQUENCIES:
        return model
    model = json.loads(json.dumps(model))
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            for key in ("tf_adjustment_column", "tf_adjustment_weight", "tf_minimum_u_value"):
                level.pop(key, None)
    return model


def _duckdb_api(threads: int, memory_limit: str | None):
    import duckdb
    from splink import DuckDBAPI

    connection = duckdb.connect(":memory:")
    connection.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        connection.execute(f"SET memory_limit = '{memory_limit}'")
    connection.execute("SET preserve_insertion_order = false")
    return DuckDBAPI(connection)


def link(
    prepared: pa.Table,
    *,
    model: dict | None = None,
    review_threshold: float = REVIEW_THRESHOLD,
    cluster_threshold: float = CLUSTER_THRESHOLD,
    threads: int = 2,
    memory_limit: str | None = None,
    estimate_u: bool = False,
    progress: Progress | None = None,
) -> LinkageResult:
    """Score the candidate pairs of `prepared` records and cluster them (connected components)."""
    from splink import Linker

    from kafaat.registry.dedup import splink_settings as linkage_settings

    def say(step: str, share: float) -> None:
        logger.info("linkage: %s", step)
        if progress:
            progress(step, share)

    comparisons = present_comparisons(prepared)
    model = without_small_sample_frequencies(model_for(comparisons, model), prepared.num_rows)
    if prepared.num_rows < 2 or not comparisons:
        # Nothing to compare (an empty registry, one record, or no field filled): Splink would render a
        # match weight with no terms at all, which is not SQL.
        say("done", 1.0)
        return _no_pairs(prepared, model)
    model["blocking_rules_to_generate_predictions"] = linkage_settings.blocking_rules_for(
        comparisons, prepared.column_names
    )
    model["retain_intermediate_calculation_columns"] = True  # the comparison vector gives the reasons
    db_api = _duckdb_api(threads, memory_limit)
    records = db_api.register(prepared, dataset_display_name="records")
    linker = Linker(records, model, log_level=logging.WARNING)
    say("estimating", 0.2)
    if estimate_u:  # a file never seen: learn how often unrelated records agree in it
        linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1, min_count_per_level=None)
    rules = linkage_settings.deterministic_rules(comparisons)
    if rules:
        recall = linkage_settings.DETERMINISTIC_RECALL
        linker.training.estimate_probability_two_random_records_match(rules, recall=recall)
        settings_obj = linker._settings_obj  # no public setter: a prior of 0 (no exact pair) gets a floor
        settings_obj._probability_two_random_records_match = max(
            settings_obj._probability_two_random_records_match,
            linkage_settings.prior_floor(prepared.num_rows),
        )
    say("scoring pairs", 0.4)
    predictions = linker.inference.predict(threshold_match_probability=review_threshold, warning_mode="never")
    pairs = predictions.as_pyarrow_table()
    say("clustering", 0.8)
    guard = _guard_condition(model)
    # The guard is built from the model's own numbers, never from input.
    edges = predictions.query_sql(f"SELECT * FROM {{this}} WHERE {guard}") if guard else predictions  # noqa: S608
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        edges, threshold_match_probability=cluster_threshold
    ).as_pyarrow_table()
    pairs = pa.table(
        {
            "unique_id_l": pairs["unique_id_l"],
            "unique_id_r": pairs["unique_id_r"],
            "match_probability": pairs["match_probability"],
            "agreed": agreed_fields(pairs, model),
        }
    )
    say("done", 1.0)
    model["probability_two_random_records_match"] = linker._settings_obj._probability_two_random_records_match
    return LinkageResult(pairs, clusters.select(["unique_id", "cluster_id"]), model)


def _no_pairs(prepared: pa.Table, model: dict) -> LinkageResult:
    """The result of a run with nothing to compare: no pair, each record its own cluster."""
    ids = prepared["unique_id"] if "unique_id" in prepared.column_names else pa.array([], pa.int64())
    empty = {"unique_id_l": ids.type, "unique_id_r": ids.type, "match_probability": pa.float64()}
    pairs = pa.table({**{k: pa.array([], t) for k, t in empty.items()}, "agreed": pa.array([], pa.string())})
    return LinkageResult(pairs, pa.table({"unique_id": ids, "cluster_id": ids}), model)


def train(
    prepared: pa.Table,
    out_path: Path | str | None = MODEL_PATH,
    *,
    label_column: str | None = None,
    comparisons: Iterable[str] | None = None,
    max_pairs: float = 2e7,
) -> dict:
    """Estimate u by random sampling, m from a label column (known true people) or else by expectation
    maximisation; save the model as JSON.

    The shipped model learnt m from synthetic records whose true people are known (another seed than the
    benchmark's), because households share a family name, a phone and a commune: expectation maximisation
    then takes part of them for the same person. Reviewed pairs can replace the synthetic labels.
    """
    from splink import Linker

    from kafaat.registry.dedup import splink_settings as linkage_settings

    db_api = _duckdb_api(2, None)
    records = db_api.register(prepared, dataset_display_name="records")
    names = list(comparisons or linkage_settings.REGISTRY_COMPARISONS)
    linker = Linker(records, linkage_settings.settings(names), log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        linkage_settings.deterministic_rules(names), recall=linkage_settings.DETERMINISTIC_RECALL
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=1)
    if label_column:
        linker.training.estimate_m_from_label_column(label_column)
    else:
        for rule in linkage_settings.training_rules():
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, record_sample_proportion=1.0
            )
    model = linker.misc.save_model_to_json()
    model.pop("linker_uid", None)
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if not level.get("is_null_level") and level.get("m_probability") is None:
                level["m_probability"] = UNOBSERVED_M  # never seen among true pairs: rare, not impossible
    linkage_settings.household_correction(model)
    linkage_settings.count_swaps_once(model)
    if out_path:
        with open(out_path, "w", encoding="utf-8") as handle:
            json.dump(model, handle, indent=1, ensure_ascii=False)
            handle.write("\n")
    return model
