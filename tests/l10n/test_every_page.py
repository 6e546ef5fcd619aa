"""Every page, as each demo log-in, in French, Arabic and English: no interface text in another language.

The pages are found by crawling (tests/l10n/crawl.py) and checked by tests/l10n/leaks.py; data (names,
titles users typed) is marked `translate="no"` in the templates and is not checked.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from kafaat.synth.demo import DEMO_LOGINS
from tests.l10n.conftest import REVIEWER
from tests.l10n.crawl import crawl
from tests.l10n.leaks import LANGUAGES, find_leaks


@pytest.mark.parametrize("username", [login.username for login in DEMO_LOGINS])
def test_every_page_speaks_the_readers_language(demo_site, db, username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    report = []
    for language in LANGUAGES:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for page in crawl(client, demo_site[language] if username == REVIEWER else []):
            assert page.status < 500, (page.url, language)
            for leak in find_leaks(page.markup, language):
                report.append(f"{language} {page.url}: {leak}")
    assert not report, "\n".join(sorted(set(report)))
