"""Groups, meetings and actions: the workflow, closed meetings read-only, carried and overdue actions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kafaat.core import access
from kafaat.governance import home, services, workflows
from kafaat.governance.models import Action, Meeting


@pytest.fixture(autouse=True)
def _english():
    # The messages are checked in English; their French and Arabic are the catalogues' (test_i18n).
    from django.utils import translation

    with translation.override("en"):
        yield


def _meeting(gtr, days_ago=10, **fields):
    return services.create_meeting(
        gtr["users"]["secretariat"],
        gtr["oriental"],
        {
            "title": fields.pop("title", "Session"),
            "starts_at": timezone.now() - timedelta(days=days_ago),
            **fields,
        },
    )


def test_a_new_meeting_invites_the_current_members(gtr):
    meeting = _meeting(gtr)
    assert set(meeting.participants.values_list("contact_id", flat=True)) == {
        gtr["people"][k].pk for k in ("amina", "karim", "salma")
    }


def test_meeting_workflow_needs_minutes_to_close(gtr):
    secretariat, meeting = gtr["users"]["secretariat"], _meeting(gtr)
    assert [t.name for t in workflows.available(workflows.MEETING_TRANSITIONS, secretariat, meeting)] == [
        "hold",
        "cancel",
    ]
    services.transition_meeting(secretariat, meeting, "hold")
    with pytest.raises(ValidationError) as error:
        services.transition_meeting(secretariat, meeting, "close")
    assert "minutes" in str(error.value)
    services.write_minutes(secretariat, meeting, "Ouverture par la présidente.")
    closed = services.transition_meeting(secretariat, meeting, "close")
    assert closed.status == Meeting.Status.CLOSED and closed.closed_by == secretariat


def test_a_future_meeting_cannot_be_marked_held(gtr):
    meeting = _meeting(gtr, days_ago=-5)
    with pytest.raises(ValidationError):
        services.transition_meeting(gtr["users"]["secretariat"], meeting, "hold")


def test_a_closed_meeting_is_read_only(gtr):
    secretariat = gtr["users"]["secretariat"]
    meeting = gtr["held"]
    services.write_minutes(secretariat, meeting, "v1")
    services.transition_meeting(secretariat, meeting, "close")
    meeting.refresh_from_db()
    for change in (
        lambda: services.write_minutes(secretariat, meeting, "v2"),
        lambda: services.add_agenda_item(secretariat, meeting, "Point"),
        lambda: services.add_outcome(secretariat, meeting, "information", "Noted"),
        lambda: services.update_meeting(secretariat, meeting, {"title": "New"}),
        lambda: services.record_attendance(secretariat, meeting, []),
        lambda: services.invite(secretariat, meeting, gtr["people"]["amina"].pk),
        lambda: services.transition_meeting(secretariat, meeting, "cancel"),
    ):
        with pytest.raises(services.ReadOnlyMeeting) as error:
            change()
        assert "closed" in str(error.value)


def test_unknown_transition_is_a_clear_error(gtr):
    with pytest.raises(ValidationError) as error:
        services.transition_meeting(gtr["users"]["secretariat"], gtr["held"], "explode")
    assert "explode" in str(error.value)


def test_other_regions_secretariat_is_refused(gtr):
    other = gtr["users"]["other_secretariat"]
    with pytest.raises(access.OutOfScope):
        services.get_group(other, gtr["oriental"].pk)
    with pytest.raises(access.Refused):
        services.write_minutes(other, gtr["held"], "x")  # even given the object, the rule refuses


def test_national_manager_reads_but_does_not_manage(gtr):
    manager = gtr["users"]["manager"]
    assert services.get_group(manager, gtr["oriental"].pk)
    with pytest.raises(access.Refused):
        services.add_agenda_item(manager, gtr["held"], "Point")


def test_members_added_and_ended(gtr):
    secretariat, group = gtr["users"]["secretariat"], gtr["oriental"]
    with pytest.raises(ValidationError):  # already sits on it
        services.add_member(secretariat, group, gtr["people"]["amina"].pk)
    with pytest.raises(access.OutOfScope):  # a contact out of the secretariat's directory
        services.add_member(secretariat, group, gtr["people"]["youssef"].pk)
    amina = group.memberships.get(contact=gtr["people"]["amina"])
    ended = services.end_membership(secretariat, amina, timezone.localdate())
    assert ended.end_date == timezone.localdate()
    with pytest.raises(ValidationError):
        services.end_membership(secretariat, ended)
    with pytest.raises(ValidationError):  # the seat is hers until the end of today
        services.add_member(secretariat, group, gtr["people"]["amina"].pk)
    tomorrow = timezone.localdate() + timedelta(days=1)
    membership = services.add_member(
        secretariat, group, gtr["people"]["amina"].pk, role="observer", start_date=tomorrow
    )
    assert membership.role == "observer"


def test_actions_are_carried_until_closed_and_overdue_ones_reach_home(gtr):
    secretariat, people = gtr["users"]["secretariat"], gtr["people"]
    first = gtr["held"]
    overdue = services.add_outcome(
        secretariat, first, "action", "Envoyer la note", owner_id=people["karim"].pk,
        due_date=timezone.localdate() - timedelta(days=3),
    ).action  # fmt: skip
    done = services.add_outcome(
        secretariat, first, "action", "Réserver la salle", owner_id=people["salma"].pk,
        due_date=timezone.localdate() + timedelta(days=3),
    ).action  # fmt: skip
    services.transition_action(secretariat, done, "complete")
    nxt = _meeting(gtr, days_ago=-7, title="Session suivante")
    assert list(services.carried_actions(nxt)) == [overdue]
    panel = home.secretariat(secretariat)
    assert panel.overdue_count == 1 and panel.overdue == [overdue] and panel.next_meeting == nxt
    assert home.secretariat(gtr["users"]["other_secretariat"]).overdue_count == 0
    assert home.secretariat(gtr["users"]["donor"]) is None
    services.transition_action(secretariat, overdue, "start", note="En cours")
    services.transition_action(secretariat, overdue, "complete")
    overdue.refresh_from_db()
    assert overdue.status == Action.Status.DONE and overdue.closed_on == timezone.localdate()
    assert list(services.carried_actions(nxt)) == []
    timeliness = services.timeliness(gtr["oriental"])
    assert (timeliness.closed_on_time, timeliness.closed_late) == (1, 1)


def test_an_action_needs_owner_and_due_date(gtr):
    with pytest.raises(ValidationError) as error:
        services.add_outcome(gtr["users"]["secretariat"], gtr["held"], "action", "Faire")
    assert {"owner", "due_date"} <= set(error.value.message_dict)


def test_action_transition_from_a_wrong_state(gtr):
    secretariat = gtr["users"]["secretariat"]
    action = services.add_outcome(
        secretariat,
        gtr["held"],
        "action",
        "x",
        owner_id=gtr["people"]["karim"].pk,
        due_date=timezone.localdate(),
    ).action
    services.transition_action(secretariat, action, "drop")
    with pytest.raises(ValidationError):
        services.transition_action(secretariat, action, "complete")
    reopened = services.transition_action(secretariat, action, "reopen")
    assert reopened.status == "open" and reopened.closed_on is None


def test_minutes_revisions_and_their_diff(gtr):
    secretariat, meeting = gtr["users"]["secretariat"], gtr["held"]
    services.write_minutes(secretariat, meeting, "Ligne 1\nLigne 2")
    services.write_minutes(secretariat, meeting, "Ligne 1\nLigne 2\nLigne 3")
    same = services.write_minutes(secretariat, meeting, "Ligne 1\nLigne 2\nLigne 3")
    assert same.number == 2  # the same text again is not a revision
    assert ("added", "Ligne 3") in services.minutes_diff(meeting)
    with pytest.raises(ValidationError):
        services.write_minutes(secretariat, meeting, "x" * (services.MAX_MINUTES_CHARS + 1))


def test_attendance_with_a_guest(gtr):
    secretariat, meeting = gtr["users"]["secretariat"], gtr["held"]
    services.record_attendance(secretariat, meeting, [gtr["people"]["amina"].pk])
    assert meeting.participants.get(contact=gtr["people"]["amina"]).attended
    with pytest.raises(ValidationError):
        services.record_attendance(secretariat, _meeting(gtr, days_ago=-3), [])
