"""In the browser: while a case worker types a person in, the likely existing records appear."""

from datetime import date

import pytest

from kafaat.registry import services

pytestmark = pytest.mark.django_db(transaction=True)


def test_registration_warns_of_a_likely_existing_record(page, sign_in, world, live_server):
    # The assertions read the English messages; French is the default.
    page.context.add_cookies([{"name": "kafaat_language", "value": "en", "url": live_server.url}])
    services.register_person(
        world["users"]["caseworker_a"],
        {
            "first_name_ar": "فاطمة الزهراء",
            "last_name_ar": "بنعلي",
            "sex": "F",
            "birth_date": "12/03/2001",
            "commune": "Oujda",
            "phone": "0612345678",
        },  # fmt: skip
        consent_given_on=date(2026, 1, 5),
    )
    sign_in("caseworker_a")
    page.goto("/people/new/")
    page.fill("#id_first_name_latin", "Fatimazahra")
    page.fill("#id_last_name_latin", "Ben Ali")
    page.fill("#id_phone", "06 12 34 56 78")
    warning = page.locator("#likely-matches")
    warning.wait_for()
    assert "may already be registered" in warning.inner_text()
    assert "فاطمة الزهراء" in page.locator(".likely-match").first.inner_text()
    # The warning does not block the registration.
    assert page.locator("#person-form > p > button[type=submit]").is_enabled()


def test_in_arabic_the_panel_line_reads_right_to_left_and_says_why_in_arabic(
    page, sign_in, world, live_server
):
    """The line that read "08 · نعيمة الحراق 2000/12/Naima Harrak": in the browser, the Latin name, the
    Arabic name and the date are each one unit (the date reads 12/03/2001), and what agreed is Arabic."""
    page.context.add_cookies([{"name": "kafaat_language", "value": "ar", "url": live_server.url}])
    services.register_person(
        world["users"]["caseworker_a"],
        {"first_name_ar": "نعيمة", "last_name_ar": "الحراق", "first_name_latin": "Naima",
         "last_name_latin": "Harrak", "sex": "F", "birth_date": "12/03/2001", "commune": "Oujda"},
        consent_given_on=date(2026, 1, 5),
    )  # fmt: skip
    sign_in("caseworker_a")
    page.goto("/people/new/")
    page.fill("#id_first_name_latin", "Naima")
    page.fill("#id_last_name_latin", "Harrak")
    page.fill("#id_birth_date", "2001-03-12")
    line = page.locator(".likely-match").first
    line.wait_for()
    text = line.inner_text()
    assert "Naima Harrak" in text and "نعيمة الحراق" in text and "12/03/2001" in text
    assert "الاسم الشخصي: متطابق" in text and "first name" not in text
    name, arabic = line.locator("bdi[translate=no]").all()[:2]
    assert name.inner_text() == "Naima Harrak" and arabic.inner_text() == "نعيمة الحراق"
    # Right to left: the Latin name (first in the line) is drawn right of the Arabic one.
    assert name.bounding_box()["x"] > arabic.bounding_box()["x"]


def test_in_arabic_a_person_imported_in_latin_letters_is_found_by_their_arabic_name(
    page, sign_in, world, live_server, tmp_path
):
    """Issue 13: the matches come from the database's match keys, which the people import writes with the
    people (no process builds an index first). In Arabic (right to left), the Arabic name finds the record
    registered by a spreadsheet in Latin letters only."""
    from kafaat.registry.tests import test_import_people

    page.context.add_cookies([{"name": "kafaat_language", "value": "ar", "url": live_server.url}])
    path = test_import_people.write_csv(
        tmp_path / "people.csv",
        test_import_people.HEADER,
        [
            [
                "B-1",
                "Benali",
                "Fatima Zahra",
                "",
                "",
                "F",
                "12/03/2001",
                "Oujda",
                "0612345678",
                "",
                "05/01/2025",
                "",
            ]
        ],
    )
    test_import_people.import_people(world["users"]["admin_a"], world["ngo_a"], path)
    sign_in("caseworker_a")
    page.goto("/people/new/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.fill("#id_first_name_ar", "فاطمة الزهراء")
    page.fill("#id_last_name_ar", "بنعلي")
    page.fill("#id_birth_date", "2001-03-12")  # a date input: ISO whatever the language
    warning = page.locator("#likely-matches")
    warning.wait_for()
    assert "قد يكون هذا الشخص مسجَّلًا من قبل." in warning.inner_text()
    assert "Fatima Zahra Benali" in page.locator(".likely-match").first.inner_text()
