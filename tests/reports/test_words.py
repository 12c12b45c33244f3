"""The official-format words the documents compute: issuing body, number, signer's name, numbering."""

from datetime import date

import pytest

from blocs.models import Bloc, BlocKind
from reports.documents.base import DocumentMeta, Numbering, issuer_name, person_name, recipient_lines
from reports.models import number_text


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("Khối các cơ quan Tham mưu - Tổng hợp", BlocKind.KHOI, "KHỐI THI ĐUA CÁC CƠ QUAN THAM MƯU - TỔNG HỢP"),
        ("Khối thi đua Văn hóa - Xã hội", BlocKind.KHOI, "KHỐI THI ĐUA VĂN HÓA - XÃ HỘI"),
        ("Cụm thi đua các phường", BlocKind.CUM, "CỤM THI ĐUA CÁC PHƯỜNG"),
        ("Cụm các xã miền núi", BlocKind.CUM, "CỤM THI ĐUA CÁC XÃ MIỀN NÚI"),
        ("Đặc khu Cồn Cỏ", BlocKind.CUM, "ĐẶC KHU CỒN CỎ"),
    ],
)
def test_issuing_body_says_it_is_an_emulation_bloc(name, kind, expected):
    assert issuer_name(Bloc(name=name, kind=kind)) == expected


def test_numbers_below_ten_take_a_leading_zero():
    assert number_text(5, "BB-KTĐ") == "05/BB-KTĐ"
    assert number_text(12, "BC-KTĐ") == "12/BC-KTĐ"
    assert number_text(None, "TTr-KTĐ") == "\u00a0" * 5 + "/TTr-KTĐ"


def test_date_line_in_words():
    meta = DocumentMeta("", "", 1, "BC-KTĐ", "Tây Ninh", date(2026, 12, 15), "")
    assert meta.date_line == "Tây Ninh, ngày 15 tháng 12 năm 2026"
    meta.issued_on = date(2026, 2, 5)
    assert meta.date_line == "Tây Ninh, ngày 05 tháng 02 năm 2026"


def test_signatures_print_the_name_alone():
    assert person_name("Ông Lê Quang Thắng, Giám đốc Sở, Sở Nội vụ (Khối trưởng)") == "Lê Quang Thắng"
    assert person_name("Bà Trần Thị B") == "Trần Thị B"
    assert person_name("") == ""


def test_recipients_one_a_line_without_their_dash():
    assert recipient_lines("- Như trên;\n\n  – Lưu: VT.  \n") == ["Như trên;", "Lưu: VT."]


def test_sections_are_numbered_without_gaps():
    part = Numbering()
    assert [part(), part(), part()] == ["I", "II", "III"]
