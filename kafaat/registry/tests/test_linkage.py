"""Record linkage with Splink: a labelled fixture, backend neutrality, and the registration-time scorer."""

import pyarrow as pa
import pytest
import sqlglot

from kafaat.registry.dedup import linkage, matching
from kafaat.registry.dedup import splink_settings as linkage_settings

FIELDS = (
    "unique_id",
    "first_name_ar",
    "last_name_ar",
    "first_name_latin",
    "last_name_latin",
    "sex",
    "birth_date",
    "phone",
    "id_number",
    "commune",
    "province",
)
# (id, first ar, last ar, first latin, last latin, sex, birth, phone, id, commune, province)
FIXTURE = [
    # Fatima Zahra Benali: an NGO in Oujda in Arabic, ANAPEC in Latin, a third office glued and split.
    (1, "فاطمة الزهراء", "بنعلي", "", "", "F", "12/03/2001", "0612345678", "", "oujda", "oujda-angad"),
    (2, "", "", "Fatima Zahra", "Benali", "F", "2001-03-12", "+212 6 12 34 56 78", "F123456", "oujda", ""),
    (3, "", "", "Fatimazahra", "Ben Ali", "F", "03/12/2001", "06.12.34.56.78", "f 123456", "", "oujda-angad"),
    # Her sister: same family name, phone and commune, another first name and birth date.
    (4, "خديجة", "بنعلي", "Khadija", "Benali", "F", "1998-07-02", "0612345678", "", "oujda", "oujda-angad"),
    # Mohamed Amine Alaoui: names swapped in one record, the date of birth reduced to a year in another.
    (5, "محمد أمين", "العلوي", "Mohamed Amine", "Alaoui", "M", "1999-05-20", "0661112233", "", "fes", "fes"),
    (6, "", "", "Alaoui", "Mohamed Amine", "M", "20/05/1999", "0661112233", "", "fes", "fes"),
    (7, "", "", "Med Amine", "El Alaoui", "M", "1999", "0661112233", "", "", "fes"),
    # His cousin of the same name, elsewhere, with another phone and birth date: not him.
    (8, "", "", "Mohamed Amine", "Alaoui", "M", "2004-11-02", "0700000001", "", "tanger", "tanger-assilah"),
    # Youssef Ouazzani, once in each script, a changed phone and no date of birth in the Arabic record.
    (9, "يوسف", "الوزاني", "", "", "M", "", "0655443322", "", "rabat", "rabat"),
    (10, "", "", "Youssef", "Ouazzani", "M", "1995-01-15", "0677889900", "", "rabat", "rabat"),
]
FILLER_FIRST = ["Salma", "Hamza", "Imane", "Othmane", "Zineb", "Anas", "Hiba", "Ayoub", "Sara", "Reda"]
FILLER_LAST = [
    "Berrada",
    "Tazi",
    "Kettani",
    "Sqalli",
    "Bennani",
    "Chraibi",
    "Fassi",
    "Lahlou",
    "Naciri",
    "Amrani",
]
EXPECTED = {(1, 2), (1, 3), (2, 3), (5, 6), (5, 7), (6, 7), (9, 10)}


