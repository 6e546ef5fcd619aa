"""The people API: registration, search, record, changes and consents under the access rules; never a 500."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from kafaat.core.models import AuditEvent
from kafaat.core.services import issue_api_token
from kafaat.registry.models import Consent, Person, PersonAccess

TODAY = timezone.localdate()


def _person(**overrides):
    body = {
        "first_name_latin": "Fatima Zahra",
        "last_name_latin": "El Idrissi",
        "first_name_ar": "فاطمة الزهراء",
        "last_name_ar": "الإدريسي",
        "sex": "F",
        "birth_date": "2002-03-14",
        "commune": "COM_0610",  # Rabat
        "phone": "06 61 23 45 67",
        "id_type": "cin",
        "id_number": "AB123456",
        "migration_status": "moroccan",
        "education_level": "baccalaureate",
        "neet": True,
        "languages": ["ary", "fr"],
        "wg_seeing": 1,
        "wg_hearing": 1,
        "wg_mobility": 3,
        "wg_cognition": 1,
        "wg_self_care": 1,
        "wg_communication": 1,
        "consent_given_on": TODAY.isoformat(),
        "contact_consent": True,
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


def _post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def _patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def registered(client, world):
    """One person registered by NGO A's case worker through the API, then the session is dropped."""
    client.force_login(world["users"]["caseworker_a"])
    response = _post(client, "/api/people", _person())
    assert response.status_code == 201, response.content
    client.logout()
    return Person.objects.get(pk=response.json()["id"])


def test_registration_returns_the_record_with_a_masked_number(client, world):
    client.force_login(world["users"]["caseworker_a"])
    response = _post(client, "/api/people", _person())
    assert response.status_code == 201
    data = response.json()
    assert data["registered_by"] == "ngo-a-oujda" and data["case_worker"] == "caseworker_a"
    assert data["id_number_masked"] == "•••456" and "id_number" not in data
    assert data["migration_status"] == "moroccan" and data["has_disability"] is True
    assert data["territory_code"] == "COM_0610" and data["area"] == "urban"
    assert data["phone"] == "+212661234567"
    person = Person.objects.get(pk=data["id"])
    assert person.accesses.get().reason == PersonAccess.Reason.REGISTERED
    assert set(person.consents.values_list("purpose", flat=True)) == {"registration", "contact"}
    assert AuditEvent.objects.filter(
        action="create", target_type="registry.person", target_id=str(person.pk)
    ).exists()


def test_bad_fields_come_back_as_400_with_every_message(client, world):
    client.force_login(world["users"]["caseworker_a"])
    body = _person(
        first_name_ar="Fatima", commune="Atlantis", phone="12", birth_date="1900-01-01", wg_mobility=None
    )
    response = _post(client, "/api/people", body)
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert {"first_name_ar", "commune", "phone", "birth_date", "wg_seeing"} <= set(detail)
    assert all(isinstance(messages, list) and messages for messages in detail.values())
    nameless = _post(
        client,
        "/api/people",
        _person(first_name_latin="", last_name_latin="", first_name_ar="", last_name_ar=""),
    )
    assert nameless.status_code == 400 and "last_name_latin" in nameless.json()["detail"]
    assert Person.objects.count() == 0


@pytest.mark.parametrize(
    "overrides",
    [
        {"birth_date": "yesterday"},
        {"birth_date": "31/02/2001"},
        {"consent_given_on": None},
        {"consent_given_on": "soon"},
        {"sex": "X"},
        {"migration_status": "tourist"},
        {"languages": ["klingon"]},
        {"languages": "ary"},
        {"wg_seeing": 7},
        {"age": "twenty"},
        {"first_name_latin": "A" * 101},
        {"household_head": "perhaps"},
    ],
)
def test_weird_input_is_a_4xx_never_a_500(client, world, overrides):
    client.force_login(world["users"]["caseworker_a"])
    response = _post(client, "/api/people", _person(**overrides))
    assert 400 <= response.status_code < 500, response.content
    assert response.json()["detail"]


def test_other_malformed_requests_are_4xx(client, world, registered):
    client.force_login(world["users"]["caseworker_a"])
    assert client.post("/api/people", "not json", content_type="application/json").status_code in (400, 422)
    assert _post(client, "/api/people", [1, 2]).status_code == 422
    assert (
        _post(
            client, "/api/people", _person(consent_given_on=(TODAY + timedelta(days=3)).isoformat())
        ).status_code
        == 400
    )
    assert _post(client, "/api/people", _person(organisation="no-such-org")).status_code == 400
    assert _post(client, "/api/people", _person(organisation="ngo-b-tanger")).status_code == 403
    assert _post(client, "/api/people", _person(external_id="X1")).status_code == 201
    assert _post(client, "/api/people", _person(external_id="X1")).status_code == 400  # duplicate in the org
    assert client.get("/api/people/abc").status_code == 404
    assert client.get("/api/people/999999999").status_code == 404
    assert client.get("/api/people?page=0").status_code == 422
    assert client.get("/api/people?sex=Q").status_code == 422
    assert client.get("/api/people?mine=maybe").status_code == 422
    assert client.get("/api/people?q=" + "x" * 300).status_code == 422
    assert _patch(client, f"/api/people/{registered.pk}", {"birth_date": 12}).status_code == 422
    assert _post(client, f"/api/people/{registered.pk}/consents", {"given_on": "tomorrow"}).status_code == 422


