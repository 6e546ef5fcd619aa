"""Demo stakeholder directory: the members of the two pilot GTR (Tanger-Tétouan-Al Hoceïma and Oriental) —
regional council, OFPPT region, wilaya, CGEM region, professional associations, NGOs — and trainers (one or
two per sector of the trainers' modules) and experts (Morocco, Spain, the United Kingdom, France) that the
events and missions demos reuse.

`demo_contacts()` creates them once (upserted by external id, prefixed "contacts-") and returns them by role:
`{"gtr_oriental": [...], "gtr_tth": [...], "trainers": {sector: [...]}, "experts": [...]}`. Each is kept by
the implementing agency's regional office that holds its GTR's secretariat (trainers and experts: the
national agency), so the secretariat log-ins edit their members and everyone in scope reads them.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from kafaat.contacts.models import Contact
from kafaat.core import audit
from kafaat.core.models import Organisation, Territory

PREFIX = "contacts-"
CONSENT_DAY = date(2025, 1, 15)
OFFICES = {"MA-02": "kafaat-oriental", "MA-01": "kafaat-tth"}
NATIONAL_KEEPER = "agence-kafaat"
# The eight sectors of the trainers' modules → the training sector code closest to each.
TRAINER_SECTORS = {
    "construction": "construction",
    "automotive": "automotive",
    "electrical": "electrical",
    "thermal": "thermal",
    "refrigeration": "refrigeration",
    "welding": "welding",
    "aeronautics": "aeronautics",
    "fashion": "textile",
}

# key, region, province, sex, first/last Latin, first/last Arabic, organisation type, organisation, position
GTR_MEMBERS = [
    ("or-01", "MA-02", "02.411", "F", "Naima", "Bouchikhi", "نعيمة", "بوشيخي", "regional_council",
     "Conseil de la Région de l'Oriental", "Vice-présidente chargée de la formation"),
    ("or-02", "MA-02", "02.411", "M", "Abdelkader", "Mellouki", "عبد القادر", "الملوكي", "ofppt",
     "OFPPT — Direction régionale de l'Oriental", "Directeur régional"),
    ("or-03", "MA-02", "02.411", "M", "Mustapha", "Ziani", "مصطفى", "الزياني", "ministry",
     "Wilaya de la Région de l'Oriental", "Chef de la division économique"),
    ("or-04", "MA-02", "02.411", "F", "Houda", "Kaddouri", "هدى", "القدوري", "employer",
     "CGEM Oriental", "Présidente de la commission formation"),
    ("or-05", "MA-02", "02.381", "M", "Driss", "Amzil", "إدريس", "أمزيل", "professional_association",
     "Fédération du BTP — Oriental", "Secrétaire général"),
    ("or-06", "MA-02", "02.411", "F", "Samira", "Lahlou", "سميرة", "لحلو", "ngo",
     "Association Amal — Oujda", "Coordinatrice"),
    ("or-07", "MA-02", "02.113", "M", "Younes", "Berkani", "يونس", "البركاني", "training_provider",
     "Groupe Al Manar Formation", "Directeur pédagogique"),
    ("or-08", "MA-02", "02.411", "F", "Fatiha", "Rahmouni", "فتيحة", "الرحموني", "ministry",
     "Direction régionale de l'emploi", "Cheffe de service"),
    ("tth-01", "MA-01", "01.511", "M", "Hicham", "Temsamani", "هشام", "التمسماني", "regional_council",
     "Conseil de la Région Tanger-Tétouan-Al Hoceïma", "Vice-président chargé de l'emploi"),
    ("tth-02", "MA-01", "01.511", "F", "Zineb", "Khattabi", "زينب", "الخطابي", "ofppt",
     "OFPPT — Direction régionale Tanger-Tétouan-Al Hoceïma", "Directrice régionale"),
    ("tth-03", "MA-01", "01.511", "M", "Omar", "Bakkali", "عمر", "البقالي", "ministry",
     "Wilaya de la Région Tanger-Tétouan-Al Hoceïma", "Chef de la division de l'action sociale"),
    ("tth-04", "MA-01", "01.511", "F", "Meryem", "Akhrif", "مريم", "أخريف", "employer",
     "CGEM Tanger-Tétouan-Al Hoceïma", "Déléguée formation"),
    ("tth-05", "MA-01", "01.511", "M", "Rachid", "Boulaich", "رشيد", "بوليعيش", "professional_association",
     "AMICA — Association marocaine pour l'industrie et le commerce de l'automobile", "Délégué régional"),
    ("tth-06", "MA-01", "01.571", "F", "Khadija", "Bouhdoud", "خديجة", "بوحدود", "ngo",
     "Association Tanmia — Tanger", "Présidente"),
    ("tth-07", "MA-01", "01.511", "M", "Anas", "Chaoui", "أنس", "الشاوي", "professional_association",
     "GIMAS — Groupement des industries marocaines aéronautiques", "Responsable formation"),
    ("tth-08", "MA-01", "01.571", "F", "Loubna", "Ayachi", "لبنى", "العياشي", "training_provider",
     "ISTA Tétouan", "Directrice"),
]  # fmt: skip

# key, sector, sex, first/last Latin, first/last Arabic, province
TRAINERS = [
    ("tr-01", "construction", "M", "Brahim", "Ait Ali", "إبراهيم", "آيت علي", "02.411"),
    ("tr-02", "construction", "F", "Soukaina", "Jabri", "سكينة", "الجابري", "01.511"),
    ("tr-03", "automotive", "M", "Adil", "Saidi", "عادل", "السعيدي", "01.511"),
    ("tr-04", "automotive", "F", "Imane", "Mrabet", "إيمان", "المرابط", "01.511"),
    ("tr-05", "electrical", "M", "Hamid", "Oulad Ali", "حميد", "أولاد علي", "02.411"),
    ("tr-06", "electrical", "F", "Nawal", "Bekkali", "نوال", "البقالي", "02.381"),
    ("tr-07", "thermal", "M", "Said", "Haddou", "سعيد", "حدو", "02.411"),
    ("tr-08", "refrigeration", "M", "Jamal", "Ouahbi", "جمال", "الوهبي", "01.511"),
    ("tr-09", "refrigeration", "F", "Hanane", "Zerhouni", "حنان", "الزرهوني", "02.411"),
    ("tr-10", "welding", "M", "Mohammed", "Bouzid", "محمد", "بوزيد", "02.381"),
    ("tr-11", "aeronautics", "F", "Asmae", "Tahiri", "أسماء", "الطاهري", "01.511"),
    ("tr-12", "aeronautics", "M", "Ayoub", "Lamrani", "أيوب", "اللمراني", "01.511"),
    ("tr-13", "fashion", "F", "Najat", "Hilali", "نجاة", "الهلالي", "01.571"),
    ("tr-14", "fashion", "F", "Rim", "Sebti", "ريم", "السبتي", "02.411"),
]  # fmt: skip

# key, sex, first/last Latin, first/last Arabic, home institution, country, sector
EXPERTS = [
    ("ex-01", "F", "Carmen", "Ruiz Moreno", "", "", "Servicio Público de Empleo Estatal (SEPE)", "ES",
     "construction"),
    ("ex-02", "M", "Javier", "Ortega", "", "", "Fundación Estatal para la Formación en el Empleo", "ES",
     "automotive"),
    ("ex-03", "F", "Sarah", "Whitfield", "", "", "City & Guilds", "GB", "electrical"),
    ("ex-04", "M", "David", "Hughes", "", "", "Department for Education (UK)", "GB", "aeronautics"),
    ("ex-05", "F", "Claire", "Dubois", "", "", "France Compétences", "FR", "textile"),
    ("ex-06", "M", "Abdellah", "Filali", "عبد الله", "الفيلالي", "Université Mohammed Premier — Oujda", "MA",
     "energy"),
    ("ex-07", "F", "Latifa", "Idrissi Kaitouni", "لطيفة", "الإدريسي القيطوني",
     "OFPPT — Direction de la recherche", "MA", "mechanical"),
]  # fmt: skip


def _phone(index: int) -> str:
    return f"+2126610{index:05d}"


@transaction.atomic
def demo_contacts() -> dict:
    """The demo's contacts by role (created once; running it again returns the same rows)."""
    from kafaat.training.models import Sector

    territories = {t.code: t for t in Territory.objects.exclude(level=Territory.Level.COMMUNE)}
    keepers = {code: Organisation.objects.get(code=code) for code in (*OFFICES.values(), NATIONAL_KEEPER)}
    sectors = {s.code: s for s in Sector.objects.all()}
    created: list[int] = []

    def upsert(key: str, keeper: Organisation, **fields) -> Contact:
        contact = Contact.objects.filter(managed_by=keeper, external_id=PREFIX + key).first()
        if contact is None:
            contact = Contact(managed_by=keeper, external_id=PREFIX + key, **fields)
            contact.save()
            created.append(contact.pk)
        return contact

    result: dict = {"gtr_oriental": [], "gtr_tth": [], "trainers": {}, "experts": []}
    for index, (
        key,
        region,
        province,
        sex,
        first,
        last,
        first_ar,
        last_ar,
        kind,
        organisation,
        position,
    ) in enumerate(GTR_MEMBERS, start=1):
        contact = upsert(
            key, keepers[OFFICES[region]], territory=territories[province], sex=sex, first_name_latin=first,
            last_name_latin=last, first_name_ar=first_ar, last_name_ar=last_ar, organisation_type=kind,
            organisation_name=organisation, position=position, phone=_phone(index),
            email=f"{first.lower()}.{last.lower().replace(' ', '')}@demo.kafaat", languages=["fr", "ar"],
            preferred_language="fr" if index % 3 else "ar", consent_to_contact=True, consent_date=CONSENT_DAY,
        )  # fmt: skip
        result["gtr_oriental" if region == "MA-02" else "gtr_tth"].append(contact)
    for index, (key, sector, sex, first, last, first_ar, last_ar, province) in enumerate(TRAINERS, start=100):
        contact = upsert(
            key, keepers[NATIONAL_KEEPER], territory=territories[province], sex=sex, first_name_latin=first,
            last_name_latin=last, first_name_ar=first_ar, last_name_ar=last_ar, organisation_type="ofppt",
            organisation_name="OFPPT", position="Formateur" if sex == "M" else "Formatrice",
            sector=sectors.get(TRAINER_SECTORS[sector]), is_trainer=True, phone=_phone(index),
            languages=["fr", "ar"], consent_to_contact=True, consent_date=CONSENT_DAY,
        )  # fmt: skip
        result["trainers"].setdefault(sector, []).append(contact)
    for key, sex, first, last, first_ar, last_ar, institution, country, sector in EXPERTS:
        contact = upsert(
            key, keepers[NATIONAL_KEEPER], territory=territories["MA-04"], sex=sex, first_name_latin=first,
            last_name_latin=last, first_name_ar=first_ar, last_name_ar=last_ar, organisation_type="other",
            organisation_name=institution, home_institution=institution, country=country, is_expert=True,
            sector=sectors.get(sector), languages=["fr", "en"] if country != "ES" else ["es", "fr"],
            preferred_language="en" if country == "GB" else "fr", consent_to_contact=True,
            consent_date=CONSENT_DAY,
        )  # fmt: skip
        result["experts"].append(contact)
    if created:
        audit.record_bulk(audit.Action.BULK_CREATE, None, Contact, created, details={"source": "demo"})
    return result
