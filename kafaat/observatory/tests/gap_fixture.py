"""A small supply-and-demand world whose every gap figure is computed by hand in test_gaps.py.

Gap year 2025 (training year 2024-2025; vacancies posted in 2025):

| region | group | graduates (women) | vacancies | hires (women) | certified / placed |
| --- | --- | --- | --- | --- | --- |
| MA-02 | ISCO 74 / electrical | 40 (10) P1 published + 10 (0) P3 derived | 15 + 5 = 20 | 2 (1) | 2 / 1 |
| MA-02 | ISCO 35 / digital | 20 (12) | 5 (+ 7 uncoded, digital) | 0 | 0 |
| MA-01 | ISCO 51 / tourism | 30 (15) | 20 | 0 | 0 |
| MA-01 | ISCO 74 / tourism | 0 | 10 | 0 | 0 |
"""

from __future__ import annotations

from datetime import date

from kafaat.core.models import Organisation, Project
from kafaat.labour.models import CodingStatus, Employer, Occupation, Vacancy
from kafaat.labour.models import Sector as Isic
from kafaat.labour.survey_models import Survey, SurveyNeed, SurveyResponse
from kafaat.results.tests.fixtures import _person, _steps
from kafaat.training.models import (
    Establishment,
    Programme,
    ProgrammeOccupation,
    Sector,
    Source,
    SupplyStatistic,
)


def _programme(establishment, code, sector, occupations, title) -> Programme:
    programme = Programme.objects.create(
        establishment=establishment, code=code, title_fr=title, sector=Sector.objects.get(code=sector),
        level="technicien", duration_months=24,
    )  # fmt: skip
    for isco in occupations:
        ProgrammeOccupation.objects.create(programme=programme, isco_code=isco)
    return programme


def _stat(programme, year, source, graduates, women) -> None:
    SupplyStatistic.objects.create(
        programme=programme, year=year, source=source, age_band="", enrolled=graduates + 10,
        enrolled_women=women, graduates=graduates, graduates_women=women,
    )  # fmt: skip


def _vacancy(employer, title, isco, positions, day) -> None:
    Vacancy.objects.create(
        organisation=employer.organisation, employer=employer, title=title, title_key=title.lower(),
        occupation=Occupation.objects.get(code=isco) if isco else None,
        coding_status=CodingStatus.CONFIRMED if isco else CodingStatus.UNCODED,
        sector=employer.sector, territory=employer.territory, positions=positions, posted_on=day,
    )  # fmt: skip


def build_gap_world(make_organisation, territory) -> dict:
    operator = make_organisation("ofppt-test", "04.421", type=Organisation.Type.OFPPT)
    ista = make_organisation("ista-test", "02.411", type=Organisation.Type.TRAINING_PROVIDER)
    agency = make_organisation("agency-test", "02.411", type=Organisation.Type.IMPLEMENTING_AGENCY)

    def establishment(code, province, organisation=None):
        return Establishment.objects.create(
            code=code, name_fr=code, operator_type="ofppt", operator=operator, organisation=organisation,
            territory=territory(province),
        )  # fmt: skip

    oujda, nador, tanger = (
        establishment("e-oujda", "02.411", ista),
        establishment("e-nador", "02.381"),
        (establishment("e-tanger", "01.511")),
    )
    p1 = _programme(oujda, "P1", "electrical", ["7411", "7412"], "Électricité de bâtiment")
    p2 = _programme(oujda, "P2", "digital", ["2512", "3512", "3513"], "Développement digital")  # 35 dominant
    p3 = _programme(nador, "P3", "electrical", ["7411"], "Électricité industrielle")
    p4 = _programme(tanger, "P4", "tourism", ["5120", "5131"], "Cuisine")
    _stat(p1, 2024, Source.PUBLISHED, 40, 10)
    _stat(p1, 2024, Source.KAFAAT, 3, 1)  # the published figure wins
    _stat(p1, 2023, Source.PUBLISHED, 36, 9)
    _stat(p2, 2024, Source.PUBLISHED, 20, 12)
    _stat(p3, 2024, Source.KAFAAT, 10, 0)  # derived only: counts
    _stat(p4, 2024, Source.PUBLISHED, 30, 15)

    def employer(name, province, isic):
        return Employer.objects.create(
            organisation=agency, name=name, name_key=name.lower(), territory=territory(province),
            sector=Isic.objects.get(code=isic),
        )  # fmt: skip

    electro = employer("Electro Oujda", "02.411", "27")
    web = employer("Web Oujda", "02.411", "62")
    nador_works = employer("Nador Elec", "02.381", "27")
    hotel = employer("Hotel Tanger", "01.511", "55")
    _vacancy(electro, "Électricien", "7411", 10, date(2025, 3, 1))
    _vacancy(electro, "Électricien", "7411", 10, date(2025, 3, 20))  # re-posted within 30 days: once
    _vacancy(electro, "Électricien", "7411", 5, date(2025, 6, 1))  # 73 days after: a new ad
    _vacancy(web, "Technicien réseau", "3512", 5, date(2025, 4, 1))
    _vacancy(web, "Chargé de projet web", None, 7, date(2025, 4, 2))  # not coded
    _vacancy(nador_works, "Électricien auto", "7412", 5, date(2025, 5, 1))
    _vacancy(hotel, "Cuisinier", "5120", 20, date(2025, 2, 1))
    _vacancy(hotel, "Électricien d'entretien", "7411", 10, date(2025, 2, 1))
    _vacancy(electro, "Électricien", "7411", 8, date(2024, 5, 1))  # another year

    survey = Survey.objects.create(
        organisation=agency, code="s-oriental", title="Oriental", territory=territory("MA-02"),
        opens_on=date(2025, 9, 1),
    )  # fmt: skip
    response = SurveyResponse.objects.create(
        survey=survey, employer=electro, organisation=agency, answered_on=date(2025, 9, 15),
        hiring_intention="yes", planned_hires=12,
    )  # fmt: skip
    SurveyNeed.objects.create(response=response, title="Électricien", occupation=Occupation.objects.get(
        code="7411"), positions=12)  # fmt: skip

    project = Project.objects.create(code="p-gaps", name_fr="Projet gaps", start_date=date(2024, 1, 1))
    oujda_t, nador_t = territory("02.411"), territory("02.381")
    a = _person(ista, oujda_t, "Amal", "F", date(2003, 1, 1))
    b = _person(ista, oujda_t, "Badr", "M", date(2003, 1, 1))
    c = _person(ista, nador_t, "Chakib", "M", date(2003, 1, 1))
    d = _person(ista, oujda_t, "Dounia", "F", date(2003, 1, 1))
    label = {"programme": "Électricité de bâtiment"}
    _steps(a, project, ista, ("enrolment", date(2024, 9, 15), label), ("certification", date(2025, 6, 10)),
           ("placement", date(2025, 9, 1), {"placement_type": "salaried_job"}))  # fmt: skip
    _steps(b, project, ista, ("enrolment", date(2024, 9, 15), label), ("certification", date(2025, 6, 12)))
    _steps(c, project, ista, ("enrolment", date(2024, 9, 15), label),
           ("placement", date(2025, 10, 1), {"placement_type": "internship"}))  # fmt: skip
    _steps(d, project, ista, ("enrolment", date(2024, 9, 15), {"programme": "Cours inconnu"}),
           ("placement", date(2025, 5, 1), {"placement_type": "self_employment"}))  # fmt: skip
    return {"programmes": [p1, p2, p3, p4]}
