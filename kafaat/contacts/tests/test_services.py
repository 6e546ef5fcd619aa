"""The directory's rules: validation, the likely same people at entry, scope, merge, link, audit."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from kafaat.contacts import services
from kafaat.contacts.models import Contact
from kafaat.core import access
from kafaat.core.models import AuditEvent
from kafaat.governance.models import GroupMembership, MeetingParticipant


@pytest.fixture(autouse=True)
def _english():
    # The messages are checked in English; their French and Arabic are the catalogues' (test_i18n).
    from django.utils import translation

    with translation.override("en"):
        yield


def _new(gtr, **fields):
    data = {
        "first_name_latin": "Nadia",
        "last_name_latin": "Berrada",
        "first_name_ar": "نادية",
        "last_name_ar": "برادة",
        "sex": "F",
        "territory": gtr["oriental"].territory,
        "organisation_type": "ngo",
    }
    data.update(fields)
    return data


def test_a_contact_needs_one_name_in_either_script(gtr):
    with pytest.raises(ValidationError) as error:
        services.create_contact(
            gtr["users"]["secretariat"],
            _new(gtr, first_name_latin=" ", last_name_latin="", first_name_ar="", last_name_ar=""),
        )
    assert "last_name_latin" in error.value.message_dict
    arabic_only = services.create_contact(
        gtr["users"]["secretariat"], _new(gtr, first_name_latin="", last_name_latin="")
    )
    assert arabic_only.search_name.strip()


def test_phone_is_normalised_and_a_bad_one_refused(gtr):
    contact = services.create_contact(gtr["users"]["secretariat"], _new(gtr, phone="06 61 22 33 44"))
    assert contact.phone == "+212661223344"
    with pytest.raises(ValidationError) as error:
        services.create_contact(gtr["users"]["secretariat"], _new(gtr, phone="not a phone"), confirm_new=True)
    assert "phone" in error.value.message_dict


def test_consent_needs_its_date_and_email_must_be_one(gtr):
    with pytest.raises(ValidationError) as error:
        services.create_contact(gtr["users"]["secretariat"], _new(gtr, consent_to_contact=True, email="x@"))
    assert {"consent_date", "email"} <= set(error.value.message_dict)


def test_likely_same_people_are_shown_before_creating(gtr):
    secretariat = gtr["users"]["secretariat"]
    # Same names in both scripts, spelt a little differently (hamza, spacing): strong.
    with pytest.raises(services.PossibleDuplicates) as duplicates:
        services.create_contact(
            secretariat,
            _new(gtr, first_name_latin="Amina", last_name_latin="El Idrissi", first_name_ar="امينة",
                 last_name_ar="الإدريسي"),
        )  # fmt: skip
    assert duplicates.value.matches[0].contact == gtr["people"]["amina"]
    assert duplicates.value.matches[0].strong
    # Same phone written another way: strong too.
    with pytest.raises(services.PossibleDuplicates) as duplicates:
        services.create_contact(secretariat, _new(gtr, phone="0612345678"))
    assert "phone" in duplicates.value.matches[0].reasons
    # Confirmed: a new entry all the same.
    created = services.create_contact(secretariat, _new(gtr, phone="0612345678"), confirm_new=True)
    assert created.pk and Contact.objects.filter(phone="+212612345678").count() == 2


def test_find_matches_is_public_and_scores(gtr):
    found = services.find_matches("amina", "el idrissi", email="AMINA@region-oriental.ma")
    assert found[0][0] == gtr["people"]["amina"] and found[0][1] >= 0.9
    assert services.find_matches("Zzz", "Nobody") == []


def test_matches_only_in_the_actors_directory(gtr):
    # The case worker of Tanger's NGO reads only the contacts its organisation keeps: Amina is not offered.
    matches = services.matches_for(gtr["users"]["caseworker_b"], {"email": "amina@region-oriental.ma"})
    assert matches == []


def test_scope_of_the_directory(gtr):
    users, people = gtr["users"], gtr["people"]
    oriental = set(services.visible_contacts(users["secretariat"]))
    assert people["amina"] in oriental and people["youssef"] not in oriental
    assert set(services.visible_contacts(users["caseworker_b"])) == {people["ngo_b_contact"]}
    assert not services.visible_contacts(users["donor"]).exists()
    assert services.visible_contacts(users["superuser"]).count() == 5
    with pytest.raises(access.OutOfScope):
        services.get_contact(users["secretariat"], people["youssef"].pk)


def test_reading_a_contact_is_audited(gtr):
    services.get_contact(gtr["users"]["secretariat"], gtr["people"]["amina"].pk)
    event = AuditEvent.objects.filter(action="view", target_type="contacts.contact").latest("id")
    assert event.target_id == str(gtr["people"]["amina"].pk)


def test_a_manager_of_another_organisation_may_read_but_not_edit(gtr):
    manager = gtr["users"]["manager"]  # national programme manager of the agency: reads all, keeps its own
    contact = services.get_contact(manager, gtr["people"]["amina"].pk)
    with pytest.raises(access.Refused):
        services.update_contact(manager, contact, {"position": "x"})


def test_update_records_the_changed_fields(gtr):
    amina = gtr["people"]["amina"]
    services.update_contact(
        gtr["users"]["secretariat"], amina, {"position": "Vice-présidente", "phone": "0611111111"}
    )
    amina.refresh_from_db()
    assert amina.phone == "+212611111111"
    event = AuditEvent.objects.filter(action="update", target_id=str(amina.pk)).latest("id")
    assert set(event.details["changes"]) == {"position", "phone"}


def test_merge_moves_every_reference_to_the_survivor(gtr):
    secretariat, people = gtr["users"]["secretariat"], gtr["people"]
    duplicate = services.create_contact(
        secretariat, _new(gtr, first_name_latin="Amina", last_name_latin="Idrissi", email="a.idrissi@x.ma"),
        confirm_new=True,
    )  # fmt: skip
    GroupMembership.objects.create(group=gtr["tanger"], contact=duplicate, start_date=date(2025, 1, 1))
    MeetingParticipant.objects.create(meeting=gtr["held"], contact=duplicate, attended=True)
    MeetingParticipant.objects.create(meeting=gtr["held"], contact=people["amina"], attended=False)
    moved = services.merge_contacts(secretariat, people["amina"], duplicate)
    assert moved["governance.groupmembership"] == 1
    duplicate.refresh_from_db()
    assert duplicate.merged_into == people["amina"]
    assert duplicate not in services.visible_contacts(secretariat)
    seat = MeetingParticipant.objects.get(meeting=gtr["held"], contact=people["amina"])
    assert seat.attended  # either seat attended: the survivor's seat says so
    assert people["amina"].group_memberships.count() == 2
    with pytest.raises(ValidationError):
        services.update_contact(secretariat, duplicate, {"position": "x"})


def test_merge_refused_across_scopes(gtr):
    with pytest.raises(access.OutOfScope):
        services.merge_contacts(gtr["users"]["secretariat"], gtr["people"]["amina"], gtr["people"]["youssef"])
    with pytest.raises(ValidationError):
        services.merge_contacts(gtr["users"]["secretariat"], gtr["people"]["amina"], gtr["people"]["amina"])


def test_link_to_a_person_only_when_the_user_may_see_them(gtr, make_organisation):
    from kafaat.registry.models import Person, PersonAccess

    person = Person.objects.create(
        first_name_latin="Amina", last_name_latin="El Idrissi", sex="F", birth_date=date(1990, 1, 1),
        territory=gtr["oriental"].territory, registered_by=gtr["ngo_b"],
    )  # fmt: skip
    PersonAccess.objects.create(person=person, organisation=gtr["ngo_b"])
    with pytest.raises(access.OutOfScope):
        services.link_person(gtr["users"]["secretariat"], gtr["people"]["amina"], person.pk)
    # The national administrator sees every record.
    linked = services.link_person(gtr["users"]["superuser"], gtr["people"]["amina"], person.pk)
    assert linked.person == person
    assert services.person_visible_to(gtr["users"]["superuser"], linked)
    assert not services.person_visible_to(gtr["users"]["secretariat"], linked)


def test_merge_refused_when_both_are_registered_to_one_event(gtr):
    from django.utils import timezone

    from kafaat.events.models import Event, EventType, Registration

    secretariat, people = gtr["users"]["secretariat"], gtr["people"]
    event = Event.objects.create(
        name_fr="Atelier", type=EventType.values[0], organiser=gtr["oriental_office"],
        territory=gtr["oriental"].territory, start_date=timezone.localdate(), end_date=timezone.localdate(),
    )  # fmt: skip
    Registration.objects.create(event=event, contact=people["amina"])
    Registration.objects.create(event=event, contact=people["karim"])
    with pytest.raises(ValidationError) as error:
        services.merge_contacts(secretariat, people["amina"], people["karim"])
    assert "same event" in str(error.value)
    assert Registration.objects.filter(contact=people["karim"]).exists()  # nothing moved


def test_the_trainer_coordinator_reads_and_keeps_their_organisations_contacts(gtr, territory):
    coordinator = gtr["users"]["establishment"]  # establishment manager of the training provider
    assert not services.visible_contacts(coordinator).exists()
    contact = services.create_contact(
        coordinator, _new(gtr, first_name_latin="Omar", last_name_latin="Tahri")
    )
    assert contact.managed_by == gtr["provider"] and list(services.visible_contacts(coordinator)) == [contact]
