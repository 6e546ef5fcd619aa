"""Likely matches of one record, in milliseconds: the comparison levels in Python, and an in-memory index.

The batch run asks Splink to score every blocked pair; at registration time one record must be compared
while the case worker types. `Scorer` is a Python copy of the Splink comparison levels with the m and u of
the same saved model (a test checks that it gives Splink's probabilities), and `rank` scores a record's
candidates with it. The registration form finds the candidates in the database (`match_keys`, shared by
every web process); `MatchIndex` finds them in memory — for each blocking rule a sorted array of 64-bit key
hashes computed by DuckDB for a whole set of records — and serves the benchmarks and the test that both
give the same matches.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from kafaat.registry.dedup import linkage
from kafaat.registry.dedup.keys import BLOCKING_RULES

MAX_CANDIDATES = 400


# --- The comparison levels, in Python ---------------------------------------------------------------------


@functools.lru_cache(maxsize=100_000)
def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity as DuckDB computes it (prefix weight 0.1, at most 4 letters, above 0.7)."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    window = max(0, max(len(a), len(b)) // 2 - 1)
    matched_b = [False] * len(b)
    matches_a = []
    for i, char in enumerate(a):
        for j in range(max(0, i - window), min(len(b), i + window + 1)):
            if not matched_b[j] and b[j] == char:
                matched_b[j] = True
                matches_a.append(char)
                break
    m = len(matches_a)
    if m == 0:
        return 0.0
    matches_b = [b[j] for j in range(len(b)) if matched_b[j]]
    transpositions = sum(x != y for x, y in zip(matches_a, matches_b, strict=True)) // 2
    jaro = (m / len(a) + m / len(b) + (m - transpositions) / m) / 3
    if jaro <= 0.7:
        return jaro
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


def _levenshtein_at_most_one(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _eq(x, y) -> bool:
    return x is not None and y is not None and x == y


def _jw(x, y, threshold: float) -> bool:
    return x is not None and y is not None and jaro_winkler(x, y) >= threshold


def _any_equal(l: dict, r: dict, a: str, b: str) -> bool:  # noqa: E741
    return _eq(l[a], r[a]) or _eq(l[b], r[b]) or _eq(l[a], r[b]) or _eq(l[b], r[a])


def _one_edit(x, y) -> bool:
    return x is not None and y is not None and _levenshtein_at_most_one(x, y)


def _close(l: dict, r: dict, prefix: str, t_latin: float, t_key: float, one_letter: bool = False) -> bool:  # noqa: E741
    return (
        _jw(l[f"{prefix}_lat"], r[f"{prefix}_lat"], t_latin)
        or _jw(l[f"{prefix}_ar"], r[f"{prefix}_ar"], t_latin)
        or _jw(l[f"{prefix}_k1"], r[f"{prefix}_k1"], t_key)
        or _jw(l[f"{prefix}_k2"], r[f"{prefix}_k2"], t_key)
        or (
            one_letter
            and (
                _one_edit(l[f"{prefix}_k1"], r[f"{prefix}_k1"])
                or _one_edit(l[f"{prefix}_k2"], r[f"{prefix}_k2"])
            )
        )
    )


def _swapped(l: dict, r: dict) -> bool:  # noqa: E741
    return any(_eq(l[f"fn_{k}"], r[f"ln_{k}"]) and _eq(l[f"ln_{k}"], r[f"fn_{k}"]) for k in ("k1", "k2"))


def _first_name(l: dict, r: dict) -> int:  # noqa: E741
    if l["fn_k1"] is None or r["fn_k1"] is None:
        return -1
    if _any_equal(l, r, "fn_k1", "fn_k2"):
        return 5
    if _swapped(l, r):
        return 4
    if _eq(l["fn_w1"], r["fn_w1"]):
        return 3
    return 2 if _close(l, r, "fn", 0.92, 0.9) else 1 if _close(l, r, "fn", 0.85, 0.8, True) else 0


def _family(l: dict, r: dict) -> bool:  # noqa: E741
    return _any_equal(l, r, "ln_k1", "ln_k2") or _any_equal(l, r, "ln_s1", "ln_s2")


def _last_name(l: dict, r: dict) -> int:  # noqa: E741
    if l["ln_k1"] is None or r["ln_k1"] is None:
        return -1
    if _any_equal(l, r, "ln_k1", "ln_k2"):
        return 5
    if _any_equal(l, r, "ln_s1", "ln_s2"):
        return 4
    if _swapped(l, r):
        return 3
    return 2 if _close(l, r, "ln", 0.92, 0.9) else 1 if _close(l, r, "ln", 0.85, 0.8, True) else 0


def _birth_date(l: dict, r: dict) -> int:  # noqa: E741
    if l["dob_year"] is None or r["dob_year"] is None:
        return -1
    if _eq(l["dob"], r["dob"]):
        return 6
    if _eq(l["dob"], r["dob_swap"]) or _eq(l["dob_swap"], r["dob"]):
        return 5
    if l["dob"] is not None and r["dob"] is not None and _levenshtein_at_most_one(l["dob"], r["dob"]):
        return 4
    one_side_year_only = l["dob"] is None or r["dob"] is None
    if l["dob_year"] == r["dob_year"] and one_side_year_only:
        return 3
    if abs(l["dob_year"] - r["dob_year"]) <= 1 and one_side_year_only:
        return 2
    return 1 if l["dob_year"] == r["dob_year"] else 0


def _phone(l: dict, r: dict) -> int:  # noqa: E741
    if l["phone1"] is None or r["phone1"] is None:
        return -1
    same = (
        _eq(l["phone1"], r["phone1"])
        or _eq(l["phone1"], r["phone2"])
        or _eq(l["phone2"], r["phone1"])
        or _eq(l["phone2"], r["phone2"])
    )
    if not same:
        return 0
    if not _family(l, r):
        return 1
    return 3 if _eq(l["commune"], r["commune"]) else 2


def _exact(column: str, fuzzy: bool = False):
    def level(l: dict, r: dict) -> int:  # noqa: E741
        if l[column] is None or r[column] is None:
            return -1
        if l[column] == r[column]:
            return 2 if fuzzy else 1
        return 1 if fuzzy and _levenshtein_at_most_one(l[column], r[column]) else 0

    return level


def _place(l: dict, r: dict) -> int:  # noqa: E741
    if (l["commune"] is None or r["commune"] is None) and (l["province"] is None or r["province"] is None):
        return -1
    return 2 if _eq(l["commune"], r["commune"]) else 1 if _eq(l["province"], r["province"]) else 0


def _address(l: dict, r: dict) -> int:  # noqa: E741
    if l["address"] is None or r["address"] is None:
        return -1
    return 2 if l["address"] == r["address"] else 1 if _jw(l["address"], r["address"], 0.88) else 0


LEVELS = {
    "first_name": _first_name,
    "last_name": _last_name,
    "birth_date": _birth_date,
    "phone": _phone,
    "id_number": _exact("id_key", fuzzy=True),
    "sex": _exact("sex"),
    "place": _place,
    "address": _address,
    "postcode": _exact("postcode"),
}


TF_COLUMNS = ("fn_k1", "ln_k1", "commune", "province")


def term_frequencies(prepared: pa.Table, columns=TF_COLUMNS) -> dict[str, dict[str, float]]:
    """How often each name key or place occurs among the records that have one (Splink's term frequencies)."""
    import pyarrow.compute as pc

    tables = {}
    for column in (c for c in columns if c in prepared.column_names):
        counts = pc.value_counts(prepared[column].drop_null())
        total = prepared.num_rows - prepared[column].null_count
        tables[column] = {
            value.as_py(): count.as_py() / total
            for value, count in zip(counts.field("values"), counts.field("counts"), strict=True)
        }
    return tables


@dataclass(frozen=True)
class Scorer:
    """Match weights of each level of a saved Splink model, its term-frequency adjustments and its prior."""

    weights: dict[str, dict[int, tuple[float, str, bool]]]
    prior: float
    adjustments: dict[tuple[str, int], tuple[str, float, float, float]]  # column, weight, floor, log2 u
    frequencies: dict[str, dict[str, float]]

    @classmethod
    def from_model(cls, model: dict | None = None, frequencies: dict | None = None) -> Scorer:
        model = model or linkage.load_model()
        table, adjustments = {}, {}
        for name, rows in linkage.level_weights(model).items():
            table[name] = {len(rows) - 1 - i: row for i, row in enumerate(rows)}
        for comparison in model["comparisons"]:
            levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
            for i, level in enumerate(levels):
                if level.get("tf_adjustment_column"):
                    adjustments[(comparison["output_column_name"], len(levels) - 1 - i)] = (
                        level["tf_adjustment_column"],
                        level.get("tf_adjustment_weight", 1.0),
                        level.get("tf_minimum_u_value", 0.0),
                        math.log2(level["u_probability"]),
                    )
        p = model["probability_two_random_records_match"]
        return cls(table, math.log2(p / (1 - p)), adjustments, frequencies or {})

    def _adjustment(self, name: str, value: int, l: dict, r: dict) -> float:  # noqa: E741
        rule = self.adjustments.get((name, value))
        if rule is None:
            return 0.0
        column, weight, floor, log2_u = rule
        table = self.frequencies.get(column, {})
        found = [f for f in (table.get(l[column]), table.get(r[column])) if f is not None]
        return weight * (log2_u - math.log2(max(*found, floor))) if found else 0.0

    def score(self, l: dict, r: dict) -> tuple[float, list[str]]:  # noqa: E741
        """Match probability of two prepared records and the fields that agreed."""
        total, reasons = self.prior, []
        for name, levels in self.weights.items():
            value = LEVELS[name](l, r)
            if value < 0:
                continue
            weight, label, agrees = levels[value]
            total += weight + self._adjustment(name, value, l, r)
            if agrees and label:
                reasons.append(f"{name.replace('_', ' ')}: {label}")
        return 1 / (1 + 2 ** (-total)), reasons


# --- The blocking index -------------------------------------------------------------------------------------


def _key_sql(rule: tuple[str, ...]) -> str:
    key = "concat_ws(chr(31), " + ", ".join(f"CAST({c} AS VARCHAR)" for c in rule) + ")"
    present = " AND ".join(f"{column} IS NOT NULL" for column in rule)
    return f"CASE WHEN {present} THEN hash({key}) END"


def _hash_rules(prepared: pa.Table, rules) -> list[tuple[np.ndarray, np.ndarray]]:
    import duckdb

    connection = duckdb.connect(":memory:")
    connection.execute("SET threads = 2")
    positions = prepared.append_column("position", pa.array(np.arange(prepared.num_rows), pa.int64()))
    connection.register("source", positions)
    connection.execute("CREATE TEMP VIEW records AS SELECT * FROM source ORDER BY position")
    out = []
    for rule in rules:
        relation = connection.sql(
            f"SELECT h, position FROM (SELECT {_key_sql(rule)} AS h, position FROM records) "  # noqa: S608
            "WHERE h IS NOT NULL ORDER BY h, position"  # ties in record order: the cap keeps the first ids
        )
        # DuckDB 2 renamed fetch_arrow_table (deprecated) to to_arrow_table.
        result = getattr(relation, "to_arrow_table", None) or relation.fetch_arrow_table
        result = result()
        hashes = result.column("h").to_numpy().astype(np.uint64)
        rows = result.column("position").to_numpy().astype(np.int64)
        out.append((hashes, rows))
    connection.close()
    return out


class MatchIndex:
    """Blocking index and scorer over prepared records (see `linkage.prepare`)."""

    def __init__(self, prepared: pa.Table, model: dict | None = None) -> None:
        self.records = prepared
        model = linkage.without_small_sample_frequencies(model or linkage.load_model(), prepared.num_rows)
        self.scorer = Scorer.from_model(model, term_frequencies(prepared))
        self.rules = [r for r in BLOCKING_RULES if all(c in prepared.column_names for c in r)]
        self.tables = _hash_rules(prepared, self.rules)
        import duckdb

        self._connection = duckdb.connect(":memory:")
        self._connection.execute("SET threads = 1")
        # Column names come from the blocking rules, never from input.
        self._query_sql = "SELECT " + ", ".join(_key_sql(r) for r in self.rules) + " FROM query"  # noqa: S608

    def __len__(self) -> int:
        return self.records.num_rows

    def candidates(self, record: pa.Table) -> np.ndarray:
        """Positions of the records sharing a blocking key with `record` (a one-row prepared table)."""
        self._connection.register("query", record)
        try:
            query_hashes = self._connection.execute(self._query_sql).fetchall()[0]
        finally:
            self._connection.unregister("query")
        found = []
        for (hashes, rows), value in zip(self.tables, query_hashes, strict=True):
            if value is None:
                continue
            value = np.uint64(value)
            start, stop = np.searchsorted(hashes, value, "left"), np.searchsorted(hashes, value, "right")
            found.append(rows[start : min(stop, start + MAX_CANDIDATES)])
        if not found:
            return np.empty(0, np.int64)
        positions, hits = np.unique(np.concatenate(found), return_counts=True)
        if len(positions) > MAX_CANDIDATES:  # the records sharing the most keys first
            positions = positions[np.argsort(-hits, kind="stable")[:MAX_CANDIDATES]]
        return positions

    def matches(self, record: pa.Table, *, threshold: float = 0.2, limit: int = 10) -> list[dict]:
        """The likely matches of a one-row prepared table, best first: unique_id, probability, agreed."""
        positions = self.candidates(record)
        if len(positions) == 0:
            return []
        candidates = self.records.take(pa.array(positions)).to_pylist()
        return rank(self.scorer, record.to_pylist()[0], candidates, threshold=threshold, limit=limit)


def rank(scorer: Scorer, query: dict, candidates: list[dict], *, threshold: float, limit: int) -> list[dict]:
    """The candidates (prepared records, in the order they were chosen) scoring at least `threshold` against
    the query, best first (ties in that order): unique_id, probability, agreed; the query itself left out."""
    results = []
    for candidate in candidates:
        if candidate["unique_id"] == query["unique_id"]:
            continue
        probability, reasons = scorer.score(query, candidate)
        if probability >= threshold:
            results.append(
                {"unique_id": candidate["unique_id"], "probability": probability, "agreed": reasons}
            )
    results.sort(key=lambda row: -row["probability"])
    return results[:limit]
