"""The score chart in the DOCX: a native Word bar chart with the same bars as the SVG chart of the
ranking page and the PDF (labels, values, axis maximum from blocs.ranking_data), its data in an
embedded workbook so that "Edit data" works in Word.

python-docx has no chart support; the chart part, its workbook and the inline frame are written here.
"""

from io import BytesIO
from xml.sax.saxutils import escape

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from openpyxl import Workbook

from reports import format as fmt
from units.xlsx import safe_cell

CHART_CT = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
XLSX_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EMU_PER_MM = 36000
BAR_COLOUR = "7A1F1F"  # the SVG chart's bar colour


def add_bar_chart(document, paragraph, data: dict, *, width_mm: float) -> None:
    """Add the chart to `paragraph`. data: labels, values (None: not scored), max, ticks, title."""
    labels = [str(label) for label in data["labels"]]
    values = data["values"]
    package = document.part.package
    number = len([p for p in package.iter_parts() if str(p.partname).startswith("/word/charts/")]) + 1
    chart = Part(PackURI(f"/word/charts/chart{number}.xml"), CHART_CT, b"", package)
    workbook = Part(PackURI(f"/word/embeddings/Microsoft_Excel_Sheet{number}.xlsx"), XLSX_CT, _workbook(data), package)
    workbook_rid = chart.relate_to(workbook, RT.PACKAGE)
    chart._blob = _chart_xml(labels, values, data, workbook_rid).encode("utf-8")
    chart_rid = document.part.relate_to(chart, RT.CHART)
    height_mm = 16 + 8 * len(labels)
    inline = parse_xml(
        '<wp:inline distT="0" distB="0" distL="0" distR="0"'
        ' xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"'
        ' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
        ' xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"'
        ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<wp:extent cx="{int(width_mm * EMU_PER_MM)}" cy="{int(height_mm * EMU_PER_MM)}"/>'
        '<wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{1000 + number}" name="{escape(data.get("title", "Biểu đồ"), {chr(34): "&quot;"})}"/>'
        "<wp:cNvGraphicFramePr/>"
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
        f'<c:chart r:id="{chart_rid}"/>'
        "</a:graphicData></a:graphic></wp:inline>"
    )
    drawing = parse_xml('<w:drawing xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>')
    drawing.append(inline)
    paragraph.add_run()._r.append(drawing)


def _workbook(data: dict) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(["Đơn vị", "Điểm xếp hạng"])
    for label, value in zip(data["labels"], data["values"], strict=True):
        cell_label = sheet.cell(row=sheet.max_row + 1, column=1, value=safe_cell(str(label)))
        sheet.cell(row=cell_label.row, column=2, value=value)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _chart_xml(labels: list[str], values: list, data: dict, workbook_rid: str) -> str:
    n = len(labels)
    categories = "".join(f'<c:pt idx="{i}"><c:v>{escape(label)}</c:v></c:pt>' for i, label in enumerate(labels))
    numbers = "".join(
        f'<c:pt idx="{i}"><c:v>{value}</c:v></c:pt>' for i, value in enumerate(values) if value is not None
    )
    ticks = data.get("ticks") or []
    major = f'<c:majorUnit val="{ticks[1] - ticks[0]}"/>' if len(ticks) > 1 else ""
    maximum = f'<c:max val="{data["max"]}"/>' if data.get("max") else ""
    font = f'<a:latin typeface="{fmt.FONT}"/><a:cs typeface="{fmt.FONT}"/>'
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"'
        ' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
        ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<c:lang val="vi-VN"/><c:roundedCorners val="0"/>'
        '<c:chart><c:autoTitleDeleted val="1"/><c:plotArea><c:layout/>'
        '<c:barChart><c:barDir val="bar"/><c:grouping val="clustered"/><c:varyColors val="0"/>'
        '<c:ser><c:idx val="0"/><c:order val="0"/>'
        '<c:tx><c:strRef><c:f>Sheet1!$B$1</c:f><c:strCache><c:ptCount val="1"/>'
        '<c:pt idx="0"><c:v>Điểm xếp hạng</c:v></c:pt></c:strCache></c:strRef></c:tx>'
        f'<c:spPr><a:solidFill><a:srgbClr val="{BAR_COLOUR}"/></a:solidFill></c:spPr>'
        '<c:invertIfNegative val="0"/>'
        "<c:dLbls><c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>"
        '<c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/><c:showSerName val="0"/>'
        '<c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>'
        f'<c:cat><c:strRef><c:f>Sheet1!$A$2:$A${n + 1}</c:f><c:strCache><c:ptCount val="{n}"/>{categories}'
        "</c:strCache></c:strRef></c:cat>"
        f"<c:val><c:numRef><c:f>Sheet1!$B$2:$B${n + 1}</c:f><c:numCache><c:formatCode>General</c:formatCode>"
        f'<c:ptCount val="{n}"/>{numbers}</c:numCache></c:numRef></c:val>'
        "</c:ser>"
        '<c:gapWidth val="40"/><c:axId val="50010001"/><c:axId val="50010002"/></c:barChart>'
        '<c:catAx><c:axId val="50010001"/><c:scaling><c:orientation val="maxMin"/></c:scaling>'
        '<c:delete val="0"/><c:axPos val="l"/><c:numFmt formatCode="General" sourceLinked="0"/>'
        '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        '<c:crossAx val="50010002"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
        '<c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        '<c:valAx><c:axId val="50010002"/><c:scaling><c:orientation val="minMax"/>'
        f'{maximum}<c:min val="0"/></c:scaling><c:delete val="0"/><c:axPos val="b"/>'
        '<c:majorGridlines><c:spPr><a:ln w="3175"><a:solidFill><a:srgbClr val="DEE2E6"/></a:solidFill>'
        '<a:prstDash val="dash"/></a:ln></c:spPr></c:majorGridlines>'
        '<c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="out"/>'
        '<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/><c:crossAx val="50010001"/>'
        f'<c:crosses val="max"/><c:crossBetween val="between"/>{major}</c:valAx>'
        '</c:plotArea><c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        f'<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="{fmt.NOTE_PT * 100 - 200}">{font}'
        '</a:defRPr></a:pPr><a:endParaRPr lang="vi-VN"/></a:p></c:txPr>'
        f'<c:externalData r:id="{workbook_rid}"><c:autoUpdate val="0"/></c:externalData>'
        "</c:chartSpace>"
    )
