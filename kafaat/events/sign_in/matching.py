"""Who a sign-in sheet's row names: a registrant of the event, a contact of the directory, or nobody yet.

One entry point, `ContactMatcher.match`, so that the directory's own matching (`kafaat.contacts.services`) can
replace the scoring here in one place. The matcher is made for one sheet: it reads, in a few queries, only the
contacts of the user's scope that share an e-mail, a phone or two name-word keys (`contacts.ContactNameKey`)
with the sheet, into in-memory indexes (e-mail, phone, cross-script name key) — never the whole directory,
which at 200,000 contacts took 28 s before a single row was matched.

Scores: the same e-mail 1.0; the same phone 0.85 alone (families and offices share one), 0.95 with the
name; the same name (Arabic and Latin spellings compared through
the registry's consonant keys) 0.8, and 0.9 with the same organisation; most of the name's words 0.6.
At or above LINK_THRESHOLD the row is linked; from REVIEW_THRESHOLD it goes to the review queue; below, it is
nobody the directory knows and becomes a new contact.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

from django.db import connection
from django.db.models import Q
from django.db.models.functions import Lower

from kafaat.contacts.models import Contact, ContactNameKey
from kafaat.contacts.name_keys import word_keys
from kafaat.core import access
from kafaat.core.imports import fold
from kafaat.registry.dedup import name_key
from kafaat.registry.normalise import normalise_phone

LINK_THRESHOLD = 0.9
REVIEW_THRESHOLD = 0.5


@dataclass
class Candidate:
    contact_id: int
    score: float
    reasons: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"contact": self.contact_id, "score": round(self.score, 2), "reasons": self.reasons}


def phone_or_blank(raw: str) -> str:
    try:
        return normalise_phone(raw) if raw else ""
    except ValueError:
        return ""


def full_name_key(name: str) -> str:
    return name_key(name) if name else ""


_word_keys = word_keys


PAIRS_PER_STATEMENT = 100  # SQLite allows 500 terms in one compound SELECT
# Two name words that more contacts than this share tell no one apart ("Mohamed Alaoui" in a national
# directory): such a pair proposes nobody. An e-mail, a phone or a rarer word of the row still does.
COMMON_PAIR = 50


def _sharing_two_keys(rows_keys: list[set[str]]) -> set[int]:
    """The contacts that share at least two name-word keys with one row: for each pair of a row's keys, the
    contacts holding both (an index merge of two short lists), never every contact holding a common name."""
    pairs = sorted({pair for keys in rows_keys for pair in combinations(sorted(keys), 2)})
    found: set[int] = set()
    # A fixed statement; the keys are parameters. Each pair reads at most COMMON_PAIR + 1 contacts.
    one = (
        "SELECT %s, contact_id FROM (SELECT a.contact_id FROM contacts_contactnamekey a "
        "JOIN contacts_contactnamekey b ON b.contact_id = a.contact_id WHERE a.key = %s AND b.key = %s "
        "LIMIT %s) AS pair"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), PAIRS_PER_STATEMENT):
            chunk = pairs[start : start + PAIRS_PER_STATEMENT]
            cursor.execute(
                " UNION ALL ".join([one] * len(chunk)),
                [value for n, pair in enumerate(chunk) for value in (n, *pair, COMMON_PAIR + 1)],
            )
            by_pair: dict[int, list[int]] = {}
            for n, contact in cursor.fetchall():
                by_pair.setdefault(n, []).append(contact)
            for contacts in by_pair.values():
                if len(contacts) <= COMMON_PAIR:
                    found.update(contacts)
    return found


def _candidates(names: Iterable[str], emails: Iterable[str], phones: Iterable[str]) -> Q:
    """The contacts that could match one of the rows: the same e-mail or phone, or two name-word keys shared
    with one row (one, for a row whose name is a single word) — the only ones whose names the scoring can
    match."""
    condition = Q(pk__in=[])
    emails = {e.strip().lower() for e in emails if e and e.strip()}
    phones = {p for p in (phone_or_blank(raw) for raw in phones) if p}
    if emails:
        condition |= Q(email_folded__in=emails)
    if phones:
        condition |= Q(phone__in=phones)
    rows_keys = [keys for keys in (word_keys(name) for name in names if name) if keys]
    sharing = _sharing_two_keys([keys for keys in rows_keys if len(keys) >= 2])
    if sharing:
        condition |= Q(pk__in=sorted(sharing))
    alone = {key for keys in rows_keys if len(keys) == 1 for key in keys}
    if alone:
        condition |= Q(pk__in=ContactNameKey.objects.filter(key__in=alone).values("contact"))
    return condition


class ContactMatcher:
    """The contacts of a user's directory (VIEW_CONTACTS) a sheet's rows may name, indexed for matching."""

    def __init__(
        self, user, *, names: Iterable[str] = (), emails: Iterable[str] = (), phones: Iterable[str] = ()
    ) -> None:
        from kafaat.contacts.access_rules import VIEW_CONTACTS

        directory = Contact.objects.filter(merged_into=None).annotate(email_folded=Lower("email"))
        directory = directory.filter(_candidates(list(names), list(emails), list(phones)))
        rows = access.scoped(user, VIEW_CONTACTS, directory).values_list(
            "pk",
            "first_name_latin",
            "last_name_latin",
            "first_name_ar",
            "last_name_ar",
            "email",
            "phone",
            "organisation_name",
            "organisation__name_fr",
        )
        self.by_email: dict[str, set[int]] = {}
        self.by_phone: dict[str, set[int]] = {}
        self.by_name: dict[str, set[int]] = {}
        self.by_word: dict[str, set[int]] = {}
        self.words: dict[int, set[str]] = {}
        self.organisation: dict[int, str] = {}
        for (
            pk,
            first_latin,
            last_latin,
            first_ar,
            last_ar,
            email,
            phone,
            organisation,
            kafaat_organisation,
        ) in rows:
            if email:
                self.by_email.setdefault(email.strip().lower(), set()).add(pk)
            if phone:
                self.by_phone.setdefault(phone, set()).add(pk)
            words: set[str] = set()
            for name in (
                f"{first_latin} {last_latin}",
                f"{first_ar} {last_ar}",
                f"{last_latin} {first_latin}",
                f"{last_ar} {first_ar}",
            ):
                key = full_name_key(name.strip())
                if key:
                    self.by_name.setdefault(key, set()).add(pk)
                words |= _word_keys(name)
            self.words[pk] = words
            for word in words:
                self.by_word.setdefault(word, set()).add(pk)
            self.organisation[pk] = fold(organisation or kafaat_organisation or "")

    def match(self, name: str, email: str = "", phone: str = "", organisation: str = "") -> list[Candidate]:
        """The contacts the row may name, best first (at most five), with their score and reasons."""
        found: dict[int, Candidate] = {}

        def note(pk: int, score: float, reason: str) -> None:
            candidate = found.setdefault(pk, Candidate(pk, 0.0))
            candidate.score = max(candidate.score, score)
            candidate.reasons.append(reason)

        for pk in self.by_email.get((email or "").strip().lower(), ()) if email else ():
            note(pk, 1.0, "email")
        number = phone_or_blank(phone)
        for pk in self.by_phone.get(number, ()) if number else ():
            note(pk, 0.85, "phone")  # alone, doubtful: a family or an office shares a phone
        organisation_key = fold(organisation or "")
        key = full_name_key(name)
        for pk in self.by_name.get(key, ()) if key else ():
            same_place = bool(organisation_key) and self.organisation.get(pk) == organisation_key
            note(pk, 0.9 if same_place else 0.8, "name")
            if same_place:
                found[pk].reasons.append("organisation")
        words = _word_keys(name)
        if len(words) >= 2:
            sharing: dict[int, int] = {}
            for word in words:
                for pk in self.by_word.get(word, ()):
                    sharing[pk] = sharing.get(pk, 0) + 1
            for pk, shared in sharing.items():
                if shared >= 2 and shared / max(len(words), len(self.words[pk])) >= 0.6:
                    note(pk, 0.6, "words")
        for candidate in found.values():
            if "phone" in candidate.reasons and {"name", "words"} & set(candidate.reasons):
                candidate.score = max(candidate.score, 0.95)
        ranked = sorted(found.values(), key=lambda c: (-c.score, c.contact_id))
        return ranked[:5]
