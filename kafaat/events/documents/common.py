"""What the event documents share: the event's name and dates in the document's language."""

from __future__ import annotations

from django.utils import translation

from kafaat.core.l10n.formatting import format_date
from kafaat.core.l10n.names import name_in
from kafaat.events.models import Event


def event_name(event: Event, language: str) -> str:
    return name_in(event, language, prefix="name")[0]


def event_dates(event: Event, language: str) -> str:
    start = format_date(event.start_date, language, "long", isolated=False)
    if event.end_date == event.start_date:
        return start
    end = format_date(event.end_date, language, "long", isolated=False)
    with translation.override(language):
        return translation.gettext("from %(start)s to %(end)s") % {"start": start, "end": end}


def organiser_name(event: Event, language: str) -> str:
    return name_in(event.organiser, language, prefix="name")[0]
