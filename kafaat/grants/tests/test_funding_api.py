"""The funding API with tokens, by persona, with the hostile cases: another grantee's report (404), a tranche
whose condition fails (409 with the reason), a payment above the tranche (400), bad input (400), a wrong role
(403/404), the donor's aggregates."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kafaat.core import services as core_services
from kafaat.grants.models import Agreement, Report
from kafaat.grants.tests.test_funding_setup import awarded_application, draw_up

pytestmark = pytest.mark.django_db


def _api(user) -> Client:
    key = core_services.issue_api_token(user, "script").key
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    client.cookies["kafaat_language"] = "en"
    return client


def _json(client, method, url, body=None):
    return getattr(client, method)(url, body or {}, content_type="application/json")


def test_draw_up_sign_release_and_pay_by_api(grants):
    application = awarded_application(grants)
    officer = _api(grants["users"]["officer"])
    today = timezone.localdate()
    body = {
        "application": application.pk,
        "reference": "CS-API-1",
        "amount": "450000",
        "start_date": str(today - timedelta(days=30)),
        "end_date": str(today + timedelta(days=330)),
        "tranches": [
            {"share": "40", "condition": "signature"},
            {"share": "40", "condition": "report_accepted", "report": 1},
            {"share": "20", "condition": "expenditure", "expenditure_share": "70"},
        ],
        "interim_reports": [
            {"period_end": str(today + timedelta(days=120)), "due_date": str(today + timedelta(days=150))}
        ],
        "final_report": {
            "period_end": str(today + timedelta(days=330)),
            "due_date": str(today + timedelta(days=390)),
        },
    }
    created = _json(officer, "post", "/api/grants/agreements", body)
    assert created.status_code == 201, created.content
    agreement = created.json()
    assert [t["amount"] for t in agreement["tranches"]] == ["180000.00", "180000.00", "90000.00"]
    first, second = agreement["tranches"][0]["id"], agreement["tranches"][1]["id"]
    refused = _json(officer, "post", f"/api/grants/tranches/{first}/release")
    assert refused.status_code == 409 and "not signed" in refused.json()["detail"]
    signed = _json(
        officer, "post", f"/api/grants/agreements/{agreement['id']}/sign", {"signed_on": str(today)}
    )
    assert signed.status_code == 200 and signed.json()["status"] == "signed"
    assert signed.json()["tranches"][0]["releasable"] is True
    waiting = _json(officer, "post", f"/api/grants/tranches/{second}/release")
    assert waiting.status_code == 409 and "report this tranche waits for" in waiting.json()["detail"]
    released = _json(officer, "post", f"/api/grants/tranches/{first}/release")
    assert released.status_code == 200 and released.json()["status"] == "released"
    too_much = _json(
        officer,
        "post",
        f"/api/grants/tranches/{first}/payments",
        {"paid_on": str(today), "amount": "180000.01", "reference": "VIR-1"},
    )
    assert too_much.status_code == 400 and "amount" in too_much.json()["detail"]
    paid = _json(
        officer,
        "post",
        f"/api/grants/tranches/{first}/payments",
        {"paid_on": str(today), "amount": "180000", "reference": "VIR-1"},
    )
    assert paid.status_code == 201 and paid.json()["amount"] == "180000.00"
    detail = officer.get(f"/api/grants/agreements/{agreement['id']}").json()
    assert detail["disbursed"] == "180000.00" and detail["tranches"][0]["status"] == "paid"
    assert [row["budget"] for row in detail["budget"]] == ["120000.00", "440000.00", "560000.00"]


def test_bad_agreement_input_is_a_400(grants):
    application = awarded_application(grants)
    officer = _api(grants["users"]["officer"])
    today = timezone.localdate()
    body = {
        "application": application.pk,
        "reference": "CS-X",
        "amount": "900000",
        "start_date": str(today),
        "end_date": str(today + timedelta(days=100)),
        "tranches": [{"share": "100", "condition": "signature"}],
        "final_report": {"period_end": str(today + timedelta(days=100)), "due_date": "tomorrow"},
    }
    assert _json(officer, "post", "/api/grants/agreements", body).status_code in (400, 422)
    body["final_report"]["due_date"] = str(today + timedelta(days=130))
    response = _json(officer, "post", "/api/grants/agreements", body)
    assert response.status_code == 400 and "amount" in response.json()["detail"]
    body.update(amount="100", tranches=[{"share": "100", "condition": "lottery"}])
    response = _json(officer, "post", "/api/grants/agreements", body)
    assert response.status_code == 400 and "tranches" in response.json()["detail"]
    assert not Agreement.objects.exists()


def test_wrong_roles(grants):
    application = awarded_application(grants)
    agreement = draw_up(grants, application)
    first = agreement.tranches.get(number=1)
    grantee = _api(grants["users"]["applicant_a"])
    assert _json(grantee, "post", f"/api/grants/tranches/{first.pk}/release").status_code == 403
    reviewer = _api(grants["users"]["reviewer"])
    assert _json(reviewer, "post", f"/api/grants/tranches/{first.pk}/release").status_code == 404
    assert reviewer.get(f"/api/grants/agreements/{agreement.pk}").status_code == 404
    assert _api(grants["users"]["donor"]).get(f"/api/grants/agreements/{agreement.pk}").status_code == 404
    assert (
        _json(
            grantee, "post", "/api/grants/agreements/99999999/sign", {"signed_on": "2026-01-01"}
        ).status_code
        == 404
    )
    assert Client().get(f"/api/grants/agreements/{agreement.pk}").status_code == 401


def test_grantee_writes_and_submits_another_grantee_gets_404(grants):
    application = awarded_application(grants)
    agreement = draw_up(grants, application)
    interim = agreement.reports.get(kind=Report.Kind.INTERIM)
    line = application.budget_lines.first()
    trained = grants["indicators"][0]
    grantee = _api(grants["users"]["applicant_a"])
    saved = _json(
        grantee,
        "put",
        f"/api/grants/reports/{interim.pk}",
        {
            "narrative": "Sessions tenues.",
            "expenditures": [{"budget_line": line.pk, "amount": "25000"}],
            "values": [{"indicator": trained.pk, "value": "40", "women": 22}],
        },
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["values"] == [{"indicator": trained.pk, "value": "40.00", "women": 22}]
    other = _api(grants["users"]["applicant_b"])
    assert other.get(f"/api/grants/reports/{interim.pk}").status_code == 404
    assert _json(other, "put", f"/api/grants/reports/{interim.pk}", {"narrative": "x"}).status_code == 404
    assert _json(other, "post", f"/api/grants/reports/{interim.pk}/submit").status_code == 404
    bad = _json(
        grantee,
        "put",
        f"/api/grants/reports/{interim.pk}",
        {"values": [{"indicator": trained.pk, "value": "5", "women": 9}]},
    )
    assert bad.status_code == 400 and f"women_{trained.pk}" in bad.json()["detail"]
    assert _json(grantee, "post", f"/api/grants/reports/{interim.pk}/submit").json()["status"] == "submitted"
    assert _json(grantee, "post", f"/api/grants/reports/{interim.pk}/submit").status_code == 400
    officer = _api(grants["users"]["officer"])
    listed = officer.get("/api/grants/reports", {"status": "submitted"}).json()
    assert [r["id"] for r in listed] == [interim.pk]
    assert officer.get("/api/grants/reports", {"status": "nonsense"}).status_code == 400
    assert (
        _json(officer, "post", f"/api/grants/reports/{interim.pk}/review", {"accept": False}).status_code
        == 400
    )
    accepted = _json(officer, "post", f"/api/grants/reports/{interim.pk}/review", {"accept": True})
    assert accepted.json()["status"] == "accepted"
    assert [r["id"] for r in other.get("/api/grants/reports").json()] == []


def test_measures_for_the_donor_not_for_a_case_worker(grants):
    agreement = draw_up(grants, awarded_application(grants))
    donor = _api(grants["users"]["donor"])
    response = donor.get("/api/grants/measures", {"project": "p-grants"})
    assert response.status_code == 200
    figures = response.json()
    assert figures["calls"] == 1 and figures["applications"] == 1 and figures["funded"] == 1
    assert figures["awarded"] == str(agreement.amount) and figures["success_rate"] == "100.0"
    assert figures["beneficiaries_by_sex"] == {"F": 0, "M": 0, "unknown": 0}
    assert _api(grants["users"]["caseworker_a"]).get("/api/grants/measures").status_code == 403
    assert donor.get("/api/grants/measures", {"project": "nope"}).status_code == 404


def test_beneficiaries_and_closing_by_api(grants, territory):
    from datetime import date

    from kafaat.registry.models import Consent, Person

    agreement = draw_up(grants, awarded_application(grants))

    def person(organisation, consent=True):
        found = Person.objects.create(
            registered_by=grants[organisation],
            sex="F",
            territory=territory("02.411"),
            first_name_latin="Sara",
        )
        if consent:
            Consent.objects.create(
                person=found,
                purpose="registration",
                given_on=date(2026, 1, 1),
                recorded_for=grants[organisation],
            )
        return found

    grantee = _api(grants["users"]["applicant_a"])
    url = f"/api/grants/agreements/{agreement.pk}/beneficiaries"
    mine, unconsented, foreign = person("ngo_a"), person("ngo_a", consent=False), person("ngo_b")
    added = _json(grantee, "post", url, {"person": mine.pk})
    assert added.status_code == 201 and added.json()["person"] == mine.pk
    assert _json(grantee, "post", url, {"person": mine.pk}).status_code == 400  # twice
    assert _json(grantee, "post", url, {"person": unconsented.pk}).status_code == 400
    assert _json(grantee, "post", url, {"person": foreign.pk}).status_code == 404
    assert _json(grantee, "post", url, {"person": "x"}).status_code in (400, 422)
    officer = _api(grants["users"]["officer"])
    assert _json(officer, "post", url, {"person": mine.pk}).status_code == 403
    closing = _json(officer, "post", f"/api/grants/agreements/{agreement.pk}/close")
    assert closing.status_code == 409 and "final report" in closing.json()["detail"]
