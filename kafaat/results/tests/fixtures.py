"""A hand-built programme whose every indicator is known: dropouts, a person in two projects, a merged
duplicate, a late placement, a participant from before the period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kafaat.core.models import Organisation, Project
from kafaat.pathways.models import Participation, Step
from kafaat.registry.models import Person

PERIOD = (date(2025, 1, 1), date(2026, 12, 31))


@dataclass
class Programme:
    project: Project
    other: Project
    organisation: Organisation
    people: dict[str, Person]


def _person(org, territory, name, sex, born, **fields) -> Person:
    return Person.objects.create(
        registered_by=org, territory=territory, first_name_latin=name, last_name_latin="Test", sex=sex,
        birth_date=born, **fields,
    )  # fmt: skip


def _steps(person, project, org, *steps) -> None:
    joined = min(day for _kind, day, *_rest in steps)
    Participation.objects.get_or_create(
        person=person, project=project, defaults={"organisation": org, "joined_on": joined}
    )
    for kind, day, *rest in steps:
        Step.objects.create(person=person, project=project, organisation=org, kind=kind, date=day,
                            **(rest[0] if rest else {}))  # fmt: skip


def build_programme(make_organisation, territory) -> Programme:
    org = make_organisation("ngo-results", "02.411")
    project = Project.objects.create(code="p-results", name_fr="Projet P", start_date=date(2025, 1, 1))
    other = Project.objects.create(code="q-results", name_fr="Projet Q", start_date=date(2025, 1, 1))
    oujda, tanger = territory("02.411"), territory("01.511")
    wg_disabled = {
        "seeing": 1,
        "hearing": 1,
        "mobility": 3,
        "cognition": 1,
        "self_care": 1,
        "communication": 1,
    }
    wg_none = {"seeing": 1, "hearing": 2, "mobility": 1, "cognition": 1, "self_care": 1, "communication": 1}
    a = _person(
        org, oujda, "Amina", "F", date(2004, 6, 1), migration_status="moroccan", disability_answers=wg_none
    )
    b = _person(org, tanger, "Bilal", "M", date(1994, 3, 1), migration_status="refugee", nationality="SY",
                disability_answers=wg_disabled)  # fmt: skip
    c = _person(
        org, oujda, "Chantal", "F", date(2007, 12, 1), migration_status="regular_migrant", nationality="SN"
    )
    d = _person(org, oujda, "Amina", "F", date(2004, 6, 1), migration_status="moroccan")  # A registered twice
    e = _person(org, tanger, "Elias", "M", date(1984, 1, 1), migration_status="moroccan")
    f = _person(org, oujda, "Farid", "M", date(2000, 1, 1), migration_status="moroccan")
    _steps(a, project, org, ("intake", date(2025, 2, 1)), ("assessment", date(2025, 2, 5)),
           ("referral", date(2025, 2, 10)), ("enrolment", date(2025, 3, 1)), ("completion", date(2025, 6, 1)),
           ("certification", date(2025, 6, 10)),
           ("placement", date(2025, 9, 1), {"placement_type": "salaried_job", "sector": "C"}),
           ("follow_up", date(2026, 9, 5), {"follow_up_months": 12, "still_employed": True}))  # fmt: skip
    _steps(b, project, org, ("intake", date(2025, 3, 1)), ("enrolment", date(2025, 4, 1)),
           ("dropout", date(2025, 5, 1)))  # fmt: skip
    _steps(c, project, org, ("intake", date(2025, 2, 15)), ("enrolment", date(2025, 3, 1)),
           ("completion", date(2025, 7, 1)), ("certification", date(2025, 7, 5)),
           ("placement", date(2026, 3, 1), {"placement_type": "internship", "sector": "N"}),
           ("follow_up", date(2027, 3, 5), {"follow_up_months": 12, "still_employed": False}))  # fmt: skip
    _steps(d, project, org, ("intake", date(2025, 1, 15)), ("enrolment", date(2025, 3, 2)))
    _steps(e, project, org, ("intake", date(2025, 5, 1)))
    _steps(e, other, org, ("intake", date(2025, 5, 2)), ("enrolment", date(2025, 6, 1)),
           ("completion", date(2025, 9, 1)))  # fmt: skip
    _steps(f, project, org, ("intake", date(2024, 6, 1)), ("enrolment", date(2024, 7, 1)))
    Person.objects.filter(pk=d.pk).update(merged_into=a)  # as a merge leaves it, steps kept on d on purpose
    return Programme(project, other, org, {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f})
