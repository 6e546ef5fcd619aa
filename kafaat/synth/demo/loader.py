"""The demo: organisations and log-ins, the Kafaat project, and ~3,000 people with realistic pathways.

Everything is created or reset to a known state, so running it twice changes nothing: organisations and
log-ins are upserted, and the people (external ids DEMO-00001…) are written only when they are not there yet,
in bulk (one insert per table and kind of step, one audit event per table) inside one transaction. The people
come from `kafaat.synth.people` and their steps from `kafaat.synth.pathways`, both deterministic from a seed;
the pathways are dated relative to today, so that follow-ups fall due in the coming week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from kafaat.core import audit
from kafaat.core.models import Membership, Organisation, Project, Role, Territory
from kafaat.registry.models import Person
from kafaat.synth.demo.accounts import DEMO_PASSWORD
from kafaat.synth.demo.event_documents import load_event_documents_demo
from kafaat.synth.demo.events import load_events_demo
from kafaat.synth.demo.governance import load_governance_demo
from kafaat.synth.demo.grants import load_grants_demo
from kafaat.synth.demo.labour import load_labour_demo
from kafaat.synth.demo.missions import load_missions_demo
from kafaat.synth.demo.observatory import load_observatory_demo
from kafaat.synth.demo.people import PERSON_PREFIX, load_people
from kafaat.synth.demo.results import load_results_demo
from kafaat.synth.demo.training import load_training_demo

DEMO_ORGANISATIONS = [  # code, type, territory, acronym, French, Arabic and English names
    ("miepeec", "ministry", "04.421", "MIEPEEC",
     "Ministère de l'Inclusion économique, de la Petite entreprise, de l'Emploi et des Compétences",
     "وزارة الإدماج الاقتصادي والمقاولة الصغرى والتشغيل والكفاءات",
     "Ministry of Economic Inclusion, Small Business, Employment and Skills"),
    ("ofppt", "ofppt", "06.141", "OFPPT",
     "Office de la Formation Professionnelle et de la Promotion du Travail",
     "مكتب التكوين المهني وإنعاش الشغل", "Office for Vocational Training and Employment Promotion"),
    ("ue-maroc", "donor", "04.421", "UE",
     "Délégation de l'Union européenne au Maroc", "بعثة الاتحاد الأوروبي بالمغرب",
     "Delegation of the European Union to Morocco"),
    ("agence-kafaat", "implementing_agency", "04.421", "AKM",
     "Agence Kafaat de mise en œuvre", "وكالة كفاءات للتنفيذ", "Kafaat implementing agency"),
    ("anapec-oujda", "implementing_agency", "02.411", "ANAPEC",
     "ANAPEC — agence d'Oujda", "الوكالة الوطنية لإنعاش التشغيل والكفاءات — وكالة وجدة",
     "ANAPEC — Oujda agency"),
    ("amal-oujda", "ngo", "02.411", "Amal",
     "Association Amal pour l'insertion des jeunes — Oujda", "جمعية أمل لإدماج الشباب — وجدة",
     "Amal Youth Inclusion Association — Oujda"),
    ("tanmia-tanger", "ngo", "01.511", "Tanmia",
     "Association Tanmia — Tanger", "جمعية تنمية — طنجة", "Tanmia Association — Tangier"),
    ("nour-rabat", "ngo", "04.421", "Nour",
     "Association Nour pour la femme — Rabat", "جمعية نور للمرأة — الرباط",
     "Nour Women's Association — Rabat"),
    ("atlas-beni-mellal", "ngo", "05.091", "Atlas",
     "Association Atlas Développement — Béni Mellal", "جمعية الأطلس للتنمية — بني ملال",
     "Atlas Development Association — Beni Mellal"),
    ("ista-oujda", "training_provider", "02.411", "ISTA",
     "Institut spécialisé de technologie appliquée — Oujda", "المعهد المتخصص للتكنولوجيا التطبيقية — وجدة",
     "Specialised Institute of Applied Technology — Oujda"),
    ("tac-tanger", "employer", "01.511", "TAC",
     "Tanger Automotive Components SARL", "طنجة لمكونات السيارات", "Tanger Automotive Components"),
    # The agency's regional offices hold the secretariat of each pilot GTR (kafaat/synth/demo/governance.py).
    ("kafaat-oriental", "implementing_agency", "02.411", "AKM-O",
     "Agence Kafaat — antenne de l'Oriental", "وكالة كفاءات — فرع جهة الشرق",
     "Kafaat agency — Oriental office"),
    ("kafaat-tth", "implementing_agency", "01.511", "AKM-T",
     "Agence Kafaat — antenne de Tanger-Tétouan-Al Hoceïma", "وكالة كفاءات — فرع جهة طنجة تطوان الحسيمة",
     "Kafaat agency — Tanger-Tétouan-Al Hoceïma office"),
]  # fmt: skip


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    organisation: str | None
    role: str | None
    scope: str | None


DEMO_LOGINS = [
    DemoLogin("admin", "Administratrice nationale", None, None, None),
    DemoLogin("admin.oujda", "Karima Benali", "amal-oujda", Role.ADMINISTRATOR, "MA-02"),
    DemoLogin("manager", "Youssef El Amrani", "agence-kafaat", Role.PROGRAMME_MANAGER, None),
    DemoLogin("caseworker.oujda", "Fatima Zahra Ouali", "amal-oujda", Role.CASE_WORKER, None),
    DemoLogin("caseworker.tanger", "Mohamed Amine Tazi", "tanmia-tanger", Role.CASE_WORKER, None),
    DemoLogin("analyst.oriental", "Said Bouazza", "ofppt", Role.ANALYST, "MA-02"),
    DemoLogin("reviewer", "Nadia Chraibi", "agence-kafaat", Role.GRANT_REVIEWER, None),
    DemoLogin("establishment", "Hassan Berrada", "ista-oujda", Role.ESTABLISHMENT_MANAGER, None),
    DemoLogin("donor", "Claire Martin", "ue-maroc", Role.DONOR_VIEWER, None),
    # Manages the establishments OFPPT runs (kafaat/synth/demo/training.py gives it their data).
    DemoLogin("admin.ofppt", "Rachid Alaoui", "ofppt", Role.ADMINISTRATOR, None),
    # The secretariats of the two pilot GTR (kafaat/synth/demo/governance.py).
    DemoLogin(
        "secretariat.oriental", "Salima Benjelloun", "kafaat-oriental", Role.PROGRAMME_MANAGER, "MA-02"
    ),
    DemoLogin("secretariat.tanger", "Adil Ouazzani", "kafaat-tth", Role.PROGRAMME_MANAGER, "MA-01"),
    # Grants (kafaat/synth/demo/grants.py): two more reviewers of the agency's call, and an applicant of each
    # of the two pilot regions' NGOs.
    DemoLogin("reviewer2", "Omar Lahlou", "agence-kafaat", Role.GRANT_REVIEWER, None),
    DemoLogin("reviewer3", "Samira Idrissi", "agence-kafaat", Role.GRANT_REVIEWER, None),
    DemoLogin("candidat.amal", "Hajar Moussaoui", "amal-oujda", Role.GRANT_APPLICANT, None),
    DemoLogin("candidat.tanmia", "Anas Bennani", "tanmia-tanger", Role.GRANT_APPLICANT, None),
]


PROJECT_CODE = "kafaat-emploi"
PROJECT = {
    "name_fr": "Kafaat — Compétences pour l'emploi",
    "name_ar": "كفاءات — مهارات من أجل التشغيل",
    "name_en": "Kafaat — Skills for employment",
    "start_date": date(2025, 1, 1),
    "end_date": date(2027, 12, 31),
    "is_active": True,
}
PROJECT_DONOR, PROJECT_REGIONS = "ue-maroc", ("MA-01", "MA-02", "MA-04", "MA-05")


@transaction.atomic
def load_demo(today: date | None = None) -> dict[str, int]:
    """Create the demo organisations, log-ins, project and people; returns how many rows were created."""
    today = today or timezone.localdate()
    created = {"organisations": 0, "users": 0, "memberships": 0, "projects": 0, "people": 0, "steps": 0}
    territories = {t.code: t for t in Territory.objects.exclude(level=Territory.Level.COMMUNE)}
    organisations = {}
    for code, type_, territory, acronym, name_fr, name_ar, name_en in DEMO_ORGANISATIONS:
        organisation, was_created = Organisation.objects.update_or_create(
            code=code,
            defaults={
                "type": type_,
                "territory": territories[territory],
                "acronym": acronym,
                "name_fr": name_fr,
                "name_ar": name_ar,
                "name_en": name_en,
                "is_active": True,
            },
        )
        organisations[code] = organisation
        created["organisations"] += was_created
    users = _load_logins(organisations, territories, created)
    project, was_created = Project.objects.update_or_create(
        code=PROJECT_CODE, defaults={**PROJECT, "donor": organisations[PROJECT_DONOR]}
    )
    project.participants.set(organisations.values())
    project.territories.set([territories[code] for code in PROJECT_REGIONS])
    created["projects"] = int(was_created)
    if was_created:
        audit.record(audit.Action.CREATE, None, project, details={"source": "demo"})
    if not Person.objects.filter(external_id=f"{PERSON_PREFIX}00001").exists():
        created["people"], created["steps"] = load_people(today, project, organisations, case_workers(users))
    created["indicators"] = load_results_demo(project)
    created.update(load_labour_demo(today))
    created.update(load_training_demo(today))
    created.update(load_governance_demo(today))  # the pilot GTR: directory, members, meetings, actions
    created.update(
        load_events_demo(today)
    )  # after training and the directory: modules name sectors, trainers
    created.update(load_event_documents_demo(today))  # after the events demo: scores, certificates, trainers
    created.update(load_observatory_demo())  # past vacancies: gap tables and trends for the demo regions
    created.update(load_missions_demo(today))  # the EU twinning's expert missions and study visits
    created.update(load_grants_demo(today))  # after the results demo: applications contribute to indicators
    return created


def _load_logins(
    organisations: dict[str, Organisation], territories: dict[str, Territory], created: dict
) -> dict:
    user_model = get_user_model()
    users, new_users = {}, []
    for login in DEMO_LOGINS:
        first_name, _, last_name = login.full_name.partition(" ")
        user, was_created = user_model.objects.get_or_create(
            username=login.username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{login.username}@demo.kafaat",
            },
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.is_superuser = user.is_staff = login.organisation is None
            user.save()
            new_users.append(user.pk)
        users[login.username] = user
        if login.organisation:
            _, membership_created = Membership.objects.update_or_create(
                user=user,
                organisation=organisations[login.organisation],
                role=login.role,
                defaults={
                    "territory_scope": territories.get(login.scope) if login.scope else None,
                    "is_active": True,
                },
            )
            created["memberships"] += membership_created
    created["users"] = len(new_users)
    if new_users:
        audit.record_bulk(audit.Action.BULK_CREATE, None, user_model, new_users, details={"source": "demo"})
    return users


def case_workers(users: dict) -> dict[str, object]:
    """The demo case worker of each organisation that has one."""
    return {
        login.organisation: users[login.username]
        for login in DEMO_LOGINS
        if login.role == Role.CASE_WORKER and login.username in users
    }
