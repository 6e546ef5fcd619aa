"""clean_person: every rule, every error by field, never an exception for bad input."""

from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kafaat.registry.validation import TerritoryIndex, clean_person

TODAY = date(2026, 11, 23)


@pytest.fixture
def index(reference_territories):
    return TerritoryIndex()


def _valid(**overrides):
    raw = {
        "first_name_latin": "Mohamed Amine",
        "last_name_latin": "El Amrani",
        "sex": "M",
        "birth_date": "14/07/2003",
        "commune": "Oujda",
        "phone": "06 61 23 45 67",
    }
    raw.update(overrides)
    return raw


def test_a_valid_person_is_normalised(index):
    cleaned = clean_person(_valid(id_number="f 123456"), index, today=TODAY)
    assert cleaned.ok, cleaned.errors
    values = cleaned.values
    assert values["birth_date"] == date(2003, 7, 14)
    assert values["phone"] == "+212661234567"
    assert values["territory"].name_fr == "Oujda" and values["territory"].level == "commune"
    assert values["area"] == "urban"
    assert (values["id_type"], values["id_number"]) == ("cin", "F123456")
    assert values["migration_status"] == "moroccan"


def test_arabic_only_names_and_labels_in_french_or_arabic_are_accepted(index):
    raw = _valid(
        first_name_latin="", last_name_latin="", first_name_ar="خديجة", last_name_ar="الإدريسي", sex="أنثى"
    )
    raw.update(education_level="Baccalauréat", neet="oui", languages="ary, fr", commune="01.511")
    cleaned = clean_person(raw, index, today=TODAY)
    assert cleaned.ok, cleaned.errors
    assert cleaned.values["sex"] == "F"
    assert cleaned.values["education_level"] == "baccalaureate"
    assert cleaned.values["neet"] is True
    assert cleaned.values["languages"] == ["ary", "fr"]
    assert cleaned.values["territory"].code == "01.511"


def test_every_bad_field_is_reported_at_once(index):
    raw = {
        "first_name_ar": "Fatima",  # Latin letters in the Arabic field
        "sex": "X",
        "birth_date": "31/02/2001",
        "commune": "Atlantis",
        "phone": "12",
        "id_type": "cin",
        "id_number": "12345",
        "nationality": "ZZ",  # no country ("Maroc" names one: names are read too)
        "wg_seeing": "7",
    }
    errors = clean_person(raw, index, today=TODAY).errors
    assert set(errors) == {
        "first_name_ar",
        "sex",
        "birth_date",
        "commune",
        "phone",
        "id_number",
        "nationality",
        "wg_seeing",
    }


def test_names_longer_than_the_column_are_refused(index):
    errors = clean_person(
        _valid(last_name_latin="A" * 101, first_name_ar="ب" * 101), index, today=TODAY
    ).errors
    assert set(errors) == {"last_name_latin", "first_name_ar"}


def test_a_person_needs_a_name_sex_and_residence(index):
    errors = clean_person({}, index, today=TODAY).errors
    assert {"last_name_latin", "sex", "commune"} <= set(errors)


def test_age_instead_of_birth_date_is_marked_estimated(index):
    cleaned = clean_person(_valid(birth_date="", age="24"), index, today=TODAY)
    assert cleaned.values["birth_date_estimated"] is True
    assert 23 <= (TODAY - cleaned.values["birth_date"]).days / 365.25 <= 25
    assert "age" in clean_person(_valid(birth_date="", age="4"), index, today=TODAY).errors


def test_washington_group_answers_all_or_none_and_the_cut_off(index):
    from kafaat.registry.models import WashingtonGroup

    answers = {f"wg_{d}": "1" for d, _ in WashingtonGroup.DOMAINS}
    cleaned = clean_person(_valid(**{**answers, "wg_mobility": "3"}), index, today=TODAY)
    assert cleaned.ok and WashingtonGroup.has_disability(cleaned.values["disability_answers"]) is True
    some_difficulty = clean_person(_valid(**{**answers, "wg_seeing": "2"}), index, today=TODAY)
    assert WashingtonGroup.has_disability(some_difficulty.values["disability_answers"]) is False
    assert "wg_seeing" in clean_person(_valid(wg_seeing="2"), index, today=TODAY).errors


@pytest.mark.parametrize("age", ["2030", "1e6", "-5", "9"])
def test_an_impossible_age_is_an_error_on_the_age_not_a_crash(index, age):
    result = clean_person(_valid(birth_date="", age=age), index, today=TODAY)
    assert "age" in result.errors


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.dictionaries(st.sampled_from(list(_valid()) + ["age", "wg_hearing", "id_number", "neet"]), st.text())
)
@example({"age": "2030"})  # once raised OverflowError in the date arithmetic
def test_any_input_gives_values_or_errors_never_an_exception(index, raw):
    cleaned = clean_person(raw, index, today=TODAY)
    assert isinstance(cleaned.errors, dict)


def test_the_shared_index_follows_changes_to_the_territories(reference_territories):
    from kafaat.core.models import Territory
    from kafaat.registry.validation import territory_index

    assert territory_index() is territory_index()  # built once
    commune = Territory.objects.get(name_fr="Oujda")
    commune.name_fr = "Oujda-Ville"
    commune.save()
    assert territory_index().find("Oujda-Ville") == commune


# --- The same rules over columns (the import) ---------------------------------------------------------------

