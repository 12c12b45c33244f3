"""The board's papers: the review sheet of a year, the award decision draft with its appendix, and the
bundle of every bloc's year-end report — what each says, in every format."""

from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from awards.models import Nomination, ReviewEvent, State
from reports.pipeline import build, render_docx, render_pdf, render_xlsx
from tests.factories import AwardDecisionFactory, BlocFactory, MembershipFactory, UnitFactory, UserFactory
from tests.reports import YEAR, docx_text, folded, issued_document, pdf_pages, year_records
from units.models import AwardType

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
HOSTILE = '=HYPERLINK("http://x","Bấm") <script>alert(1)</script> & <b>Sở «Thử»</b>'


def nominate(bloc, unit, award_code, state, *, reason="", by=None):
    """A nomination by hand in `state`, its last review step carrying `reason`."""
    by = by or UserFactory()
    nomination = Nomination.objects.create(
        bloc=bloc, year=YEAR, unit=unit, award_type=AwardType.objects.get(code=award_code), created_by=by, state=state
    )
    ReviewEvent.objects.create(nomination=nomination, from_state="", to_state=State.DRAFT, by=by)
    if state != State.DRAFT:
        ReviewEvent.objects.create(
            nomination=nomination, from_state=State.UNDER_REVIEW, to_state=state, by=by, reason=reason
        )
    return nomination


@pytest.fixture
def province(world):
    """Bloc A (3 units) and bloc B (2 units) with their year's records; each proposes its first unit for the
    provincial flag (drafts, from the ballot); by hand, Sở Tài chính (A) for the provincial certificate,
    returned with a reason, and Ban Dân vận (B) for it, approved."""
    a = year_records(world["bloc_a"], [world["unit_a1"], world["unit_a2"], world["unit_a3"]])
    b = year_records(world["bloc_b"], [world["unit_b1"], world["unit_b2"]])
    returned = nominate(
        world["bloc_a"], world["unit_a2"], "bk-chu-tich-tinh", State.RETURNED,
        reason="Bổ sung báo cáo thành tích có xác nhận của cơ quan chủ quản.",
    )  # fmt: skip
    approved = nominate(world["bloc_b"], world["unit_b2"], "bk-chu-tich-tinh", State.APPROVED)
    return {"a": a, "b": b, "returned": returned, "approved": approved}


def text_of(data: bytes) -> str:
    return folded(" ".join(pdf_pages(data)))


def rows_of(data: bytes, sheet: str) -> list[tuple]:
    return list(load_workbook(BytesIO(data))[sheet].iter_rows(values_only=True))


# --- The review sheet ------------------------------------------------------------------------------


def test_review_sheet_has_every_nomination_by_award_and_bloc_with_the_boards_opinion(province, world):
    data = render_pdf("review", year=YEAR)
    pages = pdf_pages(data)
    first = folded(pages[0])
    assert first.startswith("SỞ NỘI VỤ TỈNH QUẢNG TRỊ BAN THI ĐUA - KHEN THƯỞNG")
    assert f"{NATION} {MOTTO}" in first
    assert "Số:" not in first  # a summary sheet goes with a letter that has the number
    assert not first.rstrip().endswith(" 1")
    text = text_of(data)
    assert (
        "BẢNG TỔNG HỢP Kết quả thẩm định hồ sơ đề nghị khen thưởng công tác thi đua năm 2025 của các khối, cụm thi đua"
        in text
    )
    assert (
        "tổng hợp kết quả thẩm định 4 hồ sơ đề nghị khen thưởng năm 2025 của 2 khối, cụm thi đua; 1 hồ sơ đủ điều kiện"
        in text
    )
    # By award type (in the award types' order), then by bloc in Vietnamese order, then by unit.
    flag, certificate = (
        text.index("I Cờ thi đua của UBND tỉnh (2 hồ sơ)"),
        text.index("II Bằng khen của Chủ tịch UBND tỉnh (2 hồ sơ)"),
    )
    assert flag < certificate
    assert (
        text.index("1 Khối các cơ quan Đảng (1 hồ sơ) 1 Ban Tuyên giáo Tỉnh ủy HTXSNV 2/2 (100%)", flag) < certificate
    )
    assert (
        text.index("2 Khối các cơ quan Tham mưu - Tổng hợp (1 hồ sơ) 1 Văn phòng UBND tỉnh HTXSNV 3/3 (100%)")
        < certificate
    )
    assert (
        "Chưa đạt: Hồ sơ đủ thành phần — Còn thiếu: Tờ trình đề nghị, Biên bản họp bình xét, Báo cáo thành tích."
        in text
    )
    assert "1 Sở Tài chính HTTNV Lập trực tiếp" in text
    assert "Trả lại để bổ sung Bổ sung báo cáo thành tích có xác nhận của cơ quan chủ quản." in text
    assert "1 Ban Dân vận Tỉnh ủy HTTNV Lập trực tiếp" in text
    assert "Đủ điều kiện" in text
    for unit in ("unit_a1", "unit_a2", "unit_b1", "unit_b2"):
        assert world[unit].name in text
    assert "NGƯỜI TỔNG HỢP TRƯỞNG BAN" in text
    page = PdfReader(BytesIO(data)).pages[0]
    assert page.mediabox.width > page.mediabox.height  # A4 landscape: the table is wide


