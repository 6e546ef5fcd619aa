"""The jobs page in a real browser: an administrator finds a failed import in fr, ar (right to left) and en,
retries it, and sees it done."""

from pathlib import Path

from playwright.sync_api import expect

from kafaat.core.models import ImportJob, Job
from kafaat.registry.imports import runs as import_runs
from kafaat.registry.models import Person
from kafaat.registry.tests.test_import_people import GOOD, HEADER, write_csv


def _a_failed_import(world, settings, tmp_path) -> Job:
    """An import whose worker was killed: its upload is still there, its job failed."""
    settings.MEDIA_ROOT = tmp_path / "media"
    upload = ImportJob.objects.create(
        user=world["users"]["caseworker_a"], organisation=world["ngo_a"], kind="people",
        file_name="people.csv", file_path="imports/killed/upload.csv", status=ImportJob.Status.FAILED,
    )  # fmt: skip
    (Path(settings.MEDIA_ROOT) / "imports" / "killed").mkdir(parents=True)
    write_csv(Path(settings.MEDIA_ROOT) / upload.file_path, HEADER, GOOD)
    job = Job.objects.create(
        kind=import_runs.KIND, user=upload.user, organisation=upload.organisation, target=str(upload.pk),
        status=Job.Status.FAILED, message="The worker stopped while this job ran.", attempts=1,
    )  # fmt: skip
    ImportJob.objects.filter(pk=upload.pk).update(job=job)
    return job


def test_an_administrator_retries_a_failed_job_in_three_languages(page, sign_in, world, settings, tmp_path):
    job = _a_failed_import(world, settings, tmp_path)
    sign_in("admin_a")
    row = page.locator(f"tr[data-job='{job.pk}']")

    page.click("button[data-language=fr]")
    page.goto("/jobs/")
    expect(page.locator("h1")).to_have_text("Tâches de fond")
    expect(row).to_contain_text("Import de personnes ou d’étapes")
    expect(row).to_contain_text("caseworker_a")
    expect(row).to_contain_text("Échec")

    page.click("button[data-language=ar]")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("h1")).to_have_text("المهام في الخلفية")
    expect(row.locator("button")).to_have_text("إعادة المحاولة")

    page.click("button[data-language=en]")
    expect(page.locator("h1")).to_have_text("Background jobs")
    row.locator("button", has_text="Retry").click()
    expect(page.locator(".messages")).to_contain_text("The job is queued again.")
    expect(row).to_have_attribute("data-status", "done")
    expect(row.locator("button")).to_have_count(0)
    assert Person.objects.count() == 3
