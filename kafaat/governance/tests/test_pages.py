"""The pages of the directory and the working groups, by persona: what each sees and may do; a closed meeting
refused with a message; the secretariat's home panel; the pages in Arabic."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kafaat.contacts.models import Contact
from kafaat.governance import services


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["kafaat_language"] = "en"


def test_directory_search_and_filters(client, gtr):
    client.force_login(gtr["users"]["secretariat"])
    page = client.get(reverse("contacts:list"), {"q": "bennani"}).content.decode()
    assert "Bennani" in page and "El Idrissi" not in page
    trainers = client.get(
        reverse("contacts:list"), {"trainer": "yes"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Ouazzani" in trainers and "Bennani" not in trainers and "<html" not in trainers
    assert "Alami" not in client.get(reverse("contacts:list")).content.decode()  # Tanger's, out of scope


def test_contact_page_lists_groups_and_is_404_out_of_scope(client, gtr):
    client.force_login(gtr["users"]["secretariat"])
    page = client.get(reverse("contacts:detail", args=[gtr["people"]["amina"].pk])).content.decode()
    assert "Oriental GTR" in page and 'id="contact-edit"' in page
    assert client.get(reverse("contacts:detail", args=[gtr["people"]["youssef"].pk])).status_code == 404
    client.force_login(gtr["users"]["donor"])
    assert client.get(reverse("contacts:list")).status_code == 403


def test_create_shows_the_likely_same_person_then_confirms(client, gtr):
    client.force_login(gtr["users"]["secretariat"])
    form = {
        "first_name_latin": "Amina", "last_name_latin": "El Idrissi", "first_name_ar": "", "last_name_ar": "",
        "sex": "F", "territory": "MA-02", "organisation_type": "ngo", "country": "MA",
        "preferred_language": "fr", "managed_by": gtr["oriental_office"].pk, "email": "", "phone": "",
    }  # fmt: skip
    response = client.post(reverse("contacts:create"), form)
    page = response.content.decode()
    assert response.status_code == 200 and 'id="likely-matches"' in page and 'id="confirm-new"' in page
    assert Contact.objects.filter(last_name_latin="El Idrissi").count() == 1
    confirmed = client.post(reverse("contacts:create"), {**form, "confirm_new": "1"})
    assert confirmed.status_code == 302
    assert Contact.objects.filter(last_name_latin="El Idrissi").count() == 2


def test_create_with_a_bad_phone_says_why(client, gtr):
    client.force_login(gtr["users"]["secretariat"])
    form = {
        "last_name_latin": "Nouveau", "sex": "M", "territory": "MA-02", "organisation_type": "ngo",
        "country": "MA", "preferred_language": "fr", "managed_by": gtr["oriental_office"].pk, "phone": "12",
    }  # fmt: skip
    page = client.post(reverse("contacts:create"), form).content.decode()
    assert "not a phone number" in page


def test_group_page_for_the_secretariat_and_for_a_reader(client, gtr):
    client.force_login(gtr["users"]["secretariat"])
    page = client.get(reverse("governance:group", args=[gtr["oriental"].pk])).content.decode()
    assert "Piloter la formation" in page and 'id="add-member"' in page and "Session de printemps" in page
    client.force_login(gtr["users"]["manager"])
    page = client.get(reverse("governance:group", args=[gtr["oriental"].pk])).content.decode()
    assert "Session de printemps" in page and 'id="add-member"' not in page
    client.force_login(gtr["users"]["other_secretariat"])
    assert client.get(reverse("governance:group", args=[gtr["oriental"].pk])).status_code == 404
    groups = client.get(reverse("governance:groups")).content.decode()
    assert "gtr-tth" in groups and "gtr-oriental" not in groups


def test_plan_a_meeting_and_run_it_from_the_pages(client, gtr):
    client.force_login(gtr["users"]["secretariat"])
    starts = (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("governance:create_meeting", args=[gtr["oriental"].pk]),
        {"title": "Session d'automne", "starts_at": starts},
    )
    meeting = gtr["oriental"].meetings.get(title="Session d'automne")
    assert response["Location"] == reverse("governance:meeting", args=[meeting.pk])
    client.post(
        reverse("governance:add_agenda_item", args=[meeting.pk]),
        {"title": "Bilan 2025", "duration_minutes": 20},
    )
    client.post(reverse("governance:meeting_transition", args=[meeting.pk, "hold"]))
    client.post(
        reverse("governance:record_attendance", args=[meeting.pk]), {"attended": [gtr["people"]["amina"].pk]}
    )
    client.post(reverse("governance:write_minutes", args=[meeting.pk]), {"text": "La séance est ouverte."})
    client.post(
        reverse("governance:add_outcome", args=[meeting.pk]),
        {"kind": "action", "text": "Préparer le plan", "owner": gtr["people"]["karim"].pk,
         "due_date": (timezone.localdate() + timedelta(days=20)).isoformat()},
    )  # fmt: skip
    client.post(reverse("governance:meeting_transition", args=[meeting.pk, "close"]))
    meeting.refresh_from_db()
    assert meeting.status == "closed"
    page = client.get(reverse("governance:meeting", args=[meeting.pk])).content.decode()
    assert 'id="read-only"' in page and "Bilan 2025" in page and "Préparer le plan" in page
    refused = client.post(
        reverse("governance:write_minutes", args=[meeting.pk]), {"text": "Changé"}, follow=True
    )
    assert "This meeting is closed" in refused.content.decode()
    assert meeting.minutes_revisions.count() == 1
    printable = client.get(reverse("governance:minutes_print", args=[meeting.pk])).content.decode()
    assert "La séance est ouverte." in printable


def test_the_next_meeting_lists_the_open_actions_with_their_origin(client, gtr):
    secretariat = gtr["users"]["secretariat"]
    services.add_outcome(
        secretariat, gtr["held"], "action", "Relancer la wilaya", owner_id=gtr["people"]["karim"].pk,
        due_date=timezone.localdate() - timedelta(days=2),
    )  # fmt: skip
    nxt = services.create_meeting(
        secretariat, gtr["oriental"], {"title": "Prochaine", "starts_at": timezone.now() + timedelta(days=5)}
    )
    client.force_login(secretariat)
    page = client.get(reverse("governance:meeting", args=[nxt.pk])).content.decode()
    assert "Relancer la wilaya" in page and "Session de printemps" in page and "overdue" in page
    home = client.get("/").content.decode()
    assert 'id="panel-governance-actions"' in home and "Relancer la wilaya" in home
    client.force_login(gtr["users"]["caseworker_b"])
    assert "panel-governance-actions" not in client.get("/").content.decode()


def test_action_transition_from_the_page(client, gtr):
    secretariat = gtr["users"]["secretariat"]
    action = services.add_outcome(
        secretariat,
        gtr["held"],
        "action",
        "x",
        owner_id=gtr["people"]["karim"].pk,
        due_date=timezone.localdate(),
    ).action
    client.force_login(gtr["users"]["manager"])  # reads the group, may not move its actions
    assert (
        client.post(reverse("governance:action_transition", args=[action.pk, "complete"])).status_code == 403
    )
    client.force_login(secretariat)
    client.post(reverse("governance:action_transition", args=[action.pk, "complete"]))
    action.refresh_from_db()
    assert action.status == "done"


def test_pages_in_arabic(client, gtr):
    client.cookies["kafaat_language"] = "ar"
    client.force_login(gtr["users"]["secretariat"])
    page = client.get(reverse("governance:group", args=[gtr["oriental"].pk])).content.decode()
    assert 'dir="rtl"' in page and "مجموعة العمل الجهوية للشرق" in page
    page = client.get(reverse("contacts:list")).content.decode()
    assert 'dir="rtl"' in page and "أمينة" in page


def test_an_analyst_reads_the_group_without_links_to_the_directory(client, gtr):
    client.force_login(gtr["users"]["analyst_oriental"])
    page = client.get(reverse("governance:group", args=[gtr["oriental"].pk])).content.decode()
    assert "Bennani" in page and "/contacts/" not in page
    assert client.get(reverse("contacts:detail", args=[gtr["people"]["karim"].pk])).status_code == 404
