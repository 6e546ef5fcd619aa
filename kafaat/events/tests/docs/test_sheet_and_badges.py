"""The sign-in sheet and the badges, read back from the PDF: names sorted, the header repeated on every page,
the badge code as text and as a QR code that decodes to it, in French and in Arabic."""

import io

import pytest
import segno
from PIL import Image
from pypdf import PdfReader

from kafaat.contacts.models import Contact
from kafaat.events.documents import badges_pdf, sign_in_sheet_pdf
from kafaat.events.documents.badges import qr_png
from kafaat.events.models import Registration
from kafaat.events.tests.docs.pdf_text import pdf_pages, pdf_text

pytestmark = pytest.mark.django_db


def test_the_french_sheet_lists_registrants_by_name_with_a_box_per_session(event_world):
    text = pdf_text(sign_in_sheet_pdf(event_world["event"], "fr"))
    assert "Feuille d'émargement" in text and "Atelier de collecte de données" in text
    order = [text.index(name) for name in ("Alaoui", "Amrani", "Bennani", "Chraibi", "Idrissi", "Tazi")]
    assert order == sorted(order)
    for title in ("S1", "S2", "S3", "S4"):
        assert title in text


def test_the_arabic_sheet_reads_back_in_arabic(event_world):
    text = pdf_text(sign_in_sheet_pdf(event_world["event"], "ar"))
    for word in ("ورقة", "التوقيع", "ورشة", "جمع", "البيانات", "كريم", "العلوي", "الاسم"):
        assert word in text, word
    assert "Feuille" not in text


def test_a_long_list_breaks_pages_and_repeats_the_header(event_world):
    event, agency = event_world["event"], event_world["agency"]
    for number in range(60):
        contact = Contact.objects.create(
            managed_by=agency, territory=event.territory, first_name_latin="P",
            last_name_latin=f"Z{number:03d}", sex="F", organisation_type="ngo",
        )  # fmt: skip
        Registration.objects.create(event=event, contact=contact)
    content = sign_in_sheet_pdf(event, "fr")
    pages = PdfReader(io.BytesIO(content)).pages
    assert len(pages) >= 3
    for page in pages:
        text = page.extract_text()
        assert "Feuille d'émargement" in text  # the page header
        assert "Organisation" in text and "S1" in text  # the table's heading row


def test_badges_carry_the_code_as_text_eight_to_a_page(event_world):
    content = badges_pdf(event_world["event"], "fr")
    assert pdf_pages(content) == 1  # six registrants
    text = pdf_text(content)
    for registration in event_world["registrations"].values():
        assert registration.badge_code in text
    assert "Salma Idrissi" in text


def test_arabic_badges(event_world):
    text = pdf_text(badges_pdf(event_world["event"], "ar"))
    assert "سلمى" in text and "الإدريسي" in text


def test_the_qr_code_on_the_badge_encodes_the_badge_code_alone(event_world):
    code = event_world["registrations"]["Alaoui"].badge_code
    image = Image.open(qr_png(code)).convert("L")
    expected = segno.make(code, error="m", micro=False)
    # Every module of the printed image (8 pixels a module, a 2-module quiet zone) is the one of the code's
    # own QR symbol: what the check-in page scans is the badge code, nothing else.
    for row, bits in enumerate(expected.matrix):
        for column, dark in enumerate(bits):
            pixel = image.getpixel(((column + 2) * 8 + 4, (row + 2) * 8 + 4))
            assert (pixel < 128) == bool(dark)
