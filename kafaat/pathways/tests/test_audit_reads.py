"""Issue 11: the caseload and the referral inbox (page and API) record one `list` event per response, with
the ids of the people shown."""

import pytest
from django.urls import reverse

from kafaat.core.models import AuditEvent
from kafaat.pathways.models import Step
from kafaat.pathways.tests import test_pages
from kafaat.pathways.tests.test_pages import refer_to_ngo_b

person, project = test_pages.person, test_pages.project  # the pathway pages' fixtures

pytestmark = pytest.mark.django_db


def _lists(user):
    return AuditEvent.objects.filter(actor=user, action="list").order_by("id")


def test_the_caseload_records_one_event_with_the_people_shown(client, world, person, project):
    worker = world["users"]["caseworker_a"]
    client.force_login(worker)
    refer_to_ngo_b(client, world, person, project, share_consent="on")  # also listed as sent
    before = _lists(worker).count()
    assert client.get(reverse("pathways:caseload")).status_code == 200
    events = list(_lists(worker))[before:]
    assert len(events) == 1
    assert events[0].details["ids"] == [str(person.pk)] and events[0].details["list"] == "caseload"


def test_the_referral_inbox_page_and_api_record_the_people_listed(client, world, person, project):
    client.force_login(world["users"]["caseworker_a"])
    refer_to_ngo_b(client, world, person, project, share_consent="on")
    receiver = world["users"]["caseworker_b"]
    client.force_login(receiver)
    assert client.get(reverse("pathways:inbox")).status_code == 200
    assert client.get("/api/referrals/inbox").json()["count"] == 1
    events = list(_lists(receiver))
    assert [e.details["list"] for e in events] == ["referral_inbox", "api/referrals/inbox"]
    assert all(e.details["ids"] == [str(person.pk)] and e.count == 1 for e in events)
    assert Step.objects.filter(kind="referral").count() == 1
