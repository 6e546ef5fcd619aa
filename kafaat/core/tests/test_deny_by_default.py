"""Every page and API route refuses anonymous visitors unless it is explicitly public."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC_PREFIXES = ("login/", "i18n/", "api/docs", "api/openapi.json", "admin/")
# Published open data (docs/open-data.md): list, package, latest version, files, and the API list.
PUBLIC_ROUTES = {
    "/health/",  # for monitors: counts and ages only (kafaat/core/tests/test_health.py)
    "/open-data/",
    "/open-data/x/1/latest/",
    "/open-data/x/1/v1/",
    "/open-data/x/1/v1/x",
    "/api/open-data/packages",
    # An applicant organisation registers itself from a published call, or follows its invitation
    # (kafaat/grants/tests/test_apply_applicants.py: throttled, signed, expiring).
    "/grants/calls/1/register/",
    "/grants/invitations/x/",
}


def _routes(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


SAMPLE_VALUES = {
    "int": "1",
    "uuid": "00000000-0000-0000-0000-000000000001",
    "str": "x",
    "slug": "x",
    "path": "x",
}


def _concrete(route: str) -> str:
    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_VALUES[m.group(1) or "str"], route)
    return "/" + route.lstrip("^").rstrip("$")


# "/api/" is django-ninja's root, which only ever answers 404.
ROUTES = sorted({_concrete(r) for r in _routes(get_resolver().url_patterns)} - {"/api/"})


@pytest.mark.parametrize(
    "url", [r for r in ROUTES if not r.lstrip("/").startswith(PUBLIC_PREFIXES) and r not in PUBLIC_ROUTES]
)
def test_anonymous_visitors_are_refused(client, db, url):
    response = client.get(url)
    if url.startswith("/api/"):
        assert response.status_code in (401, 405), url
    else:
        assert response.status_code in (302, 405), url
        if response.status_code == 302:
            assert response["Location"].startswith("/login/") or "/admin/login/" in response["Location"]


@pytest.mark.parametrize("url", sorted(PUBLIC_ROUTES))
def test_the_open_data_routes_are_public(client, db, url):
    assert url in ROUTES
    response = client.get(url)
    # 404: no such package or call yet; 400: a forged invitation link — never the log-in page.
    assert response.status_code in (200, 400, 404), url


def test_the_api_documentation_is_served_locally(client, db):
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    # Offices are often offline: every script and style sheet must come from this server. (Searching the
    # page for "cdn" failed once on a random CSRF token that happened to contain those letters.)
    page = docs.content.decode()
    asset_urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", page)
    assert any(url.startswith("/static/") for url in asset_urls)
    remote = [url for url in asset_urls if re.match(r"^(https?:)?//", url)]
    assert remote == []
    schema = client.get("/api/openapi.json").json()
    assert "/api/organisations" in schema["paths"]
