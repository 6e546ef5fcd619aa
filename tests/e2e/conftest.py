"""Browser tests: Playwright drives Debian's /usr/bin/chromium, headless, against pytest-django's live server.

No browser is downloaded: Playwright's Python package brings its driver, the browser is the system's. Where
there is no chromium the tests are skipped, unless KAFAAT_REQUIRE_BROWSER=1 (CI), where that is a failure.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls of the test itself are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("KAFAAT_CHROMIUM", "/usr/bin/chromium"))
# axe-core, installed by `make install` (npm ci, package-lock.json): the accessibility tests inject it.
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "A-long-test-password-1"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("KAFAAT_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script; the tests that need it are skipped when it is not installed (no npm), unless
    KAFAAT_REQUIRE_BROWSER=1 (CI), where that is a failure."""
    if not AXE.exists():
        message = f"{AXE} is missing: run `make install` (npm ci) where npm exists"
        if os.environ.get("KAFAAT_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def sign_in(page):
    def sign_in_as(username: str, password: str = PASSWORD) -> None:
        page.goto("/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]:not(.linklike)")

    return sign_in_as
