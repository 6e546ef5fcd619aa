"""The personas of the directory and working group tests: the two pilot GTR (Oriental and Tanger-Tétouan-Al
Hoceïma), each with its secretariat (programme managers of the implementing agency's regional office, scoped
to the region), members in the directory, and the other roles of `world` (the national programme manager,
the trainer coordinator (establishment manager), a case worker of another organisation, a donor viewer, the
national administrator)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from kafaat.contacts.models import Contact
from kafaat.core.models import Organisation, Role
from kafaat.governance.models import GroupMembership, Meeting, WorkingGroup


@pytest.fixture
def gtr(world, make_organisation, make_member, territory):
    oriental_office = make_organisation(
        "secretariat-oriental", "02.411", type=Organisation.Type.IMPLEMENTING_AGENCY
    )
    tanger_office = make_organisation(
        "secretariat-tanger", "01.511", type=Organisation.Type.IMPLEMENTING_AGENCY
    )
    users = {
        "secretariat": make_member("secretariat", oriental_office, Role.PROGRAMME_MANAGER, scope="MA-02"),
        "other_secretariat": make_member(
            "other_secretariat", tanger_office, Role.PROGRAMME_MANAGER, scope="MA-01"
        ),
    }

    def contact(office, place, first, last, first_ar, last_ar, sex="F", **fields) -> Contact:
        return Contact.objects.create(
            managed_by=office,
            territory=territory(place),
            first_name_latin=first,
            last_name_latin=last,
            first_name_ar=first_ar,
            last_name_ar=last_ar,
            sex=sex,
            organisation_type=fields.pop("organisation_type", "regional_council"),
            **fields,
        )

    people = {
        "amina": contact(oriental_office, "MA-02", "Amina", "El Idrissi", "أمينة", "الإدريسي",
                         email="amina@region-oriental.ma", phone="+212612345678"),
        "karim": contact(oriental_office, "02.411", "Karim", "Bennani", "كريم", "بناني", sex="M",
                         organisation_type="employer"),
        "salma": contact(oriental_office, "02.411", "Salma", "Ouazzani", "سلمى", "الوزاني", is_trainer=True,
                         organisation_type="ofppt"),
        "youssef": contact(tanger_office, "01.511", "Youssef", "Alami", "يوسف", "العلمي", sex="M"),
        "ngo_b_contact": contact(world["ngo_b"], "01.511", "Hind", "Tazi", "هند", "التازي",
                                 organisation_type="ngo"),
    }  # fmt: skip
    oriental = WorkingGroup.objects.create(
        code="gtr-oriental",
        name_fr="GTR Oriental",
        name_ar="مجموعة العمل الجهوية للشرق",
        name_en="Oriental GTR",
        territory=territory("MA-02"),
        secretariat=oriental_office,
        mandate="Piloter la formation professionnelle de la région.",
        start_date=date(2025, 1, 1),
    )
    tanger = WorkingGroup.objects.create(
        code="gtr-tth",
        name_fr="GTR Tanger-Tétouan-Al Hoceïma",
        name_ar="مجموعة العمل الجهوية لطنجة تطوان الحسيمة",
        territory=territory("MA-01"),
        secretariat=tanger_office,
        start_date=date(2025, 1, 1),
    )
    for key, role in (("amina", "chair"), ("karim", "member"), ("salma", "member")):
        GroupMembership.objects.create(
            group=oriental, contact=people[key], role=role, start_date=date(2025, 1, 1)
        )
    GroupMembership.objects.create(
        group=tanger, contact=people["youssef"], role="chair", start_date=date(2025, 1, 1)
    )
    past = timezone.now() - timedelta(days=30)
    held = Meeting.objects.create(group=oriental, title="Session de printemps", starts_at=past, status="held")
    tanger_meeting = Meeting.objects.create(group=tanger, title="Session TTA", starts_at=past, status="held")
    return {
        **world,
        "users": {**world["users"], **users},
        "oriental_office": oriental_office,
        "tanger_office": tanger_office,
        "people": people,
        "oriental": oriental,
        "tanger": tanger,
        "held": held,
        "tanger_meeting": tanger_meeting,
    }
