"""Employers and vacancies: who sees and changes them, duplicates of re-posted ads, coding, audit."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kafaat.core.models import AuditEvent
from kafaat.labour import services
from kafaat.labour.models import CodingDecision, CodingStatus, Vacancy
from kafaat.labour.tests.conftest import POSTED


def test_a_new_vacancy_gets_a_suggested_occupation_to_review(labour):
    sewing = labour["sewing"]
    assert sewing.coding_status == CodingStatus.SUGGESTED
    assert sewing.occupation.code == "8153"
    assert 0 < sewing.coding_score <= 1
    assert sewing.sector.code == "14"  # the employer's, when the vacancy names none
    assert AuditEvent.objects.filter(
        action="create", target_type="labour.vacancy", target_id=str(sewing.pk)
    ).exists()


def test_members_read_in_their_territory_and_only_the_entering_organisation_changes(labour):
    users = labour["users"]
    both = {labour["sewing"].pk, labour["wiring"].pk}
    assert set(services.vacancies_for(users["caseworker_b"]).values_list("pk", flat=True)) == both
    assert set(services.vacancies_for(users["analyst_oriental"]).values_list("pk", flat=True)) == {
        labour["sewing"].pk
    }
    assert not services.vacancies_for(users["donor"]).exists()  # aggregates only
    assert not services.vacancies_for(users["nobody"]).exists()
    with pytest.raises(PermissionDenied):
        services.update_vacancy(users["caseworker_b"], labour["sewing"], positions=3)
    with pytest.raises(PermissionDenied):
        services.update_vacancy(users["analyst_oriental"], labour["sewing"], positions=3)
    updated = services.update_vacancy(users["caseworker_a"], labour["sewing"], positions=3)
    assert updated.positions == 3
    event = AuditEvent.objects.filter(action="update", target_id=str(updated.pk)).get()
    assert event.details["changes"]["positions"] == ["12", "3"]


def test_an_analyst_cannot_enter_vacancies(labour):
    with pytest.raises(PermissionDenied):
        services.create_vacancy(labour["users"]["analyst_oriental"], labour["ngo_a"], title="Soudeur")


def test_the_same_ad_posted_again_within_the_window_is_refused(labour):
    user, textile = labour["users"]["caseworker_a"], labour["textile"]
    again = {"employer": textile, "territory": labour["oujda"], "positions": 12}
    with pytest.raises(services.DuplicateVacancy) as raised:
        services.create_vacancy(
            user, title="COUTURIERES QUALIFIEES (H/F)", posted_on=POSTED + timedelta(days=9), **again
        )
    assert raised.value.existing == labour["sewing"]
    later = services.create_vacancy(
        user, title="Couturière qualifiée", posted_on=POSTED + timedelta(days=45), **again
    )
    other_place = services.create_vacancy(
        user, title="Couturière qualifiée", posted_on=POSTED, employer=textile, territory=labour["tanger"]
    )
    assert Vacancy.objects.filter(pk__in=[later.pk, other_place.pk]).count() == 2


def test_bad_values_are_refused_field_by_field_and_nothing_is_written(labour):
    before = Vacancy.objects.count()
    with pytest.raises(ValidationError) as raised:
        services.create_vacancy(
            labour["users"]["caseworker_a"], employer=labour["textile"], title=" ", territory=None,
            posted_on=POSTED + timedelta(days=4000), positions=0, contract_type="forever",
        )  # fmt: skip
    assert set(raised.value.message_dict) == {"title", "territory", "posted_on", "positions", "contract_type"}
    assert Vacancy.objects.count() == before


def test_confirming_and_correcting_codes_teaches_later_suggestions(labour):
    user, sewing = labour["users"]["caseworker_a"], labour["sewing"]
    decision = services.code_vacancy(user, sewing, "8153")
    assert not decision.corrected and sewing.coding_status == CodingStatus.CONFIRMED
    title = "Tech. maintenance industrielle (TS)"
    first = services.suggestions(title)[0][0].code
    assert first != "3115"
    vacancy = services.create_vacancy(
        user, employer=labour["textile"], title=title, territory=labour["oujda"], posted_on=POSTED
    )
    decision = services.code_vacancy(user, vacancy, "3115")
    assert decision.corrected
    assert services.suggestions(title)[0][0].code == "3115"  # the same title
    assert services.suggestions("Techniciens maintenance industrielle TS")[0][0].code == "3115"  # a close one
    assert CodingDecision.objects.count() == 2
    with pytest.raises(ValidationError):
        services.code_vacancy(user, vacancy, "99")
    with pytest.raises(PermissionDenied):
        services.code_vacancy(labour["users"]["caseworker_b"], vacancy, "3115")


def test_the_review_queue_holds_the_organisations_suggestions_least_sure_first(labour):
    user = labour["users"]["caseworker_a"]
    vague = services.create_vacancy(
        user,
        employer=labour["textile"],
        title="Agent polyvalent atelier",
        territory=labour["oujda"],
        posted_on=POSTED,
    )
    queue = list(services.review_queue(user))
    assert set(queue) == {labour["sewing"], vague}
    assert queue[0].coding_score <= queue[1].coding_score
    services.code_vacancy(user, vague, "9329")
    assert list(services.review_queue(user)) == [labour["sewing"]]
    assert list(services.review_queue(labour["users"]["analyst_oriental"])) == []


def test_filters(labour):
    everyone = services.vacancies_for(labour["users"]["superuser"])
    pick = lambda **kw: set(services.filter_vacancies(everyone, services.VacancyFilters(**kw)))  # noqa: E731
    assert pick(occupation="82") == {labour["wiring"]}
    assert pick(sector="C") == {labour["sewing"], labour["wiring"]}
    assert pick(sector="14") == {labour["sewing"]}
    assert pick(territory=labour["oujda"].parent) == {labour["sewing"]}
    assert pick(contract_type="anapec") == {labour["wiring"]}
    assert pick(q="textile") == {labour["sewing"]}
    assert pick(posted_from=POSTED + timedelta(days=1)) == set()


def test_employers_are_unique_per_organisation_name_and_territory(labour):
    with pytest.raises(ValidationError):
        services.create_employer(
            labour["users"]["caseworker_a"], name="ORIENTAL TEXTILE", territory=labour["oujda"]
        )
    assert services.employer_key("Sté Oriental Textile S.A.R.L.") == labour["textile"].name_key
