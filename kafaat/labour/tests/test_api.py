"""The labour API: typed reads within the user's territory, 4xx on bad input, 409 on a re-posted ad."""

import json

import pytest

from kafaat.labour.models import CodingDecision, Survey, Vacancy
from kafaat.labour.tests.conftest import POSTED


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def caseworker_a(client, labour):
    client.force_login(labour["users"]["caseworker_a"])
    return client


def test_anonymous_callers_get_401(client, labour):
    assert client.get("/api/labour/vacancies").status_code == 401


def test_vacancies_are_listed_within_the_territory_with_filters(client, labour):
    client.force_login(labour["users"]["analyst_oriental"])
    body = client.get("/api/labour/vacancies").json()
    assert [item["title"] for item in body["items"]] == ["Couturière qualifiée"]
    assert body["items"][0]["occupation"] == "8153" and body["items"][0]["coding_status"] == "suggested"
    client.force_login(labour["users"]["caseworker_b"])
    assert client.get("/api/labour/vacancies?occupation=82").json()["count"] == 1
    assert client.get("/api/labour/vacancies?territory=02.411").json()["count"] == 1
    assert client.get("/api/labour/vacancies?occupation=8x").status_code == 422
    assert client.get("/api/labour/vacancies?territory=nowhere").status_code == 400


def test_creating_a_vacancy_and_its_errors(caseworker_a, labour):
    textile = labour["textile"].pk
    body = {"employer": textile, "title": "Brodeuse", "posted_on": "2026-03-01", "positions": 4}
    created = _post(caseworker_a, "/api/labour/vacancies", body)
    assert created.status_code == 201 and created.json()["territory"] == "02.411"
    again = _post(caseworker_a, "/api/labour/vacancies", {**body, "posted_on": "2026-03-10"})
    assert again.status_code == 409 and again.json()["existing_id"] == created.json()["id"]
    bad = _post(caseworker_a, "/api/labour/vacancies", {**body, "occupation": "0000", "title": "Autre"})
    assert bad.status_code == 400 and "occupation" in bad.json()["detail"]
    assert _post(caseworker_a, "/api/labour/vacancies", {**body, "positions": 0}).status_code == 422
    future = _post(caseworker_a, "/api/labour/vacancies", {**body, "title": "X", "posted_on": "2099-01-01"})
    assert future.status_code == 400
    other = _post(caseworker_a, "/api/labour/vacancies", {**body, "employer": 999999})
    assert other.status_code == 404
    assert Vacancy.objects.filter(title="Brodeuse").count() == 1


def test_only_the_entering_organisation_changes_or_codes(client, labour):
    sewing = labour["sewing"].pk
    client.force_login(labour["users"]["caseworker_b"])
    assert (
        client.patch(f"/api/labour/vacancies/{sewing}", '{"positions": 2}', "application/json").status_code
        == 403
    )
    assert _post(client, f"/api/labour/vacancies/{sewing}/coding", {"occupation": "8153"}).status_code == 403
    client.force_login(labour["users"]["caseworker_a"])
    coded = _post(client, f"/api/labour/vacancies/{sewing}/coding", {"occupation": "7531"})
    assert coded.status_code == 200 and coded.json()["occupation"] == "7531"
    assert coded.json()["coding_status"] == "confirmed"
    assert CodingDecision.objects.get().suggested.code == "8153"
    assert _post(client, f"/api/labour/vacancies/{sewing}/coding", {"occupation": "9999"}).status_code == 400


def test_suggestions_and_occupations(caseworker_a, labour):
    suggestions = caseworker_a.get("/api/labour/occupations/suggest?title=Soudeur TIG").json()
    assert suggestions[0]["code"] == "7212" and len(suggestions) == 3
    assert caseworker_a.get("/api/labour/occupations/suggest?title=x").status_code == 422
    assert caseworker_a.get("/api/labour/occupations/suggest?title=soudeur&top=50").status_code == 400
    groups = caseworker_a.get("/api/labour/occupations?level=2").json()
    assert groups["count"] == 43
    assert {g["code"]: g["label_ar"] for g in groups["items"]}["83"]


def test_employers(caseworker_a, labour):
    made = _post(
        caseworker_a, "/api/labour/employers", {"name": "Atlas Froid", "territory": "02.411", "sector": "C"}
    )
    assert made.status_code == 201 and made.json()["sector"] == "C"
    assert (
        _post(caseworker_a, "/api/labour/employers", {"name": "Y", "territory": "MA-99"}).status_code == 400
    )
    assert (
        _post(
            caseworker_a, "/api/labour/employers", {"name": "Atlas froid", "territory": "02.411"}
        ).status_code
        == 400
    )
    auto = labour["auto"].pk
    assert caseworker_a.get(f"/api/labour/employers/{auto}").status_code == 200
    assert (
        caseworker_a.patch(
            f"/api/labour/employers/{auto}", '{"size": "large"}', "application/json"
        ).status_code
        == 403
    )


def test_survey_response_and_results(caseworker_a, labour):
    survey = Survey.objects.create(
        organisation=labour["ngo_a"], code="oriental-2026", title="Oriental 2026",
        territory=labour["oujda"].parent, opens_on=POSTED,
    )  # fmt: skip
    body = {
        "employer": labour["textile"].pk, "answered_on": "2026-02-10", "hiring_intention": "yes",
        "planned_hires": 20,
        "needs": [{"title": "Couturière", "occupation": "8153", "positions": 15, "hard_to_fill": True,
                   "reasons": ["skills", "wages"]},
                  {"occupation": "7543", "positions": 2}],
    }  # fmt: skip
    answered = _post(caseworker_a, f"/api/labour/surveys/{survey.pk}/responses", body)
    assert answered.status_code == 201 and answered.json()["needs"] == 2
    assert _post(caseworker_a, f"/api/labour/surveys/{survey.pk}/responses", body).status_code == 400  # twice
    bad = {**body, "employer": labour["textile"].pk, "needs": [{"occupation": "8153", "reasons": ["skills"]}]}
    assert _post(caseworker_a, f"/api/labour/surveys/{survey.pk}/responses", bad).status_code == 400
    results = caseworker_a.get(f"/api/labour/surveys/{survey.pk}/results").json()
    assert results["responses"] == 1 and results["planned_hires"] == 20
    assert {row["key"]: row["positions"] for row in results["by_occupation"]} == {"81": 15, "75": 2}
    assert caseworker_a.get("/api/labour/surveys/999999/results").status_code == 404


def test_an_employer_name_loses_its_bidirectional_controls(caseworker_a, labour):
    made = _post(
        caseworker_a, "/api/labour/employers", {"name": "\u202eAtlas\u202c Nord", "territory": "02.411"}
    )
    assert made.status_code == 201 and made.json()["name"] == "Atlas Nord"
    only_controls = _post(
        caseworker_a, "/api/labour/employers", {"name": "\u2066\u2069", "territory": "02.411"}
    )
    assert only_controls.status_code == 400
