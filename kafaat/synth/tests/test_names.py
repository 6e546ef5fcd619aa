import re

import numpy as np
import pytest

from kafaat.synth.names import (
    ARABIC_NAME_RE,
    arabic_candidates,
    arabic_key,
    latin_key,
    latin_variants,
    same_name,
    tables,
)

LATIN_NAME_RE = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+(?:[ '\-][A-Za-zÀ-ÖØ-öø-ÿ]+)*")


def test_tables_are_large_enough_for_realistic_collisions():
    sizes = {kind: len(table) for kind, table in tables().items()}
    assert sizes["female"] >= 120
    assert sizes["male"] >= 120
    assert sizes["family"] >= 250


@pytest.mark.parametrize("kind", list(tables()))
def test_arabic_names_are_arabic_letters_and_unique(kind):
    entries = tables()[kind].entries
    for entry in entries:
        assert ARABIC_NAME_RE.fullmatch(entry.arabic), entry.arabic
    keys = [arabic_key(e.arabic) for e in entries]
    assert len(keys) == len(set(keys)), "two entries of one table are spellings of the same Arabic name"


@pytest.mark.parametrize("kind", list(tables()))
def test_every_latin_variant_maps_back_to_its_arabic_name_only(kind):
    for entry in tables()[kind].entries:
        for spelling, weight in entry.variants:
            assert LATIN_NAME_RE.fullmatch(spelling), spelling
            assert weight > 0
            # Within a table a spelling must identify one name, or the deduplication could not use it.
            assert arabic_candidates(spelling, kind) == [entry.arabic], spelling


def test_known_variants():
    assert {"Mohamed", "Mohammed", "Mohammad", "Mhamed", "Mohamad"} <= set(latin_variants("محمد", "male"))
    assert {"El Amrani", "Elamrani", "Al Amrani", "Amrani"} <= set(latin_variants("العمراني"))
    assert {"Benali", "Ben Ali", "Ben-Ali"} <= set(latin_variants("بن علي"))
    assert {"Fatima Zahra", "Fatimazahra", "Fatima-Zahra", "Fatim Zahra"} <= set(
        latin_variants("فاطمة الزهراء")
    )
    assert {"Mohamed Amine", "Mohammed Amine"} <= set(latin_variants("محمد أمين"))
    assert {"Ait Baha", "Aït Baha"} <= set(latin_variants("آيت باها"))
    assert latin_variants("محمد")[0] == "Mohamed"  # most common first
    assert latin_variants("not a name") == []


def test_informal_arabic_spellings_find_the_same_variants():
    # Dropped hamza, ه for ة and ي for ى are clerical variants of one name.
    assert latin_variants("فاطمه") == latin_variants("فاطمة")
    assert latin_variants("اسماء") == latin_variants("أسماء")
    assert latin_variants("مصطفي") == latin_variants("مصطفى")


def test_latin_key_and_same_name():
    assert latin_key("Ben-Ali") == latin_key("BEN ALI") == latin_key("benali")
    assert latin_key("Aït Baha") == latin_key("Ait Baha")
    assert same_name("Mhamed", "Mohammed")
    assert same_name("Fatimazahra", "Fatima Ezzahra")
    assert not same_name("Mohamed", "Ahmed")


def test_draws_follow_name_and_variant_weights():
    table = tables()["male"]
    names, variants = table.draw(np.random.default_rng(0), 200_000)
    mohamed = next(i for i, e in enumerate(table.entries) if e.arabic == "محمد")
    aghilas = next(i for i, e in enumerate(table.entries) if e.arabic == "أغيلاس")
    assert (names == mohamed).sum() > 20 * max(1, (names == aghilas).sum())
    # Each drawn variant belongs to the drawn name: name i's variants have cumulative values in (i, i+1].
    owner = np.floor(table.variant_cdf - 1e-9).astype(int)
    assert (owner[variants] == names).all()
    latin = np.array(table.latin_array.to_pylist())[variants[names == mohamed]]
    assert (latin == "Mohamed").sum() > (latin == "Mohammed").sum() > (latin == "Mhamed").sum() > 0
