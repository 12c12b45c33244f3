"""A document's HTML (the official-format shell and its body) written as DOCX, for the bloc to edit
before signing: the same header table, number, date, title, body paragraphs, tables, signature and
recipients, in Times New Roman with the measures of reports/format.py.

It reads the small vocabulary the shell documents (templates/reports/shell.html) — p, h2, h3,
ul.dash/li, table.doc-table, figure.doc-chart, hr.doc-rule, strong, em, br — by element and class;
text comes from the HTML's text nodes, so nothing in it can become markup or a field.
"""

import json
import re
from dataclasses import dataclass, replace
from io import BytesIO

import lxml.html
from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from reports import format as fmt

CENTER, LEFT, RIGHT, JUSTIFY = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.RIGHT,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
)
TEXT_WIDTH_MM = fmt.PAGE_WIDTH_MM - fmt.MARGIN_LEFT_MM - fmt.MARGIN_RIGHT_MM
MIN_COLUMN_MM = 18
SIGNATURE_COLUMN_CHARS = 28  # an empty cell to sign in: as wide as a name


@dataclass(frozen=True)
class Style:
    """How a paragraph of a given class is set (the DOCX side of print.css)."""

    size: float = fmt.BODY_PT
    bold: bool = False
    italic: bool = False
    upper: bool = False
    align: WD_ALIGN_PARAGRAPH = JUSTIFY
    indent: bool = True  # first-line indent
    before: float = fmt.PARAGRAPH_SPACING_PT
    keep_with_next: bool = False


BODY = Style()
HEADING = Style(bold=True, keep_with_next=True)
PARAGRAPH_CLASSES = {
    "doc-parent": Style(size=fmt.HEADER_PT, upper=True, align=CENTER, indent=False, before=0),
    "doc-issuer": Style(size=fmt.HEADER_PT, bold=True, upper=True, align=CENTER, indent=False, before=0),
    "doc-nation": Style(size=fmt.HEADER_PT, bold=True, align=CENTER, indent=False, before=0),
    "doc-motto": Style(size=fmt.MOTTO_PT, bold=True, align=CENTER, indent=False, before=0),
    "doc-title": Style(size=fmt.TITLE_PT, bold=True, upper=True, align=CENTER, indent=False, before=20),
    "doc-subject": Style(size=fmt.TITLE_PT, bold=True, align=CENTER, indent=False, before=0),
    "doc-addressee": Style(align=CENTER, indent=False),
    "doc-recipients-title": Style(
        size=fmt.RECIPIENTS_TITLE_PT, bold=True, italic=True, align=LEFT, indent=False, before=0
    ),
    "doc-recipient": Style(size=fmt.RECIPIENTS_PT, align=LEFT, indent=False, before=0),
    "doc-signature-capacity": Style(bold=True, upper=True, align=CENTER, indent=False, before=0),
    "doc-signature-name": Style(bold=True, align=CENTER, indent=False, before=0),
    "doc-appendix-head": Style(align=CENTER, indent=False, before=0, keep_with_next=True),
    "center": Style(align=CENTER, indent=False),
    "note": Style(size=fmt.NOTE_PT, italic=True, indent=False, before=3),
}
CELL_NUMBER = "num"

