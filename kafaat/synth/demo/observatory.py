"""Demo history for the observatory: past vacancies, so that the demo regions have gap tables and trends.

The demo's own vacancies (demo_labour.py) are the last six months; the supply statistics (demo_training.py)
are training years 2019-2020 … 2024-2025, whose graduates enter the labour market in 2020 … 2025. This adds
the vacancies of calendar years 2020 … 2025 as an agency archive would hold them: for each occupation a demo
programme prepares for, in its region, ads whose positions follow the graduates of the region's programmes
times a factor drawn per ISCO sub-major group (some groups short of graduates, some in surplus), with growth
and a 2020 dip, posted by the demo employers of the region. Deterministic (seeded); idempotent (nothing is
written when the first archived ad is there).
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from django.db import transaction

from kafaat.core import audit
from kafaat.labour import classifier
from kafaat.labour.models import CodingStatus, Employer, Occupation, Vacancy
from kafaat.training.models import ProgrammeOccupation, Source, SupplyStatistic

PREFIX = "DEMO-H-"
SEED = 2026
FIRST_YEAR, LAST_YEAR = 2020, 2025  # calendar years of the archive


def load_observatory_demo() -> dict[str, int]:
    if Vacancy.objects.filter(external_id=f"{PREFIX}00001").exists():
        return {"archived_vacancies": 0}
    with transaction.atomic():
        return {"archived_vacancies": _load()}


def _load() -> int:
    rng = random.Random(SEED)
    employers: dict[str, list[Employer]] = defaultdict(list)
    for employer in Employer.objects.select_related("territory", "organisation").order_by("pk"):
        employers[employer.territory.path.split("/")[0]].append(employer)
    occupations = {o.code: o for o in Occupation.objects.filter(level=4)}
    codes: dict[int, list[str]] = defaultdict(list)
    for programme, code in ProgrammeOccupation.objects.values_list("programme_id", "isco_code"):
        codes[programme].append(code)
    # Graduates per region × unit group × year of entry into the labour market (published figures).
    graduates: dict[tuple[str, str, int], float] = defaultdict(float)
    rows = SupplyStatistic.objects.filter(source=Source.PUBLISHED, age_band="", graduates__isnull=False)
    for programme, year, count, path in rows.values_list(
        "programme_id", "year", "graduates", "programme__establishment__territory__path"
    ):
        for code in codes.get(programme, []):
            graduates[(path.split("/")[0], code, year + 1)] += count / len(codes[programme])
    factor: dict[str, float] = {}
    vacancies, number = [], 0
    for (region, code, year), count in sorted(graduates.items()):
        if not FIRST_YEAR <= year <= LAST_YEAR or not employers.get(region) or code not in occupations:
            continue
        group = code[:2]
        factor.setdefault(group, rng.choice([0.35, 0.5, 0.7, 0.9, 1.1, 1.4, 1.8]))
        positions = round(count * factor[group] * (0.85 if year == 2020 else 1.0) * rng.uniform(0.8, 1.2))
        occupation = occupations[code]
        title = occupation.label_fr or occupation.label_en
        while positions > 0:
            employer = rng.choice(employers[region])
            size = min(positions, rng.choice([1, 1, 2, 3, 5]))
            positions -= size
            number += 1
            vacancies.append(
                Vacancy(
                    organisation=employer.organisation,
                    employer=employer,
                    title=title,
                    title_key=classifier.normalise(title),
                    occupation=occupation,
                    coding_status=CodingStatus.CONFIRMED,
                    sector=employer.sector,
                    territory=employer.territory,
                    positions=size,
                    posted_on=date(year, 1, 1) + timedelta(days=rng.randrange(365)),
                    source="agency",
                    source_name="ANAPEC",
                    external_id=f"{PREFIX}{number:05d}",
                )  # fmt: skip
            )
    created = Vacancy.objects.bulk_create(vacancies, batch_size=2_000)
    audit.record_bulk(
        audit.Action.BULK_CREATE, None, Vacancy, [v.pk for v in created], details={"source": "demo archive"}
    )
    return len(created)
