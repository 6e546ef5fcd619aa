"""Every page a user can reach, found the way a user finds them: from the menu and the links of each page.

The crawl starts at the home page and at every address of the URL resolver that takes no argument, then
follows the links (`href`, and htmx's `hx-get`) of each HTML page it gets, within the site. Addresses that
are downloads (exports, templates, reports: files, tested as files), sign-out, the language switch, the API
and Django's admin are not followed. To stay bounded,
one address is visited per route and set of query parameters (the first page of a list stands for the
others: `?page=2` renders the same template), and at most MAX_PAGES per user.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from django.urls import NoReverseMatch, Resolver404, get_resolver, resolve, reverse
from django.urls.resolvers import URLPattern, URLResolver
from lxml import html as lxml_html

MAX_PAGES = 120
NOT_FOLLOWED_PREFIXES = ("/api/", "/admin/", "/static/", "/i18n/", "/logout/", "/login/", "/health/")
NOT_FOLLOWED_SUFFIXES = (".xlsx", ".csv", ".xml", ".json", ".zip", ".pdf", ".png", ".svg")
DOWNLOADS = ("download", "template", "errors", "export", "report_xlsx", "iati_xml")  # route names: files


@dataclass(frozen=True)
class Page:
    url: str
    route: str
    status: int
    markup: bytes
    fragment: bool  # an htmx partial, not a whole document


def _routes(patterns, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            space = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern), space)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + str(pattern.pattern), namespace + pattern.name


def seeds() -> list[str]:
    """The home page and every named address that takes no argument."""
    found = ["/"]
    for route, name in _routes(get_resolver().url_patterns):
        if "<" in route or route.startswith("^"):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        if followed(url):
            found.append(url)
    return list(dict.fromkeys(found))


def followed(url: str) -> bool:
    path = urlsplit(url).path
    return (
        path.startswith("/")
        and not path.startswith(NOT_FOLLOWED_PREFIXES)
        and not path.endswith(NOT_FOLLOWED_SUFFIXES)
    )


def route_key(url: str) -> tuple[str, tuple[str, ...]] | None:
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if any(word in match.url_name for word in DOWNLOADS):
        return None
    return match.route, tuple(sorted({name for name, _value in parse_qsl(parts.query) if name != "page"}))


def links(markup: bytes) -> list[str]:
    try:
        root = lxml_html.fromstring(markup)
    except Exception:  # noqa: BLE001 — an empty or non-HTML body has no links
        return []
    found = [a.get("href") for a in root.iter("a") if a.get("href")]
    found += [element.get("hx-get") for element in root.iter() if element.get("hx-get")]
    return [url for url in found if followed(url)]


def crawl(client, extra: list[str] = (), max_pages: int = MAX_PAGES) -> list[Page]:
    """GET every page reachable by `client` (already signed in), once per route and query parameters;
    `extra` pages first (what no link of the demo reaches, or a particular page of a route)."""
    queue = deque([*extra, *seeds()])
    seen_keys: set = set()
    pages: list[Page] = []
    while queue and len(pages) < max_pages:
        url = queue.popleft()
        key = route_key(url)
        if key is None or key in seen_keys:
            continue
        seen_keys.add(key)
        response = client.get(url)
        if response.status_code in (301, 302):
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        markup = response.content
        pages.append(
            Page(url, key[0], response.status_code, markup, fragment=b"<html" not in markup[:400].lower())
        )
        if response.status_code == 200:
            queue.extend(links(markup))
    return pages


def fetch(client, urls: list[str]) -> list[Page]:
    """The same pages again (in another language: the links are the same, so no crawling)."""
    pages = []
    for url in urls:
        response = client.get(url)
        if "text/html" in response.get("Content-Type", ""):
            markup = response.content
            key = route_key(url)
            route = key[0] if key else url
            pages.append(Page(url, route, response.status_code, markup, b"<html" not in markup[:400].lower()))
    return pages
