"""A complete activity (a Kafaat-like vocational-training project) for the IATI tests."""

from datetime import UTC, date, datetime
from decimal import Decimal

from kafaat.results import iati as I  # noqa: N812

N = I.Narrative
GENERATED = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)


def tri(en: str, fr: str, ar: str) -> tuple[I.Narrative, ...]:
    return (N(en, "en"), N(fr, "fr"), N(ar, "ar"))


def sex_values(female: int | None, male: int) -> list[I.Value]:
    suppressed = tri(
        "Suppressed to protect privacy", "Masqué pour protéger la vie privée", "حُجب لحماية الخصوصية"
    )
    return [
        I.Value(female, [I.Dimension("sex", "female")], comment=() if female is not None else suppressed),
        I.Value(male, [I.Dimension("sex", "male")]),
    ]


def activity() -> I.Activity:
    donor = I.Org(
        tri("Example donor agency", "Agence donatrice", "وكالة مانحة"), ref="XM-DAC-99", type="10", role="1"
    )
    period = I.Period(
        date(2025, 1, 1),
        date(2025, 12, 31),
        targets=[I.Value(1200)],
        actuals=[I.Value(1315), *sex_values(None, 612), I.Value(40, [I.Dimension("disability", "yes")])],
    )
    return I.Activity(
        identifier="XM-DAC-99-KAF-001",
        reporting_org=I.Org(
            tri("Example donor agency", "Agence donatrice", "وكالة مانحة"), ref="XM-DAC-99", type="10"
        ),
        title=tri("Skills for employment", "Compétences pour l'emploi", "مهارات من أجل التشغيل"),
        description=tri(
            "Vocational training and job placement for young people.",
            "Formation professionnelle et insertion des jeunes.",
            "التكوين المهني والإدماج في سوق الشغل لفائدة الشباب.",
        ),
        objectives=tri("Raise placement", "Améliorer l'insertion", "تحسين الإدماج"),
        participating_orgs=[donor, I.Org((N("Implementing NGO"),), ref="MA-NGO-12", type="22", role="4")],
        status="2",
        dates=I.Dates(date(2024, 1, 1), date(2024, 2, 15), date(2027, 12, 31)),
        last_updated=datetime(2026, 11, 28, 18, 30, tzinfo=UTC),
        scope="6",
        countries=[I.Country("MA", 90)],
        regions=[I.Region("189", percentage=10)],
        locations=[
            I.Location(
                tri("Souss-Massa", "Souss-Massa", "سوس ماسة"),
                ref="MA-09",
                administrative=[I.Administrative("G1", "2597549", level=1)],
                point=(30.42, -9.6),
                exactness="2",
                feature_designation="ADM1",
            )
        ],
        sectors=[I.Sector("11330", 70), I.Sector("16020", Decimal("30"))],
        collaboration_type="1",
        default_flow_type="10",
        default_finance_type="110",
        default_aid_type="C01",
        default_tied_status="5",
        budgets=[
            I.Budget(date(2025, 1, 1), date(2025, 12, 31), I.Money(Decimal("2500000.50"), date(2025, 1, 1)))
        ],
        transactions=[
            I.Transaction(
                "3",
                date(2025, 3, 1),
                I.Money(400000, date(2025, 3, 1), currency="EUR"),
                description=(N("First tranche", "en"),),
                receiver=I.Org((N("Implementing NGO"),), ref="MA-NGO-12", type="22"),
            )
        ],
        results=[
            I.Result(
                "1",
                tri("Young people trained", "Jeunes formés", "شباب مكوَّنون"),
                [
                    I.Indicator(
                        tri(
                            "People completing training",
                            "Personnes ayant achevé la formation",
                            "أشخاص أتموا التكوين",
                        ),
                        reference=("99", "OP1.1"),
                        baselines=[I.Baseline(2023, 0, iso_date=date(2023, 12, 31))],
                        periods=[period],
                    ),
                    I.Indicator(
                        tri(
                            "Share placed within 6 months",
                            "Part insérée sous 6 mois",
                            "نسبة المدمجين خلال 6 أشهر",
                        ),
                        measure="2",
                        periods=[
                            I.Period(date(2025, 1, 1), date(2025, 12, 31), [I.Value(40)], [I.Value(37.5)])
                        ],
                    ),
                ],
            )
        ],
    )
