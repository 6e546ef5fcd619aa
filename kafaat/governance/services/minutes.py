"""Minutes: part of kafaat.governance.services (see its __init__)."""

from __future__ import annotations

import difflib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kafaat.core import audit
from kafaat.governance.models import (
    Meeting,
    MinutesRevision,
)
from kafaat.governance.services.groups import MAX_MINUTES_CHARS
from kafaat.governance.services.meetings import require_edit


@transaction.atomic
def write_minutes(actor, meeting: Meeting, text: str) -> MinutesRevision:
    """A new revision of the minutes (the last one is the minutes); the earlier ones are kept."""
    meeting = Meeting.objects.select_for_update().select_related("group").get(pk=meeting.pk)
    require_edit(actor, meeting)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("The minutes are empty.")]})
    if len(text) > MAX_MINUTES_CHARS:
        raise ValidationError({"text": [_("The minutes are too long (at most 100,000 characters).")]})
    last = meeting.minutes_revisions.order_by("-number").first()
    if last is not None and last.text == text:
        return last
    revision = MinutesRevision.objects.create(
        meeting=meeting, number=(last.number + 1) if last else 1, text=text, written_by=actor
    )
    audit.record(
        audit.Action.CREATE, actor, revision, details={"meeting": meeting.pk, "number": revision.number}
    )
    return revision


def minutes_of(meeting: Meeting) -> MinutesRevision | None:
    return meeting.minutes_revisions.order_by("-number").first()


def minutes_diff(meeting: Meeting) -> list[tuple[str, str]]:
    """The last two revisions compared line by line: (kind, line), kind among "same", "added", "removed"."""
    last_two = list(meeting.minutes_revisions.order_by("-number")[:2])
    if len(last_two) < 2:
        return []
    new, old = last_two[0].text.splitlines(), last_two[1].text.splitlines()
    lines = []
    for line in difflib.ndiff(old, new):
        code, text = line[:2], line[2:]
        if code == "? ":
            continue
        lines.append(({"+ ": "added", "- ": "removed"}.get(code, "same"), text))
    return lines


# Outcomes and actions
