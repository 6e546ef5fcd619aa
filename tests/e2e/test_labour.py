"""Labour demand in a real browser: import vacancies (a bad file first), filter the list, confirm a suggested
occupation in the coding queue, record an employer's survey response and read the results."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kafaat.labour import classifier
from kafaat.labour.models import CodingStatus, Occupation, Sector, Survey, Vacancy
from kafaat.labour.reference import load_occupations, load_sectors

HEADER = "Référence;Entreprise;Secteur;Ville;Intitulé du poste;Nombre de postes;Date de publication\n"


@pytest.fixture
def reference(world):
    if not Occupation.objects.exists():  # the live server's database was flushed by an earlier test
        load_occupations(Occupation)
        load_sectors(Sector)
    classifier.base_index()  # built once per process (seconds): not inside a page's time limit


def test_import_filter_and_code_vacancies(page, sign_in, world, reference, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    bad = tmp_path / "offres.csv"
    bad.write_text(
        HEADER + "O-1;Oriental Textile;14;Oujda-Angad;Couturières (H/F);12;02/02/2026\n"
        "O-2;Oujda Froid;C;Atlantide;Frigoriste;2;03/02/2026\n",
        encoding="utf-8",
    )
    sign_in("caseworker_a")
    page.goto("/labour/vacancies/")
    page.click("a[href='/labour/vacancies/import/']")
    page.set_input_files("#id_file", str(bad))
    page.click("button[name=import]")
    expect(page.locator("#import-errors")).to_contain_text("Atlantide")
    assert not Vacancy.objects.exists()

    good = tmp_path / "offres-corrigees.csv"
    good.write_text(
        HEADER + "O-1;Oriental Textile;14;Oujda-Angad;Couturières (H/F);12;02/02/2026\n"
        "O-2;Oujda Froid;C;Oujda-Angad;Frigoriste;2;03/02/2026\n"
        "O-3;Oujda Froid;C;Oujda-Angad;Soudeurs TIG;3;04/02/2026\n",
        encoding="utf-8",
    )
    page.goto("/labour/vacancies/import/")  # from the job's page back to the form
    page.set_input_files("#id_file", str(good))
    page.click("button[name=import]")
    expect(page.locator("#imported-count")).to_have_text("3")

    page.goto("/labour/vacancies/")
    expect(page.locator("#vacancy-rows tbody tr")).to_have_count(3)
    page.select_option("#id_occupation", "72")  # htmx swaps the rows in place
    expect(page.locator("#vacancy-rows tbody tr")).to_have_count(1)
    expect(page.locator("#vacancy-rows")).to_contain_text("Soudeurs TIG")

    page.goto("/labour/vacancies/coding/")
    sewing = Vacancy.objects.get(external_id="O-1")
    row = page.locator(f"#vacancy-{sewing.pk}")
    expect(row).to_contain_text("8153")
    row.locator("input[name=occupation]:not([type=hidden])").fill("7531")
    row.locator("td:last-child button").click()
    expect(page.locator(f"#vacancy-{sewing.pk} .badge")).to_be_visible()  # the row now says "confirmed"
    expect(page.locator(f"#vacancy-{sewing.pk}")).to_contain_text("7531")
    sewing.refresh_from_db()
    assert sewing.coding_status == CodingStatus.CONFIRMED and sewing.occupation.code == "7531"


def test_a_survey_response_shows_in_the_results(page, sign_in, world, reference):
    from kafaat.labour import services

    user = world["users"]["caseworker_a"]
    oujda = world["ngo_a"].territory
    employer = services.create_employer(
        user, name="Atlas Agro", territory=oujda, sector=Sector.objects.get(code="10")
    )
    survey = Survey.objects.create(
        organisation=world["ngo_a"],
        code="or-26",
        title="Besoins Oriental 2026",
        territory=oujda.parent,
        opens_on=timezone.localdate(),
    )
    sign_in("caseworker_a")
    page.goto("/labour/surveys/")
    page.click(f"a[href='/labour/surveys/{survey.pk}/respond/']")
    page.select_option("#id_employer", str(employer.pk))
    page.fill("#id_answered_on", timezone.localdate().isoformat())
    page.select_option("#id_hiring_intention", "yes")
    page.fill("#id_planned_hires", "8")
    page.fill("#id_needs-0-title", "Opérateur agroalimentaire")
    page.fill("#id_needs-0-positions", "6")
    page.check("#id_needs-0-hard_to_fill")
    page.check("#id_needs-0-reasons input[value=skills]")
    page.click("#response-form button[type=submit]")
    expect(page.locator("#survey-summary")).to_contain_text("8")
    expect(page.locator("#by-occupation")).to_contain_text("81")
    expect(page.locator("#reasons")).to_contain_text("compétences")  # French, the default language


def test_add_an_employer_and_record_its_vacancy(page, sign_in, world, reference):
    sign_in("caseworker_a")
    page.goto("/labour/employers/")
    page.click("a[href='/labour/employers/new/']")
    page.fill("#id_name", "Berkane Agrumes SARL")
    page.select_option("#id_sector", str(Sector.objects.get(code="01").pk))
    page.select_option("#id_territory", str(world["ngo_a"].territory.pk))
    page.click("#employer-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Berkane Agrumes SARL")
    page.fill("#id_title", "Ouvrières agricoles saisonnières")
    page.fill("#id_positions", "25")
    page.fill("#id_posted_on", timezone.localdate().isoformat())
    page.click("#vacancy-new button[type=submit]")
    expect(page.locator("#occupation")).to_contain_text("9211")
    vacancy = Vacancy.objects.get()
    assert vacancy.positions == 25 and vacancy.employer.name == "Berkane Agrumes SARL"
    page.goto("/labour/employers/?q=berkane")
    expect(page.locator("#employer-rows tbody tr")).to_have_count(1)
