"""The search table (`PersonSearch`, migration 0009) holds exactly the access rule, whoever writes.

Each transition a person goes through (registration, accepted referral, consent withdrawn, name changed,
merge and unmerge, deletion, import) is checked against the rule computed from `Person` and `PersonAccess`,
and a property test drives random sequences of writes straight to those tables (as the import or a shell
would), then compares the table and what a case worker's name search returns with the rule.
"""

from datetime import date

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kafaat.core.models import Organisation, Territory
from kafaat.registry import services
from kafaat.registry.dedup import merging
from kafaat.registry.models import Person, PersonAccess, PersonSearch
from kafaat.registry.tests.conftest import PERSON

pytestmark = pytest.mark.django_db


def rule_rows() -> set[tuple[int, int, str]]:
    """(person, organisation, name key) for every person not merged away and every organisation that sees
    them by the access rule: the registering one, and those with an active referral or merge access."""
    people = {p.pk: p for p in Person.objects.filter(merged_into__isnull=True)}
    rows = {(p.pk, p.registered_by_id, p.search_name) for p in people.values()}
    for access in PersonAccess.objects.filter(is_active=True).exclude(reason="registered"):
        if access.person_id in people:
            rows.add((access.person_id, access.organisation_id, people[access.person_id].search_name))
    return rows


def table_rows() -> set[tuple[int, int, str]]:
    rows = set(PersonSearch.objects.values_list("person_id", "organisation_id", "search_name"))
    created = dict(Person.objects.values_list("pk", "created_at"))
    for person_id, created_at in PersonSearch.objects.values_list("person_id", "created_at"):
        assert created_at == created[person_id]
    return rows


def orgs_of(person: Person) -> set[int]:
    return set(PersonSearch.objects.filter(person=person).values_list("organisation_id", flat=True))


def share(world, person: Person):
    """NGO A shares the person with NGO B with consent, and NGO B accepts (the referral inbox's grant)."""
    consent = services.record_consent(
        world["users"]["caseworker_a"],
        person,
        "sharing",
        given_on=date(2026, 2, 1),
        shared_with=world["ngo_b"],
    )
    services.grant_access(person, world["ngo_b"], consent)
    return consent


def names(user, text: str) -> list[int]:
    return [p.pk for p in services.search_people(user, text)]


def test_registration_gives_the_registering_organisation_a_row(world, fatima):
    assert orgs_of(fatima) == {world["ngo_a"].pk}
    assert table_rows() == rule_rows()
    assert names(world["users"]["caseworker_a"], "benal") == [fatima.pk]
    assert names(world["users"]["caseworker_b"], "benal") == []


def test_an_accepted_referral_adds_the_partner_and_withdrawal_removes_it_at_once(world, fatima):
    consent = share(world, fatima)
    assert orgs_of(fatima) == {world["ngo_a"].pk, world["ngo_b"].pk}
    assert names(world["users"]["caseworker_b"], "بنعل") == [fatima.pk]
    services.withdraw_consent(world["users"]["caseworker_a"], consent)
    assert orgs_of(fatima) == {world["ngo_a"].pk}
    assert names(world["users"]["caseworker_b"], "بنعل") == []
    assert table_rows() == rule_rows()
    services.grant_access(  # a new consent: shared again
        fatima,
        world["ngo_b"],
        services.record_consent(
            world["users"]["caseworker_a"],
            fatima,
            "sharing",
            given_on=date(2026, 3, 1),
            shared_with=world["ngo_b"],
        ),
    )
    assert names(world["users"]["caseworker_b"], "fatima") == [fatima.pk]


def test_withdrawing_registration_consent_stops_every_sharing(world, fatima):
    share(world, fatima)
    registration = fatima.consents.get(purpose="registration")
    services.withdraw_consent(world["users"]["caseworker_a"], registration)
    assert orgs_of(fatima) == {world["ngo_a"].pk}
    assert table_rows() == rule_rows()


