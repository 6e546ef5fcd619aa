"""Moroccan mobile numbers: drawing them in the formats people write, and normalising them to E.164.

A Moroccan mobile number is 0 + 6|7 + 8 digits nationally, +212 + 6|7 + 8 digits internationally.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kafaat.registry import normalise as registry_normalise

# (format name, share): the national forms dominate in forms filled in by hand; the international ones come
# from people who copy them from a messaging app or from abroad.
PHONE_FORMATS: tuple[tuple[str, float], ...] = (
    ("0612345678", 0.45),
    ("06 12 34 56 78", 0.20),
    ("+212612345678", 0.14),
    ("+212 6 12 34 56 78", 0.07),
    ("00212612345678", 0.06),
    ("06.12.34.56.78", 0.04),
    ("06-12-34-56-78", 0.04),
)
SHARE_07 = 0.25  # 07 numbers were opened in 2012 and now make about a quarter of the lines in use

E164_MOBILE_RE = re.compile(r"\+212[67]\d{8}")


def normalise_phone(raw: str) -> str:
    """Any written form of a Moroccan mobile number → '+2126XXXXXXXX' or '+2127XXXXXXXX'.

    The registry's normaliser does the parsing; the generator only ever writes mobiles, so anything else
    (landline, foreign number) is refused here. Raises ValueError.
    """
    e164 = registry_normalise.normalise_phone(raw)
    if not E164_MOBILE_RE.fullmatch(e164):
        raise ValueError(f"not a Moroccan mobile number: {raw!r}")
    return e164


def normalise_phones(values: pa.Array) -> pa.Array:
    """Vectorised `normalise_phone` for a string column; null where the value is not a Moroccan mobile."""
    text = pc.replace_substring(pc.utf8_trim_whitespace(values), "(0)", "")
    valid_chars = pc.match_substring_regex(text, r"^\+?[\d\s.\-/()]+$")
    digits = pc.replace_substring_regex(text, r"\D", "")
    shape_ok = pc.match_substring_regex(digits, r"^(?:(?:00)?212)?0?[67]\d{8}$")
    # '+' or '00' announce a country code, which must then be 212 (the regex alone would accept +0612…).
    announced = pc.or_(pc.starts_with(text, "+"), pc.starts_with(digits, "00"))
    moroccan = pc.or_(
        pc.invert(announced), pc.starts_with(pc.replace_substring_regex(digits, "^00", ""), "212")
    )
    keep = pc.and_(pc.and_(valid_chars, shape_ok), moroccan)
    e164 = pc.binary_join_element_wise("+212", pc.utf8_slice_codeunits(digits, -9), "")
    return pc.if_else(keep, e164, pa.scalar(None, pa.string()))


def draw_phones(rng: np.random.Generator, size: int) -> pa.Array:
    """`size` random mobile numbers, each written in one of `PHONE_FORMATS`."""
    lead = pa.array(np.where(rng.random(size) < SHARE_07, "7", "6"))
    rest = pc.utf8_lpad(pc.cast(pa.array(rng.integers(0, 10**8, size)), pa.string()), 8, "0")
    pairs = [pc.utf8_slice_codeunits(rest, i, i + 2) for i in range(0, 8, 2)]
    national = pc.binary_join_element_wise("0", lead, "")

    def joined(separator: str, *parts: pa.Array | str) -> pa.Array:
        return pc.binary_join_element_wise(*parts, separator)

    shares = np.array([share for _, share in PHONE_FORMATS])
    cdf = np.cumsum(shares / shares.sum())
    choice = np.minimum(np.searchsorted(cdf, rng.random(size), side="right"), len(cdf) - 1)
    rendered = [
        joined("", national, rest),
        joined(" ", national, *pairs),
        joined("", "+212", lead, rest),
        joined(" ", "+212", lead, *pairs),
        joined("", "00212", lead, rest),
        joined(".", national, *pairs),
        joined("-", national, *pairs),
    ]
    return pc.choose(pa.array(choice.astype(np.int8)), *rendered)