def test_list_never_shows_the_document_number_and_search_finds_by_name_phone_and_number(
    client, world, registered
):
    client.force_login(world["users"]["caseworker_a"])
    _post(
        client,
        "/api/people",
        _person(
            first_name_latin="Youssef",
            last_name_latin="Amrani",
            first_name_ar="",
            last_name_ar="",
            sex="M",
            phone="0700112233",
            id_number="F45678",
        ),
    )
    listed = client.get("/api/people").json()
    assert listed["count"] == 2
    for item in listed["items"]:
        assert not {"id_number", "id_number_masked", "id_number_hash", "migration_status"} & set(item)
    found = client.get("/api/people", {"q": "الادريسي"}).json()["items"]
    assert [p["id"] for p in found] == [registered.pk]
    assert [p["id"] for p in client.get("/api/people", {"q": "idrissi fatima"}).json()["items"]] == [
        registered.pk
    ]
    assert [p["id"] for p in client.get("/api/people", {"q": "+212 661 23 45 67"}).json()["items"]] == [
        registered.pk
    ]
    assert [p["id"] for p in client.get("/api/people", {"q": "ab 123456"}).json()["items"]] == [registered.pk]
    assert client.get("/api/people", {"sex": "M"}).json()["items"][0]["first_name_latin"] == "Youssef"
    assert client.get("/api/people", {"territory": "MA-04"}).json()["count"] == 2
    assert client.get("/api/people", {"territory": "MA-02"}).json()["count"] == 0
    assert client.get("/api/people", {"territory": "nowhere"}).json()["count"] == 0
    assert client.get("/api/people", {"mine": "true"}).json()["count"] == 2
    client.force_login(world["users"]["admin_a"])
    assert client.get("/api/people", {"mine": "true"}).json()["count"] == 0
    assert client.get("/api/people").json()["count"] == 2


def test_other_organisations_and_aggregate_roles_see_nothing(client, world, registered):
    url = f"/api/people/{registered.pk}"
    for name in ("caseworker_b", "analyst_oriental", "donor", "reviewer", "manager", "establishment"):
        client.force_login(world["users"][name])
        assert client.get("/api/people").json()["count"] == 0, name
        for path in ("", "/consents", "/timeline", "/steps"):
            assert client.get(url + path).status_code == 404, (name, path)
        assert _patch(client, url, {"first_name_latin": "Hacked"}).status_code == 404, name
        assert (
            _post(
                client, url + "/consents", {"given_on": TODAY.isoformat(), "shared_with": "ngo-b-tanger"}
            ).status_code
            == 404
        )
    for name in ("analyst_oriental", "donor", "nobody"):
        client.force_login(world["users"][name])
        assert _post(client, "/api/people", _person()).status_code == 403
    client.logout()
    assert client.get(url).status_code == 401
    registered.refresh_from_db()
    assert registered.first_name_latin == "Fatima Zahra"


def test_view_only_roles_get_the_record_without_sensitive_fields(client, world, registered, make_member):
    from kafaat.core.models import Role

    manager = make_member("manager_a", world["ngo_a"], Role.PROGRAMME_MANAGER)
    client.force_login(manager)
    data = client.get(f"/api/people/{registered.pk}").json()
    assert data["can_change"] is False and data["id_number_masked"] == "•••456"
    assert (
        data["migration_status"] is None
        and data["disability_answers"] is None
        and data["has_disability"] is None
    )
    assert _patch(client, f"/api/people/{registered.pk}", {"first_name_latin": "X"}).status_code == 403
    client.force_login(world["users"]["superuser"])
    assert client.get(f"/api/people/{registered.pk}").json()["migration_status"] == "moroccan"


def test_reading_a_record_is_audited(client, world, registered):
    client.force_login(world["users"]["admin_a"])
    assert client.get(f"/api/people/{registered.pk}").status_code == 200
    assert AuditEvent.objects.filter(
        action="view", actor__username="admin_a", target_type="registry.person", target_id=str(registered.pk)
    ).exists()


