"""Demo training supply: OFPPT and sectoral establishments in the four demo regions, their programmes, six
training years of published statistics, and the statistics derived from the demo's own pathway steps.

Idempotent: operators, establishments and programmes are upserted by code, published statistics are written
only where missing, and the derivation writes only differences. The figures are deterministic (seeded), with
the shapes of the published tables: growth of about 4 % a year, a dip in 2020-2021, women's shares by sector.
"""

from __future__ import annotations

import random
from datetime import date

from django.contrib.auth import get_user_model
from django.db import models, transaction

from kafaat.core import audit
from kafaat.core.models import Membership, Organisation, Role, Territory
from kafaat.synth.demo.accounts import DEMO_PASSWORD
from kafaat.training.derivation import derive_supply
from kafaat.training.models import (
    Establishment,
    Programme,
    ProgrammeOccupation,
    Sector,
    Source,
    SupplyStatistic,
)
from kafaat.training.sectors import load_sectors

SEED = 2026
FIRST_YEAR, LAST_YEAR = 2019, 2024  # training years 2019-2020 … 2024-2025
OFPPT_ADMIN = "admin.ofppt"

OPERATORS = [  # code, type, territory, acronym, French, Arabic, English
    ("dfrc-agriculture", "ministry", "04.421", "DEFR",
     "Ministère de l'Agriculture — Direction de l'enseignement, de la formation et de la recherche",
     "وزارة الفلاحة — مديرية التعليم والتكوين والبحث", "Ministry of Agriculture — Education and training"),
    ("mtaess-tourisme", "ministry", "04.421", "DF-Tourisme",
     "Ministère du Tourisme — Direction de la formation", "وزارة السياحة — مديرية التكوين",
     "Ministry of Tourism — Training directorate"),
    ("artisanat-formation", "ministry", "04.421", "DF-Artisanat",
     "Département de l'Artisanat — Direction de la formation", "قطاع الصناعة التقليدية — مديرية التكوين",
     "Handicraft department — Training directorate"),
    ("peche-formation", "ministry", "04.421", "DFM",
     "Département de la Pêche maritime — Direction de la formation maritime",
     "قطاع الصيد البحري — مديرية التكوين البحري", "Maritime fisheries — Maritime training directorate"),
    ("al-manar-formation", "training_provider", "02.411", "Al Manar",
     "Groupe Al Manar Formation (privé)", "مجموعة المنار للتكوين (خاص)", "Al Manar Training Group (private)"),
]  # fmt: skip