def test_a_name_change_is_found_at_once(world, fatima):
    share(world, fatima)
    services.update_person(world["users"]["caseworker_a"], fatima, {"last_name_latin": "Tazi"})
    for user in ("caseworker_a", "caseworker_b"):
        assert names(world["users"][user], "tazi") == [fatima.pk]
        assert names(world["users"][user], "benali") == []
    assert table_rows() == rule_rows()


def test_merge_and_unmerge_keep_the_table_in_step(world, fatima):
    again = services.register_person(
        world["users"]["caseworker_b"], {**PERSON, "phone": "0700112233", "id_number": "F654321"},
        consent_given_on=date(2026, 2, 1),
    )  # fmt: skip
    record = merging.merge(world["users"]["superuser"], fatima, again)
    assert orgs_of(fatima) == {world["ngo_a"].pk, world["ngo_b"].pk}
    assert orgs_of(again) == set()
    assert table_rows() == rule_rows()
    merging.unmerge(world["users"]["superuser"], record)
    assert orgs_of(fatima) == {world["ngo_a"].pk}
    assert orgs_of(again) == {world["ngo_b"].pk}
    assert table_rows() == rule_rows()


def test_deleting_a_person_deletes_their_rows(world, fatima):
    share(world, fatima)
    PersonAccess.objects.filter(person=fatima).delete()
    assert orgs_of(fatima) == {world["ngo_a"].pk}  # the registering organisation's row needs no access row
    Person.objects.filter(pk=fatima.pk).delete()
    assert not PersonSearch.objects.exists()


def test_search_outside_one_organisation_uses_the_access_rule(world, fatima):
    share(world, fatima)
    assert names(world["users"]["superuser"], "benali") == [fatima.pk]
    assert names(world["users"]["manager"], "benali") == []


# --- Property: random writes straight to the tables -----------------------------------------------------

_REASONS = st.sampled_from(["referral", "merged", "registered"])
_OPS = st.lists(
    st.one_of(
        st.tuples(st.just("register"), st.integers(0, 2), st.sampled_from(["ali", "ben", "sara", "omar"])),
        st.tuples(st.just("access"), st.integers(0, 5), st.integers(0, 2), _REASONS),
        st.tuples(st.just("toggle"), st.integers(0, 5), st.integers(0, 2)),
        st.tuples(st.just("revoke_all"), st.integers(0, 5)),
        st.tuples(st.just("unshare"), st.integers(0, 5), st.integers(0, 2)),
        st.tuples(st.just("rename"), st.integers(0, 5), st.sampled_from(["ali", "ben", "sara", "omar"])),
        st.tuples(st.just("merge"), st.integers(0, 5), st.integers(0, 5)),
        st.tuples(st.just("unmerge"), st.integers(0, 5)),
        st.tuples(st.just("delete"), st.integers(0, 5)),
    ),
    max_size=25,
)  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=_OPS)
def test_the_table_always_agrees_with_the_access_rule(world, ops):
    organisations = [world["ngo_a"], world["ngo_b"], world["provider"]]
    territory = Territory.objects.get(code="02.411")
    with transaction.atomic():
        people: list[Person] = []

        def person(index: int) -> Person | None:
            return Person.objects.filter(pk=people[index % len(people)].pk).first() if people else None

        for op in ops:
            if op[0] == "register":
                created = Person.objects.create(
                    registered_by=organisations[op[1]], sex="F", territory=territory,
                    first_name_latin=op[2], search_name=op[2], phone="+212612345678",
                )  # fmt: skip
                PersonAccess.objects.create(
                    person=created, organisation=organisations[op[1]], reason="registered"
                )
                people.append(created)
                continue
            target = person(op[1])
            if target is None:
                continue
            if op[0] == "access":
                PersonAccess.objects.get_or_create(person=target, organisation=organisations[op[2]],
                                                   defaults={"reason": op[3]})  # fmt: skip
            elif op[0] == "toggle":
                for row in PersonAccess.objects.filter(person=target, organisation=organisations[op[2]]):
                    row.is_active = not row.is_active
                    row.save()
            elif op[0] == "revoke_all":
                PersonAccess.objects.filter(person=target).exclude(reason="registered").update(
                    is_active=False
                )
            elif op[0] == "unshare":
                PersonAccess.objects.filter(person=target, organisation=organisations[op[2]]).delete()
            elif op[0] == "rename":
                Person.objects.filter(pk=target.pk).update(search_name=op[2])
            elif op[0] == "merge":
                other = person(op[2])
                if other.pk != target.pk and other.merged_into_id is None and target.merged_into_id is None:
                    Person.objects.filter(pk=other.pk).update(merged_into=target)
            elif op[0] == "unmerge":
                Person.objects.filter(pk=target.pk).update(merged_into=None)
            elif op[0] == "delete" and not Person.objects.filter(merged_into=target).exists():
                gone = target.pk
                target.delete()
                people = [p for p in people if p.pk != gone]
        assert table_rows() == rule_rows()
        for user in ("caseworker_a", "caseworker_b"):
            for text in ("ali", "a", "sara omar"):
                expected = services.visible_people(world["users"][user])
                for token in text.split():
                    expected = expected.filter(search_name__contains=token)
                assert names(world["users"][user], text) == [p.pk for p in expected], (user, text)
                found = services.search_people(world["users"][user], text)
                assert found.count() == expected.count()
                assert found.order_by()[:2].count() == min(2, len(expected))
                assert found.filter(sex="M").count() == 0
            phoned = services.visible_people(world["users"][user]).filter(phone="+212612345678")
            assert names(world["users"][user], "06 12 34 56 78") == [p.pk for p in phoned], user
        transaction.set_rollback(True)


