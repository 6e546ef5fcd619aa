"""Labour fixtures: employers and vacancies of NGO A (Oujda, Oriental) and NGO B (Tanger)."""

from datetime import date

import pytest
from django.utils import translation

from kafaat.core.models import Territory
from kafaat.labour import classifier, services
from kafaat.labour.models import Sector

POSTED = date(2026, 2, 2)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):  # services' messages are read in English by the assertions
        yield


@pytest.fixture(autouse=True)
def _fresh_decisions():
    classifier.forget_decisions()  # each test's database starts without coding decisions
    yield
    classifier.forget_decisions()


@pytest.fixture(autouse=True)
def labour_reference(request):
    """ISCO-08 and ISIC come with a data migration; transactional tests flush them, so reload them then."""
    if not {"world", "labour", "db", "transactional_db"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db" if _is_transactional(request) else "db")
    from kafaat.labour.models import Occupation
    from kafaat.labour.reference import load_occupations, load_sectors

    if not Occupation.objects.exists():
        load_occupations(Occupation)
        load_sectors(Sector)


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return "transactional_db" in request.fixturenames or bool(marker and marker.kwargs.get("transaction"))


@pytest.fixture
def labour(world):
    oujda, tanger = Territory.objects.get(code="02.411"), Territory.objects.get(code="01.511")
    users = world["users"]
    textile = services.create_employer(
        users["caseworker_a"],
        name="Oriental Textile SARL",
        sector=Sector.objects.get(code="14"),
        territory=oujda,
    )
    auto = services.create_employer(
        users["caseworker_b"],
        name="Tanger Auto Câblage SA",
        sector=Sector.objects.get(code="29"),
        territory=tanger,
    )
    sewing = services.create_vacancy(
        users["caseworker_a"], employer=textile, title="Couturière qualifiée", territory=oujda,
        posted_on=POSTED, positions=12, contract_type="cdd",
    )  # fmt: skip
    wiring = services.create_vacancy(
        users["caseworker_b"], employer=auto, title="Opératrice câblage", territory=tanger, posted_on=POSTED,
        positions=30, contract_type="anapec",
    )  # fmt: skip
    return {**world, "oujda": oujda, "tanger": tanger, "textile": textile, "auto": auto, "sewing": sewing,
            "wiring": wiring}  # fmt: skip
