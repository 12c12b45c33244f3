"""The minutes, the submission letter with its list, and the pledge: what each says, in every format."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from blocs.ranking import points_text
from blocs.ranking_data import ranking_for
from reports.documents import KINDS
from reports.pipeline import render_docx, render_pdf, render_xlsx
from tests.reports import YEAR, docx_text, folded, pdf_fonts, pdf_pages, year_records

MOTTO = "Độc lập - Tự do - Hạnh phúc"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


@pytest.fixture
def records(world):
    units = [world["unit_a1"], world["unit_a2"], world["unit_a3"]]
    return {**year_records(world["bloc_a"], units), "units": units, "bloc": world["bloc_a"]}


def pdf_text(kind: str, bloc) -> str:
    return folded(" ".join(pdf_pages(render_pdf(kind, bloc=bloc.pk, year=YEAR))))


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_document_has_the_official_format_and_every_unit(kind, records, tmp_path):
    data = render_pdf(kind, bloc=records["bloc"].pk, year=YEAR)
    pages = pdf_pages(data)
    text = folded(" ".join(pages))
    first = folded(pages[0])
    assert first.startswith("UBND TỈNH QUẢNG TRỊ KHỐI THI ĐUA CÁC CƠ QUAN THAM MƯU - TỔNG HỢP")
    assert f"{NATION} {MOTTO}" in first
    assert f"Số: 01/{KINDS[kind].type_symbol}-KTĐ" in first
    named = [records["units"][0]] if kind == "submission" else records["units"]  # the letter: the proposed unit
    for unit in named:
        assert unit.name in text
    fonts = {row[0].split("+", 1)[1] for row in pdf_fonts(data, tmp_path)}
    assert fonts <= {
        "Liberation-Serif",
        "Liberation-Serif-Bold",
        "Liberation-Serif-Italic",
        "Liberation-Serif-Bold-Italic",
    }
    words = docx_text(render_docx(kind, bloc=records["bloc"].pk, year=YEAR))
    assert NATION in words
    assert MOTTO in words
    assert all(unit.name in words for unit in named)


def test_minutes_give_attendance_every_ballot_and_the_rule(records):
    text = pdf_text("minutes", records["bloc"])
    assert "BIÊN BẢN Hội nghị tổng kết công tác thi đua, khen thưởng năm 2025" in text
    assert "Quảng Trị, ngày 28 tháng 12 năm 2025" in text
    assert "Vào lúc 14 giờ 00 phút, ngày 28 tháng 12 năm 2025, tại Hội trường Văn phòng UBND tỉnh" in text
    assert "Chủ trì: Ông Nguyễn Văn Chủ, Chánh Văn phòng, Khối trưởng." in text
    assert "Có mặt 3/3 đơn vị thành viên; quy chế yêu cầu từ 2/3 tổng số thành viên trở lên (tối thiểu 2): đủ" in text
    assert "1 Văn phòng UBND tỉnh Lê Văn Dự, Phó Giám đốc Có mặt" in text
    counts = "Số thành viên có quyền bỏ phiếu: 3; số phiếu phát ra: 3; số phiếu thu về: 3; số phiếu hợp lệ: 3."
    assert text.count(counts) == 2
    assert "Nguyên tắc: tỷ lệ tính trên tổng số thành viên có quyền bỏ phiếu (3): từ 70% trở lên" in text
    assert "1 Sở Tài chính 0 0/3 (0%) Không đạt 2 Văn phòng UBND tỉnh 3 3/3 (100%) Được đề nghị" in text
    assert "Khối thống nhất đề nghị tặng Cờ thi đua của UBND tỉnh cho Văn phòng UBND tỉnh (đạt 3/3 (100%))" in text
    assert "BẦU ĐƠN VỊ KHỐI TRƯỞNG, KHỐI PHÓ NĂM 2026" in text
    assert "Sở Tài chính trúng cử, đạt 3/3 (100%)" in text
    assert "THƯ KÝ Trần Thị Thư CHỦ TRÌ Nguyễn Văn Chủ" in text
    assert "Nơi nhận" not in text


def test_minutes_tables_in_excel(records):
    book = load_workbook(BytesIO(render_xlsx("minutes", bloc=records["bloc"].pk, year=YEAR)))
    assert book.sheetnames == ["Thành phần dự họp", "Phiếu 1", "Phiếu 2"]
    flag = list(book["Phiếu 1"].iter_rows(values_only=True))
    assert flag[0][0] == "Bình xét đề nghị tặng Cờ thi đua của UBND tỉnh"
    assert flag[2:] == [
        ("STT", "Đơn vị", "Số phiếu", "Tỷ lệ", "Kết quả"),
        (1, "Sở Tài chính", 0, "0/3 (0%)", "Không đạt"),
        (2, "Văn phòng UBND tỉnh", 3, "3/3 (100%)", "Được đề nghị"),
    ]


def test_minutes_wait_for_the_year_end_meeting(world, client_for, secretary_a):
    client = client_for(secretary_a)
    kwargs = {"pk": world["bloc_a"].pk, "year": YEAR, "kind": "bien-ban"}
    page = client.get(reverse("reports:preview", kwargs=kwargs))
    assert page.status_code == 200
    assert "Năm 2025 khối chưa ghi hội nghị tổng kết, bình xét nên chưa có biên bản" in page.content.decode()
    assert client.get(reverse("reports:pdf", kwargs=kwargs)).status_code == 404


def test_submission_letter_lists_the_proposals_with_rating_score_rank_and_share(records):
    pages = pdf_pages(render_pdf("submission", bloc=records["bloc"].pk, year=YEAR))
    text = folded(" ".join(pages))
    assert "TỜ TRÌNH Về việc đề nghị khen thưởng thành tích công tác thi đua năm 2025" in text
    assert "Kính gửi: Hội đồng Thi đua - Khen thưởng tỉnh Quảng Trị." in text
    assert "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15;" in text
    assert "1. Cờ thi đua của UBND tỉnh: 1 tập thể, gồm Văn phòng UBND tỉnh." in text
    appendix = next(i for i, page in enumerate(pages) if "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2025" in page)
    assert appendix > next(i for i, page in enumerate(pages) if "Nơi nhận:" in page)
    assert "(Kèm theo Tờ trình số 01/TTr-KTĐ ngày 28 tháng 12 năm 2025 của Khối các cơ quan Tham mưu" in text
    ranking = ranking_for(bloc=records["bloc"], year=YEAR)
    top = ranking.ranking.rows[0]
    assert top.key == records["units"][0].pk
    assert f"1 Văn phòng UBND tỉnh HTXSNV {points_text(top.final)} 1 3/3 (100%)" in text
    book = load_workbook(BytesIO(render_xlsx("submission", bloc=records["bloc"].pk, year=YEAR)))
    rows = list(book["Danh sách đề nghị"].iter_rows(values_only=True))
    assert rows[3][:2] == ("I", "Cờ thi đua của UBND tỉnh (1 tập thể)")
    assert rows[4] == (1, "Văn phòng UBND tỉnh", "HTXSNV", float(top.final), 1, "3/3 (100%)")


def test_submission_waits_for_nominations(world, client_for, secretary_a):
    kwargs = {"pk": world["bloc_a"].pk, "year": YEAR, "kind": "to-trinh"}
    page = client_for(secretary_a).get(reverse("reports:preview", kwargs=kwargs)).content.decode()
    assert "chưa có hồ sơ đề nghị khen thưởng nên chưa có tờ trình" in page


def test_pledge_has_its_articles_targets_and_a_signature_row_per_member(records):
    text = pdf_text("pledge", records["bloc"])
    assert "BẢN GIAO ƯỚC THI ĐUA NĂM 2025" in text
    assert "Quảng Trị, ngày 15 tháng 3 năm 2025" in text
    assert "Hôm nay, ngày 15 tháng 3 năm 2025, tại Hội trường, các đơn vị thành viên" in text
    assert "Điều 1. Thi đua hoàn thành xuất sắc nhiệm vụ được giao." in text
    assert "Điều 3. Phấn đấu đạt các chỉ tiêu thi đua sau:" in text
    assert "1 100% đơn vị ký kết giao ước thi đua 100%" in text
    assert "ĐẠI DIỆN CÁC ĐƠN VỊ THÀNH VIÊN KÝ KẾT" in text
    for index, unit in enumerate(records["units"], start=1):
        assert f"{index} {unit.name} Nguyễn Văn Ký Giám đốc" in text
    import docx

    document = docx.Document(BytesIO(render_docx("pledge", bloc=records["bloc"].pk, year=YEAR)))
    signatures = document.tables[-1]
    assert [c.text for c in signatures.rows[0].cells] == ["STT", "Đơn vị", "Họ tên, chức vụ người ký", "Ký tên"]
    assert len(signatures.rows) == 1 + len(records["units"])
    assert signatures.rows[1].height.mm == pytest.approx(16, abs=0.1)
