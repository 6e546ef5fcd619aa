"""Issue 14, "Words": what agreed between two records, the phone and document messages, the duplicate panel's
line and the import templates, in the reader's language and in the right order."""

from __future__ import annotations

import io
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from kafaat.core.imports.spreadsheets import write_template
from kafaat.registry.dedup.reasons import describe
from kafaat.registry.imports.columns import PEOPLE_COLUMNS
from kafaat.registry.imports.steps import STEP_COLUMNS
from kafaat.registry.models import MatchCandidate
from kafaat.registry.tests import test_review_pages
from kafaat.registry.validation import clean_person, territory_index

registry = test_review_pages.registry
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ["prénom : identique", "date de naissance : jour et mois inversés",
                "téléphone : identique (même nom de famille)"]),
        ("ar", ["الاسم الشخصي: متطابق", "تاريخ الازدياد: اليوم والشهر مقلوبان",
                "الهاتف: متطابق (الاسم العائلي نفسه)"]),
        ("en", ["first name: same", "date of birth: day and month swapped",
                "phone: same (same family name)"]),
    ],
)  # fmt: skip
def test_what_agreed_is_said_in_the_readers_language(language, expected):
    keys = ["first name: same", "birth date: day/month swapped", "phone: same (same family name)"]
    with translation.override(language):
        assert [describe(key) for key in keys] == expected
    assert describe("shoe size: same") == "shoe size: same"  # a key this version does not know: shown as is


