"""Merging two records of one person keeps everything and is undone exactly."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from kafaat.core.models import AuditEvent
from kafaat.pathways.models import Participation, Step
from kafaat.registry import services
from kafaat.registry.dedup import merging
from kafaat.registry.models import Consent, MatchCandidate, Merge, Person, PersonAccess, PersonVersion

pytestmark = pytest.mark.django_db


def _snapshot(*people: Person) -> dict:
    ids = [p.pk for p in people]
    return {
        "steps": sorted(Step.objects.filter(person_id__in=ids).values_list("pk", "person_id")),
        "participations": sorted(
            Participation.objects.filter(person_id__in=ids).values_list(
                "pk", "person_id", "project_id", "joined_on"
            )
        ),
        "consents": sorted(
            Consent.objects.filter(person_id__in=ids).values_list("pk", "person_id", "purpose")
        ),
        "accesses": sorted(
            PersonAccess.objects.filter(person_id__in=ids).values_list(
                "pk", "person_id", "organisation_id", "is_active", "granted_at", "revoked_at"
            )
        ),
        "versions": sorted(PersonVersion.objects.filter(person_id__in=ids).values_list("pk", "person_id")),
        "people": sorted(
            Person.objects.filter(pk__in=ids).values_list(
                "pk",
                "merged_into",
                "first_name_ar",
                "last_name_ar",
                "first_name_latin",
                "last_name_latin",
                "phone",
                "phone_alt",
                "birth_date",
                "search_name",
            )
        ),
    }


@pytest.fixture
def two_records(world, project, fatima):
    """Fatima registered by NGO A (Latin and Arabic), again by NGO B in Arabic only, each with a pathway."""
    ngo_b_worker = world["users"]["caseworker_b"]
    again = services.register_person(
        ngo_b_worker,
        {
            "first_name_ar": "فاطمه الزهراء",
            "last_name_ar": "بن علي",
            "sex": "F",
            "birth_date": "2001-03-12",
            "commune": "Tanger",
            "phone": "0700112233",
        },  # fmt: skip
        consent_given_on=date(2026, 2, 1),
    )
    services.update_person(ngo_b_worker, again, {"phone_alt": "0612345678"})
    for person, organisation in ((fatima, world["ngo_a"]), (again, world["ngo_b"])):
        Participation.objects.create(person=person, project=project, organisation=organisation,
                                     joined_on=date(2026, 1, 10))  # fmt: skip
        Step.objects.create(person=person, organisation=organisation, project=project, kind="intake",
                            date=date(2026, 1, 10))  # fmt: skip
    return fatima, again


def test_merge_keeps_everything_and_unmerge_restores_exactly(world, two_records):
    fatima, again = two_records
    superuser = world["users"]["superuser"]
    before = _snapshot(fatima, again)
    candidate = MatchCandidate.objects.create(person_a=fatima, person_b=again, probability=0.97)

    record = merging.merge(superuser, fatima, again, candidate=candidate)

    again.refresh_from_db()
    assert again.merged_into_id == fatima.pk
    assert Step.objects.filter(person=fatima).count() == 2  # both pathways now on the survivor
    assert Consent.objects.filter(person=fatima).count() == 2  # both registrations
    organisations = set(
        PersonAccess.objects.filter(person=fatima, is_active=True).values_list("organisation", flat=True)
    )
    assert organisations == {world["ngo_a"].pk, world["ngo_b"].pk}  # both organisations still see her
    assert Participation.objects.filter(person=fatima).count() == 1  # one project, one participation
    assert PersonVersion.objects.filter(person=fatima).count() == 1  # NGO B's change history moved too
    assert not Step.objects.filter(person=again).exists()
    assert not services.visible_people(superuser).filter(pk=again.pk).exists()  # gone from search
    assert services.search_people(superuser, "فاطمة").filter(pk=fatima.pk).exists()
    candidate.refresh_from_db()
    assert candidate.status == MatchCandidate.Status.MERGED
    events = AuditEvent.objects.filter(details__operation="merge")
    assert events.count() == 1 and events.get().details["merged"] == again.pk

    merging.unmerge(superuser, record)

    assert _snapshot(fatima, again) == before
    record.refresh_from_db()
    assert record.undone_at is not None
    candidate.refresh_from_db()
    assert candidate.status == MatchCandidate.Status.PENDING
    assert AuditEvent.objects.filter(details__operation="unmerge").count() == 1


def test_blank_fields_of_the_survivor_are_filled_and_restored(world, two_records):
    fatima, again = two_records
    Person.objects.filter(pk=fatima.pk).update(first_name_ar="", last_name_ar="")
    fatima.refresh_from_db()
    record = merging.merge(world["users"]["superuser"], fatima, again)
    fatima.refresh_from_db()
    assert fatima.first_name_ar == "فاطمه الزهراء" and "بن" in fatima.search_name
    merging.unmerge(world["users"]["superuser"], record)
    fatima.refresh_from_db()
    assert fatima.first_name_ar == ""


def test_a_case_worker_cannot_merge_a_record_of_another_organisation(world, two_records):
    fatima, again = two_records
    with pytest.raises(PermissionDenied):
        merging.merge(world["users"]["caseworker_a"], fatima, again)
    assert not Merge.objects.exists()


def test_an_undone_merge_cannot_be_undone_twice(world, two_records):
    from django.core.exceptions import ValidationError

    fatima, again = two_records
    record = merging.merge(world["users"]["superuser"], fatima, again)
    merging.unmerge(world["users"]["superuser"], record)
    with pytest.raises(ValidationError):
        merging.unmerge(world["users"]["superuser"], record)


def test_both_registering_organisations_still_find_the_merged_person(world, two_records):
    fatima, again = two_records
    record = merging.merge(world["users"]["superuser"], fatima, again)
    for username in ("caseworker_a", "caseworker_b"):
        found = services.search_people(world["users"][username], "الزهراء")
        assert list(found) == [fatima], username
    assert PersonAccess.objects.get(person=fatima, organisation=world["ngo_b"]).reason == "merged"
    merging.unmerge(world["users"]["superuser"], record)
    assert PersonAccess.objects.get(person=again, organisation=world["ngo_b"]).reason == "registered"
    assert list(services.search_people(world["users"]["caseworker_b"], "الزهراء")) == [again]
