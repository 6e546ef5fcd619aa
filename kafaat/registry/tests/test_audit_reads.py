"""Issue 11: every response that shows people is one `list` event with the ids shown, and every refusal (a
scoped look-up's 404, a 403) is one `denied` event; an address that does not exist is no refusal."""

from datetime import date

import pytest
from django.urls import reverse

from kafaat.core.models import AuditEvent
from kafaat.registry import services
from kafaat.registry.dedup import services as dedup_services

pytestmark = pytest.mark.django_db


def _someone(worker, first: str, last: str, phone: str):
    return services.register_person(
        worker,
        {"first_name_latin": first, "last_name_latin": last, "sex": "F", "birth_date": "2000-01-01"}
        | {"commune": "Oujda", "phone": phone},
        consent_given_on=date(2026, 1, 5),
    )


@pytest.fixture
def people(world):
    worker = world["users"]["caseworker_a"]
    return [_someone(worker, f"Amina{n}", f"Test{n}", f"06000000{n:02d}") for n in range(3)]


@pytest.fixture
def stranger(world):
    """NGO B's person: out of NGO A's sight."""
    return _someone(world["users"]["caseworker_b"], "Nadia", "Loin", "0611112222")


def _lists(user):
    return AuditEvent.objects.filter(actor=user, action="list")


def _ids(event) -> set[int]:
    return {int(pk) for pk in event.details["ids"]}


def test_the_people_page_records_one_event_with_the_ids_shown(client, world, people, stranger):
    user = world["users"]["caseworker_a"]
    client.force_login(user)
    assert client.get(reverse("registry:search")).status_code == 200
    event = _lists(user).get()
    assert _ids(event) == {p.pk for p in people} and event.count == 3
    assert event.target_type == "registry.person" and event.details["list"] == "people"
    client.get(reverse("registry:search"), {"q": "0600000001"})
    searched = _lists(user).order_by("id").last()
    assert _ids(searched) == {people[1].pk} and searched.details["search_by"] == "phone"
    assert "0600000001" not in str(searched.details)  # what was searched by, not for
    assert _lists(user).count() == 2


def test_each_api_page_of_people_records_one_event_with_its_ids(client, world, people):
    user = world["users"]["caseworker_a"]
    client.force_login(user)
    first = client.get("/api/people", {"page_size": 2}).json()
    second = client.get("/api/people", {"page_size": 2, "page": 2}).json()
    events = list(_lists(user).order_by("id"))
    assert len(events) == 2
    assert _ids(events[0]) == {row["id"] for row in first["items"]} and events[0].count == 2
    assert _ids(events[1]) == {row["id"] for row in second["items"]} and events[1].count == 1
    assert events[1].details["page"] == 2


def test_the_duplicates_page_records_the_people_of_the_pairs_shown(client, world, people):
    twin = _someone(world["users"]["caseworker_a"], "Amina0", "Test0", "0600000000")
    dedup_services.start_run(world["users"]["superuser"], background=False)
    admin = world["users"]["admin_a"]
    client.force_login(admin)
    page = client.get(reverse("registry:review"))
    shown = {person.pk for candidate in page.context["page"] for person in candidate.people}
    assert {people[0].pk, twin.pk} <= shown
    event = _lists(admin).get()
    assert _ids(event) == shown and event.details["list"] == "duplicates"


def test_25_out_of_scope_attempts_are_25_denials(client, world, people, stranger):
    user = world["users"]["caseworker_a"]
    client.force_login(user)
    for attempt in range(25):
        url = reverse("registry:detail", args=[stranger.pk]) if attempt % 2 else f"/api/people/{stranger.pk}"
        assert client.get(url).status_code == 404
    denials = AuditEvent.objects.filter(actor=user, action="denied")
    assert denials.count() == 25
    assert set(denials.values_list("target_type", "target_id")) == {("registry.person", str(stranger.pk))}
    assert {event.details["status"] for event in denials} == {404}
    assert set(denials.values_list("path", flat=True)) == {
        reverse("registry:detail", args=[stranger.pk]),
        f"/api/people/{stranger.pk}",
    }


def test_an_address_that_does_not_exist_is_not_a_denial_but_a_403_is(client, world):
    user = world["users"]["caseworker_a"]
    client.force_login(user)
    assert client.get("/people/no-such-page/").status_code == 404
    assert client.get("/api/no-such-endpoint").status_code == 404
    assert not AuditEvent.objects.filter(action="denied").exists()
    assert client.get(reverse("registry:review")).status_code == 403  # case workers review no duplicates
    denial = AuditEvent.objects.get(actor=user, action="denied")
    assert denial.details == {"status": 403, "permission": "registry.review_duplicates"}


def test_another_users_import_job_and_a_consent_of_another_person_are_denials(client, world, people):
    from kafaat.core.models import ImportJob

    owner, other = world["users"]["caseworker_a"], world["users"]["admin_a"]
    job = ImportJob.objects.create(user=owner, organisation=world["ngo_a"], kind="people", file_name="a.csv")
    consent = people[0].consents.get()
    client.force_login(other)
    assert client.get(reverse("registry:import_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("registry:import_errors", args=[job.pk])).status_code == 404
    withdraw = reverse("registry:consent_withdraw", args=[people[1].pk, consent.pk])  # not people[1]'s
    assert client.post(withdraw).status_code == 404
    denials = AuditEvent.objects.filter(actor=other, action="denied")
    assert sorted(denials.values_list("target_type", "target_id")) == [
        ("core.importjob", str(job.pk)),
        ("core.importjob", str(job.pk)),
        ("registry.consent", str(consent.pk)),
    ]
