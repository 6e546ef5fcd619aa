from collections import Counter
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from kafaat.synth.identity import ID_NUMBER_RES
from kafaat.synth.names import ARABIC_NAME_RE, tables
from kafaat.synth.people import (
    AGE_MAX,
    AGE_MIN,
    BLOCK_ROWS,
    EDUCATION_LEVELS,
    REFERENCE_DATE,
    SCHEMA,
    STATUSES,
    YOUTH_MAX_AGE,
    age_at,
    generate_people,
)
from kafaat.synth.phones import E164_MOBILE_RE, normalise_phones
from kafaat.synth.territory_weights import load_territory

N = 60_000  # more than one block, so block boundaries are exercised


def people(n: int = N, seed: int = 42, **kwargs) -> pa.Table:
    return pa.concat_tables([SCHEMA.empty_table(), *generate_people(n, seed, **kwargs)])


@pytest.fixture(scope="module")
def table() -> pa.Table:
    return people()


@pytest.fixture(scope="module")
def rows(table) -> list[dict]:
    return table.to_pylist()


def test_same_seed_same_table_whatever_the_chunking(table):
    assert people().equals(table)
    assert people(chunk_size=7_777).equals(table)
    chunks = list(generate_people(N, 42, chunk_size=25_000))
    assert [c.num_rows for c in chunks] == [25_000, 25_000, 10_000]


def test_first_rows_do_not_depend_on_n(table):
    assert people(1_000).equals(table.slice(0, 1_000))
    assert people(BLOCK_ROWS + 1).equals(table.slice(0, BLOCK_ROWS + 1))


def test_different_seed_different_people(table):
    other = people(seed=43)
    assert not other.equals(table)
    same = pc.sum(pc.equal(other["first_name_latin"], table["first_name_latin"])).as_py()
    assert same < N * 0.2


def test_schema_and_sizes(table):
    assert table.schema == SCHEMA
    assert table.num_rows == N
    assert people(0).num_rows == 0
    assert table["external_id"][0].as_py() == "SYN-0000001"
    assert table["external_id"][N - 1].as_py() == f"SYN-{N:07d}"
    assert pc.count_distinct(table["external_id"]).as_py() == N
    for field in SCHEMA:
        if not field.nullable:
            assert table[field.name].null_count == 0, field.name


def test_invalid_arguments():
    with pytest.raises(ValueError):
        people(-1)
    with pytest.raises(ValueError):
        people(10, female_share=1.5)


def test_sex_ratio_and_skew(table):
    female = pc.sum(pc.equal(table["sex"], "F")).as_py() / N
    assert abs(female - 0.5) < 0.01
    skewed = people(20_000, female_share=0.7)
    assert abs(pc.sum(pc.equal(skewed["sex"], "F")).as_py() / 20_000 - 0.7) < 0.015


def test_ages_within_bounds_and_mostly_young(rows):
    ages = np.array([age_at(r["birth_date"], REFERENCE_DATE) for r in rows])
    assert ages.min() == AGE_MIN and ages.max() == AGE_MAX
    assert 0.8 < (ages <= 35).mean() < 0.9
    assert (ages >= 45).mean() > 0.02
    older = people(2_000, reference_date=date(2030, 6, 30))
    ages_2030 = [age_at(d, date(2030, 6, 30)) for d in older["birth_date"].to_pylist()]
    assert min(ages_2030) >= AGE_MIN and max(ages_2030) <= AGE_MAX


def test_names_are_arabic_with_matching_latin_spelling(table):
    pairs = set()
    for kind in ("male", "female", "foreign_male", "foreign_female", "family", "foreign_family"):
        for entry in tables()[kind].entries:
            pairs.update((entry.arabic, spelling) for spelling, _ in entry.variants)
    for ar_column, latin_column in (
        ("first_name_ar", "first_name_latin"),
        ("last_name_ar", "last_name_latin"),
    ):
        for arabic, latin in zip(table[ar_column].to_pylist(), table[latin_column].to_pylist(), strict=True):
            assert ARABIC_NAME_RE.fullmatch(arabic), arabic
            assert (arabic, latin) in pairs, (arabic, latin)
    # Spelling variety is there: محمد appears under several Latin spellings.
    mohamed = pc.equal(table["first_name_ar"], "محمد")
    assert pc.count_distinct(table["first_name_latin"].filter(mohamed)).as_py() >= 5


def test_first_names_match_sex(rows):
    female_names = {e.arabic for k in ("female", "foreign_female") for e in tables()[k].entries}
    for row in rows[:5_000]:
        assert (row["first_name_ar"] in female_names) == (row["sex"] == "F")


def test_phones_normalise_to_e164(table):
    normalised = normalise_phones(table["phone"].combine_chunks())
    assert normalised.null_count == 0
    assert all(E164_MOBILE_RE.fullmatch(p) for p in normalised.to_pylist())


def test_identity_documents(rows):
    numbers = [r["id_number"] for r in rows]
    assert len(set(numbers)) == len(numbers)
    for row in rows:
        assert ID_NUMBER_RES[row["id_type"]].fullmatch(row["id_number"]), row
        assert (row["id_type"] == "cin") == (row["nationality"] == "MA")


def test_nationality_and_status_are_consistent(rows):
    for row in rows:
        assert row["status"] in STATUSES
        assert (row["status"] == "moroccan") == (row["nationality"] == "MA")
        if row["id_type"] == "refugee_card":
            assert row["status"] in ("refugee", "asylum_seeker")
    foreign = sum(r["nationality"] != "MA" for r in rows) / len(rows)
    assert 0.02 < foreign < 0.04
    assert people(5_000, migrant_share=0.0)["nationality"].unique().to_pylist() == ["MA"]


def test_residence_codes_exist_and_nest(rows):
    territory = load_territory()
    region_of = dict(zip(territory.province_codes, territory.province_regions, strict=True))
    province_of, rural_of = {}, {}
    for i, code in enumerate(territory.province_codes):
        start, count = territory.commune_start[i], territory.commune_count[i]
        for j in range(start, start + count):
            province_of[territory.commune_codes[j]] = code
            rural_of[territory.commune_codes[j]] = bool(territory.commune_rural[j])
    without_communes = {c for i, c in enumerate(territory.province_codes) if territory.commune_count[i] == 0}
    for row in rows:
        assert region_of[row["province_code"]] == row["region_code"]
        if row["province_code"] in without_communes:
            assert row["commune_code"] is None
        else:
            assert province_of[row["commune_code"]] == row["province_code"]
            assert rural_of[row["commune_code"]] == row["rural"]
    counts = Counter(r["province_code"] for r in rows)
    assert counts["06.141"] > 10 * counts["12.066"]


def test_education_and_neet(rows):
    for row in rows:
        age = age_at(row["birth_date"], REFERENCE_DATE)
        assert row["education_level"] in EDUCATION_LEVELS
        if age < 18:
            assert row["education_level"] not in ("vocational", "higher")
        assert (row["neet"] is None) == (age > YOUTH_MAX_AGE)
    young = [r for r in rows if r["neet"] is not None]
    neet_women = np.mean([r["neet"] for r in young if r["sex"] == "F"])
    neet_men = np.mean([r["neet"] for r in young if r["sex"] == "M"])
    assert neet_women > neet_men
    none_rural = np.mean([r["education_level"] == "none" for r in rows if r["rural"]])
    none_urban = np.mean([r["education_level"] == "none" for r in rows if not r["rural"]])
    assert none_rural > none_urban
