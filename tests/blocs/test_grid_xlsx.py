"""The score grid as Excel: download, edit with openpyxl, upload back — all or nothing, every bad cell
located the way Excel shows it, cells changed by someone else since the download caught."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from blocs.models import Criterion, Score
from blocs.services_scores import score_set

# Rows: 4 unit_a1 (head), 5 unit_a2 (deputy), 6 unit_a3. Columns: A code, B name, C I.1, D I.2, E I.3, ...


def _download(client, world, year, kind="assessed"):
    response = client.get(reverse("blocs:score_xlsx", args=[world["bloc_a"].pk, year]), {"gia_tri": kind})
    assert response.status_code == 200
    return load_workbook(BytesIO(response.content))


def _upload(client, world, year, book):
    out = BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("cham-diem.xlsx", out.getvalue())
    return client.post(reverse("blocs:score_xlsx_upload", args=[world["bloc_a"].pk, year]), {"file": upload})


def _messages(response):
    return [str(m) for m in response.wsgi_request._messages]


def _set(unit, criterion, value, user, field="assessed"):
    score = Score.objects.filter(unit=unit, criterion=criterion).first()
    version = getattr(score, f"{field}_version") if score else 0
    return score_set(unit=unit, criterion=criterion, field=field, raw_value=value, expected_version=version, user=user)


def _values(field="assessed"):
    return {
        (s.unit.code, s.criterion.code): getattr(s, f"{field}_value")
        for s in Score.objects.select_related("unit", "criterion")
    }


def test_download_layout(client_for, secretary_a, world, year, scoring):
    _set(world["unit_a3"], scoring.criteria.get(code="I.2"), "7,5", secretary_a)
    book = _download(client_for(secretary_a), world, year)
    ws = book["Cham diem"]
    assert book.sheetnames == ["Cham diem", "Phien ban"]
    assert book["Phien ban"].sheet_state == "hidden"
    assert [ws.cell(1, c).value for c in range(1, 6)] == ["Mã đơn vị", "Tên đơn vị", "I.1", "I.2", "I.3"]
    assert ws["D2"].value == "Hoàn thành các chỉ tiêu đã đăng ký trong giao ước thi đua"
    assert (ws["B3"].value, ws["C3"].value, ws["D3"].value) == ("Điểm tối đa", 30, 10)
    assert [ws.cell(r, 1).value for r in (4, 5, 6)] == ["vp-ubnd", "stc", "stp"]
    assert ws["D6"].value == 7.5
    assert ws["A3"].value == "Năm 2025 — Điểm thẩm định"
    header = [c.value for c in ws[1]]
    assert header[-4:] == ["Cộng điểm", "Điểm thưởng", "Điểm trừ", "Tổng điểm"]
    assert header[12:14] == ["'+.1", "'+.2"]  # protected: Excel would read "+.1" as a formula
    assert str(ws.cell(6, len(header)).value).startswith("=")  # the total is a formula, for reading


def test_download_neutralises_formulas(client_for, secretary_a, world, year, scoring):
    world["unit_a3"].name = '=HYPERLINK("http://x","bấm")'
    world["unit_a3"].save()
    Criterion.objects.filter(table=scoring, code="I.1").update(title="@SUM(1)")
    ws = _download(client_for(secretary_a), world, year)["Cham diem"]
    assert ws["B6"].value == '\'=HYPERLINK("http://x","bấm")'
    assert ws["B6"].data_type == "s"
    assert ws["C2"].value == "'@SUM(1)"


def test_round_trip_changes_exactly_the_edited_cells(client_for, secretary_a, world, year, scoring):
    client = client_for(secretary_a)
    _set(world["unit_a1"], scoring.criteria.get(code="I.1"), "25", secretary_a)
    _set(world["unit_a2"], scoring.criteria.get(code="I.3"), "6", secretary_a)
    history = Score.history.count()
    book = _download(client, world, year)
    ws = book["Cham diem"]
    ws["C6"] = 28.5  # unit_a3, I.1
    ws["D6"] = "7,5"  # unit_a3, I.2, typed as text with a comma
    ws["E5"] = None  # unit_a2, I.3: cleared
    ws["C4"] = 25  # unchanged value
    response = _upload(client, world, year, book)
    assert response.status_code == 302
    assert response.url == reverse("blocs:score_grid", args=[world["bloc_a"].pk, year]) + "?gia_tri=assessed"
    assert _messages(response) == ["Đã nhập tệp Excel: lưu 2 ô, xóa 1 ô, giữ nguyên 39 ô."]
    assert "Đã nhập tệp Excel: lưu 2 ô" in client.get(response.url).content.decode()  # shown on the grid
    assert _values() == {
        ("vp-ubnd", "I.1"): Decimal(25),
        ("stc", "I.3"): None,
        ("stp", "I.1"): Decimal("28.5"),
        ("stp", "I.2"): Decimal("7.5"),
    }
    assert Score.history.count() == history + 3
    # The same file again changes nothing.
    again = _upload(client, world, year, _download(client, world, year))
    assert _messages(again) == ["Đã kiểm tra tệp Excel: không có điểm nào khác với phần mềm, không có gì thay đổi."]
    assert Score.history.count() == history + 3


def test_bad_upload_writes_nothing_and_reports_each_cell(client_for, secretary_a, world, year, scoring):
    ws_book = _download(client_for(secretary_a), world, year)
    ws = ws_book["Cham diem"]
    ws["C4"] = 20  # fine on its own
    ws["D5"] = 11  # I.2 max 10
    ws["E6"] = "abc"
    ws["F6"] = 0.3  # II.1, not a multiple of 0.5
    ws["G4"] = "=1+1"
    penalty_column = next(c.column_letter for c in ws[1] if c.value == "−.1")
    ws[f"{penalty_column}6"] = 1
    response = _upload(client_for(secretary_a), world, year, ws_book)
    assert response.context["upload"].errors == [
        'Sheet "Cham diem", dòng 4, cột G (II.2): ô chứa công thức; hãy dán giá trị (Paste Values) thay cho công thức.',
    ]
    ws["G4"] = None
    response = _upload(client_for(secretary_a), world, year, ws_book)
    assert response.context["upload"].errors == [
        'Sheet "Cham diem", dòng 5, cột D (I.2): Vượt điểm tối đa: tối đa 10, đã nhập 11.',
        'Sheet "Cham diem", dòng 6, cột E (I.3): «abc» không phải là số.',
        'Sheet "Cham diem", dòng 6, cột F (II.1): Điểm phải chia hết cho bước 0,5 (ví dụ 0 hoặc 0,5).',
        f'Sheet "Cham diem", dòng 6, cột {penalty_column} (−.1): '
        "Điểm trừ phải là số âm hoặc 0 (ví dụ -1), không được là 1.",
    ]
    page = response.content.decode()
    assert "Tệp có 4 lỗi nên chưa có gì được ghi." in page
    assert not Score.objects.exists()


def test_stale_download_is_a_conflict(client_for, secretary_a, board, world, year, scoring):
    client = client_for(secretary_a)
    i1, i2 = scoring.criteria.get(code="I.1"), scoring.criteria.get(code="I.2")
    _set(world["unit_a3"], i1, "20", secretary_a)
    book = _download(client, world, year)
    _set(world["unit_a3"], i1, "21", board)  # after the download, in another office
    _set(world["unit_a1"], i2, "9", board)  # a cell the file leaves as it was
    ws = book["Cham diem"]
    ws["C6"] = 22
    ws["D5"] = 8
    response = _upload(client, world, year, book)
    [error] = response.context["upload"].errors
    assert error.startswith(f'Sheet "Cham diem", dòng 6, cột C (I.1): Ô này vừa được {board} lưu là 21 lúc ')
    assert error.endswith("; giá trị bạn nhập (22) chưa được lưu.")
    assert response.context["upload"].conflicts == 1
    assert _values() == {("stp", "I.1"): Decimal(21), ("vp-ubnd", "I.2"): Decimal(9)}
    # Without the conflicting cell, the untouched cell changed meanwhile is left alone.
    ws["C6"] = 20
    ok = _upload(client, world, year, book)
    assert ok.status_code == 302
    assert _values() == {("stp", "I.1"): Decimal(21), ("vp-ubnd", "I.2"): Decimal(9), ("stc", "I.2"): Decimal(8)}


def test_bonus_cap_in_a_file(client_for, secretary_a, world, year, scoring):
    scoring.bonus_cap = Decimal(4)
    scoring.save()
    book = _download(client_for(secretary_a), world, year)
    ws = book["Cham diem"]
    columns = {c.value: c.column_letter for c in ws[1]}
    ws[f"{columns[chr(39) + '+.1']}6"] = 3
    ws[f"{columns[chr(39) + '+.2']}6"] = 2
    errors = _upload(client_for(secretary_a), world, year, book).context["upload"].errors
    assert errors == [
        f'Sheet "Cham diem", dòng 6, cột {columns[chr(39) + "+.1"]} (+.1): '
        "Tổng điểm thưởng 5 vượt mức tối đa 4 của bảng điểm.",
        f'Sheet "Cham diem", dòng 6, cột {columns[chr(39) + "+.2"]} (+.2): '
        "Tổng điểm thưởng 5 vượt mức tối đa 4 của bảng điểm.",
    ]
    assert not Score.objects.exists()


def test_officer_uploads_only_their_units_self_score(client_for, officer_a, world, year, scoring):
    client = client_for(officer_a)
    book = _download(client, world, year, kind="self")
    ws = book["Cham diem"]
    ws["C6"] = 27
    ws["C4"] = 27
    response = _upload(client, world, year, book)
    assert response.context["upload"].errors == [
        'Sheet "Cham diem", dòng 4, cột C (I.1): bạn không có quyền nhập điểm của đơn vị Văn phòng UBND tỉnh.'
    ]
    ws["C4"] = None
    assert _upload(client, world, year, book).status_code == 302
    assert _values("self") == {("stp", "I.1"): Decimal(27)}
    assessed = _download(client, world, year, kind="assessed")
    assessed["Cham diem"]["C6"] = 20
    assert _upload(client, world, year, assessed).context["upload"].errors == [
        "Bạn không có quyền nhập điểm thẩm định của khối này."
    ]


def test_upload_refuses_foreign_files(client_for, secretary_a, world, year, scoring):
    client = client_for(secretary_a)
    plain = Workbook()
    plain.active.title = "Cham diem"
    assert _upload(client, world, year, plain).context["upload"].errors == [
        'Tệp không có sheet "Phien ban": đây không phải tệp chấm điểm tải từ phần mềm. '
        "Hãy tải tệp từ trang chấm điểm, điền điểm rồi tải lên lại."
    ]
    book = _download(client, world, year)
    book["Phien ban"]["B3"] = world["bloc_b"].pk
    assert _upload(client, world, year, book).context["upload"].errors == [
        "Tệp này là bảng chấm điểm của khối hoặc năm khác, không nhập vào đây được."
    ]
    bad = SimpleUploadedFile("x.xlsx", b"not a workbook")
    response = client.post(reverse("blocs:score_xlsx_upload", args=[world["bloc_a"].pk, year]), {"file": bad})
    assert response.context["upload"].errors == [
        "Tệp không phải là tệp Excel .xlsx hợp lệ. Tệp .xls cũ, .csv hoặc tệp có đặt mật khẩu không đọc được; "
        "hãy mở tệp bằng Excel và lưu lại dưới dạng Excel Workbook (.xlsx)."
    ]


def test_unknown_codes_are_reported(client_for, secretary_a, world, year, scoring):
    book = _download(client_for(secretary_a), world, year)
    ws = book["Cham diem"]
    ws["A7"] = "btg"  # a unit of another bloc
    ws["C7"] = 5
    ws["E1"] = "I.9"
    assert _upload(client_for(secretary_a), world, year, book).context["upload"].errors == [
        'Sheet "Cham diem", dòng 1: cột E: không có tiêu chí mã "I.9" trong bảng điểm của năm.',
        'Sheet "Cham diem", dòng 7: không có đơn vị mã "btg" trong khối năm này.',
    ]


@pytest.mark.parametrize("persona", ["viewer", "secretary_b"])
def test_upload_rights(persona, personas, client_for, world, year, scoring):
    response = _upload(client_for(personas[persona]), world, year, Workbook())
    assert response.status_code == {"viewer": 403, "secretary_b": 404}[persona]