def test_organisations_are_found_in_their_own_partition(world, fatima):
    """Every organisation's rows are reachable by the organisation condition (partition pruning)."""
    other = Organisation.objects.exclude(pk=world["ngo_a"].pk).first()
    assert PersonSearch.objects.filter(organisation=world["ngo_a"]).count() == 1
    assert PersonSearch.objects.filter(organisation=other).count() == 0


@pytest.mark.django_db(transaction=True)
def test_an_import_fills_the_table_even_on_its_fast_path(world, tmp_path):
    """The import writes with COPY and, on PostgreSQL, with foreign-key checks skipped (replica role): the
    search table's triggers fire ALWAYS, so imported people are found at once."""
    from kafaat.registry.tests.test_import_fast_paths import import_two

    assert import_two(world["users"]["admin_a"], world["ngo_a"], tmp_path).imported == 2
    assert table_rows() == rule_rows()
    assert len(names(world["users"]["caseworker_a"], "alaoui")) == 1
    assert names(world["users"]["caseworker_b"], "alaoui") == []


def test_an_organisation_s_whole_list_without_a_search_is_the_access_rule_newest_first(world, fatima):
    """The caseload's "whole organisation" and the people page without a search read the search table (an
    index in the list's order): the same people as the access rule, newest first, shared people in, a
    withdrawn sharing out at once, the "mine" list still by case worker."""
    worker_b = world["users"]["caseworker_b"]
    own = services.register_person(
        worker_b, {**PERSON, "id_number": "K999001", "phone": "0611223344"}, consent_given_on=date(2026, 1, 6)
    )
    consent = share(world, fatima)
    everyone = services.search_people(worker_b, "", services.SearchFilters())
    rule = services.visible_people(worker_b).order_by("-created_at", "-id")
    assert [p.pk for p in everyone] == [p.pk for p in rule] == [own.pk, fatima.pk]
    assert "registry_personsearch" in str(everyone.query)  # read from the table, not the OR of the rule
    mine = services.search_people(worker_b, "", services.SearchFilters(mine_only=True))
    assert [p.pk for p in mine] == [own.pk]
    services.withdraw_consent(world["users"]["caseworker_a"], consent)
    assert [p.pk for p in services.search_people(worker_b, "", services.SearchFilters())] == [own.pk]
