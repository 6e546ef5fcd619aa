"""Referrals in a real browser: NGO A refers a person to NGO B with consent, NGO B accepts from its inbox."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from kafaat.core.models import Project
from kafaat.pathways.models import Step, StepStatus
from kafaat.registry import services


def test_a_referral_with_consent_is_accepted_by_the_receiving_organisation(page, sign_in, world, live_server):
    today = timezone.localdate()
    project = Project.objects.create(
        code="tamkine", name_fr="Tamkine", start_date=today - timedelta(days=365)
    )
    project.participants.add(world["ngo_a"], world["ngo_b"])
    person = services.register_person(
        world["users"]["caseworker_a"],
        {
            "first_name_latin": "Salma",
            "last_name_latin": "Idrissi",
            "sex": "F",
            "age": "22",
            "commune": "COM_0551",
        },
        consent_given_on=today,
    )
    ngo_b = world["ngo_b"]

    sign_in("caseworker_a")
    page.goto(f"/people/{person.pk}/")
    page.select_option("#step-kind", "referral")  # loads the referral's fields in place
    form = page.locator("#step-form form")
    expect(form.locator("[name=target_organisation]")).to_be_visible()
    form.locator("[name=project]").select_option(str(project.pk))
    form.locator("[name=referral_target]").select_option("organisation")
    form.locator("[name=target_organisation]").select_option(str(ngo_b.pk))
    form.locator("[name=programme]").fill("Aide-soignante")
    form.locator("[name=share_consent]").check()
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages li")).to_have_count(1)
    expect(page.locator("#timeline")).to_contain_text(ngo_b.name_fr)
    expect(page.locator("#consents")).to_contain_text(ngo_b.name_fr)
    referral = Step.objects.get(kind="referral")
    assert referral.status == StepStatus.PENDING and referral.target_organisation == ngo_b

    page.click("#logout-button")
    sign_in("caseworker_b")
    assert page.goto(f"/people/{person.pk}/").status == 404  # not before accepting
    page.goto("/")
    page.click(".mainnav a[href='/referrals/']")
    row = page.locator(f"#inbox tr[data-referral='{referral.pk}']")
    expect(row).to_contain_text("Salma Idrissi")
    expect(row).to_contain_text(world["ngo_a"].name_fr)
    row.locator("input[name=note]").fill("Entretien lundi")
    row.locator("button[value=accept]").click()

    expect(page).to_have_url(f"{live_server.url}/people/{person.pk}/")
    expect(page.locator("h1")).to_contain_text("Salma Idrissi")
    referral.refresh_from_db()
    assert referral.status == StepStatus.ACCEPTED and referral.outcome == "Entretien lundi"