@pytest.mark.django_db
def test_the_review_page_lists_what_agreed_in_arabic(client, world, registry):
    assert any("first name: same" in c.agreed for c in MatchCandidate.objects.all())  # the run's keys
    client.force_login(world["users"]["admin_a"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    page = client.get(reverse("registry:review")).content.decode()
    assert "الاسم الشخصي: متطابق" in page and "first name" not in page


@pytest.mark.django_db
def test_the_panel_line_isolates_each_part_and_says_why_in_arabic(client, world, registry):
    """The garbled "08 · نعيمة الحراق 2000/12/Naima Harrak": each part of the line is its own bidirectional
    unit (names as data), the date is day first, and the reasons are Arabic."""
    client.force_login(world["users"]["caseworker_a"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    query = {"first_name_latin": "Fatima Zahra", "last_name_latin": "Benali", "birth_date": "2001-03-12"}
    html = client.get(reverse("registry:likely_matches"), query, HTTP_HX_REQUEST="true").content.decode()
    start = html.index('<bdi translate="no">Fatima Zahra Benali</bdi>')  # the registration with both scripts
    line = html[start : html.index("</li>", start)]
    assert '<bdi lang="ar" dir="rtl" translate="no">فاطمة الزهراء بنعلي</bdi>' in line
    assert "<bdi>\u206812/03/2001\u2069</bdi>" in line  # the formatter's isolate, inside its own <bdi>
    reasons = re.search(r'<span class="muted">([^<]*)</span>', line).group(1)
    assert "الاسم الشخصي" in reasons and not LATIN_WORD.search(reasons)


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        ("fr", "un numéro marocain a 10 chiffres commençant par 05, 06, 07 ou 08 (ou +212)"),
        ("ar", "للرقم المغربي 10 أرقام تبدأ بـ 05 أو 06 أو 07 أو 08 (أو ‎+212‎)"),
    ],
)
@pytest.mark.django_db
def test_the_phone_message_is_in_the_readers_language(reference_territories, language, reason):
    with translation.override(language):
        errors = clean_person(
            {"phone": "06 12", "id_type": "cin", "id_number": "12-AB"}, territory_index()
        ).errors
    assert reason in errors["phone"]
    assert "phone number" not in errors["phone"] and "CIN is" not in errors["id_number"]


@pytest.mark.django_db
def test_a_typed_value_inside_an_arabic_message_is_isolated(reference_territories):
    """An Arabic message quoting a Latin value ("Nulle-part"): the value is one unit, and the message's
    full stop stays at its end."""
    with translation.override("ar"):
        message = clean_person({"commune": "Nulle-part"}, territory_index()).errors["commune"]
    assert message == "جماعة أو إقليم غير معروف: \u2068Nulle-part\u2069."
    with translation.override("fr"):
        assert (
            clean_person({"commune": "Nulle-part"}, territory_index())
            .errors["commune"]
            .endswith(": Nulle-part.")
        )


@pytest.mark.django_db
def test_a_bad_choice_lists_the_labels_not_the_codes(reference_territories):
    with translation.override("ar"):
        message = clean_person({"migration_status": "touriste"}, territory_index()).errors["migration_status"]
    assert "regular_migrant" not in message and "مغربي" in message


def _template(columns, language: str) -> tuple[dict, dict]:
    target = io.BytesIO()
    write_template(columns, language, target)
    book = load_workbook(io.BytesIO(target.getvalue()))
    data, docs = book.worksheets
    headers = [cell.value for cell in data[1]]
    examples = dict(zip(headers, [cell.value for cell in data[2]], strict=True))
    accepted = {row[0].value: row[3].value or "" for row in docs.iter_rows(min_row=2)}
    return examples, accepted


def test_the_arabic_people_template_speaks_arabic():
    """Examples a reader of the Arabic template would write (نعم, not "oui"; أنثى; the labels of the
    choices), and the accepted values as labels in Arabic, not the English codes."""
    examples, accepted = _template(PEOPLE_COLUMNS, "ar")
    assert examples["لا يدرس ولا يعمل"] == "نعم" and examples["رب الأسرة"] == "لا"
    assert examples["الجنس"] == "أنثى" and examples["الجماعة"] == "وجدة"
    for header in ("الوضعية", "نوع الوثيقة", "المستوى الدراسي"):
        assert not LATIN_WORD.search(str(examples[header])), (header, examples[header])
        assert not re.search(r"[a-z]+_[a-z]+", accepted[header]) and not LATIN_WORD.search(accepted[header])
    assert "oui" not in examples.values() and "non" not in examples.values()


def test_the_french_and_english_templates_keep_their_own_words():
    fr, fr_accepted = _template(PEOPLE_COLUMNS, "fr")
    en, _en_accepted = _template(PEOPLE_COLUMNS, "en")
    assert fr["NEET"] == "oui" and en["NEET"] == "yes"
    assert "Marocain" in fr["Statut"] or "marocain" in fr["Statut"].lower()
    assert "regular_migrant" not in fr_accepted["Statut"]


def test_the_arabic_steps_template_names_the_kinds_in_arabic():
    examples, accepted = _template(STEP_COLUMNS, "ar")
    kinds = [value for value in examples.values() if value and not LATIN_WORD.search(str(value))]
    assert kinds and not any(
        code in accepted.get(header, "") for header in accepted for code in ("enrolment", "follow_up")
    )


@pytest.mark.parametrize(("language", "arrow"), [("ar", "←"), ("fr", "→")])
@pytest.mark.django_db
def test_arrows_point_the_way_the_page_reads(client, world, fatima, language, arrow):
    """ "Shared with → an organisation" in French, "← منظمة" in Arabic: in the consents and the pathway."""
    from datetime import date

    from kafaat.registry import services
    from kafaat.registry.models import Consent

    services.record_consent(
        world["users"]["caseworker_a"], fatima, Consent.Purpose.SHARING, given_on=date(2026, 1, 6),
        shared_with=world["ngo_b"],
    )  # fmt: skip
    client.force_login(world["users"]["caseworker_a"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("registry:detail", args=[fatima.pk])).content.decode()
    other = "→" if arrow == "←" else "←"
    name = world["ngo_b"].name_ar if language == "ar" else world["ngo_b"].name_fr
    assert f"{arrow} <strong>{name}</strong>" in page and f"{arrow} <bdi>{name}</bdi>" in page
    assert other not in page.split("<main", 1)[1]
