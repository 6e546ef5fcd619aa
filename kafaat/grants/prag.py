# ruff: noqa: E501 — a table of names in three languages reads best one entry a line
"""The EU's PRAG-style evaluation grid and eligibility questions, seeded into a call (`seed_grid`): the
grants officer adapts them afterwards. Scores 1–5 (very poor … very good), points = score × weight; the full
application's grid totals 100 points, the concept note's 50."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from kafaat.grants.models import Call, EligibilityCriterion, GridCriterion, GridSection, Stage

SCALE = {
    "1": {"fr": "Très insuffisant", "ar": "غير كافٍ إطلاقًا", "en": "Very poor"},
    "2": {"fr": "Insuffisant", "ar": "غير كافٍ", "en": "Poor"},
    "3": {"fr": "Moyen", "ar": "متوسط", "en": "Adequate"},
    "4": {"fr": "Bon", "ar": "جيد", "en": "Good"},
    "5": {"fr": "Très bon", "ar": "جيد جدًا", "en": "Very good"},
}

# (stage, section (fr, ar, en), threshold in points or None, [(criterion (fr, ar, en), weight)])
GRID = [
    (Stage.CONCEPT, ("Pertinence de l'action", "ملاءمة المشروع", "Relevance of the action"), Decimal("20"), [
        (("Pertinence au regard des objectifs et priorités de l'appel", "الملاءمة مع أهداف وأولويات الدعوة",
          "Relevance to the objectives and priorities of the call"), 2),
        (("Pertinence au regard des besoins de la région et des groupes cibles", "الملاءمة مع حاجيات الجهة والفئات المستهدفة",
          "Relevance to the needs of the region and the target groups"), 2),
        (("Valeur ajoutée (genre, inclusion, innovation)", "القيمة المضافة (النوع الاجتماعي، الإدماج، الابتكار)",
          "Added value (gender, inclusion, innovation)"), 2),
    ]),
    (Stage.CONCEPT, ("Conception de l'action", "تصميم المشروع", "Design of the action"), Decimal("12"), [
        (("Cohérence de la conception d'ensemble", "انسجام التصميم العام", "Coherence of the overall design"), 2),
        (("Faisabilité des activités proposées", "قابلية إنجاز الأنشطة المقترحة", "Feasibility of the proposed activities"), 2),
    ]),
    (Stage.FULL, ("Capacité financière et opérationnelle", "القدرة المالية والتشغيلية", "Financial and operational capacity"),
     Decimal("12"), [
        (("Expérience de la gestion de projets comparables", "الخبرة في تدبير مشاريع مماثلة", "Experience of managing similar projects"), 2),
        (("Capacité de gestion et sources de financement stables", "القدرة التدبيرية ومصادر تمويل مستقرة",
          "Management capacity and stable sources of finance"), 2),
    ]),
    (Stage.FULL, ("Pertinence", "الملاءمة", "Relevance"), None, [
        (("Pertinence au regard des objectifs de l'appel et du lot", "الملاءمة مع أهداف الدعوة والحصة",
          "Relevance to the objectives of the call and the lot"), 2),
        (("Pertinence au regard des besoins de la région", "الملاءمة مع حاجيات الجهة", "Relevance to the needs of the region"), 1),
        (("Définition des groupes cibles et de leurs besoins", "تحديد الفئات المستهدفة وحاجياتها",
          "Definition of the target groups and their needs"), 2),
    ]),
    (Stage.FULL, ("Conception et mise en œuvre", "التصميم والتنفيذ", "Design and implementation"), None, [
        (("Cohérence et faisabilité des activités", "انسجام الأنشطة وقابلية إنجازها", "Coherence and feasibility of the activities"), 2),
        (("Partenariats, notamment avec le groupe de travail régional", "الشراكات، لا سيما مع مجموعة العمل الجهوية",
          "Partnerships, notably with the regional working group"), 1),
        (("Suivi, indicateurs et collecte des données", "التتبع والمؤشرات وجمع المعطيات", "Monitoring, indicators and data collection"), 2),
    ]),
    (Stage.FULL, ("Durabilité", "الاستدامة", "Sustainability"), None, [
        (("Insertion durable des bénéficiaires", "الإدماج المستدام للمستفيدين", "Lasting inclusion of the beneficiaries"), 2),
        (("Pérennité après la subvention", "الاستمرارية بعد المنحة", "Sustainability after the grant"), 1),
    ]),
    (Stage.FULL, ("Budget et rapport coût-efficacité", "الميزانية ونجاعة التكلفة", "Budget and cost-effectiveness"), None, [
        (("Rapport entre les coûts et les résultats attendus", "العلاقة بين التكاليف والنتائج المنتظرة",
          "Ratio between the costs and the expected results"), 2),
        (("Nécessité des dépenses proposées", "ضرورة النفقات المقترحة", "Necessity of the proposed expenditure"), 1),
    ]),
]  # fmt: skip

ELIGIBILITY = [
    (Stage.CONCEPT, ("Le demandeur est une personne morale à but non lucratif établie au Maroc",
                     "صاحب الطلب شخص اعتباري غير ربحي مقيم بالمغرب",
                     "The applicant is a non-profit legal person established in Morocco")),
    (Stage.CONCEPT, ("L'action se déroule dans la région du lot", "يُنجز المشروع في جهة الحصة",
                     "The action takes place in the lot's region")),
    (Stage.CONCEPT, ("La durée de l'action est comprise entre 12 et 24 mois", "مدة المشروع بين 12 و24 شهرًا",
                     "The action lasts between 12 and 24 months")),
    (Stage.FULL, ("Les pièces justificatives sont conformes (statuts, comptes, RIB)",
                  "الوثائق المثبتة مطابقة (النظام الأساسي، الحسابات، شهادة التعريف البنكي)",
                  "The supporting documents conform (statutes, accounts, bank details)")),
]  # fmt: skip


@transaction.atomic
def seed_grid(call: Call) -> None:
    """Give a call the PRAG-style grid and eligibility questions of its procedure (a concept-note grid only
    for a restricted call), replacing any it had: only while it is being prepared."""
    call.grid_sections.all().delete()
    call.eligibility_criteria.all().delete()
    stages = call.stages
    position = 0
    for stage, (fr, ar, en), threshold, criteria in GRID:
        if stage not in stages:
            continue
        position += 1
        section = GridSection.objects.create(call=call, stage=stage, position=position, threshold=threshold,
                                             name_fr=fr, name_ar=ar, name_en=en)  # fmt: skip
        GridCriterion.objects.bulk_create(
            GridCriterion(section=section, position=i, weight=Decimal(weight), descriptors=SCALE,
                          name_fr=c_fr, name_ar=c_ar, name_en=c_en)
            for i, ((c_fr, c_ar, c_en), weight) in enumerate(criteria, start=1)
        )  # fmt: skip
    rows = [
        (stage, names)
        for stage, names in ELIGIBILITY
        if stage in stages or call.procedure == Call.Procedure.OPEN
    ]
    EligibilityCriterion.objects.bulk_create(
        EligibilityCriterion(call=call, position=i, stage=Stage.FULL if call.procedure == Call.Procedure.OPEN
                             else stage, name_fr=fr, name_ar=ar, name_en=en)
        for i, (stage, (fr, ar, en)) in enumerate(rows, start=1)
    )  # fmt: skip
