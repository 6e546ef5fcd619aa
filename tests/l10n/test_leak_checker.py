"""The language check itself (tests/l10n/leaks.py): what it must catch, and what it must leave alone."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from tests.l10n.leaks import find_leaks, visible_text


def page(body: str, language: str = "fr") -> str:
    direction = "rtl" if language == "ar" else "ltr"
    head = f'<!doctype html><html lang="{language}" dir="{direction}"><head><title>x</title></head>'
    return f"{head}<body>{body}</body></html>"


def kinds(markup: str, language: str) -> set[str]:
    return {leak.kind.split()[0] for leak in find_leaks(markup, language)}


@pytest.mark.parametrize(
    ("language", "planted"),
    [
        ("fr", "<p>Retry</p>"),  # an English message of the catalogues, left untranslated
        ("fr", "<td>7231 Motor vehicle mechanics and repairers</td>"),  # an English ISCO label
        ("fr", "<p>first name: same; birth date: day/month swapped</p>"),  # reasons built outside gettext
        ("en", "<p>5293 offres à vérifier</p>"),  # a French plural on an English page
        ("en", "<label>Orienté(e) par</label>"),
        ("ar", "<p>5293 offres</p>"),  # a French plural on an Arabic page
        ("ar", '<svg role="img" aria-label="رسم"><text>Y-axis</text></svg>'),  # Latin text drawn in a chart
        ("ar", '<button aria-label="Move up">↑</button>'),  # an English accessibility label
        ("fr", "<small>employed_at_12_months</small>"),  # a measure key
        ("ar", "<td>registry.person <bdi>#2113</bdi></td>"),  # an audit target as the program names it
        ("en", "<p>الجهة المُحيلة</p>"),  # Arabic text on an English page
    ],
)
def test_a_planted_leak_is_found(language, planted):
    assert find_leaks(page(planted, language), language), planted


@pytest.mark.parametrize(
    ("language", "clean"),
    [
        ("ar", '<p>مرحبًا، <bdi translate="no">Naima Harrak</bdi></p>'),  # data: a name as it was typed
        ("ar", '<td><span lang="fr" dir="ltr">Mécaniciens et réparateurs de véhicules à moteur</span></td>'),
        ("ar", "<p>المعرف <code>python -m kafaat worker</code></p>"),  # computer text
        ("ar", "<p>ISCO-08 · MA-02 · OFPPT · 07/12/2026 · CSV</p>"),  # codes and acronyms
        (
            "ar",
            '<svg role="img" aria-label="رسم بياني"><g aria-roledescription="axis"><text>12</text></g></svg>',
        ),
        ("en", "<p>El Kelaa des Sraghna</p>"),  # a place name
        ("ar", "<li>جماعة أو إقليم غير معروف: \u2068Nulle-part\u2069.</li>"),  # a typed value, isolated
        ("fr", "<p>Licence CC BY 4.0</p>"),  # an acronym is no English word
        ("fr", "<p>Distribution, promotion, production</p>"),  # words French and English share
        ("en", '<form><button lang="fr">Français</button><button lang="ar">العربية</button></form>'),
        ("fr", '<input type="hidden" value="the and of"><textarea>the note as typed</textarea>'),
    ],
)
def test_data_other_languages_and_codes_are_left_alone(language, clean):
    assert find_leaks(page(clean, language), language) == []


def test_a_phrase_cut_by_data_is_two_pieces():
    assert visible_text(page('<p>Bienvenue, <bdi translate="no">the admin</bdi> !</p>'), "fr") == [
        "Bienvenue,",
        "!",
    ]


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_a_real_page_is_clean_until_a_string_is_planted(client, db, language):
    """The sign-in page as served: clean in every language; with one interface string of another language
    planted in it, the check fails and names the string."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    markup = client.get(reverse("login")).content.decode()
    assert find_leaks(markup, language) == []
    planted = {"fr": "Sign in", "ar": "Se connecter", "en": "Se connecter"}[language]
    poisoned = markup.replace("</main>", f"<p>{planted}</p></main>", 1)
    assert any(planted.casefold() in leak.context.casefold() for leak in find_leaks(poisoned, language))
