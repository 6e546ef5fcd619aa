def test_the_import_page_is_in_the_menu_and_links_to_the_duplicate_check(client, world):
    from django.urls import reverse

    client.force_login(world["users"]["caseworker_a"])
    client.cookies["kafaat_language"] = "en"
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("registry:import")}"' in home
    page = client.get(reverse("registry:import")).content.decode()
    assert f'href="{reverse("registry:dedupe_file")}"' in page
    client.force_login(world["users"]["analyst_oriental"])
    assert f'href="{reverse("registry:import")}"' not in client.get(reverse("home")).content.decode()