# WordprocessingML keeps child elements in a fixed order: what may follow the ones added here.
_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
_AFTER_TBLCELLMAR = ("w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
_AFTER_TBLBORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", *_AFTER_TBLCELLMAR)


def html_to_docx(html: str) -> bytes:
    article = lxml.html.fragment_fromstring(html.strip())
    document = Document()
    _page_setup(document)
    writer = _Writer(document)
    writer.block(article)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


# --- Page, fonts, page numbers -------------------------------------------------------------------


def _page_setup(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(fmt.PAGE_WIDTH_MM), Mm(fmt.PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(fmt.MARGIN_TOP_MM), Mm(fmt.MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(fmt.MARGIN_LEFT_MM), Mm(fmt.MARGIN_RIGHT_MM)
    section.header_distance = Mm(10)
    normal = document.styles["Normal"]
    normal.font.name = fmt.FONT
    normal.font.size = Pt(fmt.BODY_PT)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), fmt.FONT)
    language = OxmlElement("w:lang")
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        language.set(qn(attribute), "vi-VN")
    normal.element.get_or_add_rPr().insert_element_before(language, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    paragraph = normal.paragraph_format
    paragraph.space_before, paragraph.space_after = Pt(0), Pt(0)
    paragraph.line_spacing = fmt.LINE_SPACING
    # Page numbers centred at the top, from page 2: page 1 has a header of its own, left empty.
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = CENTER
    run = number.add_run()
    run.font.size = Pt(fmt.PAGE_NUMBER_PT)
    _field(run, "PAGE")


def _field(run, code: str) -> None:
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "2"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == code:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {code} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


# --- Text runs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Format:
    bold: bool = False
    italic: bool = False
    underline: bool = False


def _segments(element, current: Format, *, skip_own_text: bool = False) -> list[tuple[str, Format]]:
    """The element's text as (text, format) pieces; <br> is a "\n" piece."""
    pieces: list[tuple[str, Format]] = []
    if element.text and not skip_own_text:
        pieces.append((element.text, current))
    for child in element:
        if not isinstance(child.tag, str):  # comments
            pass
        elif child.tag == "br":
            pieces.append(("\n", current))
        else:
            child_format = current
            if child.tag in ("strong", "b"):
                child_format = replace(child_format, bold=True)
            elif child.tag in ("em", "i"):
                child_format = replace(child_format, italic=True)
            if "doc-underline" in child.classes:
                child_format = replace(child_format, underline=True)
            pieces.extend(_segments(child, child_format))
        if child.tail:
            pieces.append((child.tail, current))
    return pieces


def _normalised(pieces: list[tuple[str, Format]]) -> list[tuple[str, Format]]:
    """White space as a browser shows it: runs folded to one space, none at the ends or around breaks."""
    result: list[tuple[str, Format]] = []
    at_line_start = True
    for text, form in pieces:
        if text == "\n":
            if result and result[-1][0] != "\n":
                result[-1] = (result[-1][0].rstrip(" "), result[-1][1])
            result.append(("\n", form))
            at_line_start = True
            continue
        text = re.sub(r"\s+", " ", text)
        if at_line_start:
            text = text.lstrip(" ")
        if not text:
            continue
        result.append((text, form))
        at_line_start = text.endswith(" ")
    while result and result[-1][0] != "\n" and not result[-1][0].strip(" "):
        result.pop()
    if result and result[-1][0] != "\n":
        result[-1] = (result[-1][0].rstrip(" "), result[-1][1])
    return result


def _fill(paragraph, element, style: Style, prefix: str = "") -> None:
    pieces = _normalised(([(prefix, Format())] if prefix else []) + _segments(element, Format()))
    for text, form in pieces:
        run = paragraph.add_run()
        if text == "\n":
            run.add_break(WD_BREAK.LINE)
            continue
        run.text = text.upper() if style.upper else text
        run.font.size = Pt(style.size)
        run.bold = style.bold or form.bold or None
        run.italic = style.italic or form.italic or None
        if form.underline:
            run.underline = True


def _format(paragraph, style: Style) -> None:
    paragraph.alignment = style.align
    paragraph_format = paragraph.paragraph_format
    paragraph_format.space_before = Pt(style.before)
    paragraph_format.space_after = Pt(0)
    paragraph_format.first_line_indent = Cm(fmt.FIRST_LINE_INDENT_CM) if style.indent else None
    if style.keep_with_next:
        paragraph_format.keep_with_next = True


def _style_of(element, default: Style) -> Style:
    for name in element.classes:
        if name in PARAGRAPH_CLASSES:
            return PARAGRAPH_CLASSES[name]
    return default


# --- Blocks --------------------------------------------------------------------------------------


class _Writer:
    def __init__(self, document):
        self.document = document
        self.keep_together = False  # inside a .doc-keep: every paragraph kept with the next

    def paragraph(self, container, element, style: Style, prefix: str = ""):
        paragraph = container.add_paragraph()
        _format(paragraph, style)
        if self.keep_together:
            paragraph.paragraph_format.keep_with_next = True
        _fill(paragraph, element, style, prefix)
        return paragraph

    def block(self, element, container=None) -> None:
        """Write the element's children into the container (the document, or a table cell)."""
        container = container or self.document
        for child in element:
            if not isinstance(child.tag, str):
                continue
            classes = set(child.classes)
            if child.tag == "table" and "doc-header" in classes:
                self.two_columns(child, [fmt.HEADER_LEFT_SHARE, 1 - fmt.HEADER_LEFT_SHARE])
            elif child.tag == "table" and "doc-closing" in classes:
                self.closing(child)
            elif child.tag == "table" and "doc-table" in classes:
                self.table(child)
            elif child.tag == "hr" and "doc-rule" in classes:
                self.rule(container, 0.35 if "doc-rule-issuer" in classes else 0.25)
            elif child.tag == "h1":
                self.paragraph(container, child, _style_of(child, PARAGRAPH_CLASSES["doc-title"]))
            elif child.tag in ("h2", "h3", "h4"):
                self.paragraph(container, child, HEADING)
            elif child.tag == "p":
                if "doc-signature-space" in classes:
                    spacer = container.add_paragraph()
                    spacer.paragraph_format.space_before = Pt(fmt.SIGNATURE_SPACE_PT)
                    continue
                self.paragraph(container, child, _style_of(child, BODY))
            elif child.tag == "ul":
                for item in child.iterchildren("li"):
                    self.paragraph(container, item, _style_of(item, BODY), prefix="- ")
            elif child.tag == "figure" and "doc-chart" in classes:
                self.chart(container, child)
            elif child.tag in ("div", "section"):
                if "doc-appendix" in classes:
                    self.page_break()
                keep, self.keep_together = self.keep_together, self.keep_together or "doc-keep" in classes
                self.block(child, container)
                if self.keep_together and not keep and container.paragraphs:
                    container.paragraphs[-1].paragraph_format.keep_with_next = False  # the whole ends here
                self.keep_together = keep

    def rule(self, container, share: float) -> None:
        """A short centred line (under the issuing body, under the subject): a bottom border on an
        empty paragraph narrowed by its indents."""
        paragraph = container.add_paragraph()
        paragraph_format = paragraph.paragraph_format
        paragraph_format.space_before = Pt(0)
        paragraph_format.space_after = Pt(0)
        paragraph_format.line_spacing = Pt(4)
        width = _container_width_mm(container)
        side = Mm(width * (1 - share) / 2)
        paragraph_format.left_indent = side
        paragraph_format.right_indent = side
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
            bottom.set(qn(key), value)
        borders.append(bottom)
        paragraph._p.get_or_add_pPr().insert_element_before(borders, *_AFTER_PBDR)

    def page_break(self) -> None:
        self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def two_columns(self, element, shares: list[float]) -> None:
        """The header: a borderless table, each cell holding its paragraphs."""
        rows = element.findall(".//tr")
        table = self.document.add_table(rows=len(rows), cols=len(shares))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _no_borders(table)
        widths = _set_widths(table, [TEXT_WIDTH_MM * share for share in shares])
        for r, tr in enumerate(rows):
            for c, td in enumerate(tr.findall("td")[: len(shares)]):
                cell = table.cell(r, c)
                cell._width_mm = widths[c]
                cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
                if "doc-number" in td.classes or "doc-date" in td.classes:
                    style = Style(
                        size=fmt.HEADER_PT if "doc-number" in td.classes else fmt.BODY_PT,
                        italic="doc-date" in td.classes,
                        align=CENTER,
                        indent=False,
                        before=8,
                    )
                    self.paragraph(cell, td, style)
                else:
                    self.block(td, cell)
                if not cell.paragraphs:
                    cell.add_paragraph()

    def closing(self, element) -> None:
        """Recipients (left) beside the signature (right), or the signatures side by side."""
        cells = element.findall(".//tr/td")
        if not cells:
            return
        if len(cells) == 1:
            shares = [1.0]
        elif "doc-recipients" in cells[0].classes:
            rest = (1 - fmt.RECIPIENTS_SHARE) / (len(cells) - 1)
            shares = [fmt.RECIPIENTS_SHARE] + [rest] * (len(cells) - 1)
        else:
            shares = [1 / len(cells)] * len(cells)
        spacer = self.document.add_paragraph()
        spacer.paragraph_format.space_before = Pt(6)
        spacer.paragraph_format.keep_with_next = True
        table = self.document.add_table(rows=1, cols=len(cells))
        _no_borders(table)
        table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        widths = _set_widths(table, [TEXT_WIDTH_MM * share for share in shares])
        for index, td in enumerate(cells):
            cell = table.cell(0, index)
            cell._width_mm = widths[index]
            cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
            self.block(td, cell)
            if not cell.paragraphs:
                cell.add_paragraph()

    def table(self, element) -> None:
        """A table of the document: grid lines, header rows repeated on every page, rows kept whole."""
        header = [tr for part in element.findall("thead") for tr in part.findall("tr")]
        body = [tr for part in element.findall("tbody") for tr in part.findall("tr")]
        body += element.findall("tr")
        rows = header + body
        if not rows:
            return
        columns = max(sum(int(td.get("colspan", "1")) for td in tr if td.tag in ("td", "th")) for tr in rows)
        table = self.document.add_table(rows=len(rows), cols=columns)
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _set_widths(table, _column_widths(rows, columns), margins=False)
        for r, tr in enumerate(rows):
            row = table.rows[r]
            properties = row._tr.get_or_add_trPr()
            properties.append(OxmlElement("w:cantSplit"))
            if tr in header:
                properties.append(OxmlElement("w:tblHeader"))
            c = 0
            for td in tr:
                if td.tag not in ("td", "th"):
                    continue
                span = int(td.get("colspan", "1"))
                cell = table.cell(r, c)
                if span > 1:
                    cell = cell.merge(table.cell(r, c + span - 1))
                c += span
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                if "sign-space" in td.classes:
                    row.height = Mm(16)
                is_head = td.tag == "th"
                align = CENTER if is_head or "center" in td.classes else RIGHT if CELL_NUMBER in td.classes else LEFT
                style = Style(
                    size=fmt.TABLE_PT,
                    bold=is_head or "group" in td.classes,
                    align=align,
                    indent=False,
                    before=0,
                )
                paragraph = cell.paragraphs[0]
                _format(paragraph, style)
                if self.keep_together and r < len(rows) - 1:
                    paragraph.paragraph_format.keep_with_next = True
                _fill(paragraph, td, style)

    def chart(self, container, element) -> None:
        """The score chart as a native Word bar chart (reports.docx_chart), then its caption."""
        from reports.docx_chart import add_bar_chart

        data = json.loads(element.get("data-chart", "{}") or "{}")
        if data.get("labels"):
            paragraph = container.add_paragraph()
            _format(paragraph, Style(align=CENTER, indent=False, keep_with_next=True))
            add_bar_chart(self.document, paragraph, data, width_mm=TEXT_WIDTH_MM)
        caption = element.find("figcaption")
        if caption is not None:
            self.paragraph(container, caption, Style(size=fmt.NOTE_PT, italic=True, align=CENTER, indent=False))


def _container_width_mm(container) -> float:
    return getattr(container, "_width_mm", TEXT_WIDTH_MM)


def _set_widths(table, widths_mm: list[float], *, margins: bool = True) -> list[float]:
    """Fixed column widths (the grid and every cell, which Word and LibreOffice each read); the
    layout tables of the header and the signature get no inner cell margins, like the PDF's."""
    table.autofit = False
    for index, width in enumerate(widths_mm):
        table.columns[index].width = Mm(width)
        for cell in table.columns[index].cells:
            cell.width = Mm(width)
    if margins:
        cell_margins = OxmlElement("w:tblCellMar")
        for edge in ("left", "right"):
            element = OxmlElement(f"w:{edge}")
            element.set(qn("w:w"), "0")
            element.set(qn("w:type"), "dxa")
            cell_margins.append(element)
        table._tbl.tblPr.insert_element_before(cell_margins, *_AFTER_TBLCELLMAR)
    return widths_mm


def _column_widths(rows, columns: int) -> list[float]:
    """Share the text width by how long each column's texts are (a number column stays narrow)."""
    longest = [6] * columns
    for tr in rows:
        index = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            span = int(td.get("colspan", "1"))
            if span == 1:
                words = " ".join(td.itertext()).split()
                length = SIGNATURE_COLUMN_CHARS if "sign-space" in td.classes else sum(len(w) + 1 for w in words)
                longest[index] = max(longest[index], min(length, 45))
            index += span
    total = sum(longest)
    widths = [TEXT_WIDTH_MM * length / total for length in longest]
    narrow = [i for i, w in enumerate(widths) if w < MIN_COLUMN_MM]
    if narrow and len(narrow) < columns:
        spare = TEXT_WIDTH_MM - MIN_COLUMN_MM * len(narrow)
        rest = sum(w for i, w in enumerate(widths) if i not in narrow)
        widths = [MIN_COLUMN_MM if i in narrow else w * spare / rest for i, w in enumerate(widths)]
    return widths


def _no_borders(table) -> None:
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.insert_element_before(borders, *_AFTER_TBLBORDERS)
