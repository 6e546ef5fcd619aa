"""An events world: a GTR capacity-building workshop in Oujda (Oriental) organised by NGO A, with three
sessions, contacts of the Oriental directory, and another region's event in Tanger.

Personas (DESIGN.md "tests by persona"): the secretariat (NGO A's administrator: it organises), the
programme manager (another organisation: reads participants country-wide, manages only its own events), a
case worker of another organisation and region, the trainer coordinator (the training provider's
establishment manager), the national administrator, a donor viewer (events only, never participants), and an
API token of the secretariat.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone, translation

from kafaat.contacts.models import Contact
from kafaat.events.models import Event, Registration, RegistrationStatus, Session


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


@pytest.fixture(autouse=True)
def _english():
    # Services answer in the active language; these tests read English messages unless they ask for another.
    with translation.override("en"):
        yield


@pytest.fixture
def make_contact(territory):
    def make(
        organisation, first: str, last: str, *, sex: str = "F", territory_code: str = "02.411", **fields
    ):
        return Contact.objects.create(
            managed_by=organisation,
            territory=territory(territory_code),
            first_name_latin=first,
            last_name_latin=last,
            sex=sex,
            organisation_type=fields.pop("organisation_type", "regional_council"),
            **fields,
        )

    return make


@pytest.fixture
def gathering(world, territory, make_contact):
    users = world["users"]
    today = timezone.localdate()
    workshop = Event.objects.create(
        type="workshop",
        name_fr="Atelier de collecte des données",
        name_ar="ورشة جمع المعطيات",
        name_en="Data-collection workshop",
        organiser=world["ngo_a"],
        territory=territory("02.411"),
        start_date=today,
        end_date=today + timedelta(days=2),
        venue="Hôtel Atlas, Oujda",
        capacity=30,
    )
    sessions = [
        Session.objects.create(
            event=workshop,
            title=f"Jour {n // 2 + 1}",
            starts_at=at(today + timedelta(days=n // 2), 9 if n % 2 == 0 else 14),
            ends_at=at(today + timedelta(days=n // 2), 12 if n % 2 == 0 else 17),
            position=n,
        )
        for n in range(3)
    ]
    amina = make_contact(
        world["ngo_a"],
        "Amina",
        "Berrada",
        email="amina.berrada@example.ma",
        phone="+212612345678",
        first_name_ar="أمينة",
        last_name_ar="برادة",
        organisation_name="Conseil régional de l'Oriental",
    )
    youssef = make_contact(
        world["ngo_a"],
        "Youssef",
        "El Amrani",
        sex="M",
        email="y.elamrani@example.ma",
        preferred_language="ar",
    )
    karim = make_contact(world["ngo_a"], "Karim", "Tazi", sex="M")
    registered = Registration.objects.create(
        event=workshop,
        contact=amina,
        status=RegistrationStatus.REGISTERED,
        badge_code="AMINA23456",
        language="fr",
    )
    invited = Registration.objects.create(
        event=workshop,
        contact=youssef,
        status=RegistrationStatus.INVITED,
        badge_code="YOUSSEF234",
        language="ar",
    )
    tanger_event = Event.objects.create(
        type="conference",
        name_fr="Conférence régionale de Tanger",
        organiser=world["ngo_b"],
        territory=territory("01.511"),
        start_date=today,
        end_date=today,
    )
    tanger_session = Session.objects.create(event=tanger_event, starts_at=at(today, 9), ends_at=at(today, 12))
    tanger_contact = make_contact(world["ngo_b"], "Nadia", "Alaoui", territory_code="01.511")
    tanger_registration = Registration.objects.create(
        event=tanger_event,
        contact=tanger_contact,
        status=RegistrationStatus.REGISTERED,
        badge_code="TANGER2345",
    )
    return {
        **world,
        "secretariat": users["admin_a"],
        "manager": users["manager"],
        "other_caseworker": users["caseworker_b"],
        "coordinator": users["establishment"],
        "national": users["superuser"],
        "donor": users["donor"],
        "workshop": workshop,
        "sessions": sessions,
        "amina": amina,
        "youssef": youssef,
        "karim": karim,
        "registered": registered,
        "invited": invited,
        "tanger_event": tanger_event,
        "tanger_session": tanger_session,
        "tanger_registration": tanger_registration,
    }
