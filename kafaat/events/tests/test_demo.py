"""The events demo: every kind of event the issue names, attendance per session, and idempotence."""

import pytest

from kafaat.core.models import Organisation, Project, Territory
from kafaat.events.models import Attendance, Event, Registration
from kafaat.synth.demo.events import load_events_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world(reference_territories):
    for code, type_, territory in (
        ("agence-kafaat", "implementing_agency", "04.421"),
        ("amal-oujda", "ngo", "02.411"),
    ):
        Organisation.objects.create(
            code=code, type=type_, territory=Territory.objects.get(code=territory), name_fr=code
        )
    Project.objects.create(
        code="kafaat-emploi", name_fr="Kafaat", start_date="2025-01-01", end_date="2027-12-31"
    )


def test_the_demo_has_every_kind_of_event_and_runs_twice(demo_world):
    counts = load_events_demo()
    assert counts["events"] >= 14
    types = set(Event.objects.values_list("type", flat=True))
    assert {"conference", "capacity_building", "study_visit", "workshop", "training_module"} <= types
    assert set(Event.objects.filter(type="study_visit").values_list("country", flat=True)) == {"GB", "ES"}
    workshop = Event.objects.get(type="workshop")
    assert workshop.sessions.count() == 6
    assert Event.objects.filter(type="training_module", parent__isnull=False).count() == 8
    assert Attendance.objects.exists() and Registration.objects.filter(completion_certified=True).exists()
    before = (Event.objects.count(), Registration.objects.count(), Attendance.objects.count())
    assert load_events_demo() == {"events": 0}
    assert (Event.objects.count(), Registration.objects.count(), Attendance.objects.count()) == before
