"""The training API: scoped reads, edits under the rules, and 4xx with a message on bad input."""

import pytest

from kafaat.training.models import Establishment, SupplyStatistic


@pytest.fixture
def as_user(client, supply):
    def login(name):
        client.force_login(supply["users"][name])
        return client

    return login


def test_anonymous_calls_are_refused(client, supply):
    assert client.get("/api/training/establishments").status_code == 401


def test_lists_are_scoped_and_filtered(as_user, supply):
    client = as_user("analyst_oriental")
    body = client.get("/api/training/establishments").json()
    assert [item["code"] for item in body["items"]] == ["ista-nador"]
    assert body["items"][0]["sectors"] == ["electrical", "management"]
    client = as_user("superuser")
    assert client.get("/api/training/establishments?territory=MA-01").json()["count"] == 1
    assert (
        client.get("/api/training/establishments?sector=agriculture").json()["items"][0]["code"]
        == "ita-tanger"
    )
    assert client.get("/api/training/establishments?operator_type=nope").status_code == 422
    assert len(client.get("/api/training/sectors").json()) >= 15


def test_out_of_scope_is_404_and_in_scope_without_the_right_is_403(as_user, supply):
    client = as_user("analyst_oriental")
    assert client.get(f"/api/training/establishments/{supply['tanger'].pk}").status_code == 404
    assert client.get(f"/api/training/programmes/{supply['irrigation'].pk}").status_code == 404
    response = client.patch(
        f"/api/training/establishments/{supply['nador'].pk}", {"capacity": 1}, content_type="application/json"
    )
    assert response.status_code == 403


def test_an_operator_administrator_creates_an_establishment_and_a_programme(as_user, supply):
    client = as_user("ofppt_admin")
    payload = {
        "code": "ista-berkane",
        "name_fr": "ISTA Berkane",
        "operator_type": "ofppt",
        "operator": "ofppt",
        "territory": "02.113",
        "capacity": 400,
        "sectors": ["electrical"],
    }
    response = client.post("/api/training/establishments", payload, content_type="application/json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    programme = {
        "code": "TS-ER",
        "title_fr": "Énergies renouvelables",
        "sector": "energy",
        "level": "technicien_specialise",
        "duration_months": 24,
        "isco_codes": ["3113", "7411"],
    }
    response = client.post(
        f"/api/training/establishments/{pk}/programmes", programme, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["isco_codes"] == ["3113", "7411"]
    again = client.post(
        f"/api/training/establishments/{pk}/programmes", programme, content_type="application/json"
    )
    assert again.status_code == 400 and "code" in again.json()["detail"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"territory": "99.999"}, "territory"),
        ({"operator": "nope"}, "operator"),
        ({"sectors": ["x"]}, "sectors"),
        ({"code": "ista-nador"}, "code"),
    ],
)
def test_bad_establishments_are_400_with_the_field(as_user, supply, change, field):
    client = as_user("ofppt_admin")
    payload = {
        "code": "new-one",
        "name_fr": "N",
        "operator_type": "ofppt",
        "operator": "ofppt",
        "territory": "02.113",
        **change,
    }
    response = client.post("/api/training/establishments", payload, content_type="application/json")
    assert response.status_code == 400 and field in response.json()["detail"]
    assert not Establishment.objects.filter(code="new-one").exists()


def test_bad_programmes_are_400(as_user, supply):
    client = as_user("establishment")
    url = f"/api/training/programmes/{supply['electricity'].pk}"
    response = client.patch(url, {"isco_codes": ["9999"]}, content_type="application/json")
    assert response.status_code == 400 and "isco_codes" in response.json()["detail"]
    assert client.patch(url, {"sector": "nope"}, content_type="application/json").status_code == 400
    assert client.patch(url, {"duration_months": 0}, content_type="application/json").status_code == 422
    response = client.patch(url, {"duration_months": 30}, content_type="application/json")
    assert response.status_code == 200 and response.json()["duration_months"] == 30


def test_statistics_are_entered_checked_and_summed(as_user, supply):
    client = as_user("establishment")
    url = f"/api/training/programmes/{supply['electricity'].pk}/statistics/2024"
    good = {"seats": 60, "enrolled": 58, "enrolled_women": 4, "graduates": 20, "graduates_women": 1}
    assert client.put(url, good, content_type="application/json").status_code == 200
    bad = client.put(url, {**good, "graduates": 70}, content_type="application/json")
    assert bad.status_code == 400 and "graduates" in bad.json()["detail"]
    assert client.put(url, {**good, "age_band": "99+"}, content_type="application/json").status_code == 422
    assert SupplyStatistic.objects.get().graduates == 20
    rows = client.get(f"/api/training/programmes/{supply['electricity'].pk}/statistics").json()
    assert rows[0]["enrolled"] == 58
    totals = as_user("analyst_oriental").get("/api/training/supply?year=2024").json()
    assert totals == [
        {
            "year": 2024,
            "source": "published",
            "seats": 60,
            "applicants": None,
            "enrolled": 58,
            "enrolled_women": 4,
            "graduates": 20,
            "graduates_women": 1,
        }
    ]
    assert as_user("superuser").get("/api/training/supply?territory=MA-01").json() == []


def test_derive_needs_the_right_to_edit(as_user, supply):
    assert as_user("analyst_oriental").post("/api/training/derive").status_code == 403
    response = as_user("establishment").post("/api/training/derive")  # tests run jobs at once
    assert response.status_code == 202 and response.json()["report"]["created"] == 0
