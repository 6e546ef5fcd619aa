"""Expert missions in a real browser: a programme manager plans a mission through the form and marks it done;
a donor reads the roll-up in Arabic, right to left, and groups it by the expert's country."""

import re

from playwright.sync_api import expect

from kafaat.missions.models import ExpertMission
from kafaat.missions.tests.conftest import twinning  # noqa: F401  (shared fixture)


def test_a_manager_plans_a_mission_then_marks_it_done(page, sign_in, twinning, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    report = tmp_path / "rapport.pdf"
    report.write_bytes(b"%PDF-1.4\n% mission report\n")
    sign_in("manager")
    page.click("button[data-language=en]")
    page.goto("/missions/")
    expect(page.locator("#missions tbody tr")).to_have_count(6)
    page.click("#mission-create")
    page.select_option("#id_expert", str(twinning["experts"][1].pk))
    page.select_option("#id_organiser", str(twinning["agency"].pk))
    page.select_option("#id_project", "twin")
    page.select_option("#id_result", str(twinning["component"].pk))
    page.select_option("#id_territory", "MA-04")
    page.fill("#id_purpose", "Competency standards workshop")
    page.fill("#id_start_date", "2025-10-06")
    page.fill("#id_end_date", "2025-10-12")
    page.set_input_files("#id_report", str(report))
    page.click("#mission-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/missions/\d+/$"))
    expect(page.locator("#mission-person-days")).to_contain_text("5")  # Monday to Friday
    expect(page.locator("#mission-status")).to_have_text("Planned")
    page.click("#step-complete")
    expect(page.locator("#mission-status")).to_have_text("Done")
    assert ExpertMission.objects.get(purpose="Competency standards workshop").status == "done"


def test_a_donor_reads_the_rollup_in_arabic(page, sign_in, twinning):  # noqa: F811
    sign_in("donor")
    page.click("button[data-language=ar]")
    page.goto("/missions/rollup/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("h1")).to_have_text("البعثات وأيام العمل")
    expect(page.locator("#rollup-total")).to_contain_text("12,5")
    page.select_option("#id_by", "country")
    page.click("#rollup-filters button[type=submit]")
    expect(page.locator("#rollup tbody tr")).to_have_count(2)
    expect(page.locator("#rollup tbody tr[data-key=FR]")).to_contain_text("3")
