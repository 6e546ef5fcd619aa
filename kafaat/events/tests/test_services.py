"""Events' services by persona: events and sessions, the registration workflow, capacity, attendance."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from kafaat.core.models import AuditEvent
from kafaat.events import services
from kafaat.events.models import Attendance, Event, Registration, RegistrationStatus
from kafaat.events.tests.conftest import at

pytestmark = pytest.mark.django_db


def _event_data(gathering, territory, **changes):
    today = timezone.localdate()
    data = {
        "type": "capacity_building",
        "name_fr": "Renforcement des capacités du GTR",
        "organiser": gathering["ngo_a"],
        "territory": territory("02.411"),
        "start_date": today,
        "end_date": today + timedelta(days=1),
        "languages": ["fr", "ar"],
        "country": "ma",
    }
    data.update(changes)
    return data


def test_secretariat_creates_an_event_audited(gathering, territory):
    event = services.create_event(gathering["secretariat"], _event_data(gathering, territory))
    assert event.country == "MA" and event.created_by == gathering["secretariat"]
    assert AuditEvent.objects.filter(
        action="create", target_type="events.event", target_id=str(event.pk)
    ).exists()


def test_a_part_of_an_event_stays_within_its_dates(gathering, territory):
    workshop = gathering["workshop"]
    late = workshop.end_date + timedelta(days=5)
    with pytest.raises(ValidationError) as error:
        services.create_event(
            gathering["secretariat"],
            _event_data(gathering, territory, parent=workshop, start_date=late, end_date=late),
        )
    assert "parent" in error.value.message_dict


def test_end_before_start_is_refused(gathering, territory):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.create_event(
            gathering["secretariat"], _event_data(gathering, territory, end_date=today - timedelta(days=1))
        )
    assert "end_date" in error.value.message_dict


def test_another_organisation_cannot_organise_in_ngo_a_name(gathering, territory):
    with pytest.raises(PermissionDenied):
        services.create_event(gathering["other_caseworker"], _event_data(gathering, territory))


def test_donor_sees_events_but_not_participants(gathering):
    donor, workshop = gathering["donor"], gathering["workshop"]
    assert workshop in services.events(donor)
    with pytest.raises(PermissionDenied):
        services.registrations_of(donor, workshop)


def test_out_of_scope_event_is_404(gathering):
    with pytest.raises(Http404):
        services.get_event(gathering["other_caseworker"], gathering["workshop"].pk)


def test_programme_manager_reads_participants_but_does_not_manage(gathering):
    manager, workshop = gathering["manager"], gathering["workshop"]
    assert services.registrations_of(manager, workshop).count() == 2
    with pytest.raises(PermissionDenied):
        services.transition(manager, gathering["invited"], "register")


def test_filters(gathering):
    user = gathering["national"]
    assert {e.pk for e in services.list_events(user, services.EventFilters(territory="MA-02"))} == {
        gathering["workshop"].pk
    }
    assert not services.list_events(user, services.EventFilters(territory="XX-99")).exists()
    listed = services.list_events(user, services.EventFilters(type="workshop")).get()
    assert listed.registrant_count == 2


def test_workflow_register_then_withdraw(gathering):
    user, invited = gathering["secretariat"], gathering["invited"]
    names = [t.name for t in services.transitions_open_to(user, invited)]
    assert "register" in names and "withdraw" in names
    services.transition(user, invited, "register")
    assert invited.status == RegistrationStatus.REGISTERED and invited.registered_at is not None
    services.transition(user, invited, "withdraw")
    assert Registration.objects.get(pk=invited.pk).status == RegistrationStatus.WITHDRAWN


def test_transition_from_a_wrong_state_is_refused(gathering):
    with pytest.raises(ValidationError):
        services.transition(gathering["secretariat"], gathering["registered"], "reinstate")
    with pytest.raises(ValidationError):
        services.transition(gathering["secretariat"], gathering["registered"], "fly_away")


def test_no_show_only_once_the_event_started_and_without_presence(gathering):
    user, registered = gathering["secretariat"], gathering["registered"]
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError):
        services.transition(user, registered, "mark_no_show", today=yesterday)
    services.record_attendance(user, registered, gathering["sessions"][0])
    assert registered.status == RegistrationStatus.ATTENDED
    assert "mark_no_show" not in [t.name for t in services.transitions_open_to(user, registered)]


def test_capacity_enforced_on_registering(gathering, make_contact):
    user, workshop = gathering["secretariat"], gathering["workshop"]
    Event.objects.filter(pk=workshop.pk).update(capacity=1)
    workshop.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.transition(user, gathering["invited"], "register")
    assert "full" in " ".join(error.value.messages)
    with pytest.raises(ValidationError):
        services.register_contact(user, workshop, gathering["karim"], status=RegistrationStatus.REGISTERED)
    invited = services.register_contact(user, workshop, gathering["karim"])  # an invitation takes no seat
    assert invited.status == RegistrationStatus.INVITED


def test_a_contact_is_registered_once(gathering):
    with pytest.raises(ValidationError):
        services.register_contact(gathering["secretariat"], gathering["workshop"], gathering["amina"])


def test_a_contact_out_of_the_directory_scope_is_404(gathering):
    # NGO A's case worker manages its events but reads only the contacts NGO A keeps.
    with pytest.raises(Http404):
        services.register_contact(
            gathering["users"]["caseworker_a"],
            gathering["workshop"],
            gathering["tanger_registration"].contact,
        )


def test_beneficiary_registered_only_when_visible(gathering):
    with pytest.raises(Http404):
        services.register_person(gathering["secretariat"], gathering["workshop"], 999_999)


def test_attendance_per_session_and_its_removal(gathering):
    user, registered, first, second = (
        gathering["secretariat"],
        gathering["registered"],
        *gathering["sessions"][:2],
    )
    assert services.record_attendance(user, registered, first)
    assert not services.record_attendance(user, registered, first)  # once per session
    assert services.record_attendance(user, registered, second)
    assert Attendance.objects.filter(registration=registered).count() == 2
    services.record_attendance(user, registered, first, present=False)
    services.record_attendance(user, registered, second, present=False)
    assert Registration.objects.get(pk=registered.pk).status == RegistrationStatus.REGISTERED


def test_attendance_at_another_event_session_refused(gathering):
    with pytest.raises(ValidationError):
        services.record_attendance(
            gathering["secretariat"], gathering["registered"], gathering["tanger_session"]
        )


def test_session_outside_the_event_dates_refused(gathering):
    workshop = gathering["workshop"]
    late = workshop.end_date + timedelta(days=3)
    with pytest.raises(ValidationError):
        services.add_session(gathering["secretariat"], workshop, starts_at=at(late, 9), ends_at=at(late, 12))
    with pytest.raises(ValidationError):
        services.add_session(
            gathering["secretariat"],
            workshop,
            starts_at=at(workshop.start_date, 12),
            ends_at=at(workshop.start_date, 9),
        )


def test_current_session_is_the_running_one(gathering):
    sessions = gathering["sessions"]
    assert services.current_session(sessions, now=sessions[1].starts_at + timedelta(minutes=5)) == sessions[1]
    assert services.current_session(sessions, now=sessions[0].starts_at - timedelta(hours=1)) == sessions[0]
    assert services.current_session([], now=timezone.now()) is None


def test_registrant_list_is_audited_with_ids(gathering):
    user, workshop = gathering["secretariat"], gathering["workshop"]
    shown = list(services.registrations_of(user, workshop))
    services.record_list_read(user, workshop, shown)
    event = AuditEvent.objects.filter(action="list", target_type="events.registration").latest("at")
    assert event.count == 2 and set(event.details["ids"]) == {str(r.pk) for r in shown}
