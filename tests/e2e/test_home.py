"""A case worker's home page in a real browser, in Arabic: right to left, what is due this week and the
referral waiting, then the search box finds the person."""

import re
from datetime import date, timedelta

from django.utils import timezone
from playwright.sync_api import expect

from kafaat.core.l10n.formatting import isolate
from kafaat.core.models import Project
from kafaat.pathways import services as pathways
from kafaat.registry import services


def test_the_case_worker_s_home_in_arabic_leads_to_the_person(page, sign_in, world):
    today = timezone.localdate()
    project = Project.objects.create(
        code="tamkine", name_fr="Tamkine", start_date=today - timedelta(days=800)
    )
    project.participants.add(world["ngo_a"], world["ngo_b"])
    worker, partner = world["users"]["caseworker_a"], world["users"]["caseworker_b"]
    salma = services.register_person(
        worker, {"first_name_latin": "Salma", "last_name_latin": "Idrissi", "first_name_ar": "سلمى",
                 "last_name_ar": "الإدريسي", "sex": "F", "age": "22", "commune": "Oujda"},
        consent_given_on=today - timedelta(days=200),
    )  # fmt: skip
    pathways.record_step(worker, salma, "intake", project=project, on=today - timedelta(days=200))
    # A placement 100 days ago: its 3-month follow-up is overdue.
    pathways.record_step(worker, salma, "placement", project=project, on=today - timedelta(days=100),
                         placement_type="internship")  # fmt: skip
    youssef = services.register_person(
        partner, {"first_name_latin": "Youssef", "last_name_latin": "Tazi", "sex": "M", "age": "25",
                  "commune": "COM_0551"}, consent_given_on=date(2026, 1, 5),
    )  # fmt: skip
    pathways.refer_with_consent(partner, youssef, project=project, on=today, referral_target="organisation",
                                target_organisation=world["ngo_a"])  # fmt: skip

    sign_in("caseworker_a")
    page.click("button[data-language=ar]")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#panel-casework h2")).to_have_text("ما ينتظركم هذا الأسبوع")
    expect(page.locator("#follow-ups-overdue")).to_have_text(isolate("1"))
    expect(page.locator("#referrals-received")).to_have_text(isolate("1"))
    expect(page.locator("#panel-people")).to_contain_text("سجلتهم منظمتكم هذا الشهر")

    page.fill("#home-search-q", "سلمى")
    page.locator("#panel-people button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/people/\?q="))
    expect(page.locator("main table")).to_contain_text("Salma")
    page.go_back()
    page.locator("#panel-casework a[href$='#due']").click()
    expect(page.locator("#due")).to_contain_text("Salma")
