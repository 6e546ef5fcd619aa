"""Badges: eight to an A4 page (two columns of four, 90 × 65 mm, cut along the grey lines), each with the
participant's name, organisation, the event, and the badge code as text and as a QR code (segno, pure
Python). The check-in page reads this code; it is the code alone, no name or link inside it."""

from __future__ import annotations

import io
from collections.abc import Iterable

import segno
from django.utils import translation

from kafaat.core.documents import Document, pdf_bytes
from kafaat.core.documents.page import FAMILY, RULE
from kafaat.events.documents.common import event_name
from kafaat.events.models import Event, Registration
from kafaat.events.registrant_names import name_of, organisation_of, registrants, sorted_by_name

WIDTH, HEIGHT = 90.0, 65.0
COLUMNS, ROWS = 2, 4
QR_SIZE = 30.0


def qr_png(code: str) -> io.BytesIO:
    buffer = io.BytesIO()
    segno.make(code, error="m", micro=False).save(buffer, kind="png", scale=8, border=2)
    buffer.seek(0)
    return buffer


def badges_pdf(event: Event, language: str, registrations: Iterable[Registration] | None = None) -> bytes:
    people = sorted_by_name(registrations if registrations is not None else registrants(event), language)
    with translation.override(language):
        title = event_name(event, language)
        document = Document(language, title=title)
        document.set_auto_page_break(False)
        left = (document.w - COLUMNS * WIDTH) / 2
        top = (document.h - ROWS * HEIGHT) / 2
        per_page = COLUMNS * ROWS
        for index, registration in enumerate(people):
            if index % per_page == 0:
                document.add_page()
            slot = index % per_page
            column, row = slot % COLUMNS, slot // COLUMNS
            if document.rtl:
                column = COLUMNS - 1 - column
            _badge(document, registration, title, left + column * WIDTH, top + row * HEIGHT, language)
        if not people:
            document.add_page()
        return pdf_bytes(document)


def _badge(document: Document, registration: Registration, title: str, x: float, y: float, language: str):
    document.set_draw_color(*RULE)
    document.rect(x, y, WIDTH, HEIGHT)
    pad = 5.0
    qr_x = x + pad if document.rtl else x + WIDTH - pad - QR_SIZE
    text_x = x + pad + QR_SIZE + 3 if document.rtl else x + pad
    text_width = WIDTH - 2 * pad - QR_SIZE - 3
    document.image(qr_png(registration.badge_code), x=qr_x, y=y + HEIGHT - pad - QR_SIZE - 6, w=QR_SIZE)
    document.set_xy(qr_x, y + HEIGHT - pad - 6)
    document.set_font(FAMILY, "B", 9)
    document.cell(QR_SIZE, 6, registration.badge_code, align="C")
    # The event at the top, across the badge.
    document.set_xy(x + pad, y + pad)
    document.set_font(FAMILY, "", 9)
    document.multi_cell(WIDTH - 2 * pad, 4.5, title, align="C", max_line_height=4.5)
    # The name, large, then the organisation.
    document.set_xy(text_x, y + 22)
    document.set_font(FAMILY, "B", 14)
    document.multi_cell(text_width, 6.5, name_of(registration, language), align=document.start)
    document.set_x(text_x)
    document.set_font(FAMILY, "", 10)
    document.multi_cell(text_width, 5, organisation_of(registration, language), align=document.start)
