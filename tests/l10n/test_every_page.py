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
from tests.l10n.crawl import crawl, fetch
from tests.l10n.leaks import LANGUAGES, find_leaks


@pytest.mark.parametrize("username", [login.username for login in DEMO_LOGINS])
def test_every_page_speaks_the_readers_language(demo_site, db, username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    report, urls = [], []
    for language in LANGUAGES:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        extra = demo_site[language] if username == REVIEWER else []
        # Crawled in French; the other languages visit the same pages (and their own import report).
        pages = crawl(client, extra) if not urls else fetch(client, [*extra, *urls])
        urls = urls or [page.url for page in pages if page.url not in extra]
        for page in pages:
            assert page.status < 500, (page.url, language)
            for leak in find_leaks(page.markup, language):
                report.append(f"{language} {page.url}: {leak}")
    assert len(urls) > 20, urls  # the crawl reached the site, not only the home page
    assert not report, "\n".join(sorted(set(report)))
