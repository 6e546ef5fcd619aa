"""Open data in a real browser: an analyst publishes the Oriental's 2025 package from the form, then an
anonymous visitor finds it on the public page, in Arabic, right to left, and downloads its descriptor; in
Arabic, an analyst follows a publication's job from the queue to its package."""

import re
import sys

import pytest
from playwright.sync_api import expect

import kafaat.observatory
from kafaat.core import jobs
from kafaat.core.models import Job
from kafaat.observatory import publication, snapshot, warehouse
from kafaat.observatory.publication.models import Publication
from kafaat.observatory.tests import fake_gaps


@pytest.fixture
def figures(monkeypatch, settings, tmp_path):
    settings.KAFAAT_WAREHOUSE_PATH = tmp_path / "warehouse.duckdb"
    settings.KAFAAT_OPEN_DATA_DIR = tmp_path / "open-data"
    monkeypatch.setitem(sys.modules, "kafaat.observatory.gaps", fake_gaps)
    monkeypatch.setattr(kafaat.observatory, "gaps", fake_gaps, raising=False)
    warehouse.refresh()
    yield
    snapshot.close_all()


def test_an_analyst_publishes_and_the_public_reads_it_in_arabic(
    page, sign_in, world, figures, browser, live_server
):
    sign_in("analyst_oriental")
    page.goto("/open-data/publish/")
    page.select_option("#id_region", "MA-02")
    page.select_option("#id_year", "2025")
    page.click("#publish-button")
    # The job's page (the tests run a job as soon as it is queued): it links to the new package.
    expect(page.locator("#publish-status")).to_contain_text("version 1")
    page.click("#package-link")
    expect(page).to_have_url(f"{live_server.url}/open-data/MA-02/2025/v1/")
    expect(page.locator("#files")).to_contain_text("datapackage.json")
    assert Publication.objects.get().published_by == world["users"]["analyst_oriental"]

    anonymous = browser.new_context(base_url=live_server.url, locale="en-US")
    try:
        visitor = anonymous.new_page()
        visitor.goto("/open-data/")
        expect(visitor).to_have_url(f"{live_server.url}/open-data/")  # no log-in asked
        expect(visitor.locator("#package-MA-02-2025-v1")).to_be_visible()
        visitor.click("button[data-language=ar]")
        expect(visitor.locator("html")).to_have_attribute("dir", "rtl")
        expect(visitor.locator("h1")).to_have_text("البيانات المفتوحة لمرصد الكفاءات")
        visitor.click("#package-MA-02-2025-v1 a")
        expect(visitor.locator("#package-title")).to_contain_text("الشرق")
        expect(visitor.locator("#methodology")).to_contain_text("CC BY 4.0")
        with visitor.expect_download() as download:
            visitor.click("#files a[href$='datapackage.json']")
        assert download.value.suggested_filename == "datapackage.json"
        visitor.goto("/open-data/publish/")
        expect(visitor).to_have_url(f"{live_server.url}/login/?next=/open-data/publish/")
    finally:
        anonymous.close()


def test_an_analyst_follows_a_publication_in_arabic_from_the_queue_to_the_package(
    page, sign_in, world, figures, settings, live_server
):
    # The database queue and no worker: the job waits until this test runs it, as a worker would.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    sign_in("analyst_oriental")
    page.click("button[data-language=ar]")
    page.goto("/open-data/publish/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.select_option("#id_region", "MA-02")
    page.select_option("#id_year", "2025")
    page.click("#publish-button")
    expect(page).to_have_url(re.compile(r"/open-data/publish/[0-9a-f-]{36}/$"))
    expect(page.locator("#publish-progress-text")).to_contain_text("في انتظار المعالج")
    expect(page.locator("#publish-progress")).to_be_visible()
    assert not Publication.objects.exists()

    job = Job.objects.get(kind=publication.PUBLISH_JOB)
    assert jobs.execute(str(job.pk), worker="e2e") == Job.Status.DONE
    # The page polls every second: it shows the outcome without a reload, in Arabic.
    expect(page.locator("#publish-status")).to_contain_text("نُشرت الحزمة: الإصدار 1")
    expect(page.locator("#publish-job")).to_have_attribute("data-status", "done")
    page.click("#package-link")
    expect(page).to_have_url(f"{live_server.url}/open-data/MA-02/2025/v1/")
    expect(page.locator("#package-title")).to_contain_text("الشرق")
