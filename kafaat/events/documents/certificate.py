"""The attendance certificate, in its participant's language (the `Certificate` row keeps it), its number
printed so that anyone can ask the organiser whether it is genuine."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import translation
from django.utils.translation import gettext as _

from kafaat.core.documents import Document, pdf_bytes
from kafaat.core.documents.page import FAMILY
from kafaat.core.l10n.formatting import format_date
from kafaat.core.l10n.names import name_in
from kafaat.events.documents.common import event_dates, event_name, organiser_name
from kafaat.events.models import Certificate
from kafaat.events.registrant_names import name_of


def _draw(document: Document, certificate: Certificate) -> None:
    registration = certificate.registration
    event = registration.event
    language = document.language
    document.add_page()
    document.set_draw_color(120, 120, 120)
    document.set_line_width(0.8)
    document.rect(10, 10, document.w - 20, document.h - 20)
    document.set_line_width(0.2)
    document.set_y(22)
    document.paragraph(organiser_name(event, language), size=13, align="C", bold=True)
    document.ln(8)
    document.heading(_("Certificate of attendance"), size=26, align="C")
    document.ln(8)
    document.paragraph(_("This is to certify that"), size=14, align="C")
    document.ln(2)
    document.paragraph(name_of(registration, language), size=20, align="C", bold=True)
    document.ln(2)
    place = ", ".join(p for p in (event.venue, name_in(event.territory, language, prefix="name")[0]) if p)
    document.paragraph(
        _("attended %(event)s, held %(dates)s in %(place)s.")
        % {"event": event_name(event, language), "dates": event_dates(event, language), "place": place},
        size=14,
        align="C",
    )
    document.ln(2)
    document.paragraph(
        _("Sessions attended: %(attended)s of %(total)s.")
        % {"attended": certificate.sessions_attended, "total": certificate.sessions_total},
        size=12,
        align="C",
    )
    document.set_y(document.h - 50)
    document.set_font(FAMILY, size=11)
    issued = format_date(certificate.issued_at, language, "long", isolated=False)
    document.paragraph(_("Issued on %(date)s.") % {"date": issued}, size=11)
    document.paragraph(_("Certificate number: %(number)s") % {"number": certificate.number}, size=11)
    document.set_y(document.h - 50)
    document.paragraph(_("Signature and stamp of the organiser"), size=11, align=document.end)


def certificates_pdf(certificates: Sequence[Certificate]) -> bytes:
    """One PDF of several certificates, each page in its own participant's language (one document per
    language would split the batch; pages of one file may run in either direction)."""
    certificates = list(certificates)
    first = certificates[0].language if certificates else "fr"
    with translation.override(first):
        document = Document(
            first, title=_("Certificate of attendance"), orientation="landscape", page_numbers=False
        )
    document.set_auto_page_break(False)
    for certificate in certificates:
        language = certificate.language or "fr"
        document.language, document.rtl = language, language == "ar"
        with translation.override(language):
            _draw(document, certificate)
    return pdf_bytes(document)


def certificate_pdf(certificate: Certificate) -> bytes:
    return certificates_pdf([certificate])
