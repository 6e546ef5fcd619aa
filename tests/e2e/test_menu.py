"""The main menu in a real browser (issue 14): on a phone, in Arabic, it is folded into "Menu" (it took a
third of the screen), announced as collapsed or expanded, and opens and closes on a tap; on a laptop, in
French, a national administrator's menu is one row (it wrapped to two), its groups being drop-downs."""

from playwright.sync_api import expect


def _expanded(page, name: str) -> bool | None:
    """The expanded state Chromium gives assistive technology for the control named `name`."""
    client = page.context.new_cdp_session(page)
    try:
        for node in client.send("Accessibility.getFullAXTree")["nodes"]:
            if node.get("name", {}).get("value") == name and not node.get("ignored"):
                for prop in node.get("properties", []):
                    if prop["name"] == "expanded":
                        return prop["value"]["value"]
    finally:
        client.detach()
    return None


def test_on_a_phone_in_arabic_the_menu_folds_and_unfolds(page, sign_in, world):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in("national")
    page.click("button[data-language=ar]")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    toggle = page.locator("#nav-toggle")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_text("القائمة")
    bar = page.locator("#nav-bar")
    expect(bar).to_be_hidden()
    assert page.locator(".mainnav").bounding_box()["height"] < 60  # one line, not a third of the screen
    assert _expanded(page, "القائمة") is False
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    toggle.click()
    expect(bar).to_be_visible()
    assert _expanded(page, "القائمة") is True
    people = page.locator("#nav-bar > li > a[href='/people/']")
    expect(people).to_be_visible()
    box, menu = people.bounding_box(), page.locator(".mainnav").bounding_box()
    assert box["x"] + box["width"] > menu["x"] + menu["width"] - 40  # entries start on the right
    admin = page.locator(".nav-group details[data-group=administration]")
    admin.locator("summary").click()  # a group unfolds inside the menu
    expect(admin.locator("a[href='/jobs/']")).to_be_visible()
    admin.locator("a[href='/jobs/']").click()
    expect(page).to_have_url(f"{page.url.split('/jobs/')[0].rstrip('/')}/jobs/")
    expect(page.locator("#nav-bar")).to_be_hidden()  # folded again on the next page
    page.locator("#nav-toggle").click()
    page.locator("#nav-toggle").click()
    expect(page.locator("#nav-bar")).to_be_hidden()


def test_on_a_laptop_in_french_the_longest_menu_is_one_row_of_drop_downs(page, sign_in, world):
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in("national")
    page.click("button[data-language=fr]")
    expect(page.locator("#nav-toggle")).to_be_hidden()
    entries = page.locator("#nav-bar > li")
    expect(entries.first).to_be_visible()
    tops = {round(entries.nth(i).bounding_box()["y"]) for i in range(entries.count())}
    assert len(tops) == 1, tops  # one row
    labour = page.locator(".nav-group details[data-group=labour]")
    vacancies = labour.locator("a[href='/labour/vacancies/']")
    expect(vacancies).to_be_hidden()
    labour.locator("summary").click()
    expect(vacancies).to_be_visible()
    assert _expanded(page, "Marché du travail") is True
    admin = page.locator(".nav-group details[data-group=administration]")
    admin.locator("summary").click()  # one drop-down open at a time
    expect(vacancies).to_be_hidden()
    expect(admin.locator("a[href='/audit/']")).to_be_visible()
    page.keyboard.press("Escape")
    expect(admin.locator("a[href='/audit/']")).to_be_hidden()
    admin.locator("summary").click()
    page.locator("h1").click()  # a click elsewhere closes it
    expect(admin.locator("a[href='/audit/']")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
