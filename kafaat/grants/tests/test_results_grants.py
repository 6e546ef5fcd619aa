"""The grants in the results framework: accepted values become the manual indicator's cumulative value (the
engine's reading), beneficiaries (registry people with consent) counted by sex and vulnerability with the
engine's suppression, and the IATI activity with each payment as a disbursement to the grantee."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from kafaat.grants.models import Beneficiary, Report
from kafaat.grants.services import agreements, measures, reports
from kafaat.grants.tests.test_funding_setup import awarded_application, draw_up, english
from kafaat.registry.models import Consent, Person
from kafaat.results import services as results
from kafaat.results.models import ManualValue

pytestmark = pytest.mark.django_db
in_english = pytest.fixture(autouse=True)(english)


def _accept(grants, report, values):
    grantee, officer = grants["users"]["applicant_a"], grants["users"]["officer"]
    reports.save_report(grantee, report, narrative="Rapport.", values=values)
    reports.submit_report(grantee, report)
    reports.review_report(officer, report, accept=True)


def test_accepted_values_count_for_the_manual_indicator_cumulatively(grants):
    trained = grants["indicators"][0]
    first = draw_up(grants, awarded_application(grants))
    second = draw_up(grants, awarded_application(grants))
    interim_1 = first.reports.get(kind=Report.Kind.INTERIM)
    interim_2 = second.reports.get(kind=Report.Kind.INTERIM)
    _accept(grants, interim_1, {trained.pk: ("30", "12")})
    assert list(ManualValue.objects.filter(indicator=trained).values_list("period_end", "value")) == [
        (interim_1.period_end, Decimal("30"))
    ]
    reports.save_report(
        grants["users"]["applicant_a"], interim_2, narrative="x", values={trained.pk: ("20", None)}
    )
    reports.submit_report(grants["users"]["applicant_a"], interim_2)
    assert ManualValue.objects.get(indicator=trained).value == Decimal("30")  # submitted does not count
    reports.review_report(grants["users"]["officer"], interim_2, accept=True)
    assert ManualValue.objects.get(indicator=trained).value == Decimal("50")  # same period end: one row
    final = first.reports.get(kind=Report.Kind.FINAL)
    _accept(grants, final, {trained.pk: ("25", None)})
    rows = dict(ManualValue.objects.filter(indicator=trained).values_list("period_end", "value"))
    assert rows == {interim_1.period_end: Decimal("50"), final.period_end: Decimal("75")}
    # The results framework reads it: the manual indicator's value up to the final period is 75.
    computed = results.compute_project(grants["project"], date(2025, 1, 1), final.period_end, suppress=True)
    row = next(r for r in computed.rows if r.indicator == trained)
    assert row.manual.value == Decimal("75")


def _person(grants, territory, n, sex="F", consent=True, organisation="ngo_a", **fields):
    person = Person.objects.create(
        registered_by=grants[organisation],
        sex=sex,
        territory=territory("02.411"),
        first_name_latin=f"P{n}",
        last_name_latin="Test",
        **fields,
    )
    if consent:
        Consent.objects.create(
            person=person,
            purpose=Consent.Purpose.REGISTRATION,
            given_on=date(2026, 1, 1),
            recorded_for=grants[organisation],
        )
    return person


def test_beneficiaries_with_consent_only_and_counted_with_suppression(grants, territory):
    agreement = draw_up(grants, awarded_application(grants))
    grantee = grants["users"]["applicant_a"]
    women = [_person(grants, territory, n, "F", neet=n < 5) for n in range(7)]
    men = [_person(grants, territory, 10 + n, "M", migration_status="refugee") for n in range(3)]
    no_consent = _person(grants, territory, 20, consent=False)
    withdrawn = _person(grants, territory, 21)
    withdrawn.consents.update(withdrawn_on=date(2026, 2, 1))
    foreign = _person(grants, territory, 22, organisation="ngo_b")
    candidates = set(agreements.candidate_beneficiaries(grantee, agreement))
    assert candidates == {*women, *men}
    for person in [*women, *men]:
        agreements.add_beneficiary(grantee, agreement, person.pk)
    with pytest.raises(ValidationError):
        agreements.add_beneficiary(grantee, agreement, women[0].pk)  # twice
    for person in (no_consent, withdrawn):
        with pytest.raises(ValidationError):
            agreements.add_beneficiary(grantee, agreement, person.pk)
    with pytest.raises(Http404):  # a person the grantee may not see
        agreements.add_beneficiary(grantee, agreement, foreign.pk)
    with pytest.raises(PermissionDenied):  # the officer does not register people
        agreements.add_beneficiary(grants["users"]["officer"], agreement, women[1].pk)
    assert Beneficiary.objects.count() == 10
    figures = measures.grant_figures(grants["users"]["donor"])
    by_sex = figures.beneficiaries_by_sex
    # 3 men: fewer than 5, hidden; the women too, else the total would reveal the men.
    assert by_sex.cells["M"].suppressed and by_sex.cells["F"].suppressed and by_sex.total.value == 10
    assert figures.beneficiaries_by_vulnerability["neet"].cells["yes"].value == 5  # 5 of 10: both shown
    assert figures.beneficiaries_by_vulnerability["migrant"].cells["yes"].suppressed


def test_figures_by_lot_and_type_success_rate_amounts(grants):
    officer = grants["users"]["officer"]
    a = draw_up(grants, awarded_application(grants))
    draw_up(grants, awarded_application(grants, "ngo_b", "tanger"), sign=False)
    rejected = awarded_application(grants)
    rejected.status = "rejected"
    rejected.save()
    first = a.tranches.get(number=1)
    agreements.release_tranche(officer, first)
    agreements.record_payment(
        officer, first, paid_on=timezone.localdate(), amount=Decimal("150000"), reference="V"
    )
    figures = measures.grant_figures(grants["users"]["donor"])
    assert (figures.calls, figures.applications, figures.decided, figures.funded) == (1, 3, 3, 2)
    assert figures.success_rate == Decimal("66.7")
    assert figures.awarded == Decimal("1000000") and figures.disbursed == Decimal("150000")
    assert [(r.key, r.applications, r.funded) for r in figures.by_lot] == [("L1", 2, 1), ("L2", 1, 1)]
    assert [(r.key, r.applications) for r in figures.by_applicant_type] == [("ngo", 3)]
    with pytest.raises(PermissionDenied):
        measures.grant_figures(grants["users"]["applicant_a"])


def test_iati_activity_has_the_disbursements_and_the_grantee(grants):
    officer = grants["users"]["officer"]
    agreement = draw_up(grants, awarded_application(grants))
    first = agreement.tranches.get(number=1)
    agreements.release_tranche(officer, first)
    agreements.record_payment(
        officer,
        first,
        paid_on=timezone.localdate() - timedelta(days=1),
        amount=first.amount,
        reference="VIR-77",
    )
    activity = measures.iati_activity(grants["project"])
    assert [(t.type, t.value.value, t.ref) for t in activity.transactions] == [("3", first.amount, "VIR-77")]
    receiver = activity.transactions[0].receiver
    assert receiver.type == "22" and receiver.narratives[0].text == grants["ngo_a"].name_fr
    implementing = [o for o in activity.participating_orgs if o.role == "4"]
    assert [o.narratives[0].text for o in implementing] == [grants["ngo_a"].name_fr]


def test_the_iati_document_with_grants_is_schema_valid(grants):
    from lxml import etree

    from kafaat.results import iati
    from kafaat.results.models import ProjectProfile, ProjectSector

    officer = grants["users"]["officer"]
    project = grants["project"]
    project.name_ar, project.name_en, project.end_date = "مشروع", "Project", date(2027, 12, 31)
    project.save()
    profile = ProjectProfile.objects.create(
        project=project,
        iati_identifier="XM-DAC-7-P-GRANTS",
        reporting_org_ref="XM-DAC-7",
        status="2",
        description_fr="Projet",
        description_ar="مشروع",
        description_en="Project",
        budget=1_000_000,
    )
    ProjectSector.objects.create(profile=profile, code="11330", percentage=100)
    agreement = draw_up(grants, awarded_application(grants))
    first = agreement.tranches.get(number=1)
    agreements.release_tranche(officer, first)
    agreements.record_payment(
        officer, first, paid_on=timezone.localdate(), amount=first.amount, reference="VIR-9"
    )
    document = measures.iati_document(project, timezone.localdate())
    assert iati.schema_errors(document) == []
    tree = etree.fromstring(document)
    transaction = tree.find("iati-activity/transaction")
    assert transaction.find("transaction-type").get("code") == "3"
    assert transaction.find("value").text.startswith("200000")
    assert tree.find("iati-activity/participating-org[@role='4']") is not None