def test_partial_update_keeps_the_other_fields_and_the_history(client, world, registered):
    client.force_login(world["users"]["caseworker_a"])
    url = f"/api/people/{registered.pk}"
    response = _patch(
        client, url, {"phone": "+212 7 11 22 33 44", "commune": "COM_0628", "migration_status": "refugee"}
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["phone"] == "+212711223344" and data["territory_code"] == "COM_0628"
    assert data["first_name_ar"] == "فاطمة الزهراء" and data["has_disability"] is True
    assert data["migration_status"] == "refugee" and data["id_number_masked"] == "•••456"
    bad = _patch(client, url, {"phone": "123", "sex": None})
    assert bad.status_code == 400 and set(bad.json()["detail"]) == {"phone", "sex"}
    assert _patch(client, url, {}).status_code == 200
    timeline = client.get(url + "/timeline").json()
    changes = [entry for entry in timeline if entry["kind"] == "change"]
    assert len(changes) == 1 and changes[0]["detail"].startswith("caseworker_a: ")
    assert "refugee" not in json.dumps(timeline)  # sensitive values never enter the history
    assert registered.versions.get().changes["migration_status"] == "changed"
    assert [entry["kind"] for entry in timeline].count("consent") == 2


def test_bearer_tokens_reach_the_same_records(client, world, registered):
    key = issue_api_token(world["users"]["admin_a"], "script").key
    response = client.get(f"/api/people/{registered.pk}", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200 and response.json()["registered_by"] == "ngo-a-oujda"
    other = issue_api_token(world["users"]["caseworker_b"], "script").key
    assert client.get(f"/api/people/{registered.pk}", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 404


def test_consents_are_listed_added_and_withdrawn(client, world, registered):
    client.force_login(world["users"]["caseworker_a"])
    url = f"/api/people/{registered.pk}/consents"
    assert {c["purpose"] for c in client.get(url).json()} == {"registration", "contact"}
    response = _post(
        client, url, {"given_on": TODAY.isoformat(), "shared_with": "ngo-b-tanger", "note": "orientation"}
    )
    assert response.status_code == 201, response.content
    consent = response.json()
    assert (
        consent["purpose"] == "sharing" and consent["shared_with"] == "ngo-b-tanger" and consent["is_active"]
    )
    assert _post(client, url, {"given_on": TODAY.isoformat(), "shared_with": "ghost"}).status_code == 400
    assert _post(client, url, {"given_on": TODAY.isoformat()}).json()["detail"].keys() == {"shared_with"}
    assert (
        _post(
            client, url, {"given_on": TODAY.isoformat(), "purpose": "contact", "shared_with": "ngo-b-tanger"}
        ).status_code
        == 400
    )
    future = (TODAY + timedelta(days=1)).isoformat()
    assert _post(client, url, {"given_on": future, "shared_with": "ngo-b-tanger"}).status_code == 400

    # Someone at NGO B was given access through a referral; withdrawing the sharing consent removes it.
    PersonAccess.objects.create(
        person=registered, organisation=world["ngo_b"], reason="referral", consent_id=consent["id"]
    )
    client.force_login(world["users"]["caseworker_b"])
    assert client.get(f"/api/people/{registered.pk}").status_code == 200
    client.force_login(world["users"]["caseworker_a"])
    too_early = (TODAY - timedelta(days=400)).isoformat()
    assert _post(client, f"{url}/{consent['id']}/withdraw", {"on": too_early}).status_code == 400
    withdrawn = client.post(f"{url}/{consent['id']}/withdraw", content_type="application/json")  # no body
    assert withdrawn.status_code == 200, withdrawn.content
    assert withdrawn.json()["withdrawn_on"] == TODAY.isoformat() and not withdrawn.json()["is_active"]
    client.force_login(world["users"]["caseworker_b"])
    assert client.get(f"/api/people/{registered.pk}").status_code == 404
    client.force_login(world["users"]["caseworker_a"])
    assert client.post(f"{url}/999999/withdraw", content_type="application/json").status_code == 404


def test_a_consent_of_another_person_cannot_be_withdrawn_through_this_one(client, world, registered):
    client.force_login(world["users"]["caseworker_b"])
    other = _post(client, "/api/people", _person(first_name_latin="Omar", commune="COM_0082"))
    assert other.status_code == 201
    other_consent = Consent.objects.filter(person_id=other.json()["id"]).first()
    client.force_login(world["users"]["caseworker_a"])
    response = client.post(
        f"/api/people/{registered.pk}/consents/{other_consent.pk}/withdraw", content_type="application/json"
    )
    assert response.status_code == 404
    other_consent.refresh_from_db()
    assert other_consent.withdrawn_on is None


def test_listing_costs_the_same_few_queries_whatever_the_page_size(
    client, world, django_assert_max_num_queries
):
    client.force_login(world["users"]["caseworker_a"])
    for n in range(12):
        assert (
            _post(
                client, "/api/people", _person(first_name_latin=f"Person {n}", id_number=f"AB{n:06d}")
            ).status_code
            == 201
        )
    # session, user, memberships, count, page, the page's audit event — no query per person
    with django_assert_max_num_queries(7):
        page = client.get("/api/people", {"page_size": 12}).json()
    assert len(page["items"]) == 12 and all(item["territory_name"] == "Rabat" for item in page["items"])
