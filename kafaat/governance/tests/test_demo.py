"""The governance demo: both pilot GTR with members, meetings in each state, actions overdue, done on time and
late; loading it again changes nothing; the directory's demo contacts are there for other apps' demos."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kafaat.contacts.models import Contact
from kafaat.core.models import Organisation
from kafaat.governance import services
from kafaat.governance.models import Meeting, WorkingGroup
from kafaat.synth.demo import demo_contacts, load_governance_demo
from kafaat.training.models import Sector
from kafaat.training.sectors import load_sectors


@pytest.fixture
def offices(make_organisation):
    if not Sector.objects.exists():
        load_sectors(Sector)
    for code, place in (("kafaat-oriental", "02.411"), ("kafaat-tth", "01.511"), ("agence-kafaat", "04.421")):
        make_organisation(code, place, type=Organisation.Type.IMPLEMENTING_AGENCY)


def test_the_demo_groups_and_their_meetings(offices):
    created = load_governance_demo()
    assert created == {"working_groups": 2, "meetings": 7}
    oriental = WorkingGroup.objects.get(code="gtr-oriental")
    statuses = sorted(oriental.meetings.values_list("status", flat=True))
    assert statuses == ["cancelled", "closed", "held", "planned"]
    closed = oriental.meetings.get(status=Meeting.Status.CLOSED)
    assert closed.minutes_revisions.count() == 2 and closed.outcomes.filter(kind="decision").exists()
    timeliness = services.timeliness(oriental)
    assert timeliness.closed_on_time == 1 and timeliness.closed_late == 1 and timeliness.open_overdue == 2
    planned = oriental.meetings.get(status=Meeting.Status.PLANNED)
    assert services.carried_actions(planned).count() == 3
    members = oriental.memberships.select_related("contact")
    assert {m.contact.sex for m in members} == {"F", "M"}
    assert all(m.contact.first_name_ar and m.contact.last_name_latin for m in members)
    assert load_governance_demo() == {"working_groups": 0, "meetings": 0}
    assert Meeting.objects.count() == 7


def test_demo_contacts_for_other_apps(offices):
    first = demo_contacts()
    sectors = {
        "construction",
        "automotive",
        "electrical",
        "thermal",
        "refrigeration",
        "welding",
        "aeronautics",
    }
    assert set(first["trainers"]) == sectors | {"fashion"}
    assert {c.country for c in first["experts"]} >= {"ES", "GB", "MA"}
    count = Contact.objects.count()
    again = demo_contacts()
    assert Contact.objects.count() == count and again["experts"][0].pk == first["experts"][0].pk
    assert all(c.consent_to_contact and c.consent_date <= timezone.localdate() for c in first["gtr_tth"])
