"""The audit log records reads, changes and bulk operations, with who, when and from where."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from kafaat.core import audit, services
from kafaat.core.models import AuditEvent, Membership, Organisation, Role


def test_reading_an_organisation_page_is_recorded_with_address_and_path(client, world):
    client.force_login(world["users"]["caseworker_a"])
    url = reverse("core:organisation_detail", args=[world["ngo_a"].pk])
    client.get(url)
    event = AuditEvent.objects.get(action="view", target_type="core.organisation")
    assert event.actor == world["users"]["caseworker_a"]
    assert event.target_id == str(world["ngo_a"].pk)
    assert event.path == url and event.ip_address == "127.0.0.1"


def test_bulk_operations_are_one_event_with_the_count_and_the_ids(world):
    ids = list(range(1, 2501))
    event = audit.record_bulk(audit.Action.BULK_CREATE, world["users"]["admin_a"], Organisation, ids)
    assert event.count == 2500
    assert len(event.details["ids"]) == audit.BULK_IDS_KEPT and event.details["ids_truncated"] is True
    assert event.target_type == "core.organisation"


def test_adding_and_deactivating_a_member_is_audited_and_scoped(world):
    admin = world["users"]["admin_a"]
    membership = services.add_member(
        admin, world["ngo_a"], username="new.worker", role=Role.CASE_WORKER, password="A-long-test-password-9"
    )
    assert get_user_model().objects.get(username="new.worker").check_password("A-long-test-password-9")
    services.deactivate_membership(admin, membership)
    actions = list(AuditEvent.objects.filter(actor=admin).values_list("action", "target_type"))
    assert ("create", "auth.user") in actions
    assert ("create", "core.membership") in actions
    assert ("update", "core.membership") in actions
    assert not Membership.objects.get(pk=membership.pk).is_active


def test_an_administrator_cannot_grant_a_wider_scope_than_their_own(world, make_member, territory):
    from django.core.exceptions import ValidationError

    regional_admin = make_member("regional_admin", world["ngo_a"], Role.ADMINISTRATOR, scope="MA-02")
    try:
        services.add_member(
            regional_admin, world["ngo_a"], username="x", role=Role.ANALYST, password="Long-pass-42x!"
        )
    except ValidationError as error:
        assert "territory_scope" in error.message_dict
    else:
        raise AssertionError("a national scope was granted by a regional administrator")
    inside = services.add_member(
        regional_admin,
        world["ngo_a"],
        username="y",
        role=Role.ANALYST,
        territory_scope=territory("02.411"),
        password="Long-pass-42y!",
    )
    assert inside.territory_scope.code == "02.411"


def test_the_manage_page_adds_a_member(client, world):
    client.force_login(world["users"]["admin_a"])
    url = reverse("core:organisation_manage", args=[world["ngo_a"].pk])
    response = client.post(
        url,
        {
            "username": "amina",
            "role": "case_worker",
            "password": "A-long-test-password-3",
            "territory_scope": "",
        },
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user__username="amina", organisation=world["ngo_a"]).exists()
    missing_password = client.post(url, {"username": "brand.new", "role": "case_worker"})
    assert missing_password.status_code == 200
    assert "password" in missing_password.context["form"].errors
