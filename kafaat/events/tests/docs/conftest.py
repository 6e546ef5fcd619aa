"""An event world for the documents' tests: a capacity-building workshop of the implementing agency in Oujda
(Oriental) with four sessions and six registrants (contacts, French and Arabic readers), a training module
for trainers, and the personas: the organiser (programme manager), a case worker of another organisation, an
analyst and a donor (aggregates only)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kafaat.contacts.models import Contact
from kafaat.events.models import Attendance, AttendanceSource, Event, EventType, Registration, Session
from kafaat.training.models import Sector
from kafaat.training.sectors import load_sectors

PEOPLE = [  # first, last (Latin), first, last (Arabic), sex, language, sessions attended of 4
    ("Karim", "Alaoui", "كريم", "العلوي", "M", "ar", 4),
    ("Salma", "Idrissi", "سلمى", "الإدريسي", "F", "fr", 4),
    ("Youssef", "Bennani", "يوسف", "بناني", "M", "fr", 3),
    ("Fatima Zahra", "Tazi", "فاطمة الزهراء", "التازي", "F", "ar", 2),
    ("Omar", "Chraibi", "عمر", "الشرايبي", "M", "en", 0),
    ("Nadia", "Amrani", "نادية", "العمراني", "F", "fr", 4),
]


@pytest.fixture(autouse=True)
def _english():
    # Overrides the events tests' English default (kafaat/events/tests/conftest.py): the documents' tests
    # were written against the project's default language, French, and ask for another when they need it.
    yield


@pytest.fixture
def event_world(world, territory, make_member):
    if not Sector.objects.exists():
        load_sectors(Sector)
    agency = world["agency"]
    oujda = territory("02.411")
    event = Event.objects.create(
        type=EventType.CAPACITY_BUILDING,
        name_fr="Atelier de collecte de données",
        name_ar="ورشة جمع البيانات",
        name_en="Data-collection workshop",
        organiser=agency,
        territory=oujda,
        venue="Centre Amal",
        start_date=dt.date(2026, 3, 3),
        end_date=dt.date(2026, 3, 4),
        certificate_threshold=75,
    )
    start = timezone.make_aware(dt.datetime(2026, 3, 3, 9, 0))
    sessions = [
        Session.objects.create(
            event=event,
            title=f"S{i + 1}",
            starts_at=start + dt.timedelta(hours=4 * i),
            ends_at=start + dt.timedelta(hours=4 * i + 3),
            position=i,
        )
        for i in range(4)
    ]
    registrations = {}
    for first, last, first_ar, last_ar, sex, language, attended in PEOPLE:
        contact = Contact.objects.create(
            managed_by=agency,
            territory=oujda,
            first_name_latin=first,
            last_name_latin=last,
            first_name_ar=first_ar,
            last_name_ar=last_ar,
            sex=sex,
            organisation=world["ngo_a"],
            organisation_type="ngo",
            preferred_language=language,
        )
        registration = Registration.objects.create(event=event, contact=contact, status="attended")
        for session in sessions[:attended]:
            Attendance.objects.create(
                registration=registration, session=session, source=AttendanceSource.MANUAL
            )
        registrations[last] = registration
    return {**world, "event": event, "sessions": sessions, "registrations": registrations}


@pytest.fixture
def module_world(event_world, territory):
    """A training module in welding's nearest sector with two trainers: one attended it all, one did not."""
    agency = event_world["agency"]
    sector = Sector.objects.get(code="mechanical")
    module = Event.objects.create(
        type=EventType.TRAINING_MODULE,
        name_fr="Module soudage",
        name_ar="وحدة التلحيم",
        organiser=agency,
        territory=territory("02.411"),
        sector=sector,
        start_date=dt.date(2026, 4, 1),
        end_date=dt.date(2026, 4, 1),
    )
    start = timezone.make_aware(dt.datetime(2026, 4, 1, 9, 0))
    session = Session.objects.create(event=module, starts_at=start, ends_at=start + dt.timedelta(hours=3))
    trainers = {}
    for last, sex, came in (("Saidi", "F", True), ("Fassi", "M", False)):
        contact = Contact.objects.create(
            managed_by=agency, territory=territory("02.411"), first_name_latin="T", last_name_latin=last,
            sex=sex, organisation_type="training_provider", is_trainer=True, sector=sector,
        )  # fmt: skip
        registration = Registration.objects.create(event=module, contact=contact)
        if came:
            Attendance.objects.create(
                registration=registration, session=session, source=AttendanceSource.MANUAL
            )
        trainers[last] = registration
    return {**event_world, "module": module, "trainers": trainers}
