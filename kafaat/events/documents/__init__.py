"""The printed documents of an event: the sign-in sheet, badges with a QR code, attendance certificates.

Each is a function from model objects to PDF bytes, drawn with `kafaat.core.documents` in one language: the
sheet and the badges in the language the organiser chooses, a certificate in its participant's language.
"""

from kafaat.events.documents.badges import badges_pdf
from kafaat.events.documents.certificate import certificate_pdf, certificates_pdf
from kafaat.events.documents.sign_in_sheet import sign_in_sheet_pdf

__all__ = ["badges_pdf", "certificate_pdf", "certificates_pdf", "sign_in_sheet_pdf"]
