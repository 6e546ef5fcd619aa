"""Demo data of the event documents: a capacity-building workshop in Oujda with attendance, knowledge scores,
satisfaction answers (some anonymous) and certificates issued. (The trainers' modules in the eight trades, and
their completions certified, are the events demo's.)

It runs after the events demo; its contacts have `docs-` external ids, so running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kafaat.contacts.models import Contact
from kafaat.core.models import Organisation, Territory
from kafaat.events.models import (
    Attendance,
    AttendanceSource,
    Certificate,
    Event,
    EventType,
    KnowledgeScore,
    Registration,
    RegistrationStatus,
    Session,
    SurveyResponse,
)
from kafaat.events.outcomes.certificates import certificate_number
from kafaat.events.registrant_names import participant_language

PREFIX = "docs-"
SEED = 2026
NAMESPACE = uuid.UUID("6f6d9a52-3d5e-4bb0-9d55-5f3c2f7b0d10")
WORKSHOP = (
    "docs-capacity-oujda",
    "Renforcement des capacités : suivi des lauréats",
    "تعزيز القدرات: تتبع الخريجين",
    "Capacity building: following up graduates",
)
PEOPLE = (  # first, last (Latin), first, last (Arabic), sex, language
    ("Karim", "Alaoui", "كريم", "العلوي", "M", "ar"),
    ("Salma", "Idrissi", "سلمى", "الإدريسي", "F", "fr"),
    ("Youssef", "Bennani", "يوسف", "بناني", "M", "fr"),
    ("Fatima Zahra", "Tazi", "فاطمة الزهراء", "التازي", "F", "ar"),
    ("Omar", "Chraibi", "عمر", "الشرايبي", "M", "fr"),
    ("Nadia", "Amrani", "نادية", "العمراني", "F", "ar"),
    ("Hamza", "Berrada", "حمزة", "برادة", "M", "fr"),
    ("Imane", "Kettani", "إيمان", "الكتاني", "F", "fr"),
    ("Mehdi", "Ouazzani", "مهدي", "الوزاني", "M", "ar"),
    ("Khadija", "Lahlou", "خديجة", "لحلو", "F", "fr"),
    ("Rachid", "Fassi", "رشيد", "الفاسي", "M", "ar"),
    ("Samira", "Naciri", "سميرة", "الناصري", "F", "fr"),
)


def _uid(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, name)


def _contact(agency, territory, index: int, person: tuple, **fields) -> Contact:
    first, last, first_ar, last_ar, sex, language = person
    contact, _created = Contact.objects.get_or_create(
        managed_by=agency,
        external_id=f"{PREFIX}{fields.pop('key')}-{index:02d}",
        defaults={
            "territory": territory,
            "first_name_latin": first,
            "last_name_latin": last,
            "first_name_ar": first_ar,
            "last_name_ar": last_ar,
            "sex": sex,
            "preferred_language": language,
            **fields,
        },
    )
    return contact


def _event(name: str, agency, territory, **fields) -> tuple[Event, bool]:
    return Event.objects.get_or_create(
        uid=_uid(name), defaults={"organiser": agency, "territory": territory, **fields}
    )


def _sessions(event: Event, count: int) -> list[Session]:
    if not event.sessions.exists():
        start = timezone.make_aware(dt.datetime.combine(event.start_date, dt.time(9, 0)))
        for index in range(count):
            day, half = divmod(index, 2)
            begins = start + dt.timedelta(days=day, hours=4 * half)
            Session.objects.create(
                event=event,
                starts_at=begins,
                ends_at=begins + dt.timedelta(hours=3),
                position=index,
                title=f"{index + 1}",
            )
    return list(event.sessions.order_by("starts_at"))


@transaction.atomic
def load_event_documents_demo(today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    agency = Organisation.objects.filter(code="agence-kafaat").first()
    oujda = Territory.objects.filter(code="02.411").first()
    if agency is None or oujda is None:
        return {}
    rng = random.Random(SEED)
    created = {"document_events": 0, "certificates": 0, "scores": 0, "survey_answers": 0}
    start = today - dt.timedelta(days=40)
    workshop, new = _event(
        WORKSHOP[0],
        agency,
        oujda,
        type=EventType.CAPACITY_BUILDING,
        name_fr=WORKSHOP[1],
        name_ar=WORKSHOP[2],
        name_en=WORKSHOP[3],
        start_date=start,
        end_date=start + dt.timedelta(days=1),
        venue="Centre Amal, Oujda",
        certificate_threshold=75,
    )
    if new:
        created["document_events"] += 1
        sessions = _sessions(workshop, 4)
        for index, person in enumerate(PEOPLE):
            contact = _contact(
                agency,
                oujda,
                index,
                person,
                key="workshop",
                organisation_type="ngo",
                organisation_name="Association Amal",
            )
            registration = Registration.objects.create(
                event=workshop, contact=contact, status=RegistrationStatus.ATTENDED, language=person[5]
            )
            attended = 4 if index < 8 else (3 if index < 10 else 1)
            Attendance.objects.bulk_create(
                Attendance(registration=registration, session=s, source=AttendanceSource.SIGN_IN_SHEET)
                for s in sessions[:attended]
            )
            if index < 10:
                pre = Decimal(rng.randint(30, 60))
                post = min(Decimal(100), pre + Decimal(rng.randint(-5, 35)))
                KnowledgeScore.objects.bulk_create(
                    [
                        KnowledgeScore(registration=registration, phase="pre", score=pre),
                        KnowledgeScore(registration=registration, phase="post", score=post),
                    ]
                )
                created["scores"] += 2
            if index < 9:
                answer = {
                    "overall": rng.choice((3, 4, 4, 5, 5)),
                    "content": rng.choice((3, 4, 5)),
                    "organisation": rng.choice((3, 4, 5)),
                    "usefulness": rng.choice((4, 5)),
                }
                # Two in three answer anonymously: no registration kept.
                link = registration if index % 3 == 0 else None
                SurveyResponse.objects.create(event=workshop, registration=link, **answer)
                created["survey_answers"] += 1
            if attended * 100 >= workshop.certificate_threshold * len(sessions):
                Certificate.objects.create(
                    registration=registration,
                    number=certificate_number(registration),
                    language=participant_language(registration),
                    sessions_attended=attended,
                    sessions_total=len(sessions),
                )
                created["certificates"] += 1
    return created
