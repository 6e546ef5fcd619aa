"""People pages in a real browser: registering a person with the page in Arabic, then finding her by name."""

from django.utils import timezone
from playwright.sync_api import expect

from kafaat.registry import services
from kafaat.registry.models import Consent, Person


def test_a_case_worker_registers_a_person_in_arabic_and_finds_her_by_part_of_her_name(
    page, sign_in, world, live_server
):
    caseworker = world["users"]["caseworker_a"]
    # Someone else in the caseload, who must drop out of the results as the name is typed.
    services.register_person(
        caseworker,
        {"first_name_ar": "يوسف", "last_name_ar": "العمراني", "sex": "M", "age": "30", "commune": "COM_0551"},
        consent_given_on=timezone.localdate(),
    )
    sign_in("caseworker_a")
    page.goto("/people/new/")
    page.click("button[data-language=ar]")
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ar")
    expect(page.locator("#id_first_name_ar")).to_have_attribute("dir", "rtl")

    page.fill("#id_first_name_ar", "نور الهدى")
    page.fill("#id_last_name_ar", "الصديقي")
    page.check("#id_sex input[value=F]")
    page.fill("#id_age", "24")
    page.fill("#id_phone", "06 55 44 33 22")
    page.fill("#id_commune", "وجدة")  # the Arabic name of the commune is enough
    page.select_option("#id_education_level", "vocational")
    page.check("#id_languages input[value=ary]")
    page.check("#id_consent")
    page.click("#person-form button[type=submit]")

    expect(page.locator("h1 .name-ar")).to_have_text("نور الهدى الصديقي")
    expect(html).to_have_attribute("dir", "rtl")
    person = Person.objects.get(last_name_ar="الصديقي")
    assert person.territory.code == "COM_0551" and person.birth_date_estimated
    assert person.consents.filter(purpose=Consent.Purpose.REGISTRATION).exists()

    page.goto("/people/")
    rows = page.locator("#people-rows tbody")
    expect(rows).to_contain_text("العمراني")
    page.locator("#id_q").press_sequentially("الهد", delay=50)  # part of her first name, live search
    expect(rows).not_to_contain_text("العمراني")
    expect(rows).to_contain_text("نور الهدى الصديقي")
    page.locator("#people-rows tbody a[lang=ar]").first.click()
    expect(page).to_have_url(f"{live_server.url}/people/{person.pk}/")
    expect(page.locator("h1")).to_contain_text("نور الهدى الصديقي")
