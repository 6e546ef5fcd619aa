"""PDF documents in the reader's language, Arabic shaped and right to left, without system libraries.

fpdf2 writes the PDF and shapes text through HarfBuzz (uharfbuzz wheels); the Amiri font shipped in
`fonts/` (SIL OFL 1.1, Arabic and Latin glyphs) is embedded, subset, in every document (ADR "pdf documents").
Other apps (grants' letters, quality's reports) reuse this package: `Document` is a page with a header and a
footer, paragraphs that follow the language's direction, and tables; `pdf_bytes` gives the finished file.
"""

from kafaat.core.documents.page import Document, pdf_bytes
from kafaat.core.documents.text import direction_of, is_rtl

__all__ = ["Document", "direction_of", "is_rtl", "pdf_bytes"]
