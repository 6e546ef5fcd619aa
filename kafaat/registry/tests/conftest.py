from datetime import date

import pytest

from kafaat.core.models import Project

PERSON = {
    "first_name_ar": "فاطمة الزهراء",
    "last_name_ar": "بنعلي",
    "first_name_latin": "Fatima Zahra",
    "last_name_latin": "Benali",
    "sex": "F",
    "birth_date": "12/03/2001",
    "commune": "Oujda",
    "phone": "06 12 34 56 78",
    "id_type": "cin",
    "id_number": "F123456",
    "migration_status": "moroccan",
}


@pytest.fixture
def project(world):
    project = Project.objects.create(
        code="kafaat-test", name_fr="Projet de test", start_date=date(2024, 1, 1)
    )
    project.participants.add(world["ngo_a"], world["ngo_b"], world["provider"], world["agency"])
    return project


@pytest.fixture
def fatima(world):
    from kafaat.registry import services

    return services.register_person(world["users"]["caseworker_a"], PERSON, consent_given_on=date(2026, 1, 5))
