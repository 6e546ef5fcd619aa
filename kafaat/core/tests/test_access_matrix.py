"""For every role: which organisations it may list and open, through the pages and the API alike."""

import pytest
from django.urls import reverse

from kafaat.core import access
from kafaat.core.access import Permission
from kafaat.core.models import AuditEvent, Organisation

ALL = {"ngo_a", "ngo_b", "provider", "agency", "donor"}

# Who sees which organisations (the fixture `world` places them: ngo_a Oujda and provider Nador in Oriental,
# ngo_b in Tanger, agency and donor in Rabat).
VISIBLE = {
    "admin_a": ALL,
    "caseworker_a": {"ngo_a"},
    "caseworker_b": {"ngo_b"},
    "manager": ALL,
    "analyst_oriental": {"ngo_a", "provider"},
    "reviewer": {"agency"},
    "establishment": {"provider"},
    "donor": ALL,
    "nobody": set(),
    "superuser": ALL,
}

# Who may open an organisation's management page (members, roles).
MANAGES = {"admin_a": {"ngo_a"}, "superuser": ALL}


def _codes(world, names):
    return {world[name].code for name in names}


@pytest.mark.parametrize("username", sorted(VISIBLE))
def test_scoped_listing_per_role(world, username):
    user = world["users"][username]
    visible = access.scoped(user, Permission.VIEW_ORGANISATION, Organisation.objects.all())
    assert set(visible.values_list("code", flat=True)) == _codes(world, VISIBLE[username])


@pytest.mark.parametrize("username", sorted(VISIBLE))
def test_organisation_pages_per_role(client, world, username):
    client.force_login(world["users"][username])
    listing = client.get(reverse("core:organisations"))
    assert listing.status_code == 200
    for name in ALL:
        organisation = world[name]
        shown = organisation.name_fr in listing.content.decode()
        assert shown == (name in VISIBLE[username]), name
        detail = client.get(reverse("core:organisation_detail", args=[organisation.pk]))
        assert detail.status_code == (200 if name in VISIBLE[username] else 404), name
        manage = client.get(reverse("core:organisation_manage", args=[organisation.pk]))
        expected = 200 if name in MANAGES.get(username, set()) else 403 if name in VISIBLE[username] else 404
        assert manage.status_code == expected, name


@pytest.mark.parametrize("username", sorted(VISIBLE))
def test_organisation_api_per_role(client, world, username):
    client.force_login(world["users"][username])
    response = client.get("/api/organisations?page_size=100")
    assert response.status_code == 200
    assert {item["code"] for item in response.json()["items"]} == _codes(world, VISIBLE[username])
    for name in ALL:
        detail = client.get(f"/api/organisations/{world[name].pk}")
        assert detail.status_code == (200 if name in VISIBLE[username] else 404), name
        if detail.status_code == 404:
            assert world[name].name_fr not in detail.content.decode()


def test_ngo_a_user_trying_ngo_b_ids_by_url_gets_404_and_no_data(client, world):
    client.force_login(world["users"]["caseworker_a"])
    ngo_b = world["ngo_b"]
    for url in (
        reverse("core:organisation_detail", args=[ngo_b.pk]),
        reverse("core:organisation_manage", args=[ngo_b.pk]),
        f"/api/organisations/{ngo_b.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert ngo_b.name_fr not in response.content.decode()


def test_a_case_worker_cannot_open_the_admin_pages_of_other_organisations(client, world):
    client.force_login(world["users"]["caseworker_a"])
    assert client.get(reverse("core:organisation_manage", args=[world["ngo_b"].pk])).status_code == 404
    assert client.get(reverse("core:organisation_manage", args=[world["ngo_a"].pk])).status_code == 403
    post = client.post(
        reverse("core:organisation_manage", args=[world["ngo_b"].pk]),
        {"username": "intruder", "role": "administrator", "password": "A-long-test-password-1"},
    )
    assert post.status_code == 404
    # The Django administration site is for national administrators only.
    admin_page = client.get("/admin/core/organisation/")
    assert admin_page.status_code == 302 and "/admin/login/" in admin_page["Location"]


def test_a_denied_attempt_is_in_the_audit_log(client, world):
    client.force_login(world["users"]["caseworker_a"])
    client.get(reverse("core:organisation_manage", args=[world["ngo_a"].pk]))
    assert AuditEvent.objects.filter(actor=world["users"]["caseworker_a"], action="denied").count() == 1


@pytest.mark.parametrize(
    ("username", "status"),
    [("admin_a", 200), ("superuser", 200), ("caseworker_a", 403), ("analyst_oriental", 403), ("donor", 403)],
)
def test_audit_log_page_is_for_administrators(client, world, username, status):
    client.force_login(world["users"][username])
    assert client.get(reverse("core:audit")).status_code == status


def test_administrator_sees_only_their_members_events(client, world):
    client.force_login(world["users"]["caseworker_b"])
    client.get(reverse("core:organisation_detail", args=[world["ngo_b"].pk]))
    client.force_login(world["users"]["caseworker_a"])
    client.get(reverse("core:organisation_detail", args=[world["ngo_a"].pk]))
    client.force_login(world["users"]["admin_a"])
    page = client.get(reverse("core:audit")).content.decode()
    assert "caseworker_a" in page
    assert "caseworker_b" not in page


def test_membership_without_permission_sees_nothing_and_unknown_models_are_refused(world):
    from django.contrib.auth.models import Group

    nobody = world["users"]["nobody"]
    assert not access.scoped(
        nobody, Permission.VIEW_TERRITORY, world["ngo_a"].territory.__class__.objects.all()
    )
    with pytest.raises(LookupError):
        access.scoped(world["users"]["caseworker_a"], Permission.VIEW_ORGANISATION, Group.objects.all())


def test_an_inactive_membership_or_organisation_grants_nothing(world):
    caseworker = world["users"]["caseworker_a"]
    world["ngo_a"].is_active = False
    world["ngo_a"].save()
    assert not access.scoped(caseworker, Permission.VIEW_ORGANISATION, Organisation.objects.all()).exists()


def test_territory_reference_data_is_readable_by_every_member_but_not_by_strangers(client, world):
    client.force_login(world["users"]["caseworker_a"])
    assert client.get("/api/territories?level=region").json()["count"] == 12
    assert client.get(reverse("core:territories") + "?parent=MA-02").status_code == 200
    client.force_login(world["users"]["nobody"])
    assert client.get("/api/territories?level=region").json()["count"] == 0
    assert client.get("/api/territories/MA-02").status_code == 404
