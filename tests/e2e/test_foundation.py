"""The foundation in a real browser: sign in, switch to Arabic, access refused across organisations."""

from playwright.sync_api import expect


def test_sign_in_and_out(page, sign_in, world, live_server):
    sign_in("caseworker_a")
    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator("h1")).to_contain_text("caseworker_a")
    expect(page.locator(".role-card")).to_have_count(1)
    page.click("#logout-button")
    expect(page.locator("#id_username")).to_be_visible()


def test_a_wrong_password_shows_an_error_and_does_not_sign_in(page, sign_in, world):
    sign_in("caseworker_a", "not-the-password")
    expect(page.locator(".errorlist")).to_be_visible()
    expect(page.locator("#id_username")).to_be_visible()


def test_switching_to_arabic_renders_the_page_right_to_left(page, sign_in, world):
    sign_in("caseworker_a")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "fr")
    expect(html).to_have_attribute("dir", "ltr")
    page.click("button[data-language=ar]")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ar")
    expect(page.locator(".mainnav")).to_contain_text("المنظمات")
    # The navigation starts on the right in Arabic: its first entry sits right of its last.
    items = page.locator("#nav-bar > li")
    first, last = items.first.bounding_box(), items.last.bounding_box()
    assert first["x"] > last["x"]
    page.goto("/organisations/")
    expect(html).to_have_attribute("dir", "rtl")  # the choice sticks across pages


def test_a_case_worker_cannot_open_another_organisations_admin_page(page, sign_in, world):
    sign_in("caseworker_a")
    response = page.goto(f"/organisations/{world['ngo_b'].pk}/manage/")
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text(world["ngo_b"].name_fr)
    own = page.goto(f"/organisations/{world['ngo_a'].pk}/manage/")
    assert own.status == 403
    expect(page.locator("#members")).to_have_count(0)


def test_an_administrator_adds_a_member_from_the_page(page, sign_in, world):
    sign_in("admin_a")
    page.goto(f"/organisations/{world['ngo_a'].pk}/manage/")
    page.fill("#id_username", "new.caseworker")
    page.select_option("#id_role", "case_worker")
    page.fill("#id_password", "A-long-test-password-7")
    page.click("section.card button[type=submit]")
    expect(page.locator("#members")).to_contain_text("new.caseworker")


def test_organisation_filter_updates_the_list_in_place(page, sign_in, world):
    sign_in("manager")
    page.goto("/organisations/")
    expect(page.locator("#organisation-rows")).to_contain_text(world["ngo_b"].name_fr)
    page.select_option("#id_region", "MA-02")
    expect(page.locator("#organisation-rows")).not_to_contain_text(world["ngo_b"].name_fr)
    expect(page.locator("#organisation-rows")).to_contain_text(world["ngo_a"].name_fr)
