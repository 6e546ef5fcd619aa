"""The registration form and a step in Arabic, in a real browser: required fields marked, the nationality
picked from the country list in Arabic, a programme picked from the catalogue's suggestions, and the stage bar
on the record."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from kafaat.core.models import Project
from kafaat.pathways.models import Step
from kafaat.registry import services
from kafaat.registry.models import Person
from kafaat.training.tests.conftest import sectors, supply  # noqa: F401  (the training catalogue)


def test_a_person_is_registered_in_arabic_with_a_nationality_from_the_list(page, sign_in, world, live_server):
    sign_in("caseworker_a")
    page.goto("/people/new/")
    page.click("button[data-language=ar]")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#required-note")).to_have_text("الحقول المعلمة بـ * إلزامية.")
    expect(page.locator("label[for=id_commune] .required-mark")).to_have_count(1)
    expect(page.locator("#id_nationality")).to_have_value("المغرب (MA)")

    senegal = page.locator("#countries option[value^='السنغال']")
    expect(senegal).to_have_count(1)
    page.fill("#id_nationality", senegal.get_attribute("value"))  # what choosing it from the list types
    page.fill("#id_first_name_latin", "Awa")
    page.fill("#id_last_name_latin", "Diop")
    page.check("#id_sex input[value=F]")
    page.fill("#id_age", "26")
    page.fill("#id_commune", "وجدة")
    page.check("#id_consent")
    page.click("#person-form button[type=submit]")

    expect(page.locator("h1")).to_contain_text("Awa Diop")
    person = Person.objects.get(last_name_latin="Diop")
    assert (person.nationality, person.migration_status) == ("SN", "regular_migrant")
    facts = page.locator("#key-facts")
    expect(facts).to_contain_text("السنغال")
    expect(page.locator("#stage")).to_contain_text("لا توجد أي مرحلة بعد")


def test_an_enrolment_picks_its_programme_from_the_catalogue_and_the_stage_moves(
    page,
    sign_in,
    world,
    supply,  # noqa: F811
    live_server,
):
    today = timezone.localdate()
    project = Project.objects.create(
        code="tamkine", name_fr="Tamkine", start_date=today - timedelta(days=365)
    )
    project.participants.add(world["ngo_a"])
    person = services.register_person(
        world["users"]["caseworker_a"],
        {"first_name_ar": "سلمى", "last_name_ar": "الودغيري", "sex": "F", "age": "22", "commune": "COM_0551"},
        consent_given_on=today,
    )
    sign_in("caseworker_a")
    page.goto(f"/people/{person.pk}/")
    page.click("button[data-language=ar]")
    page.select_option("#step-kind", "enrolment")
    form = page.locator("#step-form form")
    programme = form.locator("[name=programme]")
    expect(programme).to_be_visible()
    programme.press_sequentially("كهرباء", delay=50)  # htmx asks for the catalogue's suggestions
    option = page.locator("#programme-options option")
    expect(option).to_have_count(1)
    label = option.get_attribute("value")
    assert label == "كهرباء البناء — المعهد المتخصص للتكنولوجيا التطبيقية الناظور"
    programme.fill(label)
    form.locator("[name=project]").select_option(str(project.pk))
    form.locator("button[type=submit]").click()

    expect(page.locator("#timeline")).to_contain_text("كهرباء البناء")
    step = Step.objects.get(person=person, kind="enrolment")
    assert step.training_programme == supply["electricity"]
    expect(page.locator("#timeline [data-to-match]")).to_have_count(0)
    expect(page.locator("#stage li[aria-current=step]")).to_have_text("التكوين")
