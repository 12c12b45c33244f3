"""Every table of a document as a sheet of one workbook: its title, its header rows, its rows.

A cell that carries `data-num` is written as a number; every other cell is text, and text that a
spreadsheet would run as a formula (=, +, -, @ …) goes through units.xlsx.safe_cell, which marks it
with Excel's apostrophe: a unit named "=1+1" is written "'=1+1" and nothing is ever computed.
"""

import re
import zipfile
from datetime import datetime
from decimal import Decimal, InvalidOperation
from io import BytesIO

import lxml.html
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from units.xlsx import safe_cell

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="E9ECEF")


class NoTables(Exception):
    """The document has no table to write."""


def tables_of(html: str) -> list:
    article = lxml.html.fragment_fromstring(html.strip())
    return [t for t in article.iter("table") if "doc-table" in t.classes]


def tables_to_xlsx(html: str) -> bytes:
    tables = tables_of(html)
    if not tables:
        raise NoTables
    book = Workbook()
    book.remove(book.active)
    names: set[str] = set()
    for index, table in enumerate(tables, start=1):
        sheet = book.create_sheet(_sheet_name(table.get("data-sheet") or f"Bảng {index}", names))
        _write(sheet, table)
    book.properties.created = FIXED_TIME
    out = BytesIO()
    book.save(out)
    return deterministic(out.getvalue())


# No clock in the file: the same records give the same bytes (as the PDFs), so the background task's
# workbook is the direct download's. openpyxl stamps the save time in docProps/core.xml and in the zip.
FIXED_TIME = datetime(1980, 1, 1)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def deterministic(data: bytes) -> bytes:
    """The workbook with its "modified" stamp and its zip entries' times set to FIXED_TIME."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = item.external_attr
            target.writestr(info, content)
    return out.getvalue()


def _sheet_name(wanted: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", wanted).strip().strip("'")[:31] or "Bảng"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def text_of(element) -> str:
    """The cell's text as a browser shows it: white space folded, <br> a new line."""
    raw = "".join(_texts(element))
    return "\n".join(re.sub(r"\s+", " ", line).strip() for line in raw.split("\n")).strip()


def _texts(element):
    if element.text:
        yield element.text
    for child in element:
        if isinstance(child.tag, str):
            if child.tag == "br":
                yield "\n"
            else:
                yield from _texts(child)
        if child.tail:
            yield child.tail


def _write(sheet, table) -> None:
    header = [tr for part in table.findall("thead") for tr in part.findall("tr")]
    body = [tr for part in table.findall("tbody") for tr in part.findall("tr")] + table.findall("tr")
    columns = max((sum(int(c.get("colspan", "1")) for c in tr if c.tag in ("td", "th")) for tr in header + body),
                  default=1)  # fmt: skip
    row = 1
    title = table.get("data-title")
    if title:
        cell = sheet.cell(row=row, column=1)
        put_text(cell, title)
        cell.font = Font(bold=True, size=13)
        if columns > 1:
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
        row += 2
    widths = [8.0] * columns
    first_body_row = row + len(header)
    for tr in header + body:
        is_header = tr in header
        col = 1
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            span = int(td.get("colspan", "1"))
            cell = sheet.cell(row=row, column=col)
            text = text_of(td)
            number = _number(td.get("data-num"))
            if number is not None:
                cell.value = number
            else:
                put_text(cell, text)
            cell.border = _BORDER
            cell.alignment = Alignment(
                wrap_text=True,
                vertical="center",
                horizontal="center" if is_header or "center" in td.classes else None,
            )
            if is_header or "group" in td.classes:
                cell.font = Font(bold=True)
            if is_header:
                cell.fill = _HEADER_FILL
            if span > 1:
                sheet.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + span - 1)
            elif text:
                widths[col - 1] = max(widths[col - 1], min(max(len(line) for line in text.split("\n")) + 2, 60))
            col += span
        row += 1
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    if header:
        sheet.freeze_panes = sheet.cell(row=first_body_row, column=1)
        sheet.print_title_rows = f"{first_body_row - len(header)}:{first_body_row - 1}"


def _number(raw: str | None) -> int | Decimal | None:
    if raw is None or raw.strip() == "":
        return None
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        return None
    return int(value) if value == value.to_integral_value() else value


def put_text(cell, text: str) -> None:
    """Text as text, never a formula: the project's one guard (units.xlsx.safe_cell) marks text that
    starts like a formula with Excel's apostrophe."""
    cell.value = safe_cell(text)
    cell.data_type = "s"
