"""A page of a Kafaat document: fonts, header and footer, paragraphs and tables in the reader's direction.

Every document is built in one language (the reader's, not the user's who prints it): an Arabic document runs
right to left — text right-aligned, table columns in reverse order — and HarfBuzz joins its letters. Data in
another script (a Latin name, a code) keeps its own order inside the line (fpdf2's bidi algorithm).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.enums import TableCellFillMode, XPos, YPos

from kafaat.core.documents.text import has_arabic, is_rtl

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "Amiri"
MUTED = (90, 90, 90)
RULE = (200, 200, 200)
HEADING_FILL = (235, 238, 242)


class Document(FPDF):
    """An A4 document (portrait by default) in one language, with a header line and numbered pages.

    `header_text` runs at the top of every page (the organisation, the document's title), `footer_text` at the
    bottom with the page number: "page / pages" in the document's digits."""

    def __init__(
        self,
        language: str,
        *,
        title: str = "",
        header_text: str = "",
        footer_text: str = "",
        orientation: str = "portrait",
        page_format: str | tuple[float, float] = "A4",
        page_numbers: bool = True,
    ) -> None:
        super().__init__(orientation=orientation, unit="mm", format=page_format)
        self.language = (language or "fr")[:2]
        self.rtl = is_rtl(self.language)
        self.header_text, self.footer_text, self.page_numbers = header_text, footer_text, page_numbers
        self.add_font(FAMILY, "", str(FONTS / "Amiri-Regular.ttf"))
        self.add_font(FAMILY, "B", str(FONTS / "Amiri-Bold.ttf"))
        # Shaping by HarfBuzz; the paragraph direction is the bidi algorithm's from its first strong letter,
        # which for a document's own sentences is the document's language.
        self.set_text_shaping(use_shaping_engine=True)
        self.set_lang(self.language)
        self.set_title(title)
        self.set_creator("Kafaat")
        self.set_author("Kafaat")
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(15, 15, 15)
        self.alias_nb_pages()
        self.set_font(FAMILY, size=11)

    # --- alignment -------------------------------------------------------------------------------------

    @property
    def start(self) -> str:
        """Where a line of text starts: the right in Arabic."""
        return "R" if self.rtl else "L"

    @property
    def end(self) -> str:
        return "L" if self.rtl else "R"

    def columns(self, values: Sequence) -> list:
        """Table columns as read: the first on the right in Arabic."""
        return list(reversed(values)) if self.rtl else list(values)

    # --- page furniture --------------------------------------------------------------------------------

    def header(self) -> None:
        if not self.header_text:
            return
        self.set_font(FAMILY, size=9)
        self.set_text_color(*MUTED)
        self.cell(0, 6, self.header_text, align=self.start, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*RULE)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(3)
        self.set_text_color(0, 0, 0)
        self.set_font(FAMILY, size=11)

    def footer(self) -> None:
        if not self.page_numbers and not self.footer_text:
            return
        self.set_y(-13)
        self.set_font(FAMILY, size=8)
        self.set_text_color(*MUTED)
        page = f"{self.page_no()} / {{nb}}"
        if self.footer_text:
            self.cell(0, 5, self.footer_text, align=self.start)
            self.set_x(self.l_margin)
        if self.page_numbers:
            self.cell(0, 5, page, align=self.end)
        self.set_text_color(0, 0, 0)

    # --- content ---------------------------------------------------------------------------------------

    def heading(self, text: str, size: float = 16, align: str | None = None) -> None:
        self.set_font(FAMILY, "B", size)
        self.multi_cell(0, size * 0.55, text, align=align or self.start, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, size=11)
        self.ln(1)

    def paragraph(self, text: str, size: float = 11, align: str | None = None, bold: bool = False) -> None:
        """A paragraph in the document's direction (right-aligned in Arabic, whatever script it holds)."""
        self.set_font(FAMILY, "B" if bold else "", size)
        self.multi_cell(0, size * 0.55, text, align=align or self.start, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, size=11)

    def table_of(
        self,
        headings: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        widths: Sequence[float] | None = None,
        size: float = 10,
        min_row_height: float | None = None,
    ) -> None:
        """A table whose heading row repeats on every page; columns in reading order, text aligned at its
        start (numbers are the caller's to format)."""
        self.set_font(FAMILY, size=size)
        self.set_draw_color(*RULE)
        headings_style = FontFace(emphasis="BOLD", fill_color=HEADING_FILL)
        with self.table(
            col_widths=tuple(self.columns(widths)) if widths else None,
            text_align=self.start,
            headings_style=headings_style,
            cell_fill_mode=TableCellFillMode.NONE,
            line_height=size * 0.6,
            min_row_height=min_row_height,
            repeat_headings=1,
        ) as table:
            heading_row = table.row()
            for value in self.columns(headings):
                heading_row.cell(value)
            for values in rows:
                row = table.row()
                for value in self.columns(values):
                    row.cell(value, align=self.start if has_arabic(value) or not self.rtl else self.start)
        self.set_font(FAMILY, size=11)


# Tables HarfBuzz used to shape the text (read from the font file, not from these parsed copies) and fpdf2
# drops from the embedded subset anyway; fontTools' subsetter would still parse Amiri's large ones first,
# which was half the time of a certificate (measured: 0.9 s of 1.9 s).
SHAPING_TABLES = ("GSUB", "GPOS", "GDEF")


def pdf_bytes(document: Document) -> bytes:
    for font in document.fonts.values():
        parsed = getattr(font, "ttfont", None)
        for tag in SHAPING_TABLES:
            if parsed is not None and tag in parsed:
                del parsed[tag]
    return bytes(document.output())
