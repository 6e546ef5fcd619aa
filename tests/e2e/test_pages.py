"""The main path of every page not covered by the feature tests, in a real browser."""

from datetime import date, timedelta

from django.utils import timezone
from playwright.sync_api import expect

from kafaat.core.models import Project
from kafaat.pathways import services as pathways
from kafaat.registry import services
from kafaat.registry.models import MatchCandidate, Person

PASSWORD = "A-long-test-password-1"
SALMA = {
    "first_name_latin": "Salma",
    "last_name_latin": "Idrissi",
    "sex": "F",
    "age": "22",
    "commune": "Oujda",
}


def _in_english(page, live_server):
    page.context.add_cookies([{"name": "kafaat_language", "value": "en", "url": live_server.url}])


def test_territories_drill_down_from_region_to_communes(page, sign_in, world):
    sign_in("caseworker_a")
    page.goto("/territories/")
    page.get_by_role("link", name="Oriental", exact=True).click()
    expect(page.locator("table")).to_contain_text("Oujda-Angad")
    page.get_by_role("link", name="Oujda-Angad").click()
    expect(page.locator(".breadcrumb")).to_contain_text("Oujda-Angad")
    expect(page.locator("table")).to_contain_text("COM_")


def test_an_administrator_reads_the_audit_log_of_their_members(page, sign_in, world, live_server):
    _in_english(page, live_server)
    sign_in("caseworker_a")
    page.click("#logout-button")
    sign_in("admin_a")
    page.goto("/audit/")
    page.select_option("#id_action", "login")
    page.click("form.filters button[type=submit]")
    rows = page.locator("table tbody")
    expect(rows).to_contain_text("caseworker_a")
    expect(rows).to_contain_text("admin_a")


def test_a_user_creates_an_api_token_that_is_shown_once(page, sign_in, world):
    sign_in("caseworker_a")
    page.goto("/account/tokens/")
    page.fill("#id_name", "export nocturne")
    page.click("section.card button[type=submit]")
    token = page.locator("#new-token").inner_text().strip()
    assert token.startswith("kft_")
    expect(page.locator("table")).to_contain_text("export nocturne")
    page.goto("/account/tokens/")  # a later visit, or a refresh: the key is gone
    expect(page.locator("#new-token")).to_have_count(0)


def test_a_user_changes_their_password_and_signs_in_with_it(page, sign_in, world):
    sign_in("caseworker_a")
    page.goto("/account/password/")
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", "Un-nouveau-mot-de-passe-2026")
    page.fill("#id_new_password2", "Un-nouveau-mot-de-passe-2026")
    page.click("main button[type=submit]")
    expect(page).to_have_url(page.url.split("/account/")[0] + "/account/password/done/")
    page.click("#logout-button")
    sign_in("caseworker_a", "Un-nouveau-mot-de-passe-2026")
    expect(page.locator(".role-card")).to_have_count(1)


def test_a_case_worker_edits_a_record_and_sees_the_change_in_its_history(page, sign_in, world, live_server):
    _in_english(page, live_server)
    person = services.register_person(
        world["users"]["caseworker_a"], SALMA, consent_given_on=date(2026, 1, 5)
    )
    sign_in("caseworker_a")
    page.goto(f"/people/{person.pk}/edit/")
    page.fill("#id_phone", "06 61 22 33 44")
    page.locator("#person-form button[type=submit]").first.click()
    expect(page).to_have_url(f"{live_server.url}/people/{person.pk}/")
    assert Person.objects.get(pk=person.pk).phone == "+212661223344"
    page.goto(f"/people/{person.pk}/edit/")
    expect(page.locator("#history")).to_contain_text("Phone: — → +212661223344")


def test_the_caseload_shows_a_follow_up_that_is_due(page, sign_in, world, live_server):
    _in_english(page, live_server)
    today = timezone.localdate()
    project = Project.objects.create(
        code="tamkine", name_fr="Tamkine", start_date=today - timedelta(days=800)
    )
    project.participants.add(world["ngo_a"])
    worker = world["users"]["caseworker_a"]
    person = services.register_person(worker, SALMA, consent_given_on=today - timedelta(days=200))
    pathways.record_step(worker, person, "intake", project=project, on=today - timedelta(days=200))
    pathways.record_step(
        worker,
        person,
        "placement",
        project=project,
        on=today - timedelta(days=100),
        placement_type="internship",
    )
    sign_in("caseworker_a")
    page.goto("/caseload/")
    expect(page.locator("#due")).to_contain_text("Salma Idrissi")
    expect(page.locator("#caseload-rows")).to_contain_text("Salma Idrissi")


def test_an_administrator_merges_a_proposed_pair_from_the_review_queue(page, sign_in, world, live_server):
    _in_english(page, live_server)
    worker = world["users"]["caseworker_a"]
    first = services.register_person(worker, SALMA, consent_given_on=date(2026, 1, 5))
    again = services.register_person(
        worker,
        {**SALMA, "first_name_latin": "Selma", "phone": "0612345678"},
        consent_given_on=date(2026, 2, 1),
    )
    candidate = MatchCandidate.objects.create(person_a=first, person_b=again, probability=0.97)
    sign_in("admin_a")
    page.goto("/people/duplicates/")
    page.locator(f"#pair-{candidate.pk} button[value=merge]").click()
    expect(page.locator("#recent-merges")).to_be_visible()
    merged = Person.objects.filter(pk__in=[first.pk, again.pk], merged_into__isnull=False)
    assert merged.count() == 1


def test_a_spreadsheet_is_checked_for_duplicates_and_the_clusters_downloaded(
    page, sign_in, world, live_server, tmp_path
):
    _in_english(page, live_server)
    source = tmp_path / "liste.csv"
    source.write_text(
        "Réf;Prénom;Nom;GSM\n1;Fatima Zahra;Benali;0612345678\n2;Fatimazahra;Ben Ali;06 12 34 56 78\n"
        "3;Youssef;Tazi;0700112233\n",
        encoding="utf-8",
    )
    sign_in("caseworker_a")
    page.goto("/people/dedupe-file/")
    page.set_input_files("#id_file", str(source))
    page.locator("main button[type=submit]").first.click()
    expect(page.locator("#dedupe-mapping")).to_be_visible()
    page.select_option("#id_column", "Réf")
    page.locator("#dedupe-mapping button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("3 rows, 2 people", timeout=60_000)
    with page.expect_download() as download:
        page.click("#download-clusters")
    clusters = download.value.path().read_text(encoding="utf-8")
    assert len(clusters.strip().splitlines()) == 4  # the header and every input row
