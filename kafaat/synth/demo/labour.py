"""Demo labour data: employers, ~400 vacancies and an employer-needs survey in each demo region.

Idempotent: nothing is written when the first demo vacancy is already there. Vacancies come from
`kafaat.synth.vacancies` (deterministic); about a third keep the classifier's suggestion, to review in the
coding queue, the others are confirmed with their true code.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction

from kafaat.core import audit
from kafaat.core.models import Organisation, Territory
from kafaat.labour import classifier
from kafaat.labour.models import (
    CodingStatus,
    Employer,
    HardToFillReason,
    Occupation,
    Sector,
    Survey,
    SurveyNeed,
    SurveyResponse,
    Vacancy,
)
from kafaat.labour.services import employer_key
from kafaat.synth.vacancies import DEMO_PROVINCES, generate_vacancies

VACANCIES = 400
PREFIX = "DEMO-V-"
SEED = 2026
# Region → the demo organisation that enters its vacancies and runs its survey.
ENTERED_BY = {
    "MA-01": "tanmia-tanger",
    "MA-02": "anapec-oujda",
    "MA-04": "nour-rabat",
    "MA-05": "atlas-beni-mellal",
}
SURVEY_TITLES = {
    "MA-01": "Besoins des employeurs 2026 — Tanger-Tétouan-Al Hoceima",
    "MA-02": "Besoins des employeurs 2026 — Oriental",
    "MA-04": "Besoins des employeurs 2026 — Rabat-Salé-Kénitra",
    "MA-05": "Besoins des employeurs 2026 — Béni Mellal-Khénifra",
}
RESPONSES_PER_SURVEY = 15


def load_labour_demo(today: date) -> dict[str, int]:
    if Vacancy.objects.filter(external_id=f"{PREFIX}00001").exists():
        return {"employers": 0, "vacancies": 0, "survey_responses": 0}
    with transaction.atomic():
        return _load(today)


def _load(today: date) -> dict[str, int]:
    rng = random.Random(SEED)
    organisations = {o.code: o for o in Organisation.objects.filter(code__in=ENTERED_BY.values())}
    territories = {t.code: t for t in Territory.objects.filter(code__in=[p[0] for p in DEMO_PROVINCES])}
    sectors = {s.code: s for s in Sector.objects.all()}
    occupations = {o.code: o for o in Occupation.objects.filter(level=4)}
    table = generate_vacancies(
        VACANCIES, seed=SEED, employers=60, start=today - timedelta(days=180), days=175
    )
    rows = table.to_pylist()
    employers: dict[tuple[str, str], Employer] = {}
    for row in rows:
        key = (row["employer"], row["territory"])
        if key not in employers:
            territory = territories[row["territory"]]
            organisation = organisations[ENTERED_BY[territory.path.split("/")[0]]]
            employers[key] = Employer(
                organisation=organisation,
                name=row["employer"],
                name_key=employer_key(row["employer"]),
                territory=territory,
                sector=sectors.get(row["sector"]),
                size=rng.choice(["micro", "small", "small", "medium", "large"]),
            )
    Employer.objects.bulk_create(employers.values())
    suggested = classifier.suggest_many([row["title"] for row in rows], top=1, use_decisions=False)
    vacancies, seen = [], {}
    for number, (row, best) in enumerate(zip(rows, suggested, strict=True), start=1):
        employer = employers[(row["employer"], row["territory"])]
        title_key = classifier.normalise(row["title"])
        ad = (employer.pk, title_key)
        if ad in seen and abs((row["posted_on"] - seen[ad]).days) <= 30:
            continue  # a re-posted ad: the demo holds each vacancy once, as the import would
        seen[ad] = row["posted_on"]
        vacancy = Vacancy(
            organisation=employer.organisation,
            employer=employer,
            title=row["title"],
            title_key=title_key,
            sector=employer.sector,
            territory=employer.territory,
            positions=row["positions"],
            contract_type=row["contract_type"],
            required_level=row["required_level"],
            posted_on=row["posted_on"],
            source=row["source"],
            source_name={"agency": "ANAPEC", "job_board": "Rekrute"}.get(row["source"], ""),
            external_id=f"{PREFIX}{number:05d}",
        )
        if rng.random() < 0.35 and best:
            vacancy.occupation = occupations.get(best[0].code)
            vacancy.coding_status, vacancy.coding_score = CodingStatus.SUGGESTED, best[0].score
        else:
            vacancy.occupation, vacancy.coding_status = occupations[row["true_isco"]], CodingStatus.CONFIRMED
        vacancies.append(vacancy)
    created = Vacancy.objects.bulk_create(vacancies)
    audit.record_bulk(
        audit.Action.BULK_CREATE, None, Vacancy, [v.pk for v in created], details={"source": "demo"}
    )
    responses = _surveys(today, rng, organisations, list(employers.values()), created)
    return {"employers": len(employers), "vacancies": len(created), "survey_responses": responses}


def _surveys(today, rng, organisations, employers, vacancies) -> int:
    regions = {t.code: t for t in Territory.objects.filter(code__in=ENTERED_BY)}
    by_employer: dict[int, list[Vacancy]] = {}
    for vacancy in vacancies:
        by_employer.setdefault(vacancy.employer_id, []).append(vacancy)
    reasons = HardToFillReason.values
    count = 0
    for region, code in ENTERED_BY.items():
        survey = Survey.objects.create(
            organisation=organisations[code],
            code=f"besoins-2026-{region.lower()}",
            title=SURVEY_TITLES[region],
            territory=regions[region],
            opens_on=today - timedelta(days=60),
        )
        local = [e for e in employers if e.territory.path.startswith(regions[region].path)]
        for employer in rng.sample(local, min(RESPONSES_PER_SURVEY, len(local))):
            own = by_employer.get(employer.pk, [])
            hires = sum(v.positions for v in own[:3])
            response = SurveyResponse.objects.create(
                survey=survey,
                employer=employer,
                organisation=employer.organisation,
                answered_on=today - timedelta(days=rng.randint(1, 55)),
                hiring_intention="yes" if own else rng.choice(["no", "unsure"]),
                planned_hires=hires,
            )
            needs = []
            for vacancy in own[:3]:
                hard = rng.random() < 0.4
                needs.append(
                    SurveyNeed(
                        response=response,
                        title=vacancy.title,
                        occupation=vacancy.occupation,
                        positions=vacancy.positions,
                        skills="",
                        hard_to_fill=hard,
                        reasons=sorted(rng.sample(reasons, rng.randint(1, 2))) if hard else [],
                    )
                )
            SurveyNeed.objects.bulk_create(needs)
            count += 1
    return count
