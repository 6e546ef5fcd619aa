"""The personas of the grants tests (DESIGN.md "tests by persona"), on top of conftest's `world`:

- the call is the agency's (`world["agency"]`), for the project `p-grants` funded by `world["donor"]`;
- **officer**: the agency's administrator (sets up, screens, assigns, agreements; not on the committee);
- **committee** (`world["users"]["manager"]`): the agency's programme manager, who decides;
- **reviewer**, **reviewer_2**, **reviewer_3**: grant reviewers listed on the call; **reviewer_ngo_a** is a
  grant reviewer of the agency who also sits in NGO A (never assigned NGO A's applications);
- **applicant_a** (NGO A, Oriental) and **applicant_b** (NGO B, Tanger): grant applicants;
- **donor**, **analyst_oriental**, **caseworker_a**, **superuser** from `world`.

`grants["call"]` is a restricted call, published, open now, with two lots (Oriental, Tanger-Tétouan-Al
Hoceïma), the PRAG-style grid and eligibility questions; `grants["open_call"]` an open-procedure call in
preparation; `grants["indicators"]` two indicators of the project's logframe.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kafaat.core.models import Membership, Project, Role
from kafaat.grants.models import Call, Lot
from kafaat.grants.prag import seed_grid
from kafaat.results.models import Indicator, LogframeNode


@pytest.fixture
def grants(world, make_member, territory):
    agency, users = world["agency"], dict(world["users"])
    project = Project.objects.create(code="p-grants", name_fr="Programme Emploi", donor=world["donor"],
                                     start_date=date(2025, 1, 1))  # fmt: skip
    project.participants.add(agency, world["ngo_a"], world["ngo_b"], world["donor"])
    users["officer"] = make_member("officer", agency, Role.ADMINISTRATOR)
    users["committee"] = users["manager"]
    users["reviewer_2"] = make_member("reviewer_2", agency, Role.GRANT_REVIEWER)
    users["reviewer_3"] = make_member("reviewer_3", agency, Role.GRANT_REVIEWER)
    users["reviewer_ngo_a"] = make_member("reviewer_ngo_a", agency, Role.GRANT_REVIEWER)
    Membership.objects.create(
        user=users["reviewer_ngo_a"], organisation=world["ngo_a"], role=Role.CASE_WORKER
    )
    users["applicant_a"] = make_member("applicant_a", world["ngo_a"], Role.GRANT_APPLICANT)
    users["applicant_b"] = make_member("applicant_b", world["ngo_b"], Role.GRANT_APPLICANT)

    now = timezone.now()
    call = Call.objects.create(
        code="pilotes-2026", project=project, organisation=agency, procedure=Call.Procedure.RESTRICTED,
        status=Call.Status.PUBLISHED, name_fr="Projets pilotes d'insertion 2026",
        name_ar="مشاريع نموذجية للإدماج 2026", name_en="Inclusion pilot projects 2026",
        min_grant=Decimal("200000"), max_grant=Decimal("1000000"), cofinancing_rate=Decimal("10"),
        opens_at=now - timedelta(days=10), closes_at=now + timedelta(days=20),
        full_closes_at=now + timedelta(days=60), reviewers_per_application=3, created_by=users["officer"],
    )  # fmt: skip
    call.reviewers.add(users["reviewer"], users["reviewer_2"], users["reviewer_3"], users["reviewer_ngo_a"])
    lots = {
        "oriental": Lot.objects.create(call=call, code="L1", name_fr="Oriental", name_ar="الشرق",
                                       budget=Decimal("3000000"), territory=territory("MA-02")),
        "tanger": Lot.objects.create(call=call, code="L2", name_fr="Tanger-Tétouan-Al Hoceïma",
                                     name_ar="طنجة تطوان الحسيمة", budget=Decimal("2500000"),
                                     territory=territory("MA-01")),
    }  # fmt: skip
    seed_grid(call)
    open_call = Call.objects.create(
        code="migrants-2026", project=project, organisation=agency, procedure=Call.Procedure.OPEN,
        name_fr="Micro-projets de migrants", min_grant=Decimal("20000"), max_grant=Decimal("100000"),
        opens_at=now + timedelta(days=5), closes_at=now + timedelta(days=40),
    )  # fmt: skip
    Lot.objects.create(call=open_call, code="L1", name_fr="National", budget=Decimal("800000"))
    seed_grid(open_call)

    outcome = LogframeNode.objects.create(project=project, level=LogframeNode.Level.OUTCOME, code="1",
                                          name_fr="Insertion des groupes éloignés de l'emploi")  # fmt: skip
    output = LogframeNode.objects.create(project=project, level=LogframeNode.Level.OUTPUT, code="1.1",
                                         parent=outcome, name_fr="Personnes formées")  # fmt: skip
    indicators = [
        Indicator.objects.create(project=project, node=output, code="1.1.a", name_fr="Personnes formées",
                                 name_ar="الأشخاص المكوَّنون", name_en="People trained"),
        Indicator.objects.create(project=project, node=outcome, code="1.a", name_fr="Personnes insérées",
                                 name_ar="الأشخاص المُدمَجون", name_en="People placed"),
    ]  # fmt: skip
    return {**world, "users": users, "project": project, "call": call, "lots": lots, "open_call": open_call,
            "indicators": indicators}  # fmt: skip