def test_review_sheet_in_excel(province):
    data = render_xlsx("review", year=YEAR)
    assert load_workbook(BytesIO(data)).sheetnames == ["Tổng hợp", "Thẩm định"]
    totals = rows_of(data, "Tổng hợp")
    assert totals[2][:8] == (
        "STT", "Hình thức khen thưởng", "Số hồ sơ", "Chưa trình", "Chờ thẩm định", "Trả lại bổ sung",
        "Đủ điều kiện", "Không đủ điều kiện",
    )  # fmt: skip
    assert totals[3][:8] == (1, "Cờ thi đua của UBND tỉnh", 2, 2, 0, 0, 0, 0)
    assert totals[4][:8] == (2, "Bằng khen của Chủ tịch UBND tỉnh", 2, 0, 0, 1, 1, 0)
    assert totals[4][9] == 2  # quota used: every nomination but the ones found not eligible
    rows = rows_of(data, "Thẩm định")
    assert rows[2] == (
        "STT", "Tên tập thể", "Xếp loại năm 2025", "Tỷ lệ phiếu bình xét", "Kết quả kiểm tra điều kiện",
        "Trạng thái", "Ý kiến thẩm định của Ban",
    )  # fmt: skip
    assert rows[3][:2] == ("I", "Cờ thi đua của UBND tỉnh (2 hồ sơ)")
    assert rows[4][:2] == ("1", "Khối các cơ quan Đảng (1 hồ sơ)")
    assert rows[5][:4] == (1, "Ban Tuyên giáo Tỉnh ủy", "HTXSNV", "2/2 (100%)")
    assert rows[5][4].startswith("Chưa đạt: ")
    assert rows[5][5] == "Dự thảo"
    returned = next(row for row in rows if row[1] == "Sở Tài chính")
    reason = "Bổ sung báo cáo thành tích có xác nhận của cơ quan chủ quản."
    assert returned[3:] == ("Lập trực tiếp", returned[4], "Trả lại để bổ sung", reason)


def test_an_answered_return_is_no_longer_the_boards_opinion(province):
    returned = province["returned"]
    ReviewEvent.objects.create(
        nomination=returned, from_state=State.RETURNED, to_state=State.SUBMITTED, by=UserFactory()
    )
    Nomination.objects.filter(pk=returned.pk).update(state=State.SUBMITTED)
    row = next(row for row in rows_of(render_xlsx("review", year=YEAR), "Thẩm định") if row[1] == "Sở Tài chính")
    assert row[5:] == ("Đã trình", None)


def test_review_sheet_of_a_year_without_nominations_says_so(world):
    from reports.documents import DocumentUnavailable

    with pytest.raises(DocumentUnavailable, match="Năm 2025 chưa có hồ sơ đề nghị khen thưởng nào"):
        build("review", year=YEAR)


def _grow(n: int) -> None:
    """n more blocs of 3 units, each proposing two of them by hand (one returned with a reason)."""
    for i in range(n):
        bloc = BlocFactory(name=f"Cụm thi đua số {i}", code=f"cum-{i}")
        units = [UnitFactory(name=f"Xã Thử {i}-{j}", code=f"xa-{i}-{j}") for j in range(3)]
        for j, unit in enumerate(units):
            MembershipFactory(bloc=bloc, unit=unit, year=YEAR, role="head" if j == 0 else "member")
        nominate(bloc, units[0], "bk-chu-tich-tinh", State.SUBMITTED)
        nominate(bloc, units[1], "ttldxs", State.RETURNED, reason="Thiếu biên bản.")