# code, operator, operator type, own organisation, province, capacity, French, Arabic names, programme codes
ESTABLISHMENTS = [
    ("ista-oujda", "ofppt", "ofppt", "ista-oujda", "02.411", 1400, "ISTA Oujda",
     "المعهد المتخصص للتكنولوجيا التطبيقية وجدة",
     ("Q-CC", "Q-CA", "T-SC", "Q-EB", "T-MA", "TS-DW", "T-BS", "Q-LM", "Q-CV", "Q-AC")),
    ("ista-nador", "ofppt", "ofppt", None, "02.381", 900, "ISTA Nador",
     "المعهد المتخصص للتكنولوجيا التطبيقية الناظور", ("Q-EB", "T-MA", "TS-GE", "Q-LM", "TS-DW")),
    ("ita-berkane", "dfrc-agriculture", "agriculture", None, "02.113", 250,
     "Institut technique agricole Berkane",
     "المعهد التقني الفلاحي بركان", ("T-AI", "T-AR", "Q-AG")),
    ("isht-saidia", "mtaess-tourisme", "tourism", None, "02.113", 300,
     "Institut spécialisé d'hôtellerie et de tourisme Saïdia", "المعهد المتخصص في الفندقة والسياحة السعيدية",
     ("Q-CR", "Q-PA", "T-SH")),
    ("al-manar-oujda", "al-manar-formation", "private", None, "02.411", 200, "École Al Manar Oujda",
     "مدرسة المنار وجدة", ("TS-GE", "TS-DW", "T-BS")),
    ("ista-tanger", "ofppt", "ofppt", None, "01.511", 1600, "ISTA Tanger Boukhalef",
     "المعهد المتخصص للتكنولوجيا التطبيقية طنجة بوخالف", ("Q-CA", "T-MA", "Q-EB", "TS-GE", "Q-LM", "Q-CC")),
    ("ifmia-tanger-med", "ofppt", "ofppt", None, "01.227", 800,
     "Institut de formation aux métiers de l'industrie automobile Tanger Med",
     "معهد التكوين في مهن صناعة السيارات طنجة المتوسط", ("Q-CA", "T-MA", "T-SC")),
    ("itpm-al-hoceima", "peche-formation", "fisheries", None, "01.051", 220,
     "Institut de technologie des pêches maritimes Al Hoceima", "معهد تكنولوجيا الصيد البحري الحسيمة",
     ("Q-MP", "T-NP")),
    ("cfa-artisanat-tetouan", "artisanat-formation", "handicraft", None, "01.571", 180,
     "Centre de formation par apprentissage artisanat Tétouan",
      "مركز التكوين بالتدرج المهني للصناعة التقليدية تطوان",
     ("Q-ZL", "Q-BO", "Q-CC")),
    ("ista-kenitra", "ofppt", "ofppt", None, "04.281", 1200, "ISTA Kénitra",
     "المعهد المتخصص للتكنولوجيا التطبيقية القنيطرة", ("Q-CA", "Q-EB", "TS-GE", "Q-LM", "Q-AS")),
    ("ista-sale", "ofppt", "ofppt", None, "04.441", 1100, "ISTA Salé",
     "المعهد المتخصص للتكنولوجيا التطبيقية سلا",
     ("TS-DW", "T-BS", "Q-CV", "Q-AC", "Q-AS", "Q-CO")),
    ("isht-rabat", "mtaess-tourisme", "tourism", None, "04.421", 350,
     "Institut spécialisé de technologie hôtelière et touristique Rabat",
     "المعهد المتخصص للتكنولوجيا الفندقية والسياحية الرباط", ("Q-CR", "Q-PA", "T-SH")),
    ("ita-sidi-kacem", "dfrc-agriculture", "agriculture", None, "04.481", 200,
     "Institut technique agricole Sidi Kacem", "المعهد التقني الفلاحي سيدي قاسم", ("T-AI", "Q-AG")),
    ("ista-beni-mellal", "ofppt", "ofppt", None, "05.091", 1000, "ISTA Béni Mellal",
     "المعهد المتخصص للتكنولوجيا التطبيقية بني ملال", ("Q-EB", "T-MA", "TS-GE", "Q-CC", "Q-AS", "T-AI")),
    ("ita-fquih-ben-salah", "dfrc-agriculture", "agriculture", None, "05.255", 260,
     "Institut technique agricole Fquih Ben Salah", "المعهد التقني الفلاحي الفقيه بن صالح", ("T-AI",
                                                                                             "T-AR", "Q-AG")),
    ("cfa-artisanat-khenifra", "artisanat-formation", "handicraft", None, "05.301", 150,
     "Centre de formation artisanat Khénifra", "مركز التكوين في الصناعة التقليدية خنيفرة", ("Q-TA", "Q-BO")),
]  # fmt: skip

