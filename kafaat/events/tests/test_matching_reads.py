"""A sign-in sheet is matched against the contacts that could be its rows, never the whole directory: at
200,000 contacts, reading them all took 28 s before a single row was looked at (benchmarks/governance.py)."""

import pytest

from kafaat.contacts.models import ContactNameKey
from kafaat.events.sign_in.matching import ContactMatcher

pytestmark = pytest.mark.django_db


def test_only_the_contacts_sharing_two_name_words_or_a_number_are_read(world, make_contact):
    agency = world["agency"]
    for index, last in enumerate(["Alaoui", "Bennani", "Tazi", "Idrissi", "Chraibi", "Fassi"]):
        make_contact(agency, "Mohamed", last, sex="M", email=f"m{index}@example.ma")
        make_contact(agency, "Fatima", last, email=f"f{index}@example.ma")
    known = make_contact(agency, "Salma", "Ouazzani", phone="+212612345678")
    matcher = ContactMatcher(
        world["users"]["superuser"],
        names=["Mohamed Alaoui", "Someone Else"],
        emails=["F3@example.ma"],
        phones=["06 12 34 56 78"],
    )
    # Mohamed Alaoui (two words shared), Fatima Idrissi (by e-mail, any case), Salma (by phone): not the
    # other nine Mohameds and Fatimas, who share one common word each.
    assert len(matcher.words) == 3
    best = matcher.match("Mohamed Alaoui")[0]
    assert best.score >= 0.8 and "name" in best.reasons
    assert matcher.match("", phone="0612345678")[0].contact_id == known.pk
    assert matcher.match("", email="f3@example.ma")[0].score == 1.0


def test_the_keys_follow_a_change_of_name(world, make_contact):
    contact = make_contact(world["agency"], "Naima", "Bouchikhi")
    before = set(ContactNameKey.objects.filter(contact=contact).values_list("key", flat=True))
    contact.last_name_latin = "Haddou"
    contact.save()
    after = set(ContactNameKey.objects.filter(contact=contact).values_list("key", flat=True))
    assert len(before) == 2 and len(after) == 2 and before != after
    contact.position = "Présidente"
    contact.save(update_fields=["position"])
    assert set(ContactNameKey.objects.filter(contact=contact).values_list("key", flat=True)) == after


def test_two_words_too_many_contacts_share_propose_nobody_but_a_rarer_word_does(world, make_contact):
    from kafaat.events.sign_in.matching import COMMON_PAIR

    agency = world["agency"]
    for index in range(COMMON_PAIR + 1):
        make_contact(agency, "Mohamed", "Alaoui", sex="M", email=f"ma{index}@example.ma")
    rare = make_contact(agency, "Mohamed", "Alaoui Zerhouni", sex="M")
    common = ContactMatcher(world["users"]["superuser"], names=["Mohamed Alaoui"])
    assert common.words == {}  # a name that many people bear tells no one apart
    precise = ContactMatcher(world["users"]["superuser"], names=["Mohamed Zerhouni Alaoui"])
    assert set(precise.words) == {rare.pk}
    assert precise.match("Mohamed Zerhouni Alaoui")[0].contact_id == rare.pk