def test_review_sheet_reads_a_fixed_number_of_queries(province, django_assert_num_queries):
    with CaptureQueriesContext(connection) as small:
        build("review", year=YEAR)
    _grow(6)
    with django_assert_num_queries(len(small)):
        built = build("review", year=YEAR)
    assert built.context["total"] == 4 + 12


def test_review_sheet_preview_for_province_readers(province, client_for, viewer, board, secretary_a):
    url = reverse("reports:review_sheet") + f"?nam={YEAR}"
    page = client_for(viewer).get(url).content.decode()
    assert 'class="doc doc-tong-hop-tham-dinh doc-landscape"' in page
    assert "Ban Tuyên giáo Tỉnh ủy" in page
    assert 'value="review-pdf"' not in page  # the viewer reads; the board has the sheet made
    assert 'value="review-pdf"' in client_for(board).get(url).content.decode()
    assert client_for(secretary_a).get(url).status_code == 403
    empty = client_for(board).get(reverse("reports:review_sheet") + "?nam=2030").content.decode()
    assert "Năm 2030 chưa có hồ sơ đề nghị khen thưởng nào" in empty


def test_review_queue_links_to_the_sheet_and_the_board_to_its_jobs(province, client_for, viewer, board):
    sheet = reverse("reports:review_sheet")
    queue = client_for(viewer).get(reverse("awards:review_queue") + f"?nam={YEAR}").content.decode()
    assert f"{sheet}?nam={YEAR}" in queue
    assert reverse("reports:jobs") not in queue
    assert reverse("reports:jobs") in client_for(board).get(reverse("awards:review_queue")).content.decode()


# --- The award decision draft ----------------------------------------------------------------------


@pytest.fixture
def decision(province, world):
    """Decision 125/QĐ-UBND of 15/01/2026 for the provincial flag of 2025; both flag proposals approved."""
    Nomination.objects.filter(award_type__code="co-ubnd-tinh").update(state=State.APPROVED)
    return AwardDecisionFactory(
        number="125/QĐ-UBND",
        date=date(2026, 1, 15),
        signer="Ông Nguyễn Văn Hòa",
        signer_title="KT. Chủ tịch, Phó Chủ tịch",
        award_type=AwardType.objects.get(code="co-ubnd-tinh"),
        year=YEAR,
    )


