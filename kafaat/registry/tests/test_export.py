"""Export of the people list: only the people the user may see, the search filters, never sensitive data."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kafaat.core.models import AuditEvent
from kafaat.registry.services import register_person

SENSITIVE_VALUES = ("AB123456", "refugee", "refugee_card", "RF12345678")


@pytest.fixture
def people(world):
    def register(user, organisation, external_id, first, sex, **extra):
        raw = {"external_id": external_id, "first_name_latin": first, "last_name_latin": "Alaoui", "sex": sex,
               "birth_date": "2001-03-12", "commune": extra.pop("commune", "Oujda"), **extra}  # fmt: skip
        return register_person(user, raw, organisation=organisation, consent_given_on=date(2025, 1, 1))

    users = world["users"]
    wg = {f"wg_{domain}": "3" for domain in ("seeing", "hearing", "mobility", "cognition", "self_care",
                                             "communication")}  # fmt: skip
    refugee = {"migration_status": "refugee", "id_type": "refugee_card", "id_number": "RF12345678"}
    return {
        "fatima": register(users["admin_a"], world["ngo_a"], "A-1", "Fatima", "F", id_number="AB123456",
                           phone="0612345678"),
        "karim": register(users["caseworker_a"], world["ngo_a"], "A-2", "Karim", "M", nationality="SY",
                          **refugee, **wg),
        "salma": register(users["caseworker_b"], world["ngo_b"], "B-1", "Salma", "F", commune="Tanger"),
    }  # fmt: skip


def export(client, **params):
    response = client.get(reverse("registry:export"), params)
    assert response.status_code == 200, response.status_code
    if params.get("format") == "csv":
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text)))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [["" if c.value is None else str(c.value) for c in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_holds_only_the_people_the_user_may_see_and_nothing_sensitive(client, world, people, fmt):
    client.force_login(world["users"]["caseworker_a"])
    client.cookies["kafaat_language"] = "en"
    rows = export(client, format=fmt)
    header, body = rows[0], rows[1:]
    assert header[:3] == ["External id", "Last name", "First name"]
    assert sorted(row[0] for row in body) == ["A-1", "A-2"]
    flat = " ".join(" ".join(row) for row in rows)
    assert "Salma" not in flat
    for value in SENSITIVE_VALUES:
        assert value not in flat
    assert not {"Status", "Document number", "Document type"} & set(header)
    assert not any(h.startswith("WG") for h in header)
    event = AuditEvent.objects.get(action="export")
    assert (
        event.count == 2 and event.actor == world["users"]["caseworker_a"] and event.details["format"] == fmt
    )
    client.force_login(world["users"]["caseworker_b"])
    assert [row[0] for row in export(client, format=fmt)[1:]] == ["B-1"]


def test_the_export_follows_the_search_filters(client, world, people):
    client.force_login(world["users"]["caseworker_a"])
    assert [r[0] for r in export(client, format="csv", q="fatim")[1:]] == ["A-1"]
    assert [r[0] for r in export(client, format="csv", sex="M")[1:]] == ["A-2"]
    assert [r[0] for r in export(client, format="csv", mine="1")[1:]] == ["A-2"]
    assert [r[0] for r in export(client, format="csv", territory="MA-01")[1:]] == []
    assert sorted(r[0] for r in export(client, format="csv", territory="MA-02")[1:]) == ["A-1", "A-2"]
    assert [r[0] for r in export(client, format="csv", q="0612345678")[1:]] == ["A-1"]
    # The log says what the export searched by, never the phone number typed.
    event = AuditEvent.objects.filter(action="export").latest("pk")
    assert event.details["search_by"] == "phone" and "0612345678" not in str(event.details)


def test_headers_follow_the_user_language(client, world, people):
    client.force_login(world["users"]["caseworker_a"])
    client.cookies["kafaat_language"] = "ar"
    assert export(client, format="csv")[0][:2] == ["المعرف الخارجي", "الاسم العائلي (بالحروف اللاتينية)"]
    client.cookies["kafaat_language"] = "fr"
    assert export(client, format="xlsx")[0][:3] == ["Identifiant externe", "Nom", "Prénom"]


def test_roles_without_access_to_people_cannot_export(client, world, people):
    client.force_login(world["users"]["analyst_oriental"])
    assert client.get(reverse("registry:export"), {"format": "csv"}).status_code == 403
    client.force_login(world["users"]["caseworker_a"])
    assert client.get(reverse("registry:export"), {"format": "pdf"}).status_code == 404


def test_text_that_a_spreadsheet_would_run_is_neutralised(client, world):
    raw = {"external_id": "=HYPERLINK(1)", "first_name_latin": "Fatima", "sex": "F", "commune": "Oujda",
           "birth_date": "2001-03-12", "phone": "+212612345678"}  # fmt: skip
    register_person(
        world["users"]["admin_a"], raw, organisation=world["ngo_a"], consent_given_on=date(2025, 1, 1)
    )
    client.force_login(world["users"]["admin_a"])
    row = export(client, format="csv")[1]
    assert row[0] == "'=HYPERLINK(1)" and "'+212612345678" in row  # a phone is text, quoted too
    response = client.get(reverse("registry:export"), {"format": "xlsx"})
    cell = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active["A2"]
    assert cell.data_type == "s" and cell.value == "'=HYPERLINK(1)"
