"""The minutes preview (biên bản): assembled from the records in the shape of official minutes."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from meetings.services_ballots import ballot_create, ballot_record_counts
from tests.meetings.test_meetings import bloc_with_members, make_meeting, mark_attendance
from units.models import AwardType

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def url(meeting):
    return reverse("meetings:minutes", kwargs={"meeting_pk": meeting.pk})


def text_of(response) -> str:
    """The page's words, white space folded, as a reader sees them."""
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", strip_tags(html)).replace("&amp;", "&")


@pytest.fixture
def held(world):
    """A nine-unit bloc's year-end meeting: 8 present, 1 absent; a certificate vote and a head election."""
    bloc, units = bloc_with_members(9, name="Khối Tham mưu")
    meeting = make_meeting(
        bloc,
        place="Hội trường Thanh tra tỉnh",
        agenda="1. Tổng kết năm 2025.\n2. Bình xét thi đua.",
        content="Các đơn vị đã báo cáo kết quả thực hiện giao ước thi đua.",
        conclusions="Hội nghị thống nhất đề nghị khen thưởng như kết quả bỏ phiếu.",
    )
    mark_attendance(meeting, units, present=8)
    certificate = ballot_create(
        meeting=meeting,
        purpose="award",
        award_type=AwardType.objects.get(code="bk-chu-tich-tinh"),
        title="",
        seats=2,
        candidates=units[2:5],
    )
    ballot_record_counts(
        ballot=certificate,
        entitled=9,
        issued=8,
        returned=8,
        valid=8,
        votes={units[2].pk: 7, units[3].pk: 6, units[4].pk: 2},
        expected_version=certificate.version,
    )
    election = ballot_create(meeting=meeting, purpose="head", award_type=None, title="", seats=1, candidates=[units[1]])
    ballot_record_counts(
        ballot=election,
        entitled=9,
        issued=8,
        returned=8,
        valid=8,
        votes={units[1].pk: 8},
        expected_version=election.version,
    )
    return meeting, units


def test_minutes_read_like_official_minutes(held, client_for, board):
    meeting, _units = held
    text = text_of(client_for(board).get(url(meeting)))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Quảng Trị, ngày 28 tháng 12 năm 2025" in text
    assert "BIÊN BẢN Hội nghị tổng kết công tác thi đua, khen thưởng năm 2025" in text
    assert (
        "Vào lúc 14 giờ 00 phút, ngày 28 tháng 12 năm 2025, tại Hội trường Thanh tra tỉnh, Khối Tham mưu 9 tổ chức "
        "Hội nghị tổng kết công tác thi đua, khen thưởng năm 2025." in text
    )
    assert "- Chủ trì: Ông Võ Văn Dũng, Chánh Thanh tra tỉnh, Khối trưởng." in text
    assert "- Thư ký: Bà Phạm Thị Thu Trang, chuyên viên Thanh tra tỉnh." in text


def test_minutes_list_attendance_with_absences_and_the_quorum(held, client_for, board):
    meeting, units = held
    text = text_of(client_for(board).get(url(meeting)))
    present = "; ".join(f"{u.name} (Nguyễn Văn An, Phó Giám đốc)" for u in units[:8])
    assert f"- Có mặt 8/9 đơn vị thành viên: {present}." in text
    assert f"- Vắng: {units[8].name} (Đi công tác)." in text
    assert (
        "- Có mặt 8/9 đơn vị thành viên; quy chế yêu cầu từ 2/3 tổng số thành viên trở lên (tối thiểu 6): "
        "đủ số lượng." in text
    )


def test_minutes_give_each_ballot_its_counts_rule_and_result(held, client_for, board):
    meeting, units = held
    text = text_of(client_for(board).get(url(meeting)))
    assert "III. KẾT QUẢ BÌNH XÉT, BỎ PHIẾU" in text
    assert "1. Bình xét đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh" in text
    assert "- Số thành viên có quyền bỏ phiếu: 9; số phiếu phát ra: 8; số phiếu thu về: 8; số phiếu hợp lệ: 8." in text
    assert "Tỷ lệ tính trên tổng số thành viên có quyền bỏ phiếu (9): từ 70% trở lên" in text
    # 7/9 = 77,8% passes 70%; 6/9 = 66,7% fails, exactly compared
    assert f"1 {units[2].name} 7 7/9 (77,8%) Được đề nghị" in text
    assert f"2 {units[3].name} 6 6/9 (66,7%) Không đạt" in text
    assert f"3 {units[4].name} 2 2/9 (22,2%) Không đạt" in text
    assert (
        f"- Kết quả: Khối thống nhất đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh: {units[2].name} đạt 7/9 (77,8%)."
        in text
    )


def test_minutes_record_the_election(held, client_for, board):
    meeting, units = held
    text = text_of(client_for(board).get(url(meeting)))
    assert "IV. BẦU ĐƠN VỊ KHỐI TRƯỞNG, KHỐI PHÓ NĂM 2026" in text
    assert "1. Bầu đơn vị khối trưởng năm 2026" in text
    assert f"- Kết quả: {units[1].name} trúng cử, đạt 8/9 (88,9%)." in text


def test_minutes_end_with_conclusions_and_signatures(held, client_for, board):
    meeting, _units = held
    text = text_of(client_for(board).get(url(meeting)))
    assert "II. NỘI DUNG" in text
    assert "Các đơn vị đã báo cáo kết quả thực hiện giao ước thi đua." in text
    assert "V. KẾT LUẬN Hội nghị thống nhất đề nghị khen thưởng như kết quả bỏ phiếu." in text
    assert text.index("THƯ KÝ") < text.index("CHỦ TRÌ")
    assert "THƯ KÝ Bà Phạm Thị Thu Trang CHỦ TRÌ Ông Võ Văn Dũng" in text


def test_minutes_of_a_meeting_below_quorum_say_the_ballots_do_not_count(world, client_for, board):
    bloc, units = bloc_with_members(9, name="Khối thiếu")
    meeting = make_meeting(bloc, held_at=datetime(2025, 12, 5, 8, 30, tzinfo=HCM))
    mark_attendance(meeting, units, present=5)
    ballot = ballot_create(
        meeting=meeting,
        purpose="award",
        award_type=AwardType.objects.get(code="co-ubnd-tinh"),
        title="",
        seats=1,
        candidates=units[:1],
    )
    ballot_record_counts(
        ballot=ballot, entitled=9, issued=5, returned=5, valid=5, votes={units[0].pk: 5}, expected_version=1
    )
    text = text_of(client_for(board).get(url(meeting)))
    assert "Vào lúc 08 giờ 30 phút, ngày 05 tháng 12 năm 2025" in text
    assert "không đủ số lượng, các phiếu bầu tại hội nghị không hợp lệ." in text
    assert "- Phiếu bầu không có giá trị:" in text
    assert "KẾT LUẬN" not in text  # nothing written, no empty section


def test_minutes_before_attendance_is_taken(year_end_meeting, client_for, viewer):
    text = text_of(client_for(viewer).get(url(year_end_meeting)))
    assert "- Chưa ghi danh sách dự họp." in text
    assert "Có mặt" not in text
