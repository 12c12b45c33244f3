"""The official format is stated twice — static/css/print.css (preview, PDF) and reports/format.py (DOCX):
the two must agree, so a fix made in one and not the other fails here."""

import re
from pathlib import Path

from reports import format as fmt

CSS = (Path(__file__).resolve().parents[2] / "static" / "css" / "print.css").read_text(encoding="utf-8")


def rule(selector: str) -> str:
    match = re.search(re.escape(selector) + r"\s*\{(.*?)\n\}", CSS, re.S)
    assert match, selector
    return match.group(1)


def value(selector: str, prop: str) -> str:
    match = re.search(rf"(?<![-\w]){prop}:\s*([^;]+);", rule(selector))
    assert match, (selector, prop)
    return match.group(1).strip()


def test_page_size_and_margins():
    page = rule("@page")
    assert "size: A4;" in page
    top, right, bottom, left = re.search(r"margin: (\S+) (\S+) (\S+) (\S+);", page).groups()
    assert (top, right, bottom, left) == tuple(
        f"{v}mm" for v in (fmt.MARGIN_TOP_MM, fmt.MARGIN_RIGHT_MM, fmt.MARGIN_BOTTOM_MM, fmt.MARGIN_LEFT_MM)
    )
    assert f"font-size: {fmt.PAGE_NUMBER_PT}pt;" in page
    assert "content: none;" in rule("@page :first")


def test_text_sizes_and_spacing():
    assert value(".doc ", "font-size") == f"{fmt.BODY_PT}pt"
    assert value(".doc ", "line-height") == str(fmt.LINE_SPACING)
    assert value(".doc-parent", "font-size") == f"{fmt.HEADER_PT}pt"
    assert value(".doc-motto", "font-size") == f"{fmt.MOTTO_PT}pt"
    assert value(".doc .doc-title", "font-size") == f"{fmt.TITLE_PT}pt"
    assert value(".doc-table ", "font-size") == f"{fmt.TABLE_PT}pt"
    assert value(".doc-recipients-title", "font-size") == f"{fmt.RECIPIENTS_TITLE_PT}pt"
    assert value(".doc-recipient ", "font-size") == f"{fmt.RECIPIENTS_PT}pt"
    body = rule(".doc-content p,\n.doc-content li")
    assert f"text-indent: {fmt.FIRST_LINE_INDENT_CM:g}cm;" in body
    assert f"margin-top: {fmt.PARAGRAPH_SPACING_PT}pt;" in body
    assert value(".doc-signature-space", "height") == f"{fmt.SIGNATURE_SPACE_PT}pt"


def test_column_shares():
    assert value(".doc-header-left,\n.doc-number", "width") == f"{fmt.HEADER_LEFT_SHARE * 100:g}%"
    assert value(".doc-recipients ", "width") == f"{fmt.RECIPIENTS_SHARE * 100:g}%"


def test_the_fonts_are_bundled_with_their_licence():
    fonts = Path(__file__).resolve().parents[2] / "static" / "fonts"
    for face in ("Regular", "Bold", "Italic", "BoldItalic"):
        assert f'url("../fonts/LiberationSerif-{face}.ttf")' in CSS
        assert (fonts / f"LiberationSerif-{face}.ttf").stat().st_size > 300_000
    assert "SIL Open Font License" in (fonts / "LICENSE-LiberationSerif.txt").read_text(encoding="utf-8")
