"""French by default, Arabic right-to-left, English; complete catalogues compiled from the .po files."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from kafaat.core.management.commands.compiletranslations import catalogue_dirs

LOCALE = Path(settings.LOCALE_PATHS[0])
# The project catalogue and the apps' own ones (each new domain app keeps its strings in <app>/locale).
CATALOGUES = [
    (directory, language)
    for directory in catalogue_dirs()
    for language in ("fr", "ar")
    if (directory / language / "LC_MESSAGES" / "django.po").exists()
]


@pytest.mark.parametrize(("directory", "language"), CATALOGUES)
def test_every_string_is_translated(directory, language):
    catalogue = polib.pofile(str(directory / language / "LC_MESSAGES" / "django.po"))
    assert len(catalogue) > (100 if directory == LOCALE else 0)
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, untranslated
    assert not fuzzy, fuzzy


@pytest.mark.parametrize(("directory", "language"), CATALOGUES)
def test_placeholders_survive_translation(directory, language):
    import re

    pattern = re.compile(r"%\(\w+\)[sd]")
    for entry in polib.pofile(str(directory / language / "LC_MESSAGES" / "django.po")):
        translations = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        for text in translations:
            expected = set(pattern.findall(entry.msgid_plural or entry.msgid)) | set(
                pattern.findall(entry.msgid)
            )
            assert set(pattern.findall(text)) <= expected, (entry.msgid, text)


def test_french_is_the_default_whatever_the_browser_says(client, db):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="fr" dir="ltr">' in page
    assert "Se connecter" in page


def test_switching_to_arabic_renders_right_to_left_and_sticks(client, world):
    client.force_login(world["users"]["caseworker_a"])
    response = client.post(reverse("set_language"), {"language": "ar", "next": reverse("core:organisations")})
    assert response.status_code == 302 and response["Location"] == reverse("core:organisations")
    page = client.get(reverse("core:organisations")).content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "المنظمات" in page
    assert world["ngo_a"].name_ar in page  # reference names follow the language too


def test_english_is_available(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="en" dir="ltr">' in page and "Sign in" in page


def test_an_unknown_language_cookie_falls_back_to_french(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert '<html lang="fr"' in client.get(reverse("login")).content.decode()


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_every_core_page_renders_in_every_language(client, world, language):
    client.force_login(world["users"]["admin_a"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    ngo = world["ngo_a"].pk
    for url in (
        reverse("home"),
        reverse("core:territories"),
        reverse("core:territories") + "?parent=MA-02",
        reverse("core:organisations"),
        reverse("core:organisation_detail", args=[ngo]),
        reverse("core:organisation_manage", args=[ngo]),
        reverse("core:audit"),
        reverse("core:api_tokens"),
        reverse("password_change"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}"' in response.content.decode()


def test_the_language_switch_is_on_every_page(client, world):
    assert 'name="language" value="ar"' in client.get(reverse("login")).content.decode()
    client.force_login(world["users"]["caseworker_a"])
    for url in (reverse("home"), reverse("core:organisations"), reverse("core:territories")):
        page = client.get(url).content.decode()
        assert 'name="language" value="ar"' in page, url
