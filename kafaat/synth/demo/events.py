"""The demo's events: a national conference, capacity-building sessions for the two pilot GTR
(Tanger-Tétouan-Al Hoceïma and Oriental), two study visits abroad (United Kingdom, Spain), a three-day
data-collection workshop in Oujda running today (six sessions: the check-in page has a session under way),
and training modules for trainers in eight trades, with registrations and attendance per session.

The contacts come from `kafaat.synth.demo.contacts.demo_contacts()` when that module exists; until then this
loader keeps its own contacts, external ids prefixed `events-`. Run twice, it changes nothing: every event has
a stable uid (uuid5 of its key), and the whole set is written only when the first one is missing.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from kafaat.contacts.models import Contact
from kafaat.core import audit
from kafaat.core.models import Organisation, Project, Territory
from kafaat.events.models import (
    Attendance,
    AttendanceSource,
    Event,
    Registration,
    RegistrationStatus,
    Session,
)
from kafaat.synth.demo.contacts import demo_contacts
from kafaat.training.models import Sector

NAMESPACE = uuid.UUID("6f1c1d52-8a0e-4c57-9a52-5e1b3f0c9e11")
SEED = 2026
FIRST_NAMES = [  # (Latin, Arabic, sex)
    ("Khadija", "خديجة", "F"),
    ("Mohammed", "محمد", "M"),
    ("Salma", "سلمى", "F"),
    ("Hicham", "هشام", "M"),
    ("Naima", "نعيمة", "F"),
    ("Abdelilah", "عبد الإله", "M"),
    ("Imane", "إيمان", "F"),
    ("Rachid", "رشيد", "M"),
    ("Meryem", "مريم", "F"),
    ("Driss", "إدريس", "M"),
    ("Samira", "سميرة", "F"),
    ("Omar", "عمر", "M"),
    ("Latifa", "لطيفة", "F"),
    ("Mustapha", "مصطفى", "M"),
    ("Hanane", "حنان", "F"),
    ("Aziz", "عزيز", "M"),
]
LAST_NAMES = [
    ("Bennani", "بناني"),
    ("El Idrissi", "الإدريسي"),
    ("Alami", "العلمي"),
    ("Ouazzani", "الوزاني"),
    ("Berrada", "برادة"),
    ("Chraibi", "الشرايبي"),
    ("Lahlou", "لحلو"),
    ("Tahiri", "الطاهري"),
    ("Zerouali", "الزروالي"),
    ("Amrani", "العمراني"),
    ("Fassi", "الفاسي"),
    ("Kettani", "الكتاني"),
    ("Boukhari", "البخاري"),
    ("Naciri", "الناصري"),
    ("Skalli", "السقلي"),
    ("Jabri", "الجابري"),
]
GTR_BODIES = [  # organisation type, name: who sits in a regional working group (GTR)
    ("regional_council", "Conseil régional"),
    ("ofppt", "OFPPT — direction régionale"),
    ("ministry", "Direction régionale de l'emploi"),
    ("employer", "CGEM — union régionale"),
    ("professional_association", "Chambre de commerce, d'industrie et de services"),
    ("ngo", "Réseau associatif régional"),
]
TRADES = [  # key, French, Arabic, English, the training sector
    (
        "construction",
        "Bâtiment et travaux publics",
        "البناء والأشغال العمومية",
        "Construction",
        "construction",
    ),
    ("automotive", "Industrie automobile", "صناعة السيارات", "Automotive", "automotive"),
    ("electrical", "Électricité", "الكهرباء", "Electrical", "electrical"),
    ("thermal", "Génie thermique", "الهندسة الحرارية", "Thermal engineering", "thermal"),
    ("refrigeration", "Froid et climatisation", "التبريد والتكييف", "Refrigeration", "refrigeration"),
    ("welding", "Soudage", "اللحام", "Welding", "welding"),
    ("aeronautics", "Aéronautique", "صناعة الطيران", "Aeronautics", "aeronautics"),
    ("fashion", "Mode et habillement", "الموضة والألبسة", "Fashion", "textile"),
]


def _uid(key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, key)


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def load_events_demo(today: date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    if Event.objects.filter(uid=_uid("conference")).exists():
        return {"events": 0}
    with transaction.atomic():
        return _load(today)


def _contacts(organisations: dict[str, Organisation], territories: dict[str, Territory], rng: random.Random):
    """The demo's contacts by role: GTR members per region, trainers per trade, experts."""
    try:  # the directory's own demo contacts: the pilot GTR's members, trainers by trade, experts
        theirs = demo_contacts()
    except Organisation.DoesNotExist:  # a test world without the GTR offices: contacts of the events' own
        theirs = None
    if theirs:
        return {"gtr_MA-01": theirs["gtr_tth"], "gtr_MA-02": theirs["gtr_oriental"],
                "trainers": theirs["trainers"], "experts": theirs["experts"]}  # fmt: skip
    keeper = organisations["agence-kafaat"]
    sectors = {s.code: s for s in Sector.objects.all()}
    people = iter(
        [(first, last) for last in LAST_NAMES for first in FIRST_NAMES][::7]
        + [(first, last) for last in LAST_NAMES for first in FIRST_NAMES][3::7]
    )
    made: dict = {"gtr_MA-01": [], "gtr_MA-02": [], "trainers": {}, "experts": []}

    def contact(key: str, territory: str, **fields) -> Contact:
        (first_latin, first_ar, sex), (last_latin, last_ar) = next(people)
        entry, _created = Contact.objects.get_or_create(
            managed_by=keeper,
            external_id=f"events-{key}",
            defaults={
                "territory": territories[territory],
                "first_name_latin": first_latin,
                "last_name_latin": last_latin,
                "first_name_ar": first_ar,
                "last_name_ar": last_ar,
                "sex": sex,
                "email": f"{first_latin}.{last_latin}".lower().replace(" ", "") + f".{key[-2:]}@example.ma",
                "phone": f"+2126{rng.randrange(10_000_000, 99_999_999)}",
                "consent_to_contact": True,
                "preferred_language": rng.choice(["fr", "fr", "ar"]),
                **fields,
            },
        )
        return entry

    for region in ("MA-01", "MA-02"):
        for n in range(12):
            organisation_type, body = GTR_BODIES[n % len(GTR_BODIES)]
            made[f"gtr_{region}"].append(
                contact(
                    f"gtr-{region}-{n:02d}",
                    region,
                    organisation_type=organisation_type,
                    organisation_name=body,
                    position="Membre du GTR",
                )
            )
    for n, (key, *_names, sector) in enumerate(TRADES * 2):
        made["trainers"].setdefault(key, []).append(
            contact(
                f"trainer-{key}-{n // len(TRADES)}",
                "MA-01" if n % 2 else "MA-02",
                organisation_type="ofppt",
                organisation_name="OFPPT",
                position="Formateur",
                is_trainer=True,
                sector=sectors.get(sector) if sector else None,
            )
        )
    for n in range(4):
        made["experts"].append(
            contact(
                f"expert-{n}",
                "MA-04",
                organisation_type="other",
                is_expert=True,
                organisation_name="Expert",
                country=("GB", "ES", "FR", "MA")[n],
            )
        )
    return made


