"""The Splink model of the project: comparisons, blocking rules and training rules, backend-neutral.

Every level is built from Splink's level creators, never from SQL text, so Splink writes the SQL of each
backend itself (`jaro_winkler_similarity` on DuckDB, `jaro_winkler` on Spark, …). `settings_for_dialect`
shows the rendering for any backend without connecting to it.
"""

from __future__ import annotations

from collections.abc import Iterable

import splink.comparison_level_library as cll
from splink import SettingsCreator, block_on
from splink.comparison_library import CustomComparison

from kafaat.registry.dedup.keys import BLOCKING_RULES, COMPARISON_COLUMNS

# Columns whose agreement, alone, says nothing: a household shares them.
_NAME_JW_HIGH, _NAME_JW_LOW = 0.9, 0.8


def _any_equal(a: str, b: str) -> cll.Or:
    """The two keys of a name agree in any combination (Arabic-derived or Latin-derived on either side)."""
    return cll.Or(
        cll.ExactMatchLevel(a),
        cll.ExactMatchLevel(b),
        cll.ColumnsReversedLevel(a, b),
        cll.ColumnsReversedLevel(b, a),
    )


def _close(prefix: str, threshold_latin: float, threshold_key: float, one_letter: bool = False) -> cll.Or:
    """Jaro-Winkler on the letters and on the keys; `one_letter` also admits keys one edit apart, since
    Jaro-Winkler finds nothing in short keys that lost a letter (Hajar typed Haer: hjr ~ hr)."""
    levels = [
        cll.JaroWinklerLevel(f"{prefix}_lat", threshold_latin),
        cll.JaroWinklerLevel(f"{prefix}_ar", threshold_latin),
        cll.JaroWinklerLevel(f"{prefix}_k1", threshold_key),
        cll.JaroWinklerLevel(f"{prefix}_k2", threshold_key),
    ]
    if one_letter:
        levels += [cll.LevenshteinLevel(f"{prefix}_k1", 1), cll.LevenshteinLevel(f"{prefix}_k2", 1)]
    return cll.Or(*levels)


def _tf(column: str) -> dict:
    """Term-frequency adjustment: agreeing on a rare name says more than agreeing on Mohamed or Alaoui.
    The floor keeps a name seen once (often a typo) from weighing more than a phone number."""
    return {
        "tf_adjustment_column": column,
        "disable_tf_exact_match_detection": True,
        "tf_minimum_u_value": 1e-4,
    }


def _swapped() -> cll.Or:
    return cll.Or(
        cll.ColumnsReversedLevel("fn_k1", "ln_k1", symmetrical=True),
        cll.ColumnsReversedLevel("fn_k2", "ln_k2", symmetrical=True),
    )


def first_name() -> CustomComparison:
    return CustomComparison(
        output_column_name="first_name",
        comparison_levels=[
            cll.NullLevel("fn_k1"),
            _any_equal("fn_k1", "fn_k2").configure(label_for_charts="same name key", **_tf("fn_k1")),
            _swapped().configure(label_for_charts="first and last names swapped"),
            cll.ExactMatchLevel("fn_w1").configure(label_for_charts="same first word"),
            _close("fn", 0.92, _NAME_JW_HIGH).configure(label_for_charts="similar"),
            _close("fn", 0.85, _NAME_JW_LOW, one_letter=True).configure(label_for_charts="close"),
            cll.ElseLevel(),
        ],
    )


def last_name() -> CustomComparison:
    return CustomComparison(
        output_column_name="last_name",
        comparison_levels=[
            cll.NullLevel("ln_k1"),
            _any_equal("ln_k1", "ln_k2").configure(label_for_charts="same name key", **_tf("ln_k1")),
            _any_equal("ln_s1", "ln_s2").configure(label_for_charts="same without particles"),
            _swapped().configure(label_for_charts="first and last names swapped"),
            _close("ln", 0.92, _NAME_JW_HIGH).configure(label_for_charts="similar"),
            _close("ln", 0.85, _NAME_JW_LOW, one_letter=True).configure(label_for_charts="close"),
            cll.ElseLevel(),
        ],
    )


