"""The briefing as a Word file (which offices edit and forward): the same blocks as the PDF, in SimSun /
SimHei for the East Asian text (fonts every office machine in China has, under those names or their
Chinese ones; Word does not need them embedded), the district and day in the header and the page
number in the footer."""

from __future__ import annotations

import io
from typing import Any

from core.services.reports.layout import Document

BODY_FONT, HEAD_FONT, LATIN = "SimSun", "SimHei", "Arial"


def _east_asian(run, name: str) -> None:  # type: ignore[no-untyped-def]
    from docx.oxml.ns import qn

    run.font.name = LATIN
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _page_field(paragraph) -> None:  # type: ignore[no-untyped-def]
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)


def render_docx(doc: Document) -> bytes:
    from docx import Document as Word
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    word = Word()
    section = word.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.0)
    head = section.header.paragraphs[0]
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _east_asian(head.add_run(doc.header), BODY_FONT)
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(foot)
    word.core_properties.title = doc.title
    accent = RGBColor(0xA5, 0x0F, 0x15)

    def para(text: str, size: float, *, bold: bool = False, color: RGBColor | None = None,
             align: Any = None, font: str = BODY_FONT) -> None:
        p = word.add_paragraph()
        if align is not None:
            p.alignment = align
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold
        if color is not None:
            run.font.color.rgb = color
        _east_asian(run, font)

    for blk in doc.blocks:
        if blk.kind == "title":
            para(blk.text, 20, bold=True, color=accent, align=WD_ALIGN_PARAGRAPH.CENTER, font=HEAD_FONT)
        elif blk.kind in ("subtitle", "mark"):
            para(blk.text, 10, color=accent if blk.kind == "mark" else None, align=WD_ALIGN_PARAGRAPH.CENTER)
        elif blk.kind == "heading":
            para(blk.text, 14, bold=True, color=accent, font=HEAD_FONT)
        elif blk.kind == "para":
            para(blk.text, 12)
        elif blk.kind == "note":
            para(blk.text, 9)
        elif blk.kind == "table":
            table = word.add_table(rows=1 + len(blk.rows), cols=len(blk.header))
            table.style = "Table Grid"
            for i, row in enumerate((blk.header, *blk.rows)):
                for j, value in enumerate(row):
                    cell = table.cell(i, j)
                    cell.text = ""
                    p = cell.paragraphs[0]
                    if j:
                        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    run = p.add_run(value)
                    run.font.size = Pt(10.5)
                    run.bold = i == 0
                    _east_asian(run, HEAD_FONT if i == 0 else BODY_FONT)
        elif blk.kind == "image" and blk.image:
            word.add_picture(io.BytesIO(blk.image), width=Cm(15.5))
            word.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
