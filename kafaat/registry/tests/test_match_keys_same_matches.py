"""The database's match keys give the registration form exactly the matches the in-memory index gave over
the same registry: same candidates in the same order, same probabilities, same agreed fields — on a
synthetic registry with known duplicates, with term frequencies on, and with the candidate caps reached."""

import numpy as np
import pyarrow as pa
import pytest

from kafaat.registry.dedup import linkage, match_keys, matching
from kafaat.registry.dedup import services as dedup_services
from kafaat.synth.duplicates import generate_registry
from kafaat.synth.registry_people import write_people

pytestmark = pytest.mark.django_db
RECORDS, QUERIES = 2_500, 80


def typed(row: dict) -> dict:
    """A held-out record as a case worker types it into the registration form."""
    return {
        **{key: row[key] for key in ("first_name_ar", "last_name_ar", "first_name_latin", "last_name_latin")},
        "sex": row["sex"],
        "birth_date": row["birth_date"],
        "phone": row["phone"],
        "id_number": row["id_number"],
        "id_type": "cin",
        "commune": row["commune_code"] or row["province_code"],
    }


@pytest.fixture
def synthetic(world, monkeypatch):
    """2,500 records in the database (80 held out as queries), their keys rebuilt; term frequencies on from
    500 records (10,000 in production) so that both sides adjust for them."""
    monkeypatch.setattr(linkage, "MIN_RECORDS_FOR_FREQUENCIES", 500)
    table = generate_registry(RECORDS, seed=7)
    held = np.zeros(table.num_rows, bool)
    held[np.random.default_rng(3).choice(table.num_rows, QUERIES, replace=False)] = True
    write_people(table.filter(pa.array(~held)), world["ngo_a"])
    built = match_keys.rebuild()
    assert built.people == RECORDS - QUERIES
    index = matching.MatchIndex(linkage.prepare(match_keys.registry_records()))
    queries = [dedup_services.query_record(typed(row)) for row in table.filter(pa.array(held)).to_pylist()]
    return index, queries


def _candidate_ids(index: matching.MatchIndex, query: pa.Table) -> list[int]:
    return index.records["unique_id"].take(pa.array(index.candidates(query))).to_pylist()


def test_the_same_ranked_matches_as_the_in_memory_index(synthetic):
    index, queries = synthetic
    found = 0
    for query in queries:
        assert match_keys.candidates(query) == _candidate_ids(index, query)
        expected = index.matches(query, threshold=0.3, limit=50)
        assert match_keys.matches(query, threshold=0.3, limit=50) == expected
        found += bool(expected)
    assert found >= QUERIES // 4  # the comparison is not of empty lists


def test_the_same_candidates_when_the_caps_are_reached(synthetic, monkeypatch):
    """With a cap of 2 candidates per rule and in all, both keep the lowest ids of each rule, then those
    sharing the most keys."""
    index, queries = synthetic
    monkeypatch.setattr(matching, "MAX_CANDIDATES", 2)
    capped = 0
    for query in queries:
        ids = match_keys.candidates(query)
        assert ids == _candidate_ids(index, query)
        assert match_keys.matches(query, threshold=0.0, limit=50) == index.matches(
            query, threshold=0.0, limit=50
        )
        capped += len(ids) == 2
    assert capped >= 10
