"""Training supply in a real browser: an analyst filters establishments and reads a programme's figures; an
establishment manager imports a table, reads its errors, then imports the corrected one."""

import re

from playwright.sync_api import expect

from kafaat.training.models import SupplyStatistic
from kafaat.training.tests.conftest import sectors, supply  # noqa: F401  (shared fixtures)


def test_an_analyst_filters_establishments_and_opens_a_programme(page, sign_in, supply):  # noqa: F811
    SupplyStatistic.objects.create(
        programme=supply["electricity"], year=2024, source="published", enrolled=58, enrolled_women=4
    )
    sign_in("national")  # the national administrator (superuser)
    page.click("button[data-language=en]")
    page.goto("/")
    page.click(".nav-group summary:has-text('Training')")  # the national administrator's drop-down
    page.click(".mainnav a[href='/training/']")
    rows = page.locator("#establishments tbody tr")
    expect(rows).to_have_count(2)
    page.select_option("#id_region", "MA-01")  # htmx swaps the rows in place
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("ITA Tanger")
    expect(page).to_have_url(re.compile(r"region=MA-01"))
    page.select_option("#id_region", "MA-02")
    expect(rows.first).to_contain_text("ISTA Nador")
    expect(page.locator(".totals tbody tr")).to_have_count(1)
    rows.first.locator("a").click()
    expect(page.locator("h1")).to_have_text("ISTA Nador")
    expect(page.locator("#programmes tbody tr")).to_have_count(2)
    # In French, declared so: the programme has no English title.
    page.click("#programmes a:has-text('Électricité du bâtiment')")
    expect(page.locator("#occupations")).to_contain_text("7411")
    expect(page.locator("#published tbody tr")).to_have_count(1)
    expect(page.locator("#published")).to_contain_text("2024-2025")


def test_a_manager_imports_a_table_sees_the_errors_then_imports_it_corrected(
    page,
    sign_in,
    supply,  # noqa: F811
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    header = "Code établissement;Code filière;Année de formation;Inscrits;Inscrits dont filles;Lauréats\n"
    bad = tmp_path / "bad.csv"
    bad.write_text(
        header + "ista-nador;Q-EB;2024-2025;58;4;60\nista-nador;NOPE;2024;10;1;2\n", encoding="utf-8"
    )
    sign_in("establishment")
    page.click("button[data-language=en]")
    page.goto("/training/import/")
    expect(page.locator("#import-templates a")).to_have_count(3)
    page.set_input_files("#id_file", str(bad))
    page.click("button[name=import]")
    expect(page).to_have_url(re.compile(r"/training/import/[0-9a-f-]{36}/$"))
    expect(page.locator("#import-status")).to_contain_text("Rejected")
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_contain_text("More graduates (60) than enrolled (58).")
    expect(errors.nth(1)).to_contain_text("NOPE")
    assert not SupplyStatistic.objects.exists()
    good = tmp_path / "good.csv"
    good.write_text(header + "ista-nador;Q-EB;2024-2025;58;4;21\n", encoding="utf-8")
    page.click("text=Import another file")
    page.set_input_files("#id_file", str(good))
    page.click("button[name=import]")
    expect(page.locator("#import-status")).to_contain_text("Imported")
    assert SupplyStatistic.objects.get().graduates == 21
    page.goto(f"/training/{supply['nador'].pk}/")
    expect(page.locator("#establishment-totals")).to_contain_text("58")


def test_a_manager_derives_again_in_arabic_and_follows_the_job_to_its_report(
    page,
    sign_in,
    supply,  # noqa: F811
    settings,
):
    from kafaat.core import jobs
    from kafaat.core.models import Job
    from kafaat.training import derivation_jobs

    # The database queue and no worker: the job waits until this test runs it, as a worker would.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    sign_in("establishment")
    page.click("button[data-language=ar]")
    page.goto("/training/import/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.click("#derive-again")
    expect(page).to_have_url(re.compile(r"/training/derive/[0-9a-f-]{36}/$"))
    expect(page.locator("#derive-progress-text")).to_contain_text("في انتظار المعالج")
    expect(page.locator("#derive-progress")).to_be_visible()

    job = Job.objects.get(kind=derivation_jobs.DERIVE_JOB)
    assert jobs.execute(str(job.pk), worker="e2e") == Job.Status.DONE
    # The page polls every second: it shows the report without a reload, in Arabic.
    expect(page.locator("#derive-job")).to_have_attribute("data-status", "done")
    expect(page.locator("#derive-status")).to_contain_text("إحصائيات محسوبة من")
    expect(page.locator("#derive-summary")).to_contain_text("تسجيلات مطابقة لشعبة")
