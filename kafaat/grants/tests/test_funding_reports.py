"""Grantee reports through the services: the grantee writes (expenditure per budget line of its application,
values of the indicators it contributes to), submits; the officer accepts or returns with a note; another
grantee, a reviewer and the donor never reach it; bad input is refused with the field."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from kafaat.core.models import AuditEvent
from kafaat.grants.models import Report, ReportedValue
from kafaat.grants.services import reports
from kafaat.grants.tests.test_funding_setup import awarded_application, draw_up, english
from kafaat.results.models import Indicator, LogframeNode

pytestmark = pytest.mark.django_db
in_english = pytest.fixture(autouse=True)(english)


@pytest.fixture
def interim(grants):
    agreement = draw_up(grants, awarded_application(grants))
    return agreement.reports.get(kind=Report.Kind.INTERIM)


def test_write_submit_accept(grants, interim):
    grantee, officer = grants["users"]["applicant_a"], grants["users"]["officer"]
    line = interim.agreement.application.budget_lines.first()
    trained, placed = grants["indicators"]
    reports.save_report(
        grantee,
        interim,
        narrative="Deux sessions.",
        file=SimpleUploadedFile("rapport.pdf", b"%PDF-1.4 x"),
        expenditures={line.pk: "12 000,50"},
        values={trained.pk: ("48", "27"), placed.pk: ("", None)},
    )
    interim.refresh_from_db()
    assert interim.file.name.endswith(".pdf")
    assert interim.expenditures.get().amount == Decimal("12000.50")
    assert list(interim.values.values_list("indicator_id", "value", "women")) == [
        (trained.pk, Decimal("48"), 27)
    ]
    reports.submit_report(grantee, interim)
    interim.refresh_from_db()
    assert interim.status == Report.Status.SUBMITTED and interim.submitted_at
    with pytest.raises(ValidationError):  # submitted: no more changes
        reports.save_report(grantee, interim, narrative="Autre")
    assert list(reports.reports_to_review(officer)) == [interim]
    reports.review_report(officer, interim, accept=True)
    interim.refresh_from_db()
    assert interim.status == Report.Status.ACCEPTED and interim.reviewed_by == officer
    assert AuditEvent.objects.filter(target_type="grants.report", details__status="accepted").exists()


def test_return_needs_a_note_and_reopens_the_report(grants, interim):
    grantee, officer = grants["users"]["applicant_a"], grants["users"]["officer"]
    reports.save_report(grantee, interim, narrative="Brouillon.")
    reports.submit_report(grantee, interim)
    with pytest.raises(ValidationError) as refused:
        reports.review_report(officer, interim, accept=False, note="  ")
    assert "note" in refused.value.message_dict
    reports.review_report(officer, interim, accept=False, note="Joindre les justificatifs.")
    interim.refresh_from_db()
    assert interim.status == Report.Status.RETURNED and interim.review_note == "Joindre les justificatifs."
    reports.save_report(grantee, interim, narrative="Complété.")  # the grantee may write again
    reports.submit_report(grantee, interim)


def test_submit_needs_a_narrative(grants, interim):
    with pytest.raises(ValidationError) as refused:
        reports.submit_report(grants["users"]["applicant_a"], interim)
    assert "narrative" in refused.value.message_dict


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"expenditures": {"line": "abc"}}, "line_"),
        ({"expenditures": {"line": "-5"}}, "line_"),
        ({"values": {"trained": ("10", "11")}}, "women_"),
        ({"values": {"other": ("10", None)}}, "values"),
        ({"expenditures": {"foreign": "10"}}, "expenditures"),
    ],
)
def test_bad_report_input_is_refused_with_the_field(grants, interim, kwargs, field):
    other = awarded_application(grants, "ngo_b", "tanger")
    node = LogframeNode.objects.first()
    foreign_indicator = Indicator.objects.create(
        project=grants["project"], node=node, code="9.z", name_fr="Autre"
    )
    keys = {
        "line": interim.agreement.application.budget_lines.first().pk,
        "trained": grants["indicators"][0].pk,
        "other": foreign_indicator.pk,
        "foreign": other.budget_lines.first().pk,
    }
    resolved = {name: {keys[k]: v for k, v in value.items()} for name, value in kwargs.items()}
    with pytest.raises(ValidationError) as refused:
        reports.save_report(grants["users"]["applicant_a"], interim, **resolved)
    assert any(key.startswith(field) for key in refused.value.message_dict)
    assert not ReportedValue.objects.exists() and not interim.expenditures.exists()


def test_who_reaches_a_report(grants, interim):
    users = grants["users"]
    assert reports.get_report(users["applicant_a"], interim.pk) == interim
    assert reports.get_report(users["officer"], interim.pk) == interim
    for name in ("applicant_b", "reviewer", "donor", "reviewer_ngo_a"):
        with pytest.raises(Http404):
            reports.get_report(users[name], interim.pk)
    with pytest.raises(PermissionDenied):  # the officer reviews, the grantee writes
        reports.save_report(users["officer"], interim, narrative="x")
    reports.save_report(users["applicant_a"], interim, narrative="x")
    reports.submit_report(users["applicant_a"], interim)
    with pytest.raises(PermissionDenied):
        reports.review_report(users["applicant_a"], interim, accept=True)


def test_reports_due_for_the_grantee(grants, interim):
    due = list(reports.reports_due(grants["users"]["applicant_a"]))
    assert due == [interim]  # due in 5 days; the final report is months away
    assert not reports.reports_due(grants["users"]["applicant_b"]).exists()