# code → French title (as the demo's pathway steps write it where they do), Arabic title, sector, level, mode,
# months, ISCO-08 codes, women's share, seats
PROGRAMMES = {
    "Q-CC": ("Couture et confection", "الخياطة والتفصيل", "textile", "qualification", "residential", 12,
             ("7531", "7533"), 0.85, 40),
    "Q-CA": ("Câblage automobile", "الأسلاك الكهربائية للسيارات", "automotive", "qualification",
             "alternance", 6,
             ("8212",), 0.55, 60),
    "T-SC": ("Soudure et chaudronnerie", "التلحيم وصناعة المراجل", "mechanical", "technicien",
             "residential", 24,
             ("7212", "7214"), 0.04, 40),
    "Q-EB": ("Électricité du bâtiment", "كهرباء البناء", "electrical", "qualification", "residential", 12,
             ("7411",), 0.06, 50),
    "T-MA": ("Mécanique automobile", "ميكانيك السيارات", "automotive", "technicien", "residential", 24,
             ("7231",), 0.05, 40),
    "TS-DW": ("Développement web", "تطوير المواقع الإلكترونية", "digital", "technicien_specialise",
              "residential", 24, ("2513", "2514"), 0.38, 50),
    "T-BS": ("Bureautique et secrétariat", "المكتبيات والكتابة", "management", "technicien", "residential",
             24,
             ("4110", "4120"), 0.80, 40),
    "Q-LM": ("Logistique et magasinage", "اللوجستيك والتخزين", "logistics", "qualification", "alternance", 12,
             ("4321", "9333"), 0.25, 40),
    "Q-CV": ("Commerce et vente", "التجارة والبيع", "management", "qualification", "residential", 12,
             ("5223",), 0.55, 40),
    "Q-AC": ("Agent de centre d'appels", "وكيل مركز النداء", "digital", "qualification", "residential", 6,
             ("4222",), 0.60, 50),
    "TS-GE": ("Gestion des entreprises", "تسيير المقاولات", "management", "technicien_specialise",
              "residential",
              24, ("3313", "4311"), 0.62, 60),
    "Q-AS": ("Aide-soignant(e)", "مساعد(ة) في العلاجات", "health", "qualification", "residential", 12,
             ("5321",),
             0.78, 30),
    "Q-CO": ("Coiffure et esthétique", "الحلاقة والتجميل", "personal_services", "qualification",
             "apprenticeship",
             12, ("5141", "5142"), 0.82, 30),
    "T-AI": ("Agriculture et irrigation", "الفلاحة والسقي", "agriculture", "technicien", "alternance", 24,
             ("6111", "3142"), 0.22, 35),
    "T-AR": ("Arboriculture fruitière", "غراسة الأشجار المثمرة", "agriculture", "technicien",
             "residential", 24,
             ("6112",), 0.18, 30),
    "Q-AG": ("Ouvrier agricole qualifié", "عامل فلاحي مؤهل", "agriculture", "specialisation",
             "apprenticeship", 6,
             ("6111", "9211"), 0.30, 30),
    "Q-CR": ("Cuisine et restauration", "الطبخ والمطعمة", "tourism", "qualification", "residential", 12,
             ("5120",),
             0.40, 40),
    "Q-PA": ("Pâtisserie", "الحلويات", "tourism", "qualification", "residential", 12, ("7512",), 0.60, 30),
    "T-SH": ("Service en salle et hôtellerie", "خدمة المطعم والفندقة", "tourism", "technicien",
             "alternance", 24,
             ("5131", "4224"), 0.45, 40),
    "Q-MP": ("Matelot pêcheur", "بحار صياد", "fisheries", "qualification", "residential", 12, ("6222",), 0.01,
             40),
    "T-NP": ("Mécanicien de navire de pêche", "ميكانيكي سفن الصيد", "fisheries", "technicien",
             "residential", 24,
             ("7233",), 0.02, 25),
    "Q-ZL": ("Zellige et mosaïque", "الزليج والفسيفساء", "handicraft", "qualification", "apprenticeship", 12,
             ("7122",), 0.10, 25),
    "Q-BO": ("Broderie traditionnelle", "الطرز التقليدي", "handicraft", "qualification", "apprenticeship", 12,
             ("7318",), 0.92, 25),
    "Q-TA": ("Tapis et tissage", "الزرابي والنسيج", "handicraft", "qualification", "apprenticeship", 12,
             ("7318",), 0.90, 25),
}  # fmt: skip
COVID_YEAR = 2020


@transaction.atomic
def load_training_demo(today: date | None = None) -> dict[str, int]:
    """Upsert the demo's training supply, derive the statistics of its steps; return what was created."""
    if not Sector.objects.exists():
        load_sectors(Sector)
    sectors = {sector.code: sector for sector in Sector.objects.all()}
    organisations = _operators()
    territories = {t.code: t for t in Territory.objects.filter(level=Territory.Level.PROVINCE)}
    created = {"establishments": 0, "programmes": 0, "supply_statistics": 0}
    new_establishments, new_programmes, programmes = [], [], []
    for code, operator, kind, own, province, capacity, name_fr, name_ar, codes in ESTABLISHMENTS:
        establishment, was_created = _upsert(
            Establishment,
            {"code": code},
            {"name_fr": name_fr, "name_ar": name_ar, "operator_type": kind, "capacity": capacity,
             "operator": organisations[operator], "organisation": organisations.get(own or ""),
             "territory": territories[province], "is_active": True},
        )  # fmt: skip
        establishment.sectors.set({sectors[PROGRAMMES[c][2]] for c in codes})
        if was_created:
            new_establishments.append(establishment.pk)
        for programme_code in codes:
            title_fr, title_ar, sector, level, mode, months, isco_codes, _women, _seats = PROGRAMMES[
                programme_code
            ]
            programme, was_created = _upsert(
                Programme,
                {"establishment": establishment, "code": programme_code},
                {"title_fr": title_fr, "title_ar": title_ar, "sector": sectors[sector], "level": level,
                 "mode": mode, "duration_months": months, "is_active": True},
            )  # fmt: skip
            if was_created:
                new_programmes.append(programme.pk)
                ProgrammeOccupation.objects.bulk_create(
                    ProgrammeOccupation(programme=programme, isco_code=isco) for isco in isco_codes
                )
            programmes.append(programme)
    statistics = _statistics(programmes)
    created.update(establishments=len(new_establishments), programmes=len(new_programmes))
    created["supply_statistics"] = len(statistics)
    details = {"source": "demo"}
    for model, ids in ((Establishment, new_establishments), (Programme, new_programmes),
                       (SupplyStatistic, [s.pk for s in statistics])):  # fmt: skip
        if ids:
            audit.record_bulk(audit.Action.BULK_CREATE, None, model, ids, details=details)
    _ofppt_admin(organisations["ofppt"])
    derive_supply(today=today)
    return created


