"""The funding pages by persona: the officer's agreements (release when allowed, payments, review of a
report), the grantee's "my grants" and report form, the donor's aggregates; out-of-scope ids are 404, wrong
roles 403; the home panels count what the pages list."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kafaat.core.pages import home
from kafaat.grants.models import Agreement, Report, Tranche
from kafaat.grants.services import reports
from kafaat.grants.tests.test_funding_setup import awarded_application, draw_up

pytestmark = pytest.mark.django_db


def _client(user, language="en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["kafaat_language"] = language
    return client


def test_officer_draws_up_signs_releases_and_pays_from_the_pages(grants):
    application = awarded_application(grants)
    officer = _client(grants["users"]["officer"])
    listing = officer.get(reverse("grants:agreements"))
    assert listing.status_code == 200 and application.reference in listing.content.decode()
    today = timezone.localdate()
    form = {
        "reference": "CS-P-1",
        "amount": "500000",
        "start_date": str(today.replace(day=1)),
        "end_date": str(today.replace(year=today.year + 1)),
        "shares": "40/40/20",
        "interim_reports": str(today.replace(month=12, day=31) if today.month < 12 else today),
    }
    response = officer.post(reverse("grants:new_agreement", args=[application.pk]), form)
    agreement = Agreement.objects.get(reference="CS-P-1")
    assert response.status_code == 302
    assert list(agreement.tranches.values_list("condition", flat=True)) == [
        "signature",
        "report_accepted",
        "expenditure",
    ]
    officer.post(reverse("grants:sign_agreement", args=[agreement.pk]), {"signed_on": str(today)})
    page = officer.get(reverse("grants:agreement", args=[agreement.pk])).content.decode()
    first = agreement.tranches.get(number=1)
    assert reverse("grants:release_tranche", args=[first.pk]) in page
    assert reverse("grants:release_tranche", args=[agreement.tranches.get(number=2).pk]) not in page
    assert "has not been accepted" in page  # the second tranche's condition, told
    officer.post(reverse("grants:release_tranche", args=[first.pk]))
    response = officer.post(
        reverse("grants:pay_tranche", args=[first.pk]),
        {"paid_on": str(today), "amount": "999999", "reference": "V1"},
        follow=True,
    )
    assert "exceed the tranche" in response.content.decode()
    officer.post(
        reverse("grants:pay_tranche", args=[first.pk]),
        {"paid_on": str(today), "amount": "200000", "reference": "V1"},
    )
    first.refresh_from_db()
    assert first.status == Tranche.Status.PAID
    page = officer.get(reverse("grants:agreement", args=[agreement.pk])).content.decode()
    assert "200,000" in page and 'id="budget"' in page


def test_bad_agreement_form_is_told(grants):
    application = awarded_application(grants)
    officer = _client(grants["users"]["officer"])
    response = officer.post(
        reverse("grants:new_agreement", args=[application.pk]),
        {
            "reference": "X",
            "amount": "500000",
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
            "shares": "40/abc",
        },
    )
    assert response.status_code == 200 and "40/40/20" in response.content.decode()
    assert not Agreement.objects.exists()


def test_grantee_writes_the_report_officer_accepts(grants):
    application = awarded_application(grants)
    agreement = draw_up(grants, application)
    interim = agreement.reports.get(kind=Report.Kind.INTERIM)
    grantee = _client(grants["users"]["applicant_a"], "ar")
    mine = grantee.get(reverse("grants:my_grants"))
    assert mine.status_code == 200 and agreement.reference in mine.content.decode()
    line = application.budget_lines.first()
    trained = grants["indicators"][0]
    grantee.post(
        reverse("grants:report", args=[interim.pk]),
        {
            "narrative": "تقرير",
            f"line_{line.pk}": "1 000",
            f"indicator_{trained.pk}": "12",
            f"women_{trained.pk}": "5",
        },
    )
    grantee.post(reverse("grants:submit_report", args=[interim.pk]))
    interim.refresh_from_db()
    assert interim.status == Report.Status.SUBMITTED
    assert interim.expenditures.get().amount == Decimal("1000")
    officer = _client(grants["users"]["officer"])
    page = officer.get(reverse("grants:report", args=[interim.pk])).content.decode()
    assert 'id="review-form"' in page
    officer.post(reverse("grants:review_report", args=[interim.pk]), {"decision": "return", "note": ""})
    interim.refresh_from_db()
    assert interim.status == Report.Status.SUBMITTED  # a return needs a note
    officer.post(reverse("grants:review_report", args=[interim.pk]), {"decision": "accept", "note": ""})
    interim.refresh_from_db()
    assert interim.status == Report.Status.ACCEPTED


def test_out_of_scope_and_wrong_roles(grants):
    agreement = draw_up(grants, awarded_application(grants))
    interim = agreement.reports.get(kind=Report.Kind.INTERIM)
    users = grants["users"]
    for name in ("applicant_b", "reviewer", "donor"):
        client = _client(users[name])
        assert client.get(reverse("grants:agreement", args=[agreement.pk])).status_code == 404
        assert client.get(reverse("grants:report", args=[interim.pk])).status_code == 404
    grantee = _client(users["applicant_a"])
    first = agreement.tranches.get(number=1)
    assert grantee.post(reverse("grants:release_tranche", args=[first.pk])).status_code == 403
    assert grantee.get(reverse("grants:agreements")).status_code == 403
    assert _client(users["reviewer"]).get(reverse("grants:figures")).status_code == 403
    assert _client(users["officer"]).get(reverse("grants:agreement", args=[999999])).status_code == 404


def test_donor_sees_aggregates_only(grants):
    draw_up(grants, awarded_application(grants))
    page = _client(grants["users"]["donor"]).get(reverse("grants:figures"))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="figure-awarded">500,000<' in text and "CS-" not in text


def test_home_panels(grants):
    application = awarded_application(grants)
    agreement = draw_up(grants, application)
    officer_panels = {p.key: p.figures for p in home.panels_for(grants["users"]["officer"])}
    figures = officer_panels["grants-funding-officer"]
    assert (figures.to_review, figures.releasable, figures.awaiting) == (0, 1, 0)
    interim = agreement.reports.get(kind=Report.Kind.INTERIM)
    grantee_panels = {p.key: p.figures for p in home.panels_for(grants["users"]["applicant_a"])}
    assert grantee_panels["grants-funding-grantee"].due == [interim]
    reports.save_report(grants["users"]["applicant_a"], interim, narrative="x")
    reports.submit_report(grants["users"]["applicant_a"], interim)
    officer_panels = {p.key: p.figures for p in home.panels_for(grants["users"]["officer"])}
    assert officer_panels["grants-funding-officer"].to_review == 1
    assert "grants-funding-officer" not in {p.key for p in home.panels_for(grants["users"]["admin_a"])}
    page = _client(grants["users"]["applicant_a"]).get(reverse("home")).content.decode()
    assert 'id="grant-reports-due"' in page


def test_the_iati_file_with_the_grants(grants):
    from kafaat.results.models import ProjectProfile, ProjectSector

    draw_up(grants, awarded_application(grants))
    donor = _client(grants["users"]["donor"])
    url = reverse("grants:grants_iati_xml", args=["p-grants"])
    assert url in donor.get(reverse("grants:figures")).content.decode()
    refused = donor.get(url)  # no IATI profile yet: told on the figures page, no file
    assert refused.status_code == 302 and refused.url == reverse("grants:figures")
    project = grants["project"]
    project.name_ar, project.name_en, project.end_date = (
        "مشروع",
        "Project",
        project.start_date.replace(year=2027),
    )
    project.save()
    profile, _created = ProjectProfile.objects.update_or_create(
        project=project,
        defaults={"iati_identifier": "XM-DAC-7-P-G", "reporting_org_ref": "XM-DAC-7", "status": "2",
                  "description_fr": "Projet", "description_ar": "مشروع", "description_en": "Project",
                  "budget": 1_000_000},
    )  # fmt: skip
    ProjectSector.objects.create(profile=profile, code="11330", percentage=100)
    response = donor.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert b"participating-org" in response.content
    assert _client(grants["users"]["caseworker_a"]).get(url).status_code == 403
    assert donor.get(reverse("grants:grants_iati_xml", args=["nope"])).status_code == 404


def test_the_grantee_adds_a_beneficiary_from_the_page(grants, territory):
    from datetime import date

    from kafaat.registry.models import Consent, Person

    agreement = draw_up(grants, awarded_application(grants))
    person = Person.objects.create(
        registered_by=grants["ngo_a"], sex="M", territory=territory("02.411"), first_name_latin="Yassine"
    )
    Consent.objects.create(
        person=person, purpose="registration", given_on=date(2026, 1, 1), recorded_for=grants["ngo_a"]
    )
    grantee = _client(grants["users"]["applicant_a"])
    page = grantee.get(reverse("grants:agreement", args=[agreement.pk])).content.decode()
    assert 'id="add-beneficiary"' in page and "Yassine" in page
    grantee.post(reverse("grants:add_beneficiary", args=[agreement.pk]), {"person": person.pk})
    assert agreement.beneficiaries.get().person == person
    response = grantee.post(
        reverse("grants:add_beneficiary", args=[agreement.pk]), {"person": "x"}, follow=True
    )
    assert response.status_code == 200 and "Choose a person" in response.content.decode()
    officer_page = _client(grants["users"]["officer"]).get(reverse("grants:agreement", args=[agreement.pk]))
    assert "Yassine" not in officer_page.content.decode()  # the officer sees the count, not the people
