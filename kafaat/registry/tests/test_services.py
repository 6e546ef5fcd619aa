"""Registration, encryption at rest, search, history, consent and who may see a person."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404

from kafaat.core.models import AuditEvent
from kafaat.registry import services
from kafaat.registry.models import Consent, Person, PersonAccess, PersonVersion
from kafaat.registry.tests.conftest import PERSON


def _raw_column(person, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM registry_person WHERE id = %s", [person.pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_registration_writes_the_person_access_consent_and_audit(world, fatima):
    assert fatima.registered_by == world["ngo_a"] and fatima.case_worker == world["users"]["caseworker_a"]
    assert PersonAccess.objects.get(person=fatima).reason == "registered"
    assert fatima.consents.get().purpose == Consent.Purpose.REGISTRATION
    assert AuditEvent.objects.filter(
        action="create", target_type="registry.person", target_id=str(fatima.pk)
    ).exists()


def test_sensitive_fields_are_encrypted_at_rest_and_clear_in_python(world, fatima):
    with_answers = services.update_person(
        world["users"]["caseworker_a"],
        fatima,
        {
            "migration_status": "refugee",
            "nationality": "SY",
            **{f"wg_{d}": "1" for d in ("seeing", "hearing", "mobility", "cognition", "self_care")},
            "wg_communication": "4",
        },  # noqa: E501
    )
    stored_id, stored_status, stored_answers = (
        _raw_column(fatima, "id_number"),
        _raw_column(fatima, "migration_status"),
        _raw_column(fatima, "disability_answers"),
    )
    for stored, clear in (
        (stored_id, "F123456"),
        (stored_status, "refugee"),
        (stored_answers, "communication"),
    ):
        assert clear not in stored and stored.startswith("gAAAA")  # a Fernet token
    reloaded = Person.objects.get(pk=fatima.pk)
    assert reloaded.id_number == "F123456" and reloaded.migration_status == "refugee"
    assert reloaded.has_disability is True and with_answers.disability_answers["communication"] == 4
    assert "F123456" not in reloaded.id_number_hash and len(reloaded.id_number_hash) == 64


def test_search_by_name_in_either_script_phone_and_identity_number(world, fatima):
    user = world["users"]["caseworker_a"]
    for query in (
        "fatima",
        "FATIMA zah",
        "benal",
        "فاطمة",
        "الزهراء",
        "بنعل",
        "0612345678",
        "+212 6 12 34 56 78",
        "f123456",
        "F 123 456",
    ):  # noqa: E501
        assert list(services.search_people(user, query)) == [fatima], query
    for query in ("khadija", "خديجة", "0699999999", "F999999"):
        assert not services.search_people(user, query).exists(), query


def test_nobody_outside_the_registering_organisation_sees_the_person(world, fatima):
    for username in ("caseworker_b", "analyst_oriental", "donor", "reviewer", "nobody"):
        user = world["users"][username]
        assert not services.visible_people(user).exists(), username
        with pytest.raises(Http404):
            services.get_person(user, fatima.pk)
    assert services.get_person(world["users"]["superuser"], fatima.pk) == fatima


def test_the_programme_manager_of_the_organisation_reads_but_cannot_change(world, fatima, make_member):
    from kafaat.core.models import Role

    manager = make_member("manager_a", world["ngo_a"], Role.PROGRAMME_MANAGER)
    assert services.get_person(manager, fatima.pk) == fatima
    with pytest.raises(PermissionDenied):
        services.update_person(manager, fatima, {"phone": "0700000000"})


def test_an_update_keeps_history_without_sensitive_values(world, fatima):
    user = world["users"]["caseworker_a"]
    services.update_person(user, fatima, {"phone": "0700112233", "id_number": "F654321"})
    version = PersonVersion.objects.get(person=fatima)
    assert version.changes["phone"] == ["+212612345678", "+212700112233"]
    assert version.changes["id_number"] == "changed"
    assert "F654321" not in str(version.changes)
    assert list(services.search_people(user, "F654321")) == [fatima]
    assert not services.search_people(user, "F123456").exists()
    services.update_person(user, fatima, {"phone": "0700112233"})  # no change, no version
    assert PersonVersion.objects.filter(person=fatima).count() == 1


def test_bad_updates_and_registrations_report_every_field(world, fatima):
    user = world["users"]["caseworker_a"]
    with pytest.raises(ValidationError) as error:
        services.update_person(user, fatima, {"phone": "12", "sex": "?"})
    assert set(error.value.message_dict) == {"phone", "sex"}
    with pytest.raises(ValidationError) as error:
        services.register_person(user, PERSON, consent_given_on=None)
    assert "consent" in error.value.message_dict


def test_external_ids_are_unique_per_organisation(world):
    user_a, user_b = world["users"]["caseworker_a"], world["users"]["caseworker_b"]
    services.register_person(user_a, {**PERSON, "external_id": "X-1"}, consent_given_on=date(2026, 1, 1))
    with pytest.raises(ValidationError):
        services.register_person(user_a, {**PERSON, "external_id": "X-1"}, consent_given_on=date(2026, 1, 1))
    services.register_person(
        user_b, {**PERSON, "commune": "01.511", "external_id": "X-1"}, consent_given_on=date(2026, 1, 1)
    )  # noqa: E501


def test_withdrawing_sharing_consent_revokes_the_partner_access(world, fatima):
    user = world["users"]["caseworker_a"]
    consent = services.record_consent(
        user, fatima, Consent.Purpose.SHARING, given_on=date(2026, 2, 1), shared_with=world["ngo_b"]
    )  # noqa: E501
    services.grant_access(fatima, world["ngo_b"], consent)
    assert services.visible_people(world["users"]["caseworker_b"]).filter(pk=fatima.pk).exists()
    services.withdraw_consent(user, consent, on=date(2026, 3, 1))
    assert not services.visible_people(world["users"]["caseworker_b"]).filter(pk=fatima.pk).exists()
    with pytest.raises(ValidationError):
        services.grant_access(fatima, world["ngo_b"], consent)


@pytest.mark.parametrize("inline", [5000, 0], ids=["ids-listed", "subquery"])
def test_a_partner_finds_a_referred_person_by_partial_name_until_consent_is_withdrawn(
    world, fatima, monkeypatch, inline
):
    """The access rule's second arm (`access_rules.shared_with`) inside a name search, as a list of ids or
    beyond the bound as a subquery: only the referred person, never a namesake of the registering NGO."""
    from kafaat.registry import access_rules

    monkeypatch.setattr(access_rules, "SHARED_IDS_INLINE", inline)
    user_a, user_b = world["users"]["caseworker_a"], world["users"]["caseworker_b"]
    namesake = services.register_person(
        user_a, {**PERSON, "phone": "0677777777", "id_number": "F777777"}, consent_given_on=date(2026, 1, 5)
    )
    own = services.register_person(
        user_b,
        {**PERSON, "commune": "01.511", "phone": "0688888888", "id_number": "F888888"},
        consent_given_on=date(2026, 1, 5),
    )
    assert list(services.search_people(user_b, "بنعل")) == [own]
    consent = services.record_consent(
        user_a, fatima, Consent.Purpose.SHARING, given_on=date(2026, 2, 1), shared_with=world["ngo_b"]
    )
    services.grant_access(fatima, world["ngo_b"], consent)
    for query in ("benal", "بنعل", "zahra"):
        assert set(services.search_people(user_b, query)) == {own, fatima}, query
    assert namesake not in services.search_people(user_b, "benal")
    services.withdraw_consent(user_a, consent, on=date(2026, 3, 1))
    assert list(services.search_people(user_b, "benal")) == [own]
    assert set(services.search_people(user_a, "benal")) == {fatima, namesake}


def test_a_member_of_two_organisations_finds_the_people_of_both(world, fatima, make_member):
    from kafaat.core.models import Membership, Role

    both = make_member("both_orgs", world["ngo_b"], Role.CASE_WORKER)
    theirs = services.register_person(
        both,
        {**PERSON, "commune": "01.511", "phone": "0688888888", "id_number": "F888888"},
        consent_given_on=date(2026, 1, 5),
    )
    assert list(services.search_people(both, "benali")) == [theirs]
    Membership.objects.create(user=both, organisation=world["ngo_a"], role=Role.CASE_WORKER)
    both = type(both).objects.get(pk=both.pk)  # memberships are cached on the user object
    assert set(services.search_people(both, "benali")) == {fatima, theirs}


def test_withdrawing_registration_consent_stops_all_sharing_but_keeps_the_record(world, fatima):
    user = world["users"]["caseworker_a"]
    services.record_consent(
        user, fatima, Consent.Purpose.SHARING, given_on=date(2026, 2, 1), shared_with=world["ngo_b"]
    )  # noqa: E501
    registration = fatima.consents.get(purpose=Consent.Purpose.REGISTRATION)
    services.withdraw_consent(user, registration, on=date(2026, 3, 1))
    assert not fatima.consents.filter(withdrawn_on__isnull=True).exists()
    with pytest.raises(ValidationError):
        services.record_consent(
            user, fatima, Consent.Purpose.SHARING, given_on=date(2026, 3, 2), shared_with=world["ngo_b"]
        )  # noqa: E501
    assert Person.objects.filter(pk=fatima.pk).exists()  # kept as the law allows, no longer shared


def test_a_user_of_several_organisations_must_say_which_one(world, make_member, territory):
    from kafaat.core.models import Membership, Role

    both = make_member("both", world["ngo_a"], Role.CASE_WORKER)
    Membership.objects.create(user=both, organisation=world["ngo_b"], role=Role.CASE_WORKER)
    with pytest.raises(ValidationError):
        services.register_person(both, PERSON, consent_given_on=date(2026, 1, 1))
    person = services.register_person(
        both, PERSON, consent_given_on=date(2026, 1, 1), organisation=world["ngo_b"]
    )
    assert person.registered_by == world["ngo_b"]
    with pytest.raises(PermissionDenied):
        services.register_person(
            both, PERSON, consent_given_on=date(2026, 1, 1), organisation=world["provider"]
        )


def test_an_edit_keeps_an_estimated_birth_date_estimated(world):
    user = world["users"]["caseworker_a"]
    person = services.register_person(
        user, {**PERSON, "birth_date": "", "age": "22"}, consent_given_on=date(2026, 1, 1)
    )
    assert person.birth_date_estimated
    services.update_person(user, person, {"phone": "0700112233"})
    person.refresh_from_db()
    assert person.birth_date_estimated
    assert set(PersonVersion.objects.get(person=person).changes) == {"phone"}


def test_searches_are_audited_by_kind_without_the_terms(client, world, fatima):
    user = world["users"]["caseworker_a"]
    client.force_login(user)
    client.get("/people/", {"q": "0612345678"})  # the page that shows the results records the search
    client.get("/api/people", {"q": "Benali"})
    events = AuditEvent.objects.filter(actor=user, action="list", target_type="registry.person")
    assert [e.details["search_by"] for e in events.order_by("id")] == ["phone", "name"]
    assert "Benali" not in str(list(events.values_list("details", flat=True)))


def test_the_partner_directory_leaves_out_the_users_own_organisations(world):
    directory = services.partner_directory(world["users"]["caseworker_a"])
    assert world["ngo_a"] not in directory and world["ngo_b"] in directory
    assert not services.partner_directory(world["users"]["analyst_oriental"]).exists()
