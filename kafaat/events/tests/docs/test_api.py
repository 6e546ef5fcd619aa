"""The API of scores, survey, certificates and documents: with a bearer token, wrong roles, out-of-scope ids,
bad input answered 4xx with a message, never 500."""

import pytest

from kafaat.core.services import issue_api_token
from kafaat.events.models import Certificate, KnowledgeScore, SurveyResponse
from kafaat.events.tests.docs.pdf_text import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    def call(user, method, path, body=None):
        key = issue_api_token(user, "test").key
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {key}", "HTTP_ACCEPT_LANGUAGE": "fr"}
        if body is not None:
            kwargs.update(data=body, content_type="application/json")
        return getattr(client, method)(f"/api{path}", **kwargs)

    return call


def test_scores_with_a_token(event_world, api):
    manager, event, regs = event_world["users"]["manager"], event_world["event"], event_world["registrations"]
    body = [{"registration": regs["Alaoui"].pk, "pre": 40, "post": 72.5}]
    response = api(manager, "put", f"/events/{event.pk}/scores", body)
    assert response.status_code == 200, response.content
    row = next(r for r in response.json() if r["registration"] == regs["Alaoui"].pk)
    assert float(row["gain"]) == 32.5
    assert api(manager, "get", f"/events/{event.pk}/scores").status_code == 200


@pytest.mark.parametrize("score", [101, -1, "abc", 1e400])
def test_scores_out_of_range_are_422(event_world, api, score):
    event, regs = event_world["event"], event_world["registrations"]
    body = [{"registration": regs["Alaoui"].pk, "pre": score}]
    response = api(event_world["users"]["manager"], "put", f"/events/{event.pk}/scores", body)
    assert response.status_code in (400, 422) and "detail" in response.json()
    assert not KnowledgeScore.objects.exists()


def test_a_registration_of_another_event_is_400(event_world, module_world, api):
    body = [{"registration": module_world["trainers"]["Saidi"].pk, "pre": 40}]
    response = api(event_world["users"]["manager"], "put", f"/events/{event_world['event'].pk}/scores", body)
    assert response.status_code == 400


def test_wrong_roles(event_world, api):
    event = event_world["event"]
    users = event_world["users"]
    assert api(users["caseworker_b"], "get", f"/events/{event.pk}/scores").status_code == 404
    assert api(users["donor"], "get", f"/events/{event.pk}/scores").status_code == 403
    assert api(users["donor"], "put", f"/events/{event.pk}/scores", []).status_code == 403
    assert api(users["donor"], "get", f"/events/{event.pk}/sign-in-sheet.pdf").status_code == 403
    summary = api(users["donor"], "get", f"/events/{event.pk}/summary")
    assert summary.status_code == 200 and summary.json()["satisfaction"]["n"] is None


def test_no_token_is_401(event_world, client):
    assert client.get(f"/api/events/{event_world['event'].pk}/summary").status_code == 401


def test_certificate_issue_refusal_and_pdf(event_world, api):
    manager, event, regs = event_world["users"]["manager"], event_world["event"], event_world["registrations"]
    refused = api(manager, "post", f"/events/{event.pk}/registrations/{regs['Tazi'].pk}/certificate")
    assert refused.status_code == 400 and "75" in str(refused.json()["detail"])
    issued = api(manager, "post", f"/events/{event.pk}/registrations/{regs['Alaoui'].pk}/certificate")
    again = api(manager, "post", f"/events/{event.pk}/registrations/{regs['Alaoui'].pk}/certificate")
    assert issued.status_code == 200 and issued.json() == again.json() and Certificate.objects.count() == 1
    assert issued.json()["language"] == "ar"
    pdf = api(manager, "get", f"/events/{event.pk}/registrations/{regs['Alaoui'].pk}/certificate.pdf")
    assert pdf.status_code == 200 and "شهادة" in pdf_text(pdf.content)
    missing = api(manager, "post", f"/events/{event.pk}/registrations/999999/certificate")
    assert missing.status_code == 404


def test_anonymous_survey_through_the_api(event_world, api):
    manager, event = event_world["users"]["manager"], event_world["event"]
    response = api(manager, "post", f"/events/{event.pk}/survey", {"overall": 4, "comment": "ok"})
    assert response.status_code == 201 and response.json()["anonymous"] is True
    assert SurveyResponse.objects.get().registration_id is None
    bad = api(manager, "post", f"/events/{event.pk}/survey", {"overall": 7})
    assert bad.status_code == 422


def test_completion_through_the_api(module_world, api):
    manager, module = module_world["users"]["manager"], module_world["module"]
    saidi, fassi = module_world["trainers"]["Saidi"], module_world["trainers"]["Fassi"]
    ok = api(manager, "post", f"/events/{module.pk}/registrations/{saidi.pk}/completion", {"certified": True})
    assert ok.status_code == 200 and ok.json()["completion_certified"] is True
    refused = api(
        manager, "post", f"/events/{module.pk}/registrations/{fassi.pk}/completion", {"certified": True}
    )
    assert refused.status_code == 400


def test_badges_pdf_through_the_api(event_world, api):
    response = api(
        event_world["users"]["manager"], "get", f"/events/{event_world['event'].pk}/badges.pdf?language=ar"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
