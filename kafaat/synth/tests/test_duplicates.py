"""Synthetic registries with realistic duplicates and known true people."""

from collections import Counter

from kafaat.registry.dedup import name_key
from kafaat.synth.duplicates import generate_registry


def test_size_determinism_and_true_clusters():
    first, again = generate_registry(3000, seed=5), generate_registry(3000, seed=5)
    assert first.num_rows == 3000 and first.equals(again)
    sizes = Counter(Counter(first["cluster_id"].to_pylist()).values())
    assert sizes[1] > sizes[2] > sizes[3] > 0  # most people once, some two to four times
    assert sorted(first["record_id"].to_pylist()) == list(range(3000))


def test_records_of_one_person_vary_as_in_real_registers():
    rows = generate_registry(5000, seed=11).to_pylist()
    by_person: dict[int, list[dict]] = {}
    for row in rows:
        by_person.setdefault(row["cluster_id"], []).append(row)
    repeated = [records for records in by_person.values() if len(records) > 1]
    arabic_only = sum(1 for row in rows if row["first_name_ar"] and not row["first_name_latin"])
    latin_only = sum(1 for row in rows if row["first_name_latin"] and not row["first_name_ar"])
    assert arabic_only > 500 and latin_only > 500
    spellings = sum(
        1
        for records in repeated
        if len({r["first_name_latin"] for r in records if r["first_name_latin"]}) > 1
    )
    assert spellings > 50  # another Latin spelling of the same name
    assert sum(1 for row in rows if row["birth_date"] == "") > 100  # missing dates
    assert sum(1 for row in rows if len(row["birth_date"]) == 4) > 100  # a year only
    phones = sum(1 for records in repeated if len({r["phone"][-8:] for r in records if r["phone"]}) > 1)
    assert phones > 30  # a changed phone
    swapped = 0
    for records in repeated:
        last_names = {name_key(o["last_name_latin"]) for o in records}
        swapped += sum(
            1 for r in records if r["first_name_latin"] and name_key(r["first_name_latin"]) in last_names
        )
    assert swapped > 5


def test_households_share_family_name_phone_and_commune_but_are_different_people():
    rows = generate_registry(5000, seed=11).to_pylist()
    households: dict[int, set[int]] = {}
    for row in rows:
        households.setdefault(row["household_id"], set()).add(row["cluster_id"])
    shared = [people for people in households.values() if len(people) > 1]
    assert len(shared) > 300
    by_person = {row["cluster_id"]: row for row in rows}
    same_phone = sum(
        1 for people in shared
        if len({by_person[p]["phone"][-8:] for p in people if by_person[p]["phone"]}) == 1
    )  # fmt: skip
    assert same_phone > 100