def _upsert(model: type[models.Model], lookup: dict, values: dict) -> tuple[models.Model, bool]:
    """update_or_create that saves only what differs: an unchanged row keeps its `updated_at`, so a second
    demo finds the data unchanged and does not refresh the warehouse (kafaat/synth/demo/warehouse.py)."""
    row, was_created = model.objects.get_or_create(**lookup, defaults=values)
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    if changed and not was_created:
        for name in changed:
            setattr(row, name, values[name])
        row.save(update_fields=[*changed, "updated_at"])
    return row, was_created


def _operators() -> dict[str, Organisation]:
    territories = {t.code: t for t in Territory.objects.filter(code__in={row[2] for row in OPERATORS})}
    for code, type_, territory, acronym, name_fr, name_ar, name_en in OPERATORS:
        Organisation.objects.update_or_create(
            code=code,
            defaults={"type": type_, "territory": territories[territory], "acronym": acronym,
                      "name_fr": name_fr,
                      "name_ar": name_ar, "name_en": name_en, "is_active": True},
        )  # fmt: skip
    return {organisation.code: organisation for organisation in Organisation.objects.all()}


def _statistics(programmes: list[Programme]) -> list[SupplyStatistic]:
    """Published figures for every demo programme and year that has none yet (seeded: the same each time)."""
    existing = set(
        SupplyStatistic.objects.filter(source=Source.PUBLISHED, programme__in=programmes).values_list(
            "programme_id", "year"
        )
    )
    rows = []
    for programme in programmes:
        rng = random.Random(f"{SEED}:{programme.establishment.code}:{programme.code}")
        _title, _ar, _sector, _level, _mode, months, _isco, women_share, seats = PROGRAMMES[programme.code]
        seats = round(seats * rng.uniform(0.7, 1.5))
        cohorts = max(1, months // 12)  # trainees of every year of study are enrolled at once
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            trend = 1.04 ** (year - FIRST_YEAR) * (0.85 if year == COVID_YEAR else 1.0)
            year_seats = round(seats * trend) * cohorts
            applicants = round(year_seats * rng.uniform(1.3, 3.2))
            enrolled = min(applicants, round(year_seats * rng.uniform(0.82, 1.0)))
            share = min(1.0, max(0.0, women_share + rng.uniform(-0.05, 0.05)))
            graduates = round(enrolled / cohorts * rng.uniform(0.65, 0.85))
            if (programme.pk, year) in existing:
                continue
            rows.append(
                SupplyStatistic(
                    programme=programme, year=year, source=Source.PUBLISHED, seats=year_seats,
                    applicants=applicants, applicants_women=round(applicants * share),
                    enrolled=enrolled, enrolled_women=round(enrolled * share),
                    graduates=graduates, graduates_women=round(graduates * min(1.0, share * 1.05)),
                )
            )  # fmt: skip
    return SupplyStatistic.objects.bulk_create(rows, batch_size=500)


def _ofppt_admin(ofppt: Organisation) -> None:
    """A log-in for OFPPT's national administrator, who manages the establishments OFPPT runs."""
    user, was_created = get_user_model().objects.get_or_create(
        username=OFPPT_ADMIN,
        defaults={"first_name": "Rachid", "last_name": "Alaoui", "email": f"{OFPPT_ADMIN}@demo.kafaat"},
    )
    if was_created:
        user.set_password(DEMO_PASSWORD)
        user.save()
        audit.record(audit.Action.CREATE, None, user, details={"source": "demo"})
    Membership.objects.update_or_create(
        user=user,
        organisation=ofppt,
        role=Role.ADMINISTRATOR,
        defaults={"territory_scope": None, "is_active": True},
    )