def test_decision_draft_reads_like_a_decision_with_its_appendix(decision, world):
    data = render_pdf("decision", decision=decision.pk)
    pages = pdf_pages(data)
    first = folded(pages[0])
    assert first.startswith("ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ")
    assert f"{NATION} {MOTTO}" in first
    assert "Số: 125/QĐ-UBND" in first
    assert "Quảng Trị, ngày 15 tháng 01 năm 2026" in first
    text = text_of(data)
    assert "QUYẾT ĐỊNH Về việc tặng Cờ thi đua của UBND tỉnh năm 2025 CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ" in text
    assert "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;" in text
    assert "Căn cứ Luật Thi đua, khen thưởng" in text
    assert "Xét đề nghị của Giám đốc Sở Nội vụ (Ban Thi đua - Khen thưởng tỉnh)" in text
    assert "QUYẾT ĐỊNH: Điều 1. Tặng Cờ thi đua của UBND tỉnh cho 2 tập thể (có danh sách kèm theo)" in text
    assert "Điều 2." in text
    assert "Điều 3. Quyết định này có hiệu lực kể từ ngày ký." in text
    assert "Nơi nhận: - Như Điều 3;" in text
    assert "KT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Văn Hòa" in text
    appendix = folded(" ".join(pages[1:]))
    assert appendix.startswith("DANH SÁCH Tập thể được tặng Cờ thi đua của UBND tỉnh năm 2025")
    assert appendix.endswith(" 2")  # the appendix is page 2, numbered (pdftotext puts the number last)
    assert (
        "(Kèm theo Quyết định số 125/QĐ-UBND ngày 15 tháng 01 năm 2026 của Chủ tịch Ủy ban nhân dân tỉnh)" in appendix
    )
    assert (
        "I Khối các cơ quan Đảng 1 Ban Tuyên giáo Tỉnh ủy II Khối các cơ quan Tham mưu - Tổng hợp 2 Văn phòng UBND tỉnh"
        in appendix
    )
    assert "Danh sách có 2 tập thể./." in appendix

    words = docx_text(render_docx("decision", decision=decision.pk))
    for line in ("ỦY BAN NHÂN DÂN", "TỈNH QUẢNG TRỊ", "Số: 125/QĐ-UBND", "QUYẾT ĐỊNH:", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"):
        assert line in words
    assert "Nguyễn Văn Hòa" in words
    assert "Ban Tuyên giáo Tỉnh ủy" in words
    assert "Văn phòng UBND tỉnh" in words

    rows = rows_of(render_xlsx("decision", decision=decision.pk), "Danh sách khen thưởng")
    assert rows[2:] == [
        ("STT", "Tên tập thể"),
        ("I", "Khối các cơ quan Đảng"),
        (1, "Ban Tuyên giáo Tỉnh ủy"),
        ("II", "Khối các cơ quan Tham mưu - Tổng hợp"),
        (2, "Văn phòng UBND tỉnh"),  # numbered through the list
    ]


def test_once_nominations_are_attached_the_draft_lists_them_alone(decision, world, board):
    from awards.services_decisions import decision_attach

    flag = Nomination.objects.get(award_type__code="co-ubnd-tinh", unit=world["unit_a1"])
    decision_attach(decision=decision, versions={flag.pk: flag.version}, user=board)
    text = text_of(render_pdf("decision", decision=decision.pk))
    assert "cho 1 tập thể" in text
    assert "Văn phòng UBND tỉnh" in text
    assert "Ban Tuyên giáo Tỉnh ủy" not in text


def test_a_decision_of_the_prime_minister_and_an_unrecorded_capacity(province, world):
    Nomination.objects.filter(unit=world["unit_a1"]).update(
        award_type=AwardType.objects.get(code="co-chinh-phu"), state=State.APPROVED
    )
    decision = AwardDecisionFactory(
        number="1234/QĐ-TTg", date=date(2026, 2, 5), signer="Trần Văn Lưu", signer_title="",
        award_type=AwardType.objects.get(code="co-chinh-phu"), year=YEAR,
    )  # fmt: skip
    text = text_of(render_pdf("decision", decision=decision.pk))
    assert text.startswith("THỦ TƯỚNG CHÍNH PHỦ")
    assert "Số: 1234/QĐ-TTg" in text
    assert "Hà Nội, ngày 05 tháng 02 năm 2026" in text
    assert "Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;" in text
    assert "KT. THỦ TƯỚNG PHÓ THỦ TƯỚNG Trần Văn Lưu" in text
    assert "Kèm theo Quyết định số 1234/QĐ-TTg ngày 05 tháng 02 năm 2026 của Thủ tướng Chính phủ" in text


def test_a_title_is_conferred_and_a_chairman_signs_as_chairman(province, world):
    Nomination.objects.filter(pk=province["approved"].pk).update(award_type=AwardType.objects.get(code="ttldxs"))
    decision = AwardDecisionFactory(
        number="77/QĐ-UBND", signer="Lê Hồng Quang", signer_title="Chủ tịch UBND tỉnh",
        award_type=AwardType.objects.get(code="ttldxs"), year=YEAR,
    )  # fmt: skip
    text = text_of(render_pdf("decision", decision=decision.pk))
    assert "Về việc công nhận danh hiệu «Tập thể lao động xuất sắc» năm 2025" in text
    assert "Điều 1. Công nhận danh hiệu «Tập thể lao động xuất sắc» cho 1 tập thể" in text
    assert "TĐKT. CHỦ TỊCH Lê Hồng Quang" in text
    assert " KT. CHỦ TỊCH" not in text


def test_decision_pages(decision, client_for, viewer, board):
    detail = client_for(viewer).get(reverse("awards:decision_detail", kwargs={"decision_pk": decision.pk}))
    html = detail.content.decode()
    for name in ("decision", "decision_pdf", "decision_docx", "decision_xlsx"):
        assert reverse(f"reports:{name}", kwargs={"decision_pk": decision.pk}) in html
    preview = client_for(viewer).get(reverse("reports:decision", kwargs={"decision_pk": decision.pk})).content.decode()
    assert 'class="doc doc-du-thao-quyet-dinh"' in preview
    assert "Số: 125/QĐ-UBND" in preview
    pdf = client_for(board).get(reverse("reports:decision_pdf", kwargs={"decision_pk": decision.pk}))
    assert pdf["Content-Type"] == "application/pdf"
    assert "du-thao-quyet-dinh-125-qd-ubnd.pdf" in pdf["Content-Disposition"]
    assert pdf.content == render_pdf("decision", decision=decision.pk)


def test_a_decision_with_nobody_to_list_has_no_draft_yet(world, client_for, board):
    decision = AwardDecisionFactory(number="9/QĐ-UBND")
    preview = client_for(board).get(reverse("reports:decision", kwargs={"decision_pk": decision.pk})).content.decode()
    assert "dự thảo chưa có danh sách đơn vị" in preview
    assert (
        client_for(board).get(reverse("reports:decision_pdf", kwargs={"decision_pk": decision.pk})).status_code == 404
    )


def test_markup_and_formulas_in_a_unit_name_stay_text_everywhere(decision, world, client_for, board):
    unit = world["unit_a1"]
    unit.name = HOSTILE
    unit.save()
    assert HOSTILE in text_of(render_pdf("decision", decision=decision.pk))
    # The review sheet's name column is narrow: the long token wraps, so compare without the white space.
    assert "".join(HOSTILE.split()) in "".join(text_of(render_pdf("review", year=YEAR)).split())
    assert HOSTILE in docx_text(render_docx("decision", decision=decision.pk))
    for data, sheet in ((render_xlsx("decision", decision=decision.pk), "Danh sách khen thưởng"), (
        render_xlsx("review", year=YEAR), "Thẩm định")):  # fmt: skip
        cells = [cell for row in load_workbook(BytesIO(data))[sheet].iter_rows() for cell in row]
        assert "'" + HOSTILE in [c.value for c in cells]  # Excel's "this is text" mark (units.xlsx.safe_cell)
        assert not [c for c in cells if c.data_type == "f"]
    for url in (reverse("reports:decision", kwargs={"decision_pk": decision.pk}), reverse("reports:review_sheet")):
        page = client_for(board).get(url, {"nam": YEAR}).content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- The bundle of every bloc's year-end report -----------------------------------------------------


def test_bundle_has_every_blocs_report_each_on_its_own_pages(province, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    issued = issued_document(world["bloc_a"])  # bloc A's report is issued (number 1); B's is not
    archived = (settings.MEDIA_ROOT / issued.file.name).read_bytes()
    data = render_pdf("bundle", year=YEAR)
    reader = PdfReader(BytesIO(data))
    pages = [page.extract_text() for page in reader.pages]
    contents = folded(pdf_pages(data)[0])
    assert contents.startswith("SỞ NỘI VỤ TỈNH QUẢNG TRỊ BAN THI ĐUA - KHEN THƯỞNG")
    assert "MỤC LỤC Tập báo cáo tổng kết công tác thi đua, khen thưởng năm 2025 của các khối, cụm thi đua" in contents
    part_a = len(PdfReader(BytesIO(archived)).pages)
    part_b = len(PdfReader(BytesIO(render_pdf("summary", bloc=world["bloc_b"].pk, year=YEAR))).pages)
    # Vietnamese order: "Khối các cơ quan Đảng" (B) before "Khối các cơ quan Tham mưu - Tổng hợp" (A).
    assert f"1 Khối các cơ quan Đảng Chưa ban hành (bản lập từ dữ liệu hiện có) {part_b} 2" in contents
    assert f"2 Khối các cơ quan Tham mưu - Tổng hợp Số 01/BC-KTĐ ngày 30/12/2025 {part_a} {2 + part_b}" in contents
    assert len(pages) == 1 + part_b + part_a
    # Each report starts on a new page with its own header, and numbers its pages itself (none on its first).
    start_b, start_a = 1, 1 + part_b
    assert folded(pages[start_b]).startswith("UBND TỈNH QUẢNG TRỊ KHỐI THI ĐUA CÁC CƠ QUAN ĐẢNG")
    assert folded(pages[start_a]).startswith("UBND TỈNH QUẢNG TRỊ KHỐI THI ĐUA CÁC CƠ QUAN THAM MƯU - TỔNG HỢP")
    assert folded(pages[start_a + 1]).endswith(" 2")
    assert not folded(pages[start_a]).endswith(" 1")
    # Bloc A's part is its archived copy: the issued number, not the next one the draft now proposes.
    assert "Số: 01/BC-KTĐ" in folded(pages[start_a])
    assert [pages[start_a + i] for i in range(part_a)] == [p.extract_text() for p in PdfReader(BytesIO(archived)).pages]
    top = [item.title for item in reader.outline if not isinstance(item, list)]  # (a list: a part's own headings)
    assert top == ["Mục lục", world["bloc_b"].name, world["bloc_a"].name]
    assert world["bloc_a"].name in folded(" ".join(pages))
    assert world["bloc_b"].name in folded(" ".join(pages))
