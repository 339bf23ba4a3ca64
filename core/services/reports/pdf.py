"""The briefing as a PDF: A4, the bundled Chinese font embedded (subset), the district's name and the
day in every page's header, page numbers in the footer."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from core.config import DATA_DIR
from core.model.errors import InvalidInput
from core.services.reports.layout import Block, Document

FONT = DATA_DIR / "fonts" / "FangxianReportSans.otf"
FAMILY = "fxsans"
INK, MUTED, ACCENT, RULE = (33, 37, 41), (108, 117, 125), (165, 15, 21), (206, 212, 218)


def font_path() -> Path:
    """``FANGXIAN_REPORT_FONT`` (a full CJK font a district prefers), else the bundled one."""
    path = Path(os.environ.get("FANGXIAN_REPORT_FONT") or FONT)
    if not path.is_file():
        raise InvalidInput("report.font_missing", path=str(path))
    return path


def _aligns(blk: Block) -> tuple[str, ...]:
    """Words to the left, numbers to the right (a column of numbers: most of its cells start with a digit or a sign)."""
    out = []
    for j in range(len(blk.header)):
        cells = [r[j] for r in blk.rows]
        numeric = sum(c[:1].isdigit() or c[:1] in "+−-—" for c in cells)
        out.append("RIGHT" if j and cells and numeric * 2 >= len(cells) else "LEFT")
    return tuple(out)


def render_pdf(doc: Document) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    page_label = doc.header

    class Briefing(FPDF):  # type: ignore[misc]
        def header(self) -> None:
            self.set_font(FAMILY, size=9)
            self.set_text_color(*MUTED)
            self.cell(0, 6, page_label, align="R")
            self.ln(7)
            self.set_draw_color(*RULE)
            self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
            self.ln(3)

        def footer(self) -> None:
            self.set_y(-14)
            self.set_font(FAMILY, size=9)
            self.set_text_color(*MUTED)
            self.cell(0, 8, PAGE_TEXT.format(page=self.page_no(), pages="{nb}"), align="C")

    from core.i18n import translate

    PAGE_TEXT = translate("report.page", doc.lang, page="{page}", pages="{pages}")  # noqa: N806
    pdf = Briefing(format="A4", unit="mm")
    pdf.set_title(doc.title)
    pdf.set_creator("fangxian")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=18)
    path = str(font_path())
    extra: dict[str, Any] = {"collection_font_number": 2} if path.endswith(".ttc") else {}
    pdf.add_font(FAMILY, "", path, **extra)
    pdf.add_font(FAMILY, "B", path, **extra)
    pdf.alias_nb_pages()
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    heading = FontFace(family=FAMILY, emphasis="", size_pt=10, color=INK, fill_color=(241, 243, 245))
    for blk in doc.blocks:
        pdf.set_text_color(*INK)
        if blk.kind == "title":
            pdf.set_font(FAMILY, size=20)
            pdf.set_text_color(*ACCENT)
            pdf.multi_cell(width, 11, blk.text, align="C", new_x="LMARGIN", new_y="NEXT")
        elif blk.kind == "subtitle":
            pdf.set_font(FAMILY, size=10)
            pdf.set_text_color(*MUTED)
            pdf.multi_cell(width, 6, blk.text, align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif blk.kind == "mark":
            pdf.set_font(FAMILY, size=10)
            pdf.set_text_color(*ACCENT)
            pdf.multi_cell(width, 6, blk.text, align="C", new_x="LMARGIN", new_y="NEXT")
        elif blk.kind == "heading":
            if pdf.get_y() > pdf.h - 60:  # a heading is never left alone at the foot of a page
                pdf.add_page()
            pdf.ln(3)
            pdf.set_font(FAMILY, size=13)
            pdf.set_text_color(*ACCENT)
            pdf.multi_cell(width, 8, blk.text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif blk.kind == "para":
            pdf.set_font(FAMILY, size=11)
            pdf.multi_cell(width, 6.6, blk.text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif blk.kind == "note":
            pdf.set_font(FAMILY, size=9)
            pdf.set_text_color(*MUTED)
            pdf.multi_cell(width, 5.5, blk.text, new_x="LMARGIN", new_y="NEXT")
        elif blk.kind == "table":
            pdf.set_font(FAMILY, size=10)
            pdf.set_draw_color(*RULE)
            with pdf.table(col_widths=blk.widths or None, width=width, line_height=6.2, headings_style=heading,
                           text_align=_aligns(blk), padding=(0.8, 1.6),
                           wrapmode="CHAR") as table:
                row = table.row()
                for title in blk.header:
                    row.cell(title)
                for r in blk.rows:
                    row = table.row()
                    for cell in r:
                        row.cell(cell)
            pdf.ln(2)
        elif blk.kind == "image" and blk.image:
            from PIL import Image

            with Image.open(io.BytesIO(blk.image)) as im:
                w_px, h_px = im.size
            img_w = min(width, 160.0)
            img_h = img_w * h_px / w_px
            if pdf.get_y() + img_h > pdf.h - 20:
                pdf.add_page()
            pdf.image(io.BytesIO(blk.image), x=pdf.l_margin + (width - img_w) / 2, w=img_w, h=img_h)
            pdf.ln(3)
    return bytes(pdf.output())