def _fixture() -> pa.Table:
    rows = [dict(zip(FIELDS, row, strict=True)) for row in FIXTURE]
    for i in range(60):  # unrelated people, so that the prior and the blocks are realistic
        rows.append(
            dict(
                zip(
                    FIELDS,
                    (
                        100 + i,
                        "",
                        "",
                        FILLER_FIRST[i % 10],
                        FILLER_LAST[i // 6],
                        "FM"[i % 2],
                        f"19{80 + i % 20}-0{1 + i % 9}-1{i % 10}",
                        f"06{50000000 + i * 7919}",
                        "",
                        "casablanca",
                        "casablanca",
                    ),
                    strict=True,
                )
            )
        )
    return pa.Table.from_pylist(rows)


def _pairs_in_clusters(clusters: pa.Table) -> set[tuple[int, int]]:
    groups: dict = {}
    for uid, cluster in zip(
        clusters["unique_id"].to_pylist(), clusters["cluster_id"].to_pylist(), strict=True
    ):
        groups.setdefault(cluster, []).append(uid)
    return {(a, b) for members in groups.values() for a in members for b in members if a < b}


@pytest.fixture(scope="module")
def linked():
    prepared = linkage.prepare(_fixture(), reference_year=2025)
    return prepared, linkage.link(prepared)


def test_the_expected_pairs_are_found_and_clustered(linked):
    _, result = linked
    assert _pairs_in_clusters(result.clusters) == EXPECTED


def test_each_pair_says_which_fields_agreed(linked):
    _, result = linked
    reasons = {
        (row["unique_id_l"], row["unique_id_r"]): row["agreed"]
        for row in result.pairs.to_pylist()
        if {row["unique_id_l"], row["unique_id_r"]} in ({1, 3}, {5, 6})
    }
    assert "birth date: day/month swapped" in reasons[(1, 3)]
    assert "first name: swapped" in reasons[(5, 6)]
    assert all(0 <= p <= 1 for p in result.pairs["match_probability"].to_pylist())


def test_the_sister_and_the_namesake_are_not_merged(linked):
    _, result = linked
    clusters = _pairs_in_clusters(result.clusters)
    assert not {pair for pair in clusters if 4 in pair or 8 in pair}


def test_settings_render_for_spark_as_for_duckdb():
    duckdb_settings = linkage_settings.settings_for_dialect("duckdb")
    spark_settings = linkage_settings.settings_for_dialect("spark")
    conditions = {
        dialect: [level["sql_condition"] for c in settings["comparisons"] for level in c["comparison_levels"]]
        for dialect, settings in (("duckdb", duckdb_settings), ("spark", spark_settings))
    }
    assert any("jaro_winkler_similarity(" in c for c in conditions["duckdb"])
    assert any("jaro_winkler(" in c for c in conditions["spark"])
    assert not any("jaro_winkler_similarity" in c for c in conditions["spark"])
    assert len(conditions["duckdb"]) == len(conditions["spark"])
    for condition in conditions["spark"]:  # every condition is valid Spark SQL
        if condition != "ELSE":
            sqlglot.parse_one(condition, read="spark")
    for rule in spark_settings["blocking_rules_to_generate_predictions"]:
        sqlglot.parse_one(rule["blocking_rule"], read="spark")


def test_the_saved_model_covers_every_registry_comparison():
    model = linkage.load_model()
    names = [c["output_column_name"] for c in model["comparisons"]]
    assert names == list(linkage_settings.REGISTRY_COMPARISONS)
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if not level.get("is_null_level"):
                assert 0 < level["m_probability"] <= 1 and 0 < level["u_probability"] <= 1


@pytest.mark.parametrize("frequencies", [False, True], ids=["plain", "term-frequencies"])
def test_the_python_scorer_gives_splink_probabilities(frequencies, monkeypatch):
    from kafaat.synth.duplicates import generate_registry

    if frequencies:  # a small sample, but exercise the adjustment as a large registry would
        monkeypatch.setattr(linkage, "MIN_RECORDS_FOR_FREQUENCIES", 0)
    table = generate_registry(3000, seed=3)
    records = table.rename_columns(
        [
            {"record_id": "unique_id", "commune_code": "commune", "province_code": "province"}.get(c, c)
            for c in table.column_names
        ]
    )
    prepared = linkage.prepare(records, reference_year=2025)
    result = linkage.link(prepared, review_threshold=0.01)
    assert any("tf_adjustment_column" in level for c in result.model["comparisons"]
               for level in c["comparison_levels"]) == frequencies  # fmt: skip
    scorer = matching.Scorer.from_model(result.model, matching.term_frequencies(prepared))
    rows = {row["unique_id"]: row for row in prepared.to_pylist()}
    checked = 0
    for pair in result.pairs.to_pylist():
        probability, _ = scorer.score(rows[pair["unique_id_l"]], rows[pair["unique_id_r"]])
        assert probability == pytest.approx(pair["match_probability"], abs=1e-6), pair
        checked += 1
    assert checked > 500


def test_the_index_finds_the_other_records_of_a_person(linked):
    prepared, _ = linked
    index = matching.MatchIndex(prepared)
    query = linkage.prepare(
        pa.Table.from_pylist(
            [
                {
                    "unique_id": 0,
                    "first_name": "Fatima-Zahra",
                    "last_name": "BENALI",
                    "birth_date": "12/03/2001",
                    "phone": "0612345678",
                    "sex": "F",
                }
            ]
        ),
        reference_year=2025,
    )
    found = index.matches(query, threshold=0.5)
    assert {row["unique_id"] for row in found[:3]} == {1, 2, 3}
    assert 4 not in {row["unique_id"] for row in found if row["probability"] > 0.9}


def test_jaro_winkler_matches_duckdb():
    import duckdb

    words = ["ftmzhr", "ftm", "fatima", "fatma", "mohamed", "mhmd", "bnl", "benali", "lmrn", "mrn", "x", ""]
    connection = duckdb.connect()
    for a in words:
        for b in words:
            expected = connection.execute("SELECT jaro_winkler_similarity(?, ?)", [a, b]).fetchone()[0]
            assert matching.jaro_winkler(a, b) == pytest.approx(expected, abs=1e-9), (a, b)


def _prepared_rows(*rows: dict) -> list[dict]:
    table = pa.Table.from_pylist([{"unique_id": i, **row} for i, row in enumerate(rows)])
    return linkage.prepare(table, reference_year=2025).to_pylist()


def test_a_short_name_that_lost_a_letter_is_close_not_different():
    hajar, typed = _prepared_rows({"first_name": "Hajar"}, {"first_name": "Haer"})
    other = _prepared_rows({"first_name": "Karima"})[0]
    assert matching.LEVELS["first_name"](hajar, typed) == 1  # close: the clustering guard lets it through
    assert matching.LEVELS["first_name"](hajar, other) == 0


def test_a_phone_shared_across_communes_weighs_more_than_a_households():
    weights = [row[0] for row in linkage.level_weights(linkage.load_model())["phone"]]
    same_commune, other_commune, other_family, different = weights
    assert different < 0 < same_commune < other_commune < other_family


def test_agreeing_on_a_small_commune_weighs_more_than_on_a_city_district():
    base = {"first_name": "Salma", "last_name": "Tazi", "sex": "F", "phone": "0600000001"}
    small_l, small_r, city_l, city_r = _prepared_rows(
        {**base, "commune": "small"},
        {**base, "commune": "small", "phone": "0600000002"},
        {**base, "commune": "city"},
        {**base, "commune": "city", "phone": "0600000002"},
    )
    frequencies = {"fn_k1": {}, "ln_k1": {}, "commune": {"small": 0.0003, "city": 0.04}, "province": {}}
    scorer = matching.Scorer.from_model(linkage.load_model(), frequencies)
    assert scorer.score(small_l, small_r)[0] > scorer.score(city_l, city_r)[0]
