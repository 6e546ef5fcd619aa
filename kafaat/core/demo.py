"""Demo organisations and log-ins, created or reset to their known state: running it twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from kafaat.core import audit
from kafaat.core.models import Membership, Organisation, Role, Territory

DEMO_PASSWORD = "Kafaat-demo-2026"  # noqa: S105 — printed on purpose: demo data only

DEMO_ORGANISATIONS = [
    # code, type, territory, acronym, fr, ar, en
    (
        "miepeec",
        "ministry",
        "04.421",
        "MIEPEEC",
        "Ministère de l'Inclusion économique, de la Petite entreprise, de l'Emploi et des Compétences",
        "وزارة الإدماج الاقتصادي والمقاولة الصغرى والتشغيل والكفاءات",
        "Ministry of Economic Inclusion, Small Business, Employment and Skills",
    ),
    (
        "ofppt",
        "ofppt",
        "06.141",
        "OFPPT",
        "Office de la Formation Professionnelle et de la Promotion du Travail",
        "مكتب التكوين المهني وإنعاش الشغل",
        "Office for Vocational Training and Employment Promotion",
    ),
    (
        "ue-maroc",
        "donor",
        "04.421",
        "UE",
        "Délégation de l'Union européenne au Maroc",
        "بعثة الاتحاد الأوروبي بالمغرب",
        "Delegation of the European Union to Morocco",
    ),
    (
        "agence-kafaat",
        "implementing_agency",
        "04.421",
        "AKM",
        "Agence Kafaat de mise en œuvre",
        "وكالة كفاءات للتنفيذ",
        "Kafaat implementing agency",
    ),
    (
        "anapec-oujda",
        "implementing_agency",
        "02.411",
        "ANAPEC",
        "ANAPEC — agence d'Oujda",
        "الوكالة الوطنية لإنعاش التشغيل والكفاءات — وكالة وجدة",
        "ANAPEC — Oujda agency",
    ),
    (
        "amal-oujda",
        "ngo",
        "02.411",
        "Amal",
        "Association Amal pour l'insertion des jeunes — Oujda",
        "جمعية أمل لإدماج الشباب — وجدة",
        "Amal Youth Inclusion Association — Oujda",
    ),
    (
        "tanmia-tanger",
        "ngo",
        "01.511",
        "Tanmia",
        "Association Tanmia — Tanger",
        "جمعية تنمية — طنجة",
        "Tanmia Association — Tangier",
    ),
    (
        "nour-rabat",
        "ngo",
        "04.421",
        "Nour",
        "Association Nour pour la femme — Rabat",
        "جمعية نور للمرأة — الرباط",
        "Nour Women's Association — Rabat",
    ),
    (
        "atlas-beni-mellal",
        "ngo",
        "05.091",
        "Atlas",
        "Association Atlas Développement — Béni Mellal",
        "جمعية الأطلس للتنمية — بني ملال",
        "Atlas Development Association — Beni Mellal",
    ),
    (
        "ista-oujda",
        "training_provider",
        "02.411",
        "ISTA",
        "Institut spécialisé de technologie appliquée — Oujda",
        "المعهد المتخصص للتكنولوجيا التطبيقية — وجدة",
        "Specialised Institute of Applied Technology — Oujda",
    ),
    (
        "tac-tanger",
        "employer",
        "01.511",
        "TAC",
        "Tanger Automotive Components SARL",
        "طنجة لمكونات السيارات",
        "Tanger Automotive Components",
    ),
]


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
]


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create the demo organisations and log-ins; returns how many rows were created this time."""
    created = {"organisations": 0, "users": 0, "memberships": 0}
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
    user_model = get_user_model()
    new_users = []
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
    return created
