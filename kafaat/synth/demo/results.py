"""The demo project's results framework: profile (budget, DAC sectors), a full logframe with indicators,
baselines and yearly targets, one manual indicator with an entered value (the demo command then refreshes
the warehouse, once).

Idempotent: everything is upserted by code, so running the demo twice changes nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from kafaat.core.models import Organisation, Project
from kafaat.results.models import Indicator, LogframeNode, ManualValue, ProjectProfile, ProjectSector, Target

PROFILE = {
    "iati_identifier": "XI-IATI-EC_INTPA-KAFAAT-2025-001",
    "reporting_org_ref": "XI-IATI-EC_INTPA",
    "description_fr": "Orientation, formation qualifiante et insertion professionnelle de jeunes et de "
    "femmes vulnérables, migrants et réfugiés compris, dans quatre régions du Maroc.",
    "description_ar": "توجيه الشباب والنساء في وضعية هشاشة، بمن فيهم المهاجرون واللاجئون، وتكوينهم وإدماجهم "
    "المهني في أربع جهات بالمغرب.",
    "description_en": "Guidance, qualifying training and job placement for vulnerable young people and "
    "women, migrants and refugees included, in four regions of Morocco.",
    "status": "2",
    "budget": Decimal("12500000.00"),
    "currency": "EUR",
}
SECTORS = (("11330", Decimal("60")), ("16020", Decimal("30")), ("15190", Decimal("10")))
IMPLEMENTERS = ("agence-kafaat", "anapec-oujda", "ofppt")

ALL = ["sex", "age_band", "disability", "migration", "region", "province"]
# code, level, parent, fr, ar, en
NODES = (
    ("IMP", "impact", None, "Les jeunes et les femmes vulnérables accèdent durablement à un emploi décent",
     "ولوج مستدام للشباب والنساء في وضعية هشاشة إلى شغل لائق",
     "Vulnerable young people and women gain lasting access to decent work"),
    ("OC1", "outcome", "IMP", "Les personnes orientées achèvent une formation qualifiante et sont certifiées",
     "إتمام الأشخاص الموجهين لتكوين تأهيلي والحصول على شهادة",
     "People guided complete a qualifying training and are certified"),
    ("OC2", "outcome", "IMP", "Les personnes formées s'insèrent dans l'emploi ou l'auto-emploi",
     "إدماج الأشخاص المكونين في الشغل أو التشغيل الذاتي", "Trained people move into work or self-employment"),
    ("OP1.1", "output", "OC1", "Accueil, orientation et évaluation des compétences",
     "الاستقبال والتوجيه وتقييم الكفاءات", "Intake, guidance and skills assessment"),
    ("OP1.2", "output", "OC1", "Accès à la formation qualifiante", "الولوج إلى التكوين التأهيلي",
     "Access to qualifying training"),
    ("OP2.1", "output", "OC2", "Placement et suivi dans l'emploi", "الإدماج والتتبع في الشغل",
     "Placement and follow-up in work"),
    ("OC3", "outcome", "IMP", "La gouvernance régionale de la formation est renforcée",
     "تعزيز الحكامة الجهوية للتكوين", "Regional governance of training is strengthened"),
    ("OP3.1", "output", "OC3", "Concertation régionale et renforcement des capacités",
     "التشاور الجهوي وتعزيز القدرات", "Regional dialogue and capacity building"),
)  # fmt: skip
# code, node, measure, filters, disaggregations, baseline, (target 2025, 2026, 2027), fr, ar, en
INDICATORS = (
    ("I1", "IMP", "employed_at_12_months", {}, ALL, 0, (0, 300, 900),
     "Personnes en emploi 12 mois après leur insertion", "أشخاص في شغل بعد 12 شهرا من إدماجهم",
     "People in work 12 months after placement"),
    ("I2", "IMP", "women_share_placed", {}, ["age_band", "region"], 35, (40, 45, 50),
     "Part des femmes parmi les personnes insérées", "نسبة النساء من بين المدمجين",
     "Women's share of people placed"),
    ("O1.1", "OC1", "people_completed", {}, ALL, 0, (300, 1200, 2000),
     "Personnes ayant achevé une formation", "أشخاص أتموا تكوينا", "People who completed training"),
    ("O1.2", "OC1", "completion_rate", {}, ALL, 70, (75, 80, 82),
     "Taux d'achèvement de la formation", "نسبة إتمام التكوين", "Training completion rate"),
    ("O1.3", "OC1", "people_certified", {}, ALL, 0, (250, 1000, 1800),
     "Personnes certifiées", "أشخاص حاصلون على شهادة", "People certified"),
    ("O2.1", "OC2", "placed_within_6_months", {}, ALL + ["sector"], 0, (150, 700, 1300),
     "Personnes insérées dans les 6 mois suivant la formation", "أشخاص مدمجون خلال 6 أشهر بعد التكوين",
     "People placed within 6 months of training"),
    ("O2.2", "OC2", "placement_rate", {}, ALL, 50, (55, 60, 65),
     "Taux d'insertion à 6 mois", "نسبة الإدماج بعد 6 أشهر", "Placement rate at 6 months"),
    ("O2.3", "OC2", "people_placed", {"placement_type": ["self_employment", "income_generating_activity",
     "incubated_enterprise"]}, ["sex", "region"], 0, (30, 150, 300),
     "Personnes en auto-emploi ou activité génératrice de revenus",
     "أشخاص في التشغيل الذاتي أو نشاط مدر للدخل",
     "People in self-employment or an income-generating activity"),
    ("P1.1", "OP1.1", "people_registered", {}, ALL, 0, (1500, 2800, 4000),
     "Personnes accueillies et orientées", "أشخاص تم استقبالهم وتوجيههم", "People received and guided"),
    ("P1.2", "OP1.1", "people_assessed", {}, ALL, 0, (1200, 2300, 3300),
     "Personnes ayant bénéficié d'une évaluation des compétences", "أشخاص استفادوا من تقييم الكفاءات",
     "People whose skills were assessed"),
    ("P1.3", "OP1.1", "migrant_share_registered", {}, ["sex", "region"], 2, (4, 5, 5),
     "Part des migrants et réfugiés parmi les personnes accueillies",
     "نسبة المهاجرين واللاجئين من بين المستقبلين",
     "Migrants' and refugees' share of people received"),
    ("P1.4", "OP1.1", "disability_share_registered", {}, ["sex", "region"], 2, (4, 5, 5),
     "Part des personnes en situation de handicap parmi les personnes accueillies",
     "نسبة الأشخاص في وضعية إعاقة من بين المستقبلين",
     "Share of people with a disability among people received"),
    ("P1.5", "OP1.2", "people_enrolled", {}, ALL + ["programme"], 0, (900, 1800, 2600),
     "Personnes inscrites en formation", "أشخاص مسجلون في التكوين", "People enrolled in training"),
    ("P1.6", "OP1.2", "women_share_enrolled", {}, ["age_band", "region"], 40, (45, 50, 50),
     "Part des femmes parmi les personnes inscrites", "نسبة النساء من بين المسجلين",
     "Women's share of enrolments"),
    ("P1.7", "OP1.2", "dropout_rate", {}, ALL, 20, (18, 15, 12),
     "Taux d'abandon", "نسبة الانقطاع", "Dropout rate"),
    ("P2.1", "OP2.1", "people_placed", {}, ALL + ["sector"], 0, (200, 900, 1600),
     "Personnes insérées (emploi, stage, auto-emploi)", "أشخاص مدمجون (شغل، تدريب، تشغيل ذاتي)",
     "People placed (job, internship, self-employment)"),
    ("P2.2", "OP2.1", "days_to_placement", {}, ["sex", "region"], 240, (220, 200, 180),
     "Délai moyen entre l'accueil et l'insertion (jours)", "متوسط المدة بين الاستقبال والإدماج (أيام)",
     "Average days from intake to placement"),
    # The governance measures (events, attendance, knowledge tests, trainers, working groups' actions): the
    # twinning project's logframe (demo/missions.py) carries the expert missions' ones.
    ("G1", "OP3.1", "event_participants", {}, ["sex", "organisation_type", "participant_role", "region"], 0,
     (150, 400, 700), "Participants aux événements (au moins une séance)",
     "المشاركون في الأنشطة (حصة واحدة على الأقل)", "Event participants (at least one session)"),
    ("G2", "OP3.1", "events_held", {}, ["event_type", "region"], 0, (10, 30, 50),
     "Événements tenus", "الأنشطة المنظمة", "Events held"),
    ("G3", "OP3.1", "attendance_rate", {}, ["event_type", "sex"], 70, (75, 80, 80),
     "Taux de présence aux séances", "نسبة الحضور في الحصص", "Session attendance rate"),
    ("G4", "OP3.1", "knowledge_gain", {}, ["event_type", "sex"], 0, (10, 15, 15),
     "Gain de connaissances (points entre pré-test et post-test)",
     "مكتسبات المعارف (النقاط بين الاختبار القبلي والبعدي)",
     "Knowledge gain (points from pre- to post-test)"),
    ("G5", "OP3.1", "trainers_professionalised", {}, ["sector", "sex", "region"], 0, (40, 120, 200),
     "Formateurs professionnalisés", "المكونون المؤهلون مهنيا", "Trainers professionalised"),
    ("G6", "OP3.1", "actions_closed_on_time", {}, ["region"], 50, (60, 70, 80),
     "Actions des GTR clôturées dans les délais", "إجراءات مجموعات العمل الجهوية المنجزة في آجالها",
     "Working groups' actions closed on time"),
    ("P2.3", "OP2.1", "", {}, [], 0, (10, 40, 80),
     "Employeurs partenaires ayant signé une convention", "مشغلون شركاء وقعوا اتفاقية",
     "Partner employers with a signed agreement"),
)  # fmt: skip
YEARS = ((date(2025, 1, 1), date(2025, 12, 31)), (date(2026, 1, 1), date(2026, 12, 31)),
         (date(2027, 1, 1), date(2027, 12, 31)))  # fmt: skip


@transaction.atomic
def load_results_demo(project: Project) -> int:
    """Upsert the demo project's results framework; returns how many indicators were created."""
    profile, _ = ProjectProfile.objects.update_or_create(project=project, defaults=PROFILE)
    profile.implementers.set(Organisation.objects.filter(code__in=IMPLEMENTERS))
    for code, percentage in SECTORS:
        ProjectSector.objects.update_or_create(
            profile=profile, code=code, defaults={"percentage": percentage}
        )
    nodes: dict[str, LogframeNode] = {}
    for position, (code, level, parent, fr, ar, en) in enumerate(NODES):
        nodes[code], _ = LogframeNode.objects.update_or_create(
            project=project, code=code,
            defaults={"level": level, "parent": nodes.get(parent), "name_fr": fr, "name_ar": ar,
                      "name_en": en,
                      "position": position},
        )  # fmt: skip
    created = 0
    for position, (code, node, measure, filters, dims, baseline, targets, fr, ar, en) in enumerate(
        INDICATORS
    ):
        indicator, was_created = Indicator.objects.update_or_create(
            project=project, code=code,
            defaults={"node": nodes[node], "measure": measure, "filters": filters, "disaggregations": dims,
                      "unit": _unit(measure), "baseline": Decimal(baseline),
                      "baseline_date": date(2024, 12, 31),
                      "name_fr": fr, "name_ar": ar, "name_en": en, "position": position},
        )  # fmt: skip
        created += was_created
        for (_start, end), value in zip(YEARS, targets, strict=True):
            Target.objects.update_or_create(
                indicator=indicator, period_end=end,
                defaults={"period_start": project.start_date, "value": Decimal(value)},
            )  # fmt: skip
        if not measure:
            ManualValue.objects.get_or_create(
                indicator=indicator, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31),
                defaults={"value": Decimal(14), "note": "Conventions signées (registre du projet)"},
            )  # fmt: skip
    return created


def _unit(measure: str) -> str:
    from kafaat.results import measures

    return measures.REGISTRY[measure].unit if measure else Indicator.Unit.COUNT
