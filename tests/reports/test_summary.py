"""The year-end summary report in every format: what it says, and that it says it as text."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from blocs.models import MemberRole
from blocs.ranking import points_text
from blocs.ranking_data import ranking_for
from reports.pipeline import render_docx, render_html, render_pdf, render_xlsx
from tests.factories import MembershipFactory, UnitFactory
from tests.reports import YEAR, docx_text, folded, pdf_fonts, pdf_pages, year_records

MOTTO = "Độc lập - Tự do - Hạnh phúc"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
HOSTILE = "=1+1 <script>alert(1)</script> Sở Khoa học và Công nghệ"


@pytest.fixture
def records(world):
    units = [world["unit_a1"], world["unit_a2"], world["unit_a3"]]
    return {**year_records(world["bloc_a"], units), "units": units, "bloc": world["bloc_a"]}


@pytest.fixture
def hostile(world):
    """Bloc A with a fourth member whose name is markup and a spreadsheet formula."""
    unit = UnitFactory(name=HOSTILE, short_name="=2+2 <b>KHCN</b>", code="khcn")
    MembershipFactory(bloc=world["bloc_a"], unit=unit, year=YEAR, role=MemberRole.MEMBER)
    units = [world["unit_a1"], world["unit_a2"], world["unit_a3"], unit]
    year_records(world["bloc_a"], units)
    return world["bloc_a"]


def params(records) -> dict:
    return {"bloc": records["bloc"].pk, "year": YEAR}


def test_pdf_reads_like_the_records(records):
    pages = pdf_pages(render_pdf("summary", **params(records)))
    text = folded(" ".join(pages))
    assert NATION in text
    assert MOTTO in text
    assert "UBND TỈNH QUẢNG TRỊ" in text
    assert "KHỐI THI ĐUA CÁC CƠ QUAN THAM MƯU - TỔNG HỢP" in folded(pages[0])
    assert "Số: 01/BC-KTĐ" in text
    assert "Quảng Trị, ngày 28 tháng 12 năm 2025" in text
    assert "BÁO CÁO" in text
    assert "Tổng kết công tác thi đua, khen thưởng năm 2025" in text
    assert "Khối các cơ quan Tham mưu - Tổng hợp" in text
    for unit in records["units"]:
        assert unit.name in text
    ranking = ranking_for(bloc=records["bloc"], year=YEAR)
    for row in ranking.ranking.rows:
        assert f"{ranking.units[row.key].name} {points_text(row.self_total)} {points_text(row.assessed_total)}" in text
    assert "Cờ thi đua của UBND tỉnh: Văn phòng UBND tỉnh đạt 3/3 (100%)" in text
    assert "Hội nghị tổng kết đã bầu Sở Tài chính làm đơn vị Khối trưởng năm 2026" in text
    for part in ("Các đơn vị đoàn kết, phối hợp chặt chẽ.", "Một số đơn vị gửi báo cáo chậm."):
        assert part in text
    assert "TM. KHỐI THI ĐUA" in text
    assert "KHỐI TRƯỞNG" in text
    assert "Nơi nhận:" in text
    assert "- Ban Thi đua - Khen thưởng tỉnh;" in text


def test_page_numbers_start_on_page_two(records):
    pages = pdf_pages(render_pdf("summary", **params(records)), layout=True)
    assert len(pages) >= 2
    first_lines = [next(line.strip() for line in page.splitlines() if line.strip()) for page in pages]
    assert not first_lines[0].isdigit()
    assert first_lines[1:] == [str(n) for n in range(2, len(pages) + 1)]


def test_pdf_embeds_only_the_bundled_serif(records, tmp_path):
    fonts = pdf_fonts(render_pdf("summary", **params(records)), tmp_path)
    names = {row[0].split("+", 1)[1] for row in fonts}
    assert {"Liberation-Serif", "Liberation-Serif-Bold", "Liberation-Serif-Italic"} <= names
    assert names <= {
        "Liberation-Serif",
        "Liberation-Serif-Bold",
        "Liberation-Serif-Italic",
        "Liberation-Serif-Bold-Italic",
    }
    assert all(row[-5] == "yes" for row in fonts)  # the "emb" column


def test_the_same_records_give_the_same_bytes(records):
    """What a background task renders is what a view sends: nothing in the PDF depends on the moment."""
    assert render_pdf("summary", **params(records)) == render_pdf("summary", **params(records))


def test_chart_is_the_ranking_pages_svg(records, client_for, board):
    html = render_html("summary", **params(records))
    page = client_for(board).get(reverse("blocs:ranking", kwargs={"pk": records["bloc"].pk, "year": YEAR}))
    bars = [line.strip() for line in page.content.decode().splitlines() if "<rect " in line]
    assert bars
    assert bars == [line.strip() for line in html.splitlines() if "<rect " in line]


def test_docx_has_the_official_parts_and_the_records(records):
    import docx

    data = render_docx("summary", **params(records))
    text = docx_text(data)
    for part in (NATION, MOTTO, "Số: 01/BC-KTĐ", "Quảng Trị, ngày 28 tháng 12 năm 2025", "BÁO CÁO", "Nơi nhận:"):
        assert part in text
    for unit in records["units"]:
        assert unit.name in text
    document = docx.Document(BytesIO(data))
    section = document.sections[0]
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (30, 15)
    assert (round(section.top_margin.mm), round(section.bottom_margin.mm)) == (20, 20)
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert "PAGE" not in section.first_page_header._element.xml
    ranking_table = next(t for t in document.tables if t.rows[0].cells[0].text == "Hạng")
    assert "w:tblHeader" in ranking_table.rows[0]._tr.xml
    assert all("w:cantSplit" in row._tr.xml for row in ranking_table.rows)
    ranking = ranking_for(bloc=records["bloc"], year=YEAR)
    first = ranking.ranking.rows[0]
    assert [c.text for c in ranking_table.rows[1].cells][:5] == [
        "1",
        ranking.units[first.key].name,
        points_text(first.self_total),
        points_text(first.assessed_total),
        points_text(first.final),
    ]
    charts = [p for p in document.part.package.iter_parts() if str(p.partname).startswith("/word/charts/")]
    assert len(charts) == 1
    assert ranking.ranking.rows[0].label.encode() in charts[0].blob


def test_xlsx_has_every_table_with_numbers_as_numbers(records):
    book = load_workbook(BytesIO(render_xlsx("summary", **params(records))))
    assert book.sheetnames == ["Chỉ tiêu giao ước", "Xếp hạng"]
    sheet = book["Xếp hạng"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2] == ("Hạng", "Đơn vị", "Điểm tự chấm", "Điểm thẩm định", "Điểm xếp hạng", "Xếp loại")
    ranking = ranking_for(bloc=records["bloc"], year=YEAR)
    expected = [
        (row.rank, ranking.units[row.key].name, float(row.self_total), float(row.assessed_total), float(row.final))
        for row in ranking.ranking.rows
    ]
    assert [(r[0], r[1], float(r[2]), float(r[3]), float(r[4])) for r in rows[3:]] == expected


def test_markup_and_formulas_in_a_name_stay_text_in_every_format(hostile, client_for, board):
    kwargs = {"pk": hostile.pk, "year": YEAR, "kind": "bao-cao-tong-ket"}
    page = client_for(board).get(reverse("reports:preview", kwargs=kwargs)).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>KHCN</b>" not in page

    assert HOSTILE in folded(" ".join(pdf_pages(render_pdf("summary", bloc=hostile.pk, year=YEAR))))
    assert HOSTILE in docx_text(render_docx("summary", bloc=hostile.pk, year=YEAR))

    book = load_workbook(BytesIO(render_xlsx("summary", bloc=hostile.pk, year=YEAR)))
    names = [row[1] for row in book["Xếp hạng"].iter_rows(min_row=4, values_only=True)]
    assert "'" + HOSTILE in names  # Excel's own "this is text" mark (units.xlsx.safe_cell)
    assert not any(cell.data_type == "f" for sheet in book.worksheets for row in sheet.iter_rows() for cell in row)


def test_report_without_texts_or_meeting_still_reads(world):
    """A year with members only: the report says what there is, and no section is left empty."""
    text = folded(" ".join(pdf_pages(render_pdf("summary", bloc=world["bloc_a"].pk, year=YEAR))))
    assert "có 3 đơn vị thành viên" in text
    assert "chưa có bảng chấm điểm" in text
    assert "ĐÁNH GIÁ CHUNG" not in text
    assert "./." in text
