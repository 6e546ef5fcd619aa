"""A small twinning world: the implementing agency runs expert missions of a project in Rabat (MA-04) and
Oujda (MA-02); personas: the programme manager who manages them, an administrator scoped to the Oriental,
an analyst and a donor (roll-ups only), a case worker of another organisation, an API token."""

from __future__ import annotations

from datetime import date

import pytest

from kafaat.contacts.models import Contact
from kafaat.core.models import Project, Role
from kafaat.missions.models import ExpertMission
from kafaat.results.models import LogframeNode


@pytest.fixture
def twinning(world, make_member, territory):
    agency = world["agency"]
    project = Project.objects.create(
        code="twin", name_fr="Jumelage", name_ar="توأمة", name_en="Twinning", start_date=date(2024, 1, 1)
    )
    component = LogframeNode.objects.create(
        project=project, level="outcome", code="C1", name_fr="Composante 1"
    )
    other_project = Project.objects.create(code="other", name_fr="Autre", start_date=date(2024, 1, 1))
    foreign = LogframeNode.objects.create(project=other_project, level="outcome", code="X1", name_fr="Autre")

    def expert(number: int, country: str, territory_code: str = "04.421") -> Contact:
        return Contact.objects.create(
            managed_by=agency,
            territory=territory(territory_code),
            first_name_latin=f"Expert{number}",
            last_name_latin="Test",
            sex="F",
            organisation_type="other",
            is_expert=True,
            country=country,
        )

    experts = [expert(1, "FR"), expert(2, "ES"), expert(3, "FR", "02.411")]
    not_an_expert = Contact.objects.create(
        managed_by=agency,
        territory=territory("04.421"),
        first_name_latin="Plain",
        sex="M",
        organisation_type="ngo",
    )

    def mission(
        expert_: Contact, start: date, end: date, *, where: str = "MA-04", status: str = "done", days=None
    ) -> ExpertMission:
        from kafaat.missions.services import working_days

        return ExpertMission.objects.create(
            expert=expert_,
            organiser=agency,
            project=project,
            result=component,
            territory=territory(where),
            purpose="Appui",
            start_date=start,
            end_date=end,
            status=status,
            deliverables="Rapport",
            person_days=days if days is not None else working_days(start, end),
            person_days_entered=days is not None,
        )

    missions = [
        mission(experts[0], date(2025, 1, 6), date(2025, 1, 10)),  # 5 working days, Q1
        mission(experts[0], date(2025, 4, 7), date(2025, 4, 9)),  # 3, Q2
        mission(experts[1], date(2025, 4, 14), date(2025, 4, 20), days=2.5),  # entered by hand, Q2
        mission(experts[2], date(2025, 5, 5), date(2025, 5, 6), where="MA-02"),  # 2, Q2, Oriental
        mission(experts[1], date(2099, 1, 5), date(2099, 1, 9), status="planned"),  # does not count
        mission(experts[2], date(2025, 2, 3), date(2025, 2, 7), status="cancelled"),  # does not count
    ]
    users = {
        **world["users"],
        "admin_oriental": make_member("admin_oriental", world["ngo_a"], Role.ADMINISTRATOR, scope="MA-02"),
    }
    return {
        **world,
        "users": users,
        "project": project,
        "component": component,
        "foreign_component": foreign,
        "experts": experts,
        "not_an_expert": not_an_expert,
        "missions": missions,
    }
