import numpy as np
import pytest

from kafaat.synth.identity import (
    CIN_RE,
    PROVINCE_CIN_PREFIXES,
    REGION_CIN_PREFIXES,
    NumberAllocator,
    province_prefixes,
)
from kafaat.synth.territory_weights import load_territory


def test_every_province_has_valid_cin_prefixes():
    territory = load_territory()
    assert set(PROVINCE_CIN_PREFIXES) <= set(territory.province_codes)
    assert set(REGION_CIN_PREFIXES) == {code[3:] for code in territory.region_codes}
    for code in territory.province_codes:
        prefixes = province_prefixes(code)
        assert prefixes
        for prefix in prefixes:
            assert CIN_RE.fullmatch(prefix + "12345"), prefix


def test_cin_regex():
    for good in ("A12345", "BE123456", "K45678", "JT939350"):
        assert CIN_RE.fullmatch(good)
    for bad in ("ABC12345", "a12345", "B1234", "BE1234567", "123456"):
        assert not CIN_RE.fullmatch(bad)


def test_allocator_numbers_are_unique_per_series_and_batch_independent():
    series = np.random.default_rng(0).integers(0, 3, 30_000)
    whole = NumberAllocator(3, 10**5, seed=7).allocate(series)
    split = NumberAllocator(3, 10**5, seed=7)
    parts = np.concatenate([split.allocate(series[:1234]), split.allocate(series[1234:])])
    assert (whole == parts).all()
    assert ((whole >= 0) & (whole < 10**5)).all()
    for k in range(3):
        numbers = whole[series == k]
        assert len(np.unique(numbers)) == len(numbers)
    # Consecutive holders of a series do not get consecutive numbers.
    assert (np.abs(np.diff(whole[series == 0])) > 1).mean() > 0.99


def test_allocator_refuses_to_reuse_numbers():
    allocator = NumberAllocator(1, 100, seed=1)
    allocator.allocate(np.zeros(100, dtype=np.int64))
    with pytest.raises(OverflowError):
        allocator.allocate(np.zeros(1, dtype=np.int64))
