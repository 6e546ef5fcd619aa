"""Normalisation of names in both scripts, phones and identity documents."""

import pytest

from kafaat.registry import normalise


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("فاطِمَة", "فاطمه"),  # diacritics, taa marbuta
        ("أحمد", "احمد"),  # hamza on alef
        ("إيمان", "ايمان"),
        ("آمنة", "امنه"),
        ("مـحـمـد", "محمد"),  # tatweel
        ("مصطفى", "مصطفي"),  # alef maqsura
        ("فؤاد", "فواد"),
    ],
)
def test_arabic_spellings_of_one_name_fold_together(written, folded):
    assert normalise.normalise_arabic(written) == folded


def test_latin_names_lose_accents_and_case():
    assert normalise.normalise_latin("Aït Baha") == "ait baha"
    assert normalise.normalise_latin("Hélène ÉLOUAFI") == "helene elouafi"


def test_the_search_key_holds_every_word_of_both_scripts_once():
    key = normalise.search_key("Fatima-Zahra", "El Amrani", "فاطمة الزهراء", "العمراني", "El Amrani")
    assert key.startswith(" ") and key.endswith(" ")
    assert key.split() == ["fatima", "zahra", "el", "amrani", "فاطمه", "الزهرا", "العمراني"]
    assert normalise.search_key("", "") == ""


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("0612345678", "+212612345678"),
        ("06 12 34 56 78", "+212612345678"),
        ("06.12.34.56.78", "+212612345678"),
        ("+212 6 12 34 56 78", "+212612345678"),
        ("00212612345678", "+212612345678"),
        ("+212 (0)6 12 34 56 78", "+212612345678"),
        ("0712345678", "+212712345678"),
        ("0537 12 34 56", "+212537123456"),  # a landline in Rabat
        ("+221 77 123 45 67", "+221771234567"),  # a Senegalese number
    ],
)
def test_phone_numbers_in_every_usual_form(written, e164):
    assert normalise.normalise_phone(written) == e164


@pytest.mark.parametrize(
    "bad", ["", "12345", "06 12 34", "0912345678", "+212 4 12 34 56 78", "call me", "06123456789"]
)
def test_impossible_phone_numbers_are_refused_with_a_reason(bad):
    with pytest.raises(ValueError, match=r"\w"):
        normalise.normalise_phone(bad)


def test_identity_numbers():
    assert normalise.normalise_id_number("cin", " ab 123-456 ") == "AB123456"
    assert normalise.normalise_id_number("cin", "F012345") == normalise.normalise_id_number("cin", "F12345")
    assert normalise.normalise_id_number("passport", "x1234567") == "X1234567"
    for bad in ("123456", "ABC12345", "AB1234567", ""):
        with pytest.raises(ValueError):
            normalise.normalise_id_number("cin", bad)
    with pytest.raises(ValueError):
        normalise.normalise_id_number("driving_licence", "X1")
    assert normalise.id_lookup_key("cin", "AB1") != normalise.id_lookup_key("passport", "AB1")