def _load(today: date) -> dict[str, int]:
    rng = random.Random(SEED)
    organisations = {o.code: o for o in Organisation.objects.filter(code__in=["agence-kafaat", "amal-oujda"])}
    territories = {
        t.code: t
        for t in Territory.objects.filter(code__in=["MA-01", "MA-02", "MA-04", "01.511", "02.411", "04.421"])
    }
    project = Project.objects.filter(code="kafaat-emploi").first()
    people = _contacts(organisations, territories, rng)
    gtr = people["gtr_MA-01"] + people["gtr_MA-02"]
    agency, amal = organisations["agence-kafaat"], organisations["amal-oujda"]
    counts = {"events": 0, "sessions": 0, "registrations": 0, "attendances": 0}

    def event(key, type_, names, organiser, territory, start, days, sessions_per_day, participants, **fields):
        created = Event.objects.create(
            uid=_uid(key),
            type=type_,
            name_fr=names[0],
            name_ar=names[1],
            name_en=names[2],
            organiser=organiser,
            project=project,
            territory=territories[territory],
            start_date=start,
            end_date=start + timedelta(days=days - 1),
            languages=["fr", "ar"],
            **fields,
        )
        sessions = []
        for day in range(days):
            for slot in range(sessions_per_day):
                hour = (9, 14)[slot]
                sessions.append(
                    Session.objects.create(
                        event=created,
                        title=f"J{day + 1} — {'matin' if slot == 0 else 'après-midi'}",
                        starts_at=_at(start + timedelta(days=day), hour),
                        ends_at=_at(start + timedelta(days=day), hour + 3),
                        position=len(sessions),
                    )
                )
        _register(created, sessions, participants, today, rng, counts)
        counts["events"] += 1
        counts["sessions"] += len(sessions)
        return created

    event(
        "conference",
        "conference",
        (
            "Conférence nationale sur la gouvernance régionale des compétences",
            "المؤتمر الوطني حول الحكامة الجهوية للكفاءات",
            "National conference on the regional governance of skills",
        ),
        agency,
        "04.421",
        today - timedelta(days=60),
        1,
        2,
        gtr + people["experts"],
        venue="Rabat",
        capacity=120,
    )
    regions = {
        "MA-01": ("01.511", "Tanger-Tétouan-Al Hoceïma", "طنجة تطوان الحسيمة", "Tanger-Tetouan-Al Hoceima"),
        "MA-02": ("02.411", "Oriental", "الشرق", "Oriental"),
    }
    for region, (city, fr, ar, en) in regions.items():
        event(
            f"capacity-{region}",
            "capacity_building",
            (
                f"Renforcement des capacités des membres du GTR ({fr})",
                f"تعزيز قدرات أعضاء فريق العمل الجهوي ({ar})",
                f"Capacity building for GTR members ({en})",
            ),
            agency,
            city,
            today - timedelta(days=30),
            1,
            2,
            people[f"gtr_{region}"],
            capacity=25,
        )
    event(
        "visit-uk",
        "study_visit",
        (
            "Voyage d'étude au Royaume-Uni : compétences sectorielles",
            "زيارة دراسية إلى المملكة المتحدة: المهارات القطاعية",
            "Study visit to the United Kingdom: sector skills",
        ),
        agency,
        "MA-01",
        today - timedelta(days=90),
        3,
        1,
        people["gtr_MA-01"][:8],
        country="GB",
        venue="Sheffield",
        capacity=10,
    )
    event(
        "visit-es",
        "study_visit",
        (
            "Voyage d'étude en Espagne : formation professionnelle duale",
            "زيارة دراسية إلى إسبانيا: التكوين المهني بالتناوب",
            "Study visit to Spain: dual vocational training",
        ),
        agency,
        "MA-02",
        today + timedelta(days=20),
        3,
        1,
        people["gtr_MA-02"][:8],
        country="ES",
        venue="Valencia",
        capacity=10,
    )
    event(
        "data-workshop",
        "workshop",
        (
            "Atelier de collecte des données de l'observatoire régional",
            "ورشة جمع معطيات المرصد الجهوي",
            "Regional observatory data-collection workshop",
        ),
        amal,
        "02.411",
        today - timedelta(days=1),
        3,
        2,
        people["gtr_MA-02"],
        venue="Oujda",
        capacity=30,
    )
    parent = Event.objects.create(
        uid=_uid("trainers"),
        type="training_module",
        organiser=agency,
        project=project,
        name_fr="Professionnalisation des formateurs",
        name_ar="تمهين المكونين",
        name_en="Professionalising trainers",
        territory=territories["MA-02"],
        start_date=today - timedelta(days=50),
        end_date=today - timedelta(days=20),
        languages=["fr", "ar"],
    )
    counts["events"] += 1
    sectors = {s.code: s for s in Sector.objects.all()}
    for n, (key, fr, ar, en, sector) in enumerate(TRADES):
        trainers = people["trainers"].get(key, [])
        module = event(
            f"module-{key}",
            "training_module",
            (f"Module formateurs — {fr}", f"وحدة المكونين — {ar}", f"Trainers' module — {en}"),
            agency,
            "MA-02",
            today - timedelta(days=50 - 3 * n),
            2,
            1,
            trainers,
            parent=parent,
            sector=sectors.get(sector) if sector else None,
        )
        full = {r.pk for r in module.registrations.all() if r.attendances.count() == 2}
        Registration.objects.filter(pk__in=full).update(
            completion_certified=True, completion_date=module.end_date
        )
    audit.record_bulk(
        audit.Action.BULK_CREATE,
        None,
        Event,
        Event.objects.filter(project=project).values_list("pk", flat=True),
        details={"source": "demo", **counts},
    )
    return counts


