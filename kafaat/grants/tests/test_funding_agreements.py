"""Agreements, tranches and payments through the services, by persona: the officer draws up and signs (the
application moves to "agreement signed"), releases a tranche only when its condition holds (else the reason),
records payments never above the tranche; the wrong roles are refused; everything is audited."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from kafaat.core.models import AuditEvent
from kafaat.grants.models import Agreement, Application, Expenditure, Report, Tranche, Transition
from kafaat.grants.services import agreements, reports
from kafaat.grants.services.workflow import TransitionRefused
from kafaat.grants.tests.test_funding_setup import awarded_application, draw_up, english, standard_schedule

pytestmark = pytest.mark.django_db
in_english = pytest.fixture(autouse=True)(english)


def test_draw_up_splits_the_tranches_and_creates_the_reports(grants):
    application = awarded_application(grants)
    agreement = draw_up(grants, application, amount=Decimal("333333.33"), sign=False)
    tranches = list(agreement.tranches.order_by("number"))
    assert [t.amount for t in tranches] == [Decimal("133333.33"), Decimal("133333.33"), Decimal("66666.67")]
    assert sum(t.amount for t in tranches) == agreement.amount
    assert tranches[1].report == agreement.reports.get(kind=Report.Kind.INTERIM, number=1)
    assert agreement.reports.filter(kind=Report.Kind.FINAL).count() == 1
    assert agreement.status == Agreement.Status.DRAFT
    assert AuditEvent.objects.filter(action="create", target_type="grants.agreement").exists()


def test_signature_moves_the_application_to_contracted(grants):
    application = awarded_application(grants)
    agreement = draw_up(grants, application)
    assert agreement.status == Agreement.Status.SIGNED and agreement.signed_on
    application.refresh_from_db()
    assert application.status == "contracted"
    assert Transition.objects.filter(application=application, name="contract").exists()
    with pytest.raises(ValidationError):
        agreements.sign_agreement(grants["users"]["officer"], agreement, timezone.localdate())


@pytest.mark.parametrize(
    "change, field",
    [
        ({"amount": Decimal("500000.01")}, "amount"),
        ({"reference": ""}, "reference"),
        ({"tranches": [agreements.TrancheSpec(Decimal("50"), Tranche.Condition.SIGNATURE)]}, "tranches"),
        ({"end_date": "start"}, "end_date"),
    ],
)
def test_bad_agreements_are_refused_with_the_field(grants, change, field):
    application = awarded_application(grants)
    today = timezone.localdate()
    tranches, schedule = standard_schedule(today)
    values = {
        "reference": "CS-1",
        "amount": Decimal("400000"),
        "start_date": today,
        "end_date": today + timedelta(days=300),
        "tranches": tranches,
        "schedule": schedule,
    }
    values.update(change)
    if values["end_date"] == "start":
        values["end_date"] = values["start_date"]
    with pytest.raises(ValidationError) as refused:
        agreements.create_agreement(grants["users"]["officer"], application, **values)
    assert field in refused.value.message_dict
    assert not Agreement.objects.exists()


def test_only_an_awarded_application_and_only_the_officer(grants):
    application = awarded_application(grants)
    Application.objects.filter(pk=application.pk).update(status="reserve")
    with pytest.raises(ValidationError):
        draw_up(grants, application)
    Application.objects.filter(pk=application.pk).update(status="awarded")
    with pytest.raises(PermissionDenied):  # the committee decides, the officer draws up
        agreements.create_agreement(
            grants["users"]["applicant_a"],
            application,
            reference="X",
            amount=Decimal(1),
            start_date=timezone.localdate(),
            end_date=timezone.localdate() + timedelta(1),
            tranches=[],
            schedule=agreements.Schedule(),
        )
    with pytest.raises(Http404):  # a reviewer without an assignment does not see it at all
        agreements.create_agreement(
            grants["users"]["reviewer"],
            application,
            reference="X",
            amount=Decimal(1),
            start_date=timezone.localdate(),
            end_date=timezone.localdate() + timedelta(1),
            tranches=[],
            schedule=agreements.Schedule(),
        )


def test_release_only_when_the_condition_holds_then_pay_up_to_the_tranche(grants):
    officer = grants["users"]["officer"]
    agreement = draw_up(grants, awarded_application(grants), sign=False)
    first, second, third = agreement.tranches.order_by("number")
    with pytest.raises(agreements.TrancheRefused, match="not signed"):
        agreements.release_tranche(officer, first)
    agreements.sign_agreement(officer, agreement, timezone.localdate())
    with pytest.raises(agreements.TrancheRefused, match="report this tranche waits for"):
        agreements.release_tranche(officer, second)
    with pytest.raises(agreements.TrancheRefused, match="Release the tranche"):
        agreements.record_payment(
            officer, first, paid_on=timezone.localdate(), amount=Decimal("1"), reference="V1"
        )
    agreements.release_tranche(officer, first)
    with pytest.raises(ValidationError) as too_much:
        agreements.record_payment(
            officer, first, paid_on=timezone.localdate(), amount=Decimal("200000.01"), reference="V1"
        )
    assert "amount" in too_much.value.message_dict
    agreements.record_payment(
        officer, first, paid_on=timezone.localdate(), amount=Decimal("150000"), reference="V1"
    )
    first.refresh_from_db()
    assert first.status == Tranche.Status.RELEASED
    agreements.record_payment(
        officer, first, paid_on=timezone.localdate(), amount=Decimal("50000"), reference="V2"
    )
    first.refresh_from_db()
    assert first.status == Tranche.Status.PAID
    assert agreements.disbursed(agreement) == Decimal("200000")
    with pytest.raises(agreements.TrancheRefused):
        agreements.record_payment(
            officer, first, paid_on=timezone.localdate(), amount=Decimal("1"), reference="V3"
        )
    states = {s.tranche.number: s for s in agreements.tranche_states(agreement)}
    assert states[2].refusal and not states[2].releasable
    assert AuditEvent.objects.filter(action="create", target_type="grants.payment").count() == 2
    assert AuditEvent.objects.filter(target_type="grants.tranche", details__status="released").count() == 1
    del third


def test_payment_in_the_future_or_by_the_grantee_is_refused(grants):
    agreement = draw_up(grants, awarded_application(grants))
    first = agreement.tranches.get(number=1)
    agreements.release_tranche(grants["users"]["officer"], first)
    with pytest.raises(ValidationError):
        agreements.record_payment(
            grants["users"]["officer"],
            first,
            paid_on=timezone.localdate() + timedelta(1),
            amount=Decimal("1"),
            reference="V",
        )
    with pytest.raises(PermissionDenied):
        agreements.record_payment(
            grants["users"]["applicant_a"],
            first,
            paid_on=timezone.localdate(),
            amount=Decimal("1"),
            reference="V",
        )
    with pytest.raises(PermissionDenied):
        agreements.release_tranche(grants["users"]["applicant_a"], agreement.tranches.get(number=2))


def test_expenditure_condition_counts_accepted_reports_only(grants):
    officer, grantee = grants["users"]["officer"], grants["users"]["applicant_a"]
    application = awarded_application(grants)
    agreement = draw_up(grants, application)
    first, second, third = agreement.tranches.order_by("number")
    line = application.budget_lines.first()
    today = timezone.localdate()
    agreements.release_tranche(officer, first)
    with pytest.raises(agreements.TrancheRefused, match="before this one"):
        agreements.release_tranche(officer, third)
    agreements.record_payment(officer, first, paid_on=today, amount=first.amount, reference="V1")
    interim = agreement.reports.get(kind=Report.Kind.INTERIM)
    reports.save_report(grantee, interim, narrative="Fait.", expenditures={line.pk: "140000"})
    reports.submit_report(grantee, interim)
    reports.review_report(officer, interim, accept=True)
    agreements.release_tranche(officer, second)  # its report is accepted
    agreements.record_payment(officer, second, paid_on=today, amount=second.amount, reference="V2")
    with pytest.raises(agreements.TrancheRefused, match="justify"):  # 140,000 of 70 % × 400,000 = 280,000
        agreements.release_tranche(officer, third)
    final = agreement.reports.get(kind=Report.Kind.FINAL)
    reports.save_report(grantee, final, narrative="Fin.", expenditures={line.pk: "150000"})
    reports.submit_report(grantee, final)
    with pytest.raises(agreements.TrancheRefused):  # submitted is not accepted
        agreements.release_tranche(officer, third)
    reports.review_report(officer, final, accept=True)
    assert Expenditure.objects.filter(report__agreement=agreement).count() == 2
    agreements.release_tranche(officer, third)  # 290,000 justified


def test_closing_needs_the_final_report_and_every_tranche_paid(grants):
    officer, grantee = grants["users"]["officer"], grants["users"]["applicant_a"]
    application = awarded_application(grants)
    agreement = draw_up(grants, application)
    with pytest.raises(TransitionRefused, match="final report"):
        agreements.close_grant(officer, agreement)
    line = application.budget_lines.first()
    for report in agreement.reports.order_by("due_date"):
        reports.save_report(grantee, report, narrative="Rapport.", expenditures={line.pk: "150000"})
        reports.submit_report(grantee, report)
        reports.review_report(officer, report, accept=True)
    with pytest.raises(TransitionRefused, match="tranche"):
        agreements.close_grant(officer, agreement)
    for tranche in agreement.tranches.order_by("number"):
        agreements.release_tranche(officer, tranche)
        agreements.record_payment(
            officer,
            tranche,
            paid_on=timezone.localdate(),
            amount=tranche.amount,
            reference=f"V{tranche.number}",
        )
    agreements.close_grant(officer, agreement)
    agreement.refresh_from_db()
    application.refresh_from_db()
    assert agreement.status == Agreement.Status.CLOSED and application.status == "closed"


def test_who_sees_an_agreement(grants):
    agreement = draw_up(grants, awarded_application(grants))
    users = grants["users"]
    for name in ("officer", "committee", "applicant_a", "superuser"):
        assert agreements.get_agreement(users[name], agreement.pk) == agreement
    for name in ("applicant_b", "reviewer", "donor", "caseworker_a"):
        with pytest.raises(Http404):
            agreements.get_agreement(users[name], agreement.pk)
    assert list(agreements.grantee_agreements(users["applicant_a"])) == [agreement]
    assert not agreements.grantee_agreements(users["applicant_b"]).exists()


def test_budget_against_actual(grants):
    officer, grantee = grants["users"]["officer"], grants["users"]["applicant_a"]
    application = awarded_application(grants)
    agreement = draw_up(grants, application)
    staff, training = application.budget_lines.order_by("position")
    interim = agreement.reports.get(kind=Report.Kind.INTERIM)
    reports.save_report(
        grantee, interim, narrative="x", expenditures={staff.pk: "30000", training.pk: "100000"}
    )
    reports.submit_report(grantee, interim)
    rows = agreements.budget_vs_actual(agreement)
    assert [(r.budget, r.actual, r.declared) for r in rows] == [
        (Decimal("120000.00"), 0, Decimal("30000")),
        (Decimal("440000.00"), 0, Decimal("100000")),
        (Decimal("560000.00"), 0, Decimal("130000")),
    ]
    reports.review_report(officer, interim, accept=True)
    total = agreements.budget_vs_actual(agreement)[-1]
    assert (total.actual, total.declared) == (Decimal("130000"), 0)
    assert total.rate.quantize(Decimal("0.1")) == Decimal("23.2")
