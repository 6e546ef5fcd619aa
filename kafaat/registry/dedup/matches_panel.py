"""The registration form's likely-matches panel: help against duplicates, never a look-up tool.

ADR docs/decisions/0015-matches-panel-is-not-a-lookup.md. The panel lists the likely matches the case worker
may already see, as it always did. Other organisations' records are only counted, and only when the form
holds a full identity: first and last names (in one script), a birth date or an age, the sex and a commune
that the registry knows. A phone number, an identity number or a name and birth date alone never reveal
whether anyone elsewhere has them. Each user's queries are limited per minute and per hour
(`KAFAAT_MATCHES_PANEL_LIMITS`), and every response that shows people or reveals a count is one audit event
with the kinds of criteria typed (never their values), the ids shown and the count revealed.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache

from kafaat.core import audit
from kafaat.registry import list_audit
from kafaat.registry.dedup import services as dedup_services

NAME_PAIRS = (("first_name_latin", "last_name_latin"), ("first_name_ar", "last_name_ar"))


@dataclass(frozen=True)
class Panel:
    found: dedup_services.LikelyMatches | None  # None when refused
    refused: bool = False


def _given(raw: Mapping[str, Any], key: str) -> bool:
    return bool((raw.get(key) or "").strip())


def criteria_of(raw: Mapping[str, Any]) -> list[str]:
    """The kinds of criteria typed (for the audit log: what was looked for by, not the values)."""
    kinds = []
    if any(_given(raw, first) and _given(raw, last) for first, last in NAME_PAIRS):
        kinds.append("full_name")
    elif any(_given(raw, key) for pair in NAME_PAIRS for key in pair):
        kinds.append("partial_name")
    for key in ("birth_date", "age", "sex", "commune", "phone", "phone_alt", "id_number"):
        if _given(raw, key):
            kinds.append(key)
    return kinds


def is_full_identity(raw: Mapping[str, Any]) -> bool:
    """Names, birth date or age, sex and a known commune: only then are others' records counted."""
    criteria = set(criteria_of(raw))
    has_birth = "birth_date" in criteria or (raw.get("age") or "").strip().isdigit()
    return (
        "full_name" in criteria
        and has_birth
        and (raw.get("sex") or "").strip() in ("F", "M")
        and dedup_services.territory_typed(raw.get("commune") or "") is not None
    )


def _take_one(user) -> bool:
    """Count one query against each of the user's windows; False when one of them is full."""
    now = time.time()
    allowed = True
    for most, seconds in settings.KAFAAT_MATCHES_PANEL_LIMITS:
        key = f"kafaat:matches-panel:{user.pk}:{seconds}:{int(now // seconds)}"
        cache.add(key, 0, timeout=seconds + 1)
        try:
            used = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=seconds + 1)
            used = 1
        if used > most:
            if used == most + 1:  # the first refusal of a window is in the log, not every one after it
                audit.record(
                    audit.Action.DENIED,
                    user,
                    target_type="registry.person",
                    details={"status": 429, "list": "matches_panel", "limit": [most, seconds]},
                )
            allowed = False
    return allowed


def likely_matches(actor, raw: Mapping[str, Any]) -> Panel:
    """The panel for what is typed so far: refused over the rate limit, else the matches (audited)."""
    criteria = criteria_of(raw)
    if not criteria:
        return Panel(dedup_services.LikelyMatches([], None))
    if not _take_one(actor):
        return Panel(None, refused=True)
    found = dedup_services.likely_matches(actor, raw, count_elsewhere=is_full_identity(raw))
    if found.people or found.elsewhere is not None:
        details: dict[str, Any] = {"criteria": criteria}
        if found.elsewhere is not None:
            details["elsewhere"] = found.elsewhere  # the count revealed (0 reveals too)
        list_audit.record_list(
            actor, (person.pk for person, _p, _a in found.people), shown="matches_panel", **details
        )
    return Panel(found)
