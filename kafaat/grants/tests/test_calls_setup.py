"""The grants officer sets up a call: creates it, adds lots, eligibility criteria and the grid (PRAG as a
start), lists reviewers, publishes it after its checks and closes it; the lots and grid are frozen once
published; the other personas see a draft as a 404 and may not set anything up (403)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation

from kafaat.core.models import AuditEvent
from kafaat.grants.models import Application, Call, Stage
from kafaat.grants.services import calls

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """The messages are checked in English (the default language is French)."""
    with translation.override("en"):
        yield


def _data(grants, **overrides):
    now = timezone.now()
    data = {
        "code": "jeunes-2027",
        "project": grants["project"],
        "procedure": Call.Procedure.OPEN,
        "name_fr": "Jeunes et emploi 2027",
        "min_grant": Decimal("50000"),
        "max_grant": Decimal("300000"),
        "cofinancing_rate": Decimal("10"),
        "opens_at": now,
        "closes_at": now + timedelta(days=30),
    }
    data.update(overrides)
    return data


def test_the_officer_prepares_and_publishes_a_call_after_its_checks(grants):
    officer = grants["users"]["officer"]
    call = calls.create_call(officer, _data(grants))
    assert call.status == Call.Status.DRAFT and call.organisation == grants["agency"]
    problems = calls.publication_problems(call)
    assert len(problems) == 3  # no lot, no grid for the stage, no eligibility criteria
    with pytest.raises(ValidationError):
        calls.publish(officer, call)
    calls.add_lot(officer, call, {"code": "L1", "name_fr": "National", "budget": Decimal("900000")})
    calls.seed_grid(officer, call)
    assert calls.grid_points(call, Stage.FULL) == Decimal("100")
    assert calls.publication_problems(call) == []
    call = calls.publish(officer, call)
    assert call.status == Call.Status.PUBLISHED
    assert AuditEvent.objects.filter(target_type="grants.call", target_id=str(call.pk)).count() >= 3


def test_a_published_call_freezes_its_lots_grid_and_money(grants):
    officer, call = grants["users"]["officer"], grants["call"]
    with pytest.raises(ValidationError):
        calls.add_lot(officer, call, {"code": "L9", "name_fr": "Souss", "budget": Decimal("1")})
    with pytest.raises(ValidationError):
        calls.seed_grid(officer, call)
    with pytest.raises(ValidationError):
        calls.update_call(officer, call, {"max_grant": Decimal("2000000")})
    later = call.closes_at + timedelta(days=3)
    assert calls.update_call(officer, call, {"closes_at": later}).closes_at == later  # a deadline moves


def test_publish_refuses_a_deadline_in_the_past_and_a_bad_window(grants):
    officer = grants["users"]["officer"]
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        calls.create_call(officer, _data(grants, closes_at=now - timedelta(days=1)))
    assert "closes_at" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        calls.create_call(officer, _data(grants, min_grant=Decimal("10"), max_grant=Decimal("5")))
    assert "max_grant" in error.value.message_dict
    call = grants["open_call"]
    Call.objects.filter(pk=call.pk).update(
        opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=1)
    )
    call.refresh_from_db()
    assert any("deadline" in p for p in calls.publication_problems(call))


def test_close_and_only_managers_set_up(grants):
    users, call = grants["users"], grants["call"]
    for name in ("applicant_a", "reviewer", "donor"):
        with pytest.raises(PermissionDenied):
            calls.close(users[name], call)
    with pytest.raises(PermissionDenied):
        calls.create_call(users["applicant_a"], _data(grants))
    assert calls.close(users["officer"], call).status == Call.Status.CLOSED
    with pytest.raises(ValidationError):
        calls.close(users["officer"], call)


def test_reviewers_must_be_grant_reviewers(grants):
    users, call = grants["users"], grants["call"]
    calls.set_reviewers(users["officer"], call, [users["reviewer"].pk, users["reviewer_2"].pk])
    assert set(call.reviewers.all()) == {users["reviewer"], users["reviewer_2"]}
    with pytest.raises(ValidationError):
        calls.set_reviewers(users["officer"], call, [users["applicant_a"].pk])


def test_a_draft_call_is_404_to_others_and_the_list_shows_each_their_calls(client, grants):
    users, draft = grants["users"], grants["open_call"]
    client.force_login(users["applicant_a"])
    assert client.get(reverse("grants:call", args=[draft.pk])).status_code == 404
    page = client.get(reverse("grants:calls"))
    assert grants["call"].code in page.content.decode() and draft.code not in page.content.decode()
    assert client.post(reverse("grants:publish_call", args=[grants["call"].pk])).status_code == 403
    client.force_login(users["officer"])
    page = client.get(reverse("grants:calls")).content.decode()
    assert 'id="managed-calls"' in page and draft.code in page
    assert client.get(reverse("grants:call", args=[draft.pk])).status_code == 200


def test_the_officer_sets_up_a_call_through_the_pages(client, grants):
    client.force_login(grants["users"]["officer"])
    client.cookies["kafaat_language"] = "en"
    now = timezone.localtime()
    response = client.post(
        reverse("grants:call_new"),
        {
            "code": "femmes-2027",
            "project": grants["project"].pk,
            "procedure": "open",
            "name_fr": "Femmes 2027",
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"),
            "min_grant": "10000",
            "max_grant": "90000",
            "cofinancing_rate": "5",
            "reviewers_per_application": "2",
            "spread_threshold": "20",
            "pass_mark": "50",
        },
    )
    call = Call.objects.get(code="femmes-2027")
    assert response.status_code == 302 and response["Location"] == reverse("grants:call", args=[call.pk])
    client.post(
        reverse("grants:add_lot", args=[call.pk]), {"code": "L1", "name_fr": "Souss", "budget": "500000"}
    )
    client.post(reverse("grants:seed_grid", args=[call.pk]))
    page = client.get(reverse("grants:call", args=[call.pk])).content.decode()
    assert 'id="call-publish"' in page
    client.post(reverse("grants:publish_call", args=[call.pk]))
    call.refresh_from_db()
    assert call.status == Call.Status.PUBLISHED
    response = client.post(
        reverse("grants:add_lot", args=[call.pk]), {"code": "L2", "name_fr": "X", "budget": "1"}, follow=True
    )
    assert call.lots.count() == 1 and "can no longer be changed" in response.content.decode().replace(
        "&#x27;", "'"
    )


def test_counts_per_status_for_the_officer(grants):
    call, lot = grants["call"], grants["lots"]["oriental"]
    for i, status in enumerate(("draft", "draft", "concept_submitted")):
        Application.objects.create(
            call=call, lot=lot, organisation=grants["ngo_a"], reference=f"X-{i}", status=status, title="t"
        )
    counts = dict(calls.counts_by_status(call))
    assert list(counts.values()) == [2, 1]


def test_an_unknown_call_id_is_404(grants):
    with pytest.raises(Http404):
        calls.get_call(grants["users"]["officer"], 999999)


def test_a_published_calls_edit_page_offers_only_what_may_change(client, grants):
    call = grants["call"]
    client.force_login(grants["users"]["officer"])
    page = client.get(reverse("grants:call_edit", args=[call.pk])).content.decode()
    assert 'name="closes_at"' in page and 'name="min_grant"' not in page and 'name="procedure"' not in page
    later = timezone.localtime(call.closes_at + timedelta(days=2)).replace(second=0, microsecond=0)
    data = {
        "name_fr": call.name_fr, "name_ar": call.name_ar, "closes_at": later.strftime("%Y-%m-%dT%H:%M"),
        "full_closes_at": timezone.localtime(call.full_closes_at).strftime("%Y-%m-%dT%H:%M"),
        "reviewers_per_application": "2", "spread_threshold": "15", "pass_mark": "60", "min_grant": "1",
    }  # fmt: skip
    assert client.post(reverse("grants:call_edit", args=[call.pk]), data).status_code == 302
    call.refresh_from_db()
    assert (call.closes_at, call.reviewers_per_application, call.min_grant) == (later, 2, Decimal("200000"))
    client.force_login(grants["users"]["applicant_a"])
    assert client.get(reverse("grants:call_edit", args=[call.pk])).status_code == 403
