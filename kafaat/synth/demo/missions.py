"""The demo's EU twinning with OFPPT: 97 done expert missions by 51 distinct experts summing 400 person-days
(the twinning's reported "97 expert missions, 51 experts, 400 person-days", reproduced from the records),
a few planned and one cancelled mission that do not count, and two study visits (United Kingdom, Spain)
whose participants' attendance gives 55 person-days.

Every row is found again by a stable key (contacts by external id "missions-…", events by a fixed uid,
missions by expert and dates), so running the demo twice changes nothing. These study visits are the
twinning's (OFPPT officials); the GTR programme's own study visits to the same countries are the events
demo's.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction

from kafaat.contacts.models import Contact
from kafaat.core.models import Organisation, Project, Territory
from kafaat.events.models import (
    Attendance,
    AttendanceSource,
    Event,
    EventType,
    Registration,
    RegistrationStatus,
    Session,
)
from kafaat.missions.models import ExpertMission
from kafaat.missions.services import working_days
from kafaat.results.models import Indicator, LogframeNode

TWINNING_CODE = "jumelage-ofppt"
TWINNING = {
    "name_fr": "Jumelage UE — OFPPT : ingénierie de la formation",
    "name_ar": "توأمة الاتحاد الأوروبي — مكتب التكوين المهني: هندسة التكوين",
    "name_en": "EU twinning — OFPPT: training engineering",
    "start_date": date(2024, 1, 1),
    "end_date": date(2026, 6, 30),
    "is_active": True,
}
DONE_MISSIONS, DISTINCT_EXPERTS, MISSION_PERSON_DAYS, STUDY_VISIT_PERSON_DAYS = 97, 51, 400, 55
# The experts' countries (51 in all).
EXPERT_COUNTRIES = (("FR", 18), ("ES", 12), ("DE", 8), ("BE", 5), ("IT", 4), ("PT", 2), ("AT", 2))
EXPERT_NAMES = (
    ("Claire", "Dubois"),
    ("Javier", "García"),
    ("Anna", "Schmidt"),
    ("Luc", "Peeters"),
    ("Giulia", "Rossi"),
    ("João", "Silva"),
    ("Markus", "Huber"),
    ("Sophie", "Martin"),
    ("Elena", "López"),
    ("Thomas", "Müller"),
    ("Marc", "Janssens"),
    ("Paolo", "Bianchi"),
    ("Inês", "Costa"),
    ("Lukas", "Gruber"),
    ("Nicolas", "Bernard"),
    ("Carmen", "Martínez"),
    ("Julia", "Weber"),
)
# code, level, parent, fr, ar, en
COMPONENTS = (
    (
        "J-IMP",
        "impact",
        None,
        "L'OFPPT conçoit ses formations selon l'approche par compétences",
        "مكتب التكوين المهني يصمم تكويناته وفق المقاربة بالكفاءات",
        "OFPPT designs its training with the competency-based approach",
    ),
    (
        "J-C1",
        "outcome",
        "J-IMP",
        "Composante 1 — Ingénierie des référentiels",
        "المكون 1 — هندسة المراجع",
        "Component 1 — Standards engineering",
    ),
    (
        "J-C2",
        "outcome",
        "J-IMP",
        "Composante 2 — Formation des formateurs",
        "المكون 2 — تكوين المكونين",
        "Component 2 — Training of trainers",
    ),
    (
        "J-C3",
        "outcome",
        "J-IMP",
        "Composante 3 — Gouvernance régionale",
        "المكون 3 — الحكامة الجهوية",
        "Component 3 — Regional governance",
    ),
)
# The twinning's indicators, on its impact: code, measure, disaggregations, unit, fr, ar, en.
TWINNING_INDICATORS = (
    ("J1", "expert_missions", ["country", "component", "region"], "count", "Missions d'expertise réalisées",
     "بعثات الخبرة المنجزة", "Expert missions done"),
    ("J2", "distinct_experts", ["country", "sex"], "count", "Experts mobilisés (distincts)",
     "الخبراء المعبؤون (دون تكرار)", "Experts mobilised (distinct)"),
    ("J3", "expert_person_days", ["country", "component"], "days", "Jours-personne d'expertise",
     "أيام عمل الخبرة", "Expert person-days"),
    ("J4", "study_visit_person_days", ["region"], "days", "Jours-personne des visites d'étude",
     "أيام عمل الزيارات الدراسية", "Study visits' person-days"),
)  # fmt: skip
UID_NAMESPACE = uuid.UUID("6f1d8a52-8f0b-4c55-9a39-2f5d3c6b0d11")
# key, country, organising region, start, end, participants, of whom attended, fr, ar, en
STUDY_VISITS = (
    (
        "uk",
        "GB",
        "MA-01",
        date(2025, 3, 10),
        date(2025, 3, 14),
        6,
        5,
        "Visite d'étude — Royaume-Uni : apprentissage et employeurs",
        "زيارة دراسية — المملكة المتحدة: التمهين والمشغلون",
        "Study visit — United Kingdom: apprenticeships and employers",
    ),
    (
        "es",
        "ES",
        "MA-02",
        date(2025, 6, 2),
        date(2025, 6, 7),
        5,
        5,
        "Visite d'étude — Espagne : formation professionnelle duale",
        "زيارة دراسية — إسبانيا: التكوين المهني المزدوج",
        "Study visit — Spain: dual vocational training",
    ),
)
OFFICIALS = (
    ("Khalid", "Bennani", "خالد", "بناني", "M"),
    ("Samira", "Idrissi", "سميرة", "الإدريسي", "F"),
    ("Omar", "Tahiri", "عمر", "الطاهري", "M"),
    ("Latifa", "Ziani", "لطيفة", "الزياني", "F"),
    ("Hicham", "Amrani", "هشام", "العمراني", "M"),
    ("Naima", "Fassi", "نعيمة", "الفاسي", "F"),
)
FIRST_MONDAY = date(2024, 1, 8)


def _experts(ofppt: Organisation, rabat: Territory) -> list[Contact]:
    experts = []
    countries = [country for country, count in EXPERT_COUNTRIES for _ in range(count)]
    for number, country in enumerate(countries, start=1):
        first, last = EXPERT_NAMES[number % len(EXPERT_NAMES)]
        contact, _created = Contact.objects.get_or_create(
            managed_by=ofppt,
            external_id=f"missions-expert-{number:02d}",
            defaults={
                "territory": rabat,
                "first_name_latin": first,
                "last_name_latin": f"{last} {number:02d}",
                "sex": "F" if number % 2 else "M",
                "organisation_type": "other",
                "is_expert": True,
                "country": country,
                "home_institution": f"Twinning partner ({country})",
                "organisation_name": f"Twinning partner ({country})",
            },
        )
        experts.append(contact)
    return experts


def _components(project: Project) -> dict[str, LogframeNode]:
    nodes: dict[str, LogframeNode] = {}
    for position, (code, level, parent, fr, ar, en) in enumerate(COMPONENTS):
        nodes[code], _created = LogframeNode.objects.update_or_create(
            project=project,
            code=code,
            defaults={
                "level": level,
                "parent": nodes.get(parent),
                "name_fr": fr,
                "name_ar": ar,
                "name_en": en,
                "position": position,
            },
        )
    for position, (code, measure, dims, unit, fr, ar, en) in enumerate(TWINNING_INDICATORS):
        Indicator.objects.update_or_create(
            project=project, code=code,
            defaults={"node": nodes["J-IMP"], "measure": measure, "disaggregations": dims, "unit": unit,
                      "name_fr": fr, "name_ar": ar, "name_en": en, "position": position},
        )  # fmt: skip
    return nodes


def _mission(defaults: dict, **key) -> int:
    _mission_row, created = ExpertMission.objects.get_or_create(**key, defaults=defaults)
    return int(created)


def _missions(project, ofppt, experts, components, regions, today: date) -> int:
    created = 0
    outcomes = [components["J-C1"], components["J-C2"], components["J-C3"]]
    region_codes = sorted(regions)
    for index in range(DONE_MISSIONS):
        start = FIRST_MONDAY + timedelta(weeks=index)
        end = start + timedelta(days=4 if index < 12 else 3)  # 12 five-day missions, 85 of four days
        created += _mission(
            {
                "organiser": ofppt,
                "project": project,
                "result": outcomes[index % 3],
                "territory": regions[region_codes[index % len(region_codes)]],
                "beneficiary_institution": "OFPPT",
                "purpose": f"Appui technique — activité {index + 1:03d}",
                "person_days": working_days(start, end),
                "deliverables": "Rapport de mission, supports d'atelier",
                "status": ExpertMission.Status.DONE,
            },
            expert=experts[index % DISTINCT_EXPERTS],
            start_date=start,
            end_date=end,
        )
    # Planned ones (after today: they never count) and a cancelled one.
    for number, (offset, status) in enumerate(
        ((30, "planned"), (60, "planned"), (90, "planned"), (-200, "cancelled")), start=1
    ):
        start = today + timedelta(days=offset)
        start -= timedelta(days=start.weekday())  # a Monday
        end = start + timedelta(days=4)
        created += _mission(  # found again by expert and purpose: their dates follow the day the demo runs
            {
                "organiser": ofppt,
                "project": project,
                "result": outcomes[0],
                "territory": regions["MA-04"],
                "beneficiary_institution": "OFPPT",
                "start_date": start,
                "end_date": end,
                "person_days": working_days(start, end),
                "status": status,
            },
            expert=experts[number],
            purpose=f"Appui technique — mission {status} {number}",
        )
    return created


def _study_visits(project, ofppt, components, regions) -> int:
    created = 0
    for key, country, region, start, end, invited, attended, fr, ar, en in STUDY_VISITS:
        visit, was_created = Event.objects.update_or_create(
            uid=uuid.uuid5(UID_NAMESPACE, f"study-visit-{key}"),
            defaults={
                "type": EventType.STUDY_VISIT,
                "organiser": ofppt,
                "project": project,
                "result": components["J-C3"],
                "start_date": start,
                "end_date": end,
                "territory": regions[region],
                "country": country,
                "name_fr": fr,
                "name_ar": ar,
                "name_en": en,
                "description": "Visite d'étude du jumelage UE–OFPPT (responsables de l'OFPPT).",
            },
        )
        created += was_created
        if not was_created:
            continue
        sessions = [
            Session.objects.create(
                event=visit,
                title=f"J{day + 1}",
                position=day,
                starts_at=datetime.combine(start + timedelta(days=day), time(9), tzinfo=UTC),
                ends_at=datetime.combine(start + timedelta(days=day), time(17), tzinfo=UTC),
            )
            for day in range((end - start).days + 1)
        ]
        for number in range(invited):
            first, last, first_ar, last_ar, sex = OFFICIALS[number]
            contact, _created = Contact.objects.get_or_create(
                managed_by=ofppt,
                external_id=f"missions-visit-{key}-{number + 1}",
                defaults={
                    "territory": regions[region],
                    "first_name_latin": first,
                    "last_name_latin": last,
                    "first_name_ar": first_ar,
                    "last_name_ar": last_ar,
                    "sex": sex,
                    "organisation_type": "ofppt",
                    "organisation": ofppt,
                    "position": "Cadre",
                },
            )
            came = number < attended
            registration = Registration.objects.create(
                event=visit,
                contact=contact,
                status=RegistrationStatus.ATTENDED if came else RegistrationStatus.NO_SHOW,
            )
            if came:
                Attendance.objects.bulk_create(
                    Attendance(registration=registration, session=s, source=AttendanceSource.MANUAL)
                    for s in sessions
                )
    return created


@transaction.atomic
def load_missions_demo(today: date) -> dict[str, int]:
    """The twinning project, its components, experts, missions and study visits; returns rows created."""
    ofppt = Organisation.objects.get(code="ofppt")
    donor = Organisation.objects.filter(code="ue-maroc").first()
    project, _created = Project.objects.update_or_create(
        code=TWINNING_CODE, defaults={**TWINNING, "donor": donor}
    )
    project.participants.add(ofppt)
    regions = {t.code: t for t in Territory.objects.filter(code__in=("MA-01", "MA-02", "MA-04", "MA-06"))}
    rabat = Territory.objects.get(code="04.421")
    components = _components(project)
    experts = _experts(ofppt, rabat)
    return {
        "missions": _missions(project, ofppt, experts, components, regions, today),
        "study_visits": _study_visits(project, ofppt, components, regions),
    }