def birth_date() -> CustomComparison:
    one_side_year_only = cll.NullLevel("dob")
    return CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            cll.NullLevel("dob_year"),
            cll.ExactMatchLevel("dob"),
            cll.Or(
                cll.ColumnsReversedLevel("dob", "dob_swap"), cll.ColumnsReversedLevel("dob_swap", "dob")
            ).configure(label_for_charts="day and month swapped"),
            cll.LevenshteinLevel("dob", 1).configure(label_for_charts="one digit apart"),
            cll.And(cll.ExactMatchLevel("dob_year"), one_side_year_only).configure(
                label_for_charts="same year, one side year only"
            ),
            cll.And(cll.AbsoluteDifferenceLevel("dob_year", 1), one_side_year_only).configure(
                label_for_charts="year ±1, one side year only"
            ),
            cll.ExactMatchLevel("dob_year").configure(label_for_charts="same year"),
            cll.ElseLevel(),
        ],
    )


def _same_phone() -> cll.Or:
    return cll.Or(
        cll.ExactMatchLevel("phone1"),
        cll.ColumnsReversedLevel("phone1", "phone2"),
        cll.ColumnsReversedLevel("phone2", "phone1"),
        cll.ExactMatchLevel("phone2"),
    )


def _same_family_name() -> cll.Or:
    return cll.Or(_any_equal("ln_k1", "ln_k2"), _any_equal("ln_s1", "ln_s2"))


def phone() -> CustomComparison:
    """A household shares its phone, its family name and its commune: a phone shared by two records of one
    family name in one commune is weaker evidence than one shared across family names or communes (a
    household seldom splits across communes). `household_correction` turns the two household levels' m
    and u into probabilities conditional on what the family-name and place comparisons already counted
    (the chain rule), so that the same evidence is not counted twice."""
    return CustomComparison(
        output_column_name="phone",
        comparison_levels=[
            cll.NullLevel("phone1"),
            cll.And(_same_phone(), _same_family_name(), cll.ExactMatchLevel("commune")).configure(
                label_for_charts="a number in common, same family name and commune"
            ),
            cll.And(_same_phone(), _same_family_name()).configure(
                label_for_charts="a number in common, same family name"
            ),
            _same_phone().configure(label_for_charts="a number in common"),
            cll.ElseLevel(),
        ],
    )


def _non_null(comparison: dict) -> list[dict]:
    return [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]


def household_correction(model: dict) -> dict:
    """Chain rule for the household levels of the phone comparison, so that what the family-name and place
    comparisons count is not counted again: a number in common with the same family name and commune gets
    P(phone ∧ family name ∧ commune | ·) / P(family name | ·), the same in another or unknown commune
    P(phone ∧ family name ∧ other commune | ·) / P(family name | ·) P(other commune | ·).

    The first level is not divided by the commune's probabilities as well: the place weight is adjusted
    by each commune's frequency, which an average divisor does not follow (measured on the synthetic 1M
    registry: pair F1 0.9686 with it, 0.9702 without)."""
    comparisons = {c["output_column_name"]: c for c in model["comparisons"]}
    if "phone" not in comparisons or "last_name" not in comparisons:
        return model
    agree = _non_null(comparisons["last_name"])[:2]  # same key, same stem
    family = [sum(level[f"{p}_probability"] for level in agree) for p in ("m", "u")]
    other_commune = [1.0, 1.0]
    if "place" in comparisons:
        others = _non_null(comparisons["place"])[1:]  # same province, else
        other_commune = [sum(level[f"{p}_probability"] for level in others) for p in ("m", "u")]
    same, other = _non_null(comparisons["phone"])[:2]
    for level, divisors in (
        (same, family),
        (other, [f * o for f, o in zip(family, other_commune, strict=True)]),
    ):
        level["m_probability"] = min(1.0, level["m_probability"] / divisors[0])
        level["u_probability"] = min(1.0, level["u_probability"] / divisors[1])
    return model


def id_number() -> CustomComparison:
    return CustomComparison(
        output_column_name="id_number",
        comparison_levels=[
            cll.NullLevel("id_key"),
            cll.ExactMatchLevel("id_key"),
            cll.LevenshteinLevel("id_key", 1),
            cll.ElseLevel(),
        ],
    )


def sex() -> CustomComparison:
    return CustomComparison(
        output_column_name="sex",
        comparison_levels=[cll.NullLevel("sex"), cll.ExactMatchLevel("sex"), cll.ElseLevel()],
    )


def place() -> CustomComparison:
    return CustomComparison(
        output_column_name="place",
        comparison_levels=[
            cll.And(cll.NullLevel("commune"), cll.NullLevel("province")),
            cll.ExactMatchLevel("commune").configure(**_tf("commune")),
            cll.ExactMatchLevel("province").configure(**_tf("province")),
            cll.ElseLevel(),
        ],
    )