_CELLS = {
    "first_name_latin": ["Fatima", " Aït  Baha ", "", "فاطمة", "x" * 120, None, "Mamadou"],
    "last_name_ar": ["العلوي", "", "", "Alaoui", "", None, "ديالو"],
    "sex": ["F", "homme", "", "X", "أنثى", 1, "m"],
    "birth_date": ["2001-03-12", "12/03/2001", "", "31/02/2001", "1900-01-01", date(2000, 1, 1), ""],
    "age": ["", "", "27", "abc", "", 27.0, "2030"],
    "nationality": ["", "sn", "MAR", "MA", None, "ma", "SY"],
    "migration_status": ["", "refugee", "réfugié", "nope", "", "", "asylum_seeker"],
    "commune": ["Oujda", "", "Nowhere", "oujda", "", "Oujda", "Oujda"],
    "territory": ["", "Oujda-Angad", "", "", "", "", ""],
    "area": ["", "rural", "", "moon", "", "", "urbain"],
    "phone": [
        "06 12 34 56 78",
        "+212 6-12-34-56-78",
        "0612",
        "06.12.34.56.78",
        "",
        612345678.0,
        "06 12 (34)",
    ],
    "id_type": ["", "passport", "cin", "", "wrong", "", "cin"],
    "id_number": ["ab 123456", "X-99", "", "F00012", "1", "", "12AB"],
    "neet": ["oui", "", "peut-être", True, 0, None, "نعم"],
    "household_head": ["", "1", "non", "x", "??", 1, False],
    "languages": ["ary, fr", "", "klingon", "fr;en", None, "ar", ""],
    "wg_seeing": ["", "1", "5", "", "", "", "2"],
    "wg_hearing": ["", "1", "", "", "", "", "2"],
    "external_id": ["P-1", "", 12.0, "", "", "", "P-7"],
}


def test_clean_columns_gives_what_clean_person_gives_row_by_row(index):
    """One declaration (PERSON_RULES), two ways to apply it: same values, same errors, row for row, including
    cells that are not text (1, 1.0 and True are equal dict keys, not equal cells)."""
    from kafaat.registry.validation import PERSON_RULES, Context, clean_columns

    rows = len(_CELLS["sex"])
    memo: dict = {}
    for _twice in range(2):  # the second time from the memo alone
        columns = clean_columns(PERSON_RULES, _CELLS, rows, Context(index, TODAY), memo)
        for i in range(rows):
            single = clean_person({key: cells[i] for key, cells in _CELLS.items()}, index, today=TODAY)
            assert columns.errors.get(i, {}) == single.errors, i
            if single.ok:
                assert {key: column[i] for key, column in columns.values.items()} == single.values, i
    assert 0 not in columns.errors and 2 in columns.errors


def test_columns_of_values_all_different_give_what_clean_person_gives(index):
    """Phones, document numbers, external ids and names different on every row skip the memo: same values,
    same errors, and nothing remembered for them."""
    from kafaat.registry.validation import PERSON_RULES, Context, clean_columns

    cells = {
        **_CELLS,
        "phone": ["06 12 34 56 78", "+212 6-12-34-56-79", "0612", "06.12.34.56.70", "", "0712345678", "6"],
        "id_number": ["ab 123456", "X-99", "", "F00012", "1", "Z 7", "12AB"],
        "external_id": ["P-1", "", "x" * 70, "P-4", " P-5 ", "P-6", "P-7"],
    }
    rows = len(cells["sex"])
    memo: dict = {}
    columns = clean_columns(PERSON_RULES, cells, rows, Context(index, TODAY), memo)
    for i in range(rows):
        single = clean_person({key: column[i] for key, column in cells.items()}, index, today=TODAY)
        assert columns.errors.get(i, {}) == single.errors, i
        if single.ok:
            assert {key: column[i] for key, column in columns.values.items()} == single.values, i
    assert any(columns.errors.get(i, {}).get("phone") for i in range(rows))
    for number, rule in enumerate(PERSON_RULES):
        if rule.inputs in (("phone",), ("id_type", "id_number"), ("external_id",)):
            assert memo[number] == {}, rule.inputs


@given(
    st.text(alphabet="0123456789 .-+()/٠١٢٣٤٥٦٧٨٩\t", max_size=20)
    | st.from_regex(r"(\+212|00212|0)[4-9][ .\-0-9]{8,12}", fullmatch=True)
)
@example("06 12 34 56 78")
@example("06.12.34.56.78")
@example("0-6-1-2-3-4-5-6-7-8")
@example("+212 6 12 34 56 78")
@example("00212612345678")
@example("+2126123456789")
@example("0012612345678")
@example("+212412345678")
@example("+")
@settings(max_examples=300, deadline=None)
def test_the_phone_fast_path_agrees_with_the_general_rules(text):
    from kafaat.registry import normalise

    fast = normalise._usual_moroccan_phone(text.strip())
    if fast is not None:
        assert fast == normalise._phone_by_the_rules(text.strip())


def test_clean_columns_forgets_past_its_memory_limit_without_changing_results(index, monkeypatch):
    from kafaat.registry.validation import PERSON_RULES, Context, clean_columns
    from kafaat.registry.validation import columns as validation_columns

    rows = len(_CELLS["sex"])
    expected = clean_columns(PERSON_RULES, _CELLS, rows, Context(index, TODAY))
    monkeypatch.setattr(validation_columns, "MEMO_LIMIT", 2)
    memo: dict = {}
    for _twice in range(3):
        got = clean_columns(PERSON_RULES, _CELLS, rows, Context(index, TODAY), memo)
        assert got.errors == expected.errors and got.values == expected.values
    assert all(len(known) <= rows for known in memo.values())
