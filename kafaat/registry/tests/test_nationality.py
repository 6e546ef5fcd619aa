"""Nationality: a country of ISO 3166-1 (names in French, Arabic and English), chosen from a list in the
page's language; form, API and import refuse anything else ("ZZ") with the same translated message."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.conf import settings
from django.utils import timezone, translation

from kafaat.core.l10n import countries
from kafaat.registry.models import Person
from kafaat.registry.tests.conftest import PERSON
from kafaat.registry.tests.test_import_people import import_people, write_csv
from kafaat.registry.validation import clean_person, territory_index

TODAY = timezone.localdate()


# --- The list -----------------------------------------------------------------------------------------------


def test_the_list_is_iso_3166_with_names_in_three_languages():
    names = countries.names()
    assert len(names) == 248  # ISO 3166-1's 249, Western Sahara left out (docs/decisions)
    assert names["MA"] == ("Maroc", "المغرب", "Morocco")
    assert names["PS"] == ("Palestine", "فلسطين", "Palestine")
    assert "EH" not in names and "ZZ" not in names and "XK" not in names
    assert all(len(code) == 2 and code.isupper() and all(row) for code, row in names.items())


@pytest.mark.parametrize(
    ("typed", "code"),
    [("SN", "SN"), ("sn", "SN"), (" Sénégal (SN) ", "SN"), ("السنغال (SN)", "SN"), ("Senegal", "SN"),
     ("sénégal", "SN"), ("السنغال", "SN"), ("Maroc", "MA"), ("Cote d'Ivoire", "CI"), ("Syrie", "SY"),
     ("ZZ", None), ("XX", None), ("EH", None), ("Atlantis", None), ("Atlantis (ZZ)", None), ("", None)],
)  # fmt: skip
def test_a_country_is_found_by_its_code_its_label_or_its_name_in_any_language(typed, code):
    assert countries.find(typed) == code


def test_the_list_is_in_the_pages_language_morocco_first_then_by_name():
    with translation.override("ar"):
        arabic = countries.choices()
    assert arabic[0] == ("MA", "المغرب")
    assert dict(arabic)["SN"] == "السنغال"
    names = [name for _code, name in arabic[1:]]
    assert names == sorted(names, key=countries.fold)
    french = countries.choices("fr")
    assert french[:3] == [("MA", "Maroc"), ("AF", "Afghanistan"), ("ZA", "Afrique du Sud")]
    assert countries.label("sn", "en") == "Senegal (SN)"


# --- One rule for form, API and import ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_rule_keeps_the_code_and_refuses_what_is_no_country_in_the_users_language(reference_territories):
    index = territory_index()
    for typed in ("Sénégal (SN)", "السنغال", "sn"):
        result = clean_person({**PERSON, "nationality": typed, "migration_status": ""}, index, today=TODAY)
        assert result.ok, result.errors
        assert result.values["nationality"] == "SN"
        assert result.values["migration_status"] == "regular_migrant"  # from the nationality, read as a name
    assert clean_person({**PERSON, "nationality": ""}, index).values["nationality"] == "MA"
    with translation.override("fr"):
        error = clean_person({**PERSON, "nationality": "ZZ"}, index).errors["nationality"]
    assert error.startswith("Pays inconnu : ZZ.")
    with translation.override("ar"):
        error = clean_person({**PERSON, "nationality": "ZZ"}, index).errors["nationality"]
    assert "ZZ" in error and "بلد" in error


def test_the_api_refuses_zz_with_a_400_in_the_callers_language(client, world):
    from kafaat.registry.tests.test_api import _person, _post

    client.force_login(world["users"]["caseworker_a"])
    response = _post(client, "/api/people", _person(nationality="ZZ"), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400, response.content
    assert "nationality" in json.dumps(response.json())
    assert not Person.objects.exists()
    response = _post(client, "/api/people", _person(nationality="Sénégal"))  # a name is no code here
    assert response.status_code == 422
    response = _post(client, "/api/people", _person(nationality="sn"))
    assert response.status_code == 201, response.content
    assert Person.objects.get().nationality == "SN"


def test_the_import_refuses_zz_on_its_row_and_reads_country_names(world, tmp_path):
    header = ["N°", "Nom", "Prénom", "Sexe", "Date de naissance", "Commune", "Nationalité", "Consentement"]
    rows = [
        ["A-1", "Diallo", "Mamadou", "M", "01/02/2000", "Oujda", "Sénégal", "05/01/2025"],
        ["A-2", "Traoré", "Awa", "F", "01/02/2001", "Oujda", "ZZ", "05/01/2025"],
        ["A-3", "Alaoui", "Sara", "F", "01/02/2002", "Oujda", "", "05/01/2025"],
    ]
    admin = world["users"]["admin_a"]
    result = import_people(admin, world["ngo_a"], write_csv(tmp_path / "people.csv", header, rows))
    assert [(error.row, error.column) for error in result.errors] == [(3, "Nationalité")]
    assert "Unknown country: ZZ." in result.errors[0].message
    assert not Person.objects.exists()
    result = import_people(
        admin, world["ngo_a"], write_csv(tmp_path / "people.csv", header, rows[:1] + rows[2:])
    )
    assert result.errors == []
    assert dict(Person.objects.values_list("last_name_latin", "nationality")) == {
        "Diallo": "SN",
        "Alaoui": "MA",
    }


# --- The registration form ----------------------------------------------------------------------------------


def _form(**overrides) -> dict:
    data = {**PERSON, "consent": "on", "consent_date": date(2026, 1, 5).isoformat(), **overrides}
    return {key: value for key, value in data.items() if value is not None}


def test_the_form_offers_the_list_in_arabic_and_saves_the_code(client, world):
    client.force_login(world["users"]["caseworker_a"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    page = client.get("/people/new/").content.decode()
    assert '<datalist id="countries"><option value="المغرب (MA)"></option>' in page
    assert '<option value="السنغال (SN)">' in page
    assert 'list="countries"' in page and 'value="المغرب (MA)"' in page  # Moroccan unless changed
    response = client.post("/people/new/", _form(nationality="السنغال (SN)", migration_status=""))
    assert response.status_code == 302, response.content.decode()[:3000]
    person = Person.objects.get()
    assert (person.nationality, person.migration_status) == ("SN", "regular_migrant")
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "<dd>السنغال</dd>" in page
    edit = client.get(f"/people/{person.pk}/edit/").content.decode()
    assert 'value="السنغال (SN)"' in edit


def test_the_form_refuses_zz_next_to_the_field_in_french(client, world):
    client.force_login(world["users"]["caseworker_a"])
    response = client.post("/people/new/", _form(nationality="ZZ"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Pays inconnu : ZZ." in page
    assert not Person.objects.exists()


def _label(page: str, field: str) -> str:
    """The label (or the legend, for radio buttons) of a field on a page."""
    if field == "sex":
        return page.split('<div id="id_sex">')[0].rsplit("<legend>", 1)[1].removesuffix("</legend>")
    return page.split(f'for="id_{field}">', 1)[1].split("</label>", 1)[0]


def test_required_fields_are_marked_and_required(client, world):
    client.force_login(world["users"]["caseworker_a"])
    page = client.get("/people/new/").content.decode()
    mark = '<span class="required-mark" title="obligatoire" aria-hidden="true">*</span>'
    for field in ("sex", "commune", "consent_date"):
        assert _label(page, field).endswith(mark), field
    assert "required-mark" in _label(page, "consent")  # a checkbox: its label after it
    for field in ("first_name_latin", "phone", "nationality", "birth_date"):
        assert "required-mark" not in _label(page, field), field
    assert (
        '<input type="text" name="commune" list="communes" autocomplete="off" maxlength="200" required'
        in page
    )
    assert '<input type="radio" name="sex" value="F" required' in page
    assert "Les champs marqués * sont obligatoires." in page
    assert "Indiquez au moins un nom, en lettres arabes ou latines." in page  # names: one of the four
