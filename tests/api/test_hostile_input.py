"""What Schemathesis found, kept as plain regression tests (issue 11): 4xx with a message, never a 500."""

import json
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kafaat.api import api
from kafaat.core.models import Territory
from kafaat.core.services import issue_api_token
from kafaat.labour.models import Vacancy
from kafaat.training.models import Level

OPENAPI = api.get_openapi_schema()


def _operations(method: str):
    for path, operations in OPENAPI["paths"].items():
        if method in operations:
            yield path, operations[method]


def _url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.fixture
def token(world) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_api_token(world['users']['caseworker_a'], 'test').key}"}


@pytest.fixture
def vacancy(client, token) -> int:
    employer = client.post(
        "/api/labour/employers",
        json.dumps({"name": "Atlas SARL", "territory": "02.411"}),
        "application/json",
        **token,
    ).json()
    body = {"employer": employer["id"], "title": "Couturière", "posted_on": "2026-01-05"}
    created = client.post("/api/labour/vacancies", json.dumps(body), "application/json", **token)
    assert created.status_code == 201, created.content
    return created.json()["id"]


def test_a_page_number_beyond_64_bits_is_a_422_on_every_list(client, token):
    lists = [path for path, operation in _operations("get") if any(
        parameter["name"] == "page" for parameter in operation.get("parameters", []))]  # fmt: skip
    assert len(lists) >= 8
    for path in lists:
        response = client.get(_url(path), {"page": "10000000000000000000"}, **token)
        assert response.status_code == 422, (path, response.status_code)
        assert "page" in json.dumps(response.json()["detail"])
        last = client.get(_url(path), {"page": 1_000_000}, **token)
        if "{" in path:  # a list under another object (an event's registrants): that object 1 may not exist
            assert last.status_code in (200, 404), (path, last.status_code)
            continue
        if last.status_code == 403:  # a list the case worker's role may not read at all (expert missions)
            assert "detail" in last.json()
            continue
        assert last.json()["items"] == []  # beyond the last page: empty


def test_a_multipart_body_without_boundary_is_a_json_400_on_every_post(world):
    """A signed-in session: the CSRF check reads the body before the view; Django answered an HTML page."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world["users"]["admin_a"])
    browser.get(reverse("password_change"))
    csrf = browser.cookies[settings.CSRF_COOKIE_NAME].value
    posts = [path for path, _ in _operations("post")]
    assert len(posts) >= 10
    for path in posts:
        response = browser.post(_url(path), b"--x\r\n", "multipart/form-data", HTTP_X_CSRFTOKEN=csrf)
        assert response.status_code == 400, (path, response.status_code)
        assert response["Content-Type"] == "application/json; charset=utf-8", path
        assert response.json()["detail"], path


def test_a_vacancy_posted_in_year_1_is_a_400_with_a_message(client, token, vacancy):
    employer = Vacancy.objects.get(pk=vacancy).employer_id
    body = {"employer": employer, "title": "Brodeuse", "posted_on": "0001-01-01"}
    created = client.post("/api/labour/vacancies", json.dumps(body), "application/json", **token)
    assert created.status_code == 400 and "1990-01-01" in created.json()["detail"]["posted_on"][0]
    patched = client.patch(
        f"/api/labour/vacancies/{vacancy}", '{"posted_on": "0001-01-01"}', "application/json", **token
    )
    assert patched.status_code == 400 and "posted_on" in patched.json()["detail"]
    assert Vacancy.objects.get(pk=vacancy).posted_on.isoformat() == "2026-01-05"


def test_a_null_contract_type_on_a_vacancy_patch_means_not_known(client, token, vacancy):
    url = f"/api/labour/vacancies/{vacancy}"
    assert client.patch(url, '{"contract_type": "cdi"}', "application/json", **token).status_code == 200
    for field in ("contract_type", "required_level", "description"):
        response = client.patch(url, json.dumps({field: None}), "application/json", **token)
        assert response.status_code == 200 and response.json()[field] == "", field
    refused = client.patch(url, '{"title": null}', "application/json", **token)
    assert refused.status_code == 400 and refused.json()["detail"]["title"]
    assert Vacancy.objects.get(pk=vacancy).title == "Couturière"


def test_the_schema_offers_each_enum_its_own_values(world):
    """Territory.Level and training's Level had one component name: the schema offered one's values."""
    territories = next(op for path, op in _operations("get") if path == "/api/territories")
    level = next(p for p in territories["parameters"] if p["name"] == "level")
    assert set(json.dumps(level["schema"]).split('"')) >= set(Territory.Level.values)
    assert "specialisation" not in json.dumps(level["schema"])
    programme = OPENAPI["components"]["schemas"]["ProgrammeSchema"]["properties"]["level"]
    assert set(programme["enum"]) == set(Level.values)


def test_other_api_addresses_answer_json_404(client, token):
    for method in ("get", "post", "patch"):
        response = getattr(client, method)("/api/people/not-a-number", **token)
        assert response.status_code == 404 and response.json()["detail"], method


def test_a_query_parameter_sent_twice_is_refused(client, token):
    response = client.get("/api/territories?q=Oujda&q=Rabat", **token)
    assert response.status_code == 400 and "q" in response.json()["detail"]


def test_a_date_must_be_written_as_a_date(client, token):
    response = client.get("/api/labour/vacancies?posted_to=0", **token)
    assert response.status_code == 422 and "YYYY-MM-DD" in json.dumps(response.json()["detail"])
    assert client.get("/api/labour/vacancies?posted_to=2026-01-31", **token).status_code == 200