def address() -> CustomComparison:
    return CustomComparison(
        output_column_name="address",
        comparison_levels=[
            cll.NullLevel("address"),
            cll.ExactMatchLevel("address").configure(m_probability=0.6, u_probability=0.002),
            cll.JaroWinklerLevel("address", 0.88).configure(m_probability=0.3, u_probability=0.02),
            cll.ElseLevel().configure(m_probability=0.1, u_probability=0.978),
        ],
    )


def postcode() -> CustomComparison:
    return CustomComparison(
        output_column_name="postcode",
        comparison_levels=[
            cll.NullLevel("postcode"),
            cll.ExactMatchLevel("postcode").configure(m_probability=0.9, u_probability=0.02),
            cll.ElseLevel().configure(m_probability=0.1, u_probability=0.98),
        ],
    )


COMPARISONS = {
    "first_name": first_name,
    "last_name": last_name,
    "birth_date": birth_date,
    "phone": phone,
    "id_number": id_number,
    "sex": sex,
    "place": place,
    "address": address,
    "postcode": postcode,
}
REGISTRY_COMPARISONS = ("first_name", "last_name", "birth_date", "phone", "id_number", "sex", "place")


def blocking_rules_for(comparisons: Iterable[str], columns: Iterable[str] = ()) -> list[dict]:
    """The blocking rules usable with these comparisons, as settings entries (neutral: plain equalities)."""
    del columns
    available = {column for name in comparisons for column in COMPARISON_COLUMNS.get(name, ())}
    derived = {"fn_k1": "fn_k1", "ln_s1": "ln_k1", "name_pair1": "fn_k1", "name_pair2": "fn_k1",
               "dob": "dob_year", "commune": "commune", "province": "province"}  # fmt: skip
    rules = []
    for rule in BLOCKING_RULES:
        if all(derived.get(column, column) in available for column in rule):
            rules.append(block_on(*rule).get_blocking_rule("duckdb").as_dict())
    return rules


def settings(comparisons: Iterable[str] = REGISTRY_COMPARISONS) -> SettingsCreator:
    names = list(comparisons)
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[COMPARISONS[name]() for name in names],
        blocking_rules_to_generate_predictions=[block_on(*rule) for rule in BLOCKING_RULES[:10]],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def settings_for_dialect(dialect: str, comparisons: Iterable[str] = REGISTRY_COMPARISONS) -> dict:
    """The settings as Splink renders them for a backend ('duckdb', 'spark', …), without connecting to it."""
    return settings(comparisons).create_settings_dict(dialect)


DETERMINISTIC_RECALL = 0.7  # the share of true pairs the deterministic rules are expected to find


def deterministic_rules(comparisons: Iterable[str]) -> list:
    """Rules that admit almost no false match, to estimate the prior probability that two records match."""
    names = set(comparisons)
    rules = []
    if {"first_name", "last_name", "birth_date"} <= names:
        rules.append(block_on("name_pair1", "dob"))
    if "id_number" in names:
        rules.append(block_on("id_key"))
    if {"first_name", "last_name", "phone"} <= names:
        rules.append(block_on("name_pair1", "phone1"))
    return rules


def prior_floor(records: int) -> float:
    """The least prior a run may use: as if half a pair had matched by the deterministic rules.

    A registry with no exact pair at all (no two records with the same name and date of birth, id or phone)
    makes Splink estimate a prior of 0, whose match weight is log(0): "math domain error". Zero would also be
    wrong: not seeing an exact pair does not prove that no near pair is a duplicate. Half an observation is
    the usual continuity correction, and it shrinks as the registry grows."""
    comparisons = records * (records - 1) / 2
    return 0.5 / DETERMINISTIC_RECALL / comparisons if comparisons else 1.0


def training_rules() -> list:
    """Expectation maximisation is run twice, each time blocking on what the other run estimates."""
    return [block_on("dob"), block_on("fn_k1", "ln_k1")]


def count_swaps_once(model: dict) -> dict:
    """Swapped names are one piece of evidence, weighed by the first-name comparison: the last-name level
    that sees the same swap gets weight zero (m = u)."""
    for comparison in model["comparisons"]:
        if comparison["output_column_name"] == "last_name":
            for level in comparison["comparison_levels"]:
                if "swapped" in (level.get("label_for_charts") or ""):
                    level["u_probability"] = level["m_probability"]
    return model
