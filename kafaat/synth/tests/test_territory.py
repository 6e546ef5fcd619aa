import csv
import json

import numpy as np

from kafaat.synth.territory_weights import DATA_DIR, load_territory, match_divisions, name_key


def _csv(name):
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _json(name, key):
    with open(DATA_DIR / name, encoding="utf-8") as handle:
        return json.load(handle)[key]


def test_name_key_and_aliases():
    assert name_key("Sidi-Kacem") == name_key("Sidi Kacem") == "sidikacem"
    assert name_key("El Kelâa des Sraghna") == name_key("El Kelâa Des-Sraghna")
    assert name_key("Mohammedia") == name_key("Mohammadia")
    assert name_key("Tanger-Asilah") == name_key("Tanger-Assilah")


def test_every_division_matches_a_distinct_province():
    matched = match_divisions()
    divisions = _json("region-divisions.json", "region_divisions")
    assert set(matched) == {d["id"] for d in divisions}
    assert len(set(matched.values())) == len(matched)
    assert set(matched.values()) <= {row["code"] for row in _csv("provinces_hcp.csv")}
    assert matched["DIV_011"] == "06.141"  # Casablanca
    assert matched["DIV_037"] == "06.371"  # Mohammedia → Mohammadia


def test_codes_are_those_of_the_reference_files():
    territory = load_territory()
    provinces = _csv("provinces_hcp.csv")
    assert list(territory.province_codes) == [row["code"] for row in provinces]
    assert set(territory.region_codes) == {row["iso_code"] for row in _csv("regions_iso.csv")}
    assert set(territory.commune_codes) == {c["id"] for c in _json("communes.json", "communes")}
    for code, region in zip(territory.province_codes, territory.province_regions, strict=True):
        assert region == f"MA-{code[:2]}"


def test_codes_agree_with_the_core_territory_loader():
    from kafaat.core.territories import reference_rows  # pure Python: no database needed

    rows = {row.code: row for row in reference_rows()}
    territory = load_territory()
    for code, region in zip(territory.province_codes, territory.province_regions, strict=True):
        assert rows[code].level == "province" and rows[code].parent_code == region
    for i, code in enumerate(territory.province_codes):
        start, count = territory.commune_start[i], territory.commune_count[i]
        for commune in territory.commune_codes[start : start + count]:
            assert rows[commune].parent_code == code
            assert (rows[commune].kind == "rural") == territory.commune_rural[
                territory.commune_codes.index(commune)
            ]


def test_province_draws_follow_population():
    territory = load_territory()
    cdf = territory.province_cdf()
    draws = np.searchsorted(cdf, np.random.default_rng(5).random(100_000), side="right")
    counts = np.bincount(draws, minlength=len(cdf))
    codes = list(territory.province_codes)
    assert counts[codes.index("06.141")] > 50 * counts[codes.index("12.066")]  # Casablanca vs Aousserd
    expected = territory.province_population / territory.province_population.sum() * 100_000
    assert np.all(np.abs(counts - expected) < 5 * np.sqrt(expected) + 5)


def test_migrant_weights_favour_the_big_cities():
    territory = load_territory()
    casablanca = list(territory.province_codes).index("06.141")
    share = np.diff(np.concatenate(([0.0], territory.province_cdf())))
    migrant_share = np.diff(np.concatenate(([0.0], territory.province_cdf(migrants=True))))
    assert migrant_share[casablanca] > share[casablanca]
