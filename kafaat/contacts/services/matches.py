"""Likely same people: part of kafaat.contacts.services (see its __init__)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kafaat.contacts.models import Contact
from kafaat.contacts.services.reading import visible_contacts
from kafaat.contacts.services.validation import phone_or_none
from kafaat.registry.normalise import search_key

# A likely match is at least this score; strong matches (same e-mail or phone, same names in both scripts)
# are the import's "same person": the row updates that contact instead of creating another.
LIKELY_SCORE = 0.5
STRONG_SCORE = 0.9
MAX_MATCHES = 10


@dataclass(frozen=True)
class Match:
    contact: Contact
    score: float  # 0..1
    reasons: tuple[str, ...]  # "email", "phone", "names_both_scripts", "names_latin", "names_arabic"

    @property
    def strong(self) -> bool:
        return self.score >= STRONG_SCORE

    @property
    def percent(self) -> float:
        return self.score * 100


def _tokens(*names: str) -> set[str]:
    return set(search_key(*names).split())


def find_matches(
    first_name_latin: str = "",
    last_name_latin: str = "",
    first_name_ar: str = "",
    last_name_ar: str = "",
    email: str = "",
    phone: str = "",
    *,
    among: QuerySet[Contact] | None = None,
    limit: int = MAX_MATCHES,
) -> list[tuple[Contact, float]]:
    """Contacts that are likely the same person, best first, as (contact, score between 0 and 1).

    Public for other apps (an event's sign-in sheet matches its names the same way). Same e-mail or same
    phone is a strong match (0.95); every name word of both scripts the same is strong too (0.9); all the
    words of one script the same is likely (0.7), most of them possible (0.5). Names are compared with the
    registry's normalised name keys, so "El Amrani" and "Elamrani", "أحمد" and "احمد" meet. `among` limits the
    candidates (the actor's directory); by default every contact not merged into another.
    """
    return [
        (m.contact, m.score)
        for m in match_details(
            first_name_latin,
            last_name_latin,
            first_name_ar,
            last_name_ar,
            email,
            phone,
            among=among,
            limit=limit,
        )
    ]


def match_details(
    first_name_latin: str = "",
    last_name_latin: str = "",
    first_name_ar: str = "",
    last_name_ar: str = "",
    email: str = "",
    phone: str = "",
    *,
    among: QuerySet[Contact] | None = None,
    limit: int = MAX_MATCHES,
    exclude_id: int | None = None,
) -> list[Match]:
    """`find_matches` with the reasons of each match (the duplicate panel shows them)."""
    candidates = among if among is not None else Contact.objects.filter(merged_into__isnull=True)
    if exclude_id is not None:
        candidates = candidates.exclude(pk=exclude_id)
    email = (email or "").strip().lower()
    phone = phone_or_none(phone) if phone else None
    latin = _tokens(first_name_latin, last_name_latin)
    arabic = _tokens(first_name_ar, last_name_ar)
    words = latin | arabic
    condition = Q(pk__in=[])
    if email:
        condition |= Q(email__iexact=email)
    if phone:
        condition |= Q(phone=phone)
    if words:
        # Blocking: the contacts sharing the rarest-looking (longest) name word; scored below on every word.
        blocking = sorted(words, key=len, reverse=True)[:2]
        for token in blocking:
            condition |= Q(search_name__contains=f" {token} ")
    scored: list[Match] = []
    for contact in candidates.filter(condition).select_related("territory")[:500]:
        reasons: list[str] = []
        score = 0.0
        if email and contact.email.lower() == email:
            reasons.append("email")
            score = max(score, 0.95)
        if phone and contact.phone == phone:
            reasons.append("phone")
            score = max(score, 0.95)
        their_latin = _tokens(contact.first_name_latin, contact.last_name_latin)
        their_arabic = _tokens(contact.first_name_ar, contact.last_name_ar)
        same_latin = bool(latin) and latin == their_latin
        same_arabic = bool(arabic) and arabic == their_arabic
        if same_latin and same_arabic:
            reasons.append("names_both_scripts")
            score = max(score, 0.9)
        elif same_latin or same_arabic:
            reasons.append("names_latin" if same_latin else "names_arabic")
            score = max(score, 0.7)
        elif words:
            theirs = their_latin | their_arabic
            overlap = len(words & theirs) / max(len(words), len(theirs), 1)
            if overlap >= 0.5 and len(words & theirs) >= 2:
                reasons.append("names_partly")
                score = max(score, 0.5)
        if score >= LIKELY_SCORE:
            scored.append(Match(contact, round(score, 2), tuple(reasons)))
    scored.sort(key=lambda match: (-match.score, match.contact.pk))
    return scored[:limit]


def matches_for(actor, data: dict[str, Any], *, exclude_id: int | None = None) -> list[Match]:
    """The likely same people in the actor's directory, for a contact about to be entered."""
    return match_details(
        data.get("first_name_latin", ""),
        data.get("last_name_latin", ""),
        data.get("first_name_ar", ""),
        data.get("last_name_ar", ""),
        data.get("email", ""),
        data.get("phone", ""),
        among=visible_contacts(actor),
        exclude_id=exclude_id,
    )


class PossibleDuplicates(ValidationError):
    """Creating a contact that likely exists already: the caller shows the matches and asks again."""

    def __init__(self, matches: list[Match]) -> None:
        super().__init__(
            _("This contact may already be in the directory: pick the existing entry or confirm a new one.")
        )
        self.matches = matches
