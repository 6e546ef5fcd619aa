"""A small supply world: OFPPT and a provider's establishment in Nador (Oriental), an agricultural
institute in Tanger run by the ministry, their programmes, and members for each role that touches them."""

from __future__ import annotations

import pytest

from kafaat.core.models import Organisation, Role
from kafaat.training.models import Establishment, Programme, ProgrammeOccupation, Sector
from kafaat.training.sectors import load_sectors


@pytest.fixture
def sectors(db):
    if not Sector.objects.exists():  # transactional tests (live server) flush the data migration's rows
        load_sectors(Sector)
    return {sector.code: sector for sector in Sector.objects.all()}


@pytest.fixture
def supply(world, sectors, make_organisation, make_member, territory):
    ofppt = make_organisation("ofppt", "04.421", type=Organisation.Type.OFPPT)
    ministry = make_organisation("agriculture", "04.421", type=Organisation.Type.MINISTRY)
    users = {
        "ofppt_admin": make_member("ofppt_admin", ofppt, Role.ADMINISTRATOR),
        "ofppt_admin_oriental": make_member("ofppt_admin_oriental", ofppt, Role.ADMINISTRATOR, scope="MA-02"),
        "ministry_admin": make_member("ministry_admin", ministry, Role.ADMINISTRATOR),
    }
    nador = Establishment.objects.create(
        code="ista-nador",
        name_fr="ISTA Nador",
        name_ar="المعهد المتخصص للتكنولوجيا التطبيقية الناظور",
        operator_type="ofppt",
        operator=ofppt,
        organisation=world["provider"],
        territory=territory("02.381"),
        capacity=900,
    )
    nador.sectors.set([sectors["electrical"], sectors["management"]])
    tanger = Establishment.objects.create(
        code="ita-tanger",
        name_fr="ITA Tanger",
        operator_type="agriculture",
        operator=ministry,
        territory=territory("01.511"),
        capacity=300,
    )
    tanger.sectors.set([sectors["agriculture"]])
    electricity = Programme.objects.create(
        establishment=nador,
        code="Q-EB",
        title_fr="Électricité du bâtiment",
        title_ar="كهرباء البناء",
        sector=sectors["electrical"],
        level="qualification",
        duration_months=24,
    )
    ProgrammeOccupation.objects.create(programme=electricity, isco_code="7411")
    management = Programme.objects.create(
        establishment=nador,
        code="TS-GE",
        title_fr="Gestion des entreprises",
        sector=sectors["management"],
        level="technicien_specialise",
        duration_months=24,
    )
    irrigation = Programme.objects.create(
        establishment=tanger,
        code="T-IRR",
        title_fr="Technicien en irrigation",
        sector=sectors["agriculture"],
        level="technicien",
        mode="alternance",
        duration_months=24,
    )
    return {
        **world,
        "users": {**world["users"], **users},
        "ofppt": ofppt,
        "ministry": ministry,
        "nador": nador,
        "tanger": tanger,
        "electricity": electricity,
        "management": management,
        "irrigation": irrigation,
        "sectors": sectors,
    }
