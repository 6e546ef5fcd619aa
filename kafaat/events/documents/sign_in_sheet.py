"""The printable sign-in sheet: one row per registrant (sorted by name), a signature box per session, the
heading row and the event repeated on every page."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import translation
from django.utils.translation import gettext as _

from kafaat.core.documents import Document, pdf_bytes
from kafaat.core.l10n.formatting import format_datetime
from kafaat.core.l10n.names import name_in
from kafaat.events.documents.common import event_dates, event_name, organiser_name
from kafaat.events.models import Event, Session
from kafaat.events.registrant_names import name_of, organisation_of, registrants, sorted_by_name

SESSIONS_PER_SHEET = 6  # signature boxes that fit across a landscape A4 page


def session_label(session: Session, language: str) -> str:
    when = format_datetime(session.starts_at, language, isolated=False)
    return f"{session.title}\n{when}" if session.title else when


def sign_in_sheet_pdf(event: Event, language: str, sessions: Sequence[Session] | None = None) -> bytes:
    """The sheet for `sessions` (default: all the event's, at most six to a sheet; more make more sheets)."""
    sessions = list(sessions if sessions is not None else event.sessions.order_by("starts_at", "position"))
    people = sorted_by_name(registrants(event), language)
    with translation.override(language):
        title = _("Sign-in sheet")
        name = event_name(event, language)
        document = Document(
            language,
            title=f"{title} — {name}",
            header_text=f"{organiser_name(event, language)} — {title} — {name}",
            orientation="landscape",
        )
        groups = [sessions[i : i + SESSIONS_PER_SHEET] for i in range(0, len(sessions), SESSIONS_PER_SHEET)]
        for group in groups or [[]]:
            document.add_page()
            document.heading(f"{title}: {name}")
            place = ", ".join(
                part for part in (event.venue, name_in(event.territory, language, prefix="name")[0]) if part
            )
            document.paragraph(f"{event_dates(event, language)} — {place}", size=10)
            document.ln(2)
            headings = ["#", _("Name"), _("Organisation"), *(session_label(s, language) for s in group)]
            widths = [6, 45, 45, *([30] * len(group))] if group else [6, 60, 60, 60]
            if not group:
                headings.append(_("Signature"))
            rows = [
                [
                    str(number),
                    name_of(r, language),
                    organisation_of(r, language),
                    *([""] * max(len(group), 1)),
                ]
                for number, r in enumerate(people, start=1)
            ]
            document.table_of(headings, rows, widths=widths, size=9, min_row_height=11)
        return pdf_bytes(document)