def _register(
    event: Event, sessions: list[Session], participants, today: date, rng: random.Random, counts
) -> None:
    """Register the participants; those of past sessions came to most of them (about 85 %)."""
    now = timezone.now()
    registrations = []
    for contact in participants:
        past = event.start_date <= today
        status = RegistrationStatus.REGISTERED if past or rng.random() < 0.6 else RegistrationStatus.INVITED
        registrations.append(
            Registration(
                event=event,
                contact=contact,
                status=status,
                invited_at=now,
                registered_at=now if status == RegistrationStatus.REGISTERED else None,
                language=contact.preferred_language or "fr",
            )
        )
    Registration.objects.bulk_create(registrations)
    attendances, came = [], set()
    for registration in registrations:
        if registration.status != RegistrationStatus.REGISTERED:
            continue
        absent_all = rng.random() < 0.1
        for session in sessions:
            if session.ends_at <= now and not absent_all and rng.random() < 0.9:
                attendances.append(
                    Attendance(
                        registration=registration,
                        session=session,
                        source=rng.choice([AttendanceSource.CHECK_IN, AttendanceSource.SIGN_IN_SHEET]),
                    )
                )
                came.add(registration.pk)
        if event.end_date < today and registration.pk not in came:
            registration.status = RegistrationStatus.NO_SHOW
            registration.save(update_fields=["status"])
    Attendance.objects.bulk_create(attendances)
    Registration.objects.filter(pk__in=came).update(status=RegistrationStatus.ATTENDED)
    counts["registrations"] += len(registrations)
    counts["attendances"] += len(attendances)
