"""XLSX import/export of the registry: format, round trip, validation, idempotence, permissions."""

import html
import unicodedata
import zipfile
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from blocs.models import Bloc, BlocKind, MemberRole, Membership
from blocs.registry_xlsx import ImportResult, Tally, export_registry, parse_workbook, registry_import
from units.models import Unit, UnitKind

UNIT_HEADERS = [
    "Mã đơn vị",
    "Tên đơn vị",
    "Tên viết tắt",
    "Loại hình",
    "Thủ trưởng",
    "Chức vụ thủ trưởng",
    "Địa chỉ",
    "Đang hoạt động",
]
BLOC_HEADERS = ["Mã khối", "Tên khối, cụm", "Loại", "Mô tả", "Đang hoạt động"]
MEMBER_HEADERS = ["Mã khối", "Tên khối", "Mã đơn vị", "Tên đơn vị", "Vai trò", "Ghi chú"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def make_workbook(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append([None if value == "" else value for value in row])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def read(data: bytes):
    return load_workbook(BytesIO(data))


def values(ws) -> list[list]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def counts() -> dict[str, int]:
    """Rows and history rows of everything an import may touch."""
    return {
        "units": Unit.objects.count(),
        "blocs": Bloc.objects.count(),
        "memberships": Membership.objects.count(),
        "unit_history": Unit.history.count(),
        "bloc_history": Bloc.history.count(),
        "membership_history": Membership.history.count(),
    }


def memberships(year: int) -> set[tuple[str, str, str]]:
    return set(Membership.objects.filter(year=year).values_list("bloc__code", "unit__code", "role"))


def upload(client, data: bytes, year: int):
    url = f"{reverse('blocs:registry_import')}?nam={year}"
    return client.post(url, {"file": SimpleUploadedFile("du-lieu.xlsx", data, content_type=XLSX)})


def page_text(response) -> str:
    return html.unescape(response.content.decode())


# --- Template and export ---------------------------------------------------------------------


def test_template_has_the_sheets_headers_and_dropdowns(client_for, viewer, year):
    response = client_for(viewer).get(f"{reverse('blocs:registry_template')}?nam={year}")

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="thidua-mau-nhap-2025.xlsx"'
    book = read(response.content)
    assert book.sheetnames == ["Huong dan", "Don vi", "Khoi", "Thanh vien 2025", "Danh muc"]
    assert values(book["Don vi"]) == [UNIT_HEADERS]
    assert values(book["Khoi"]) == [BLOC_HEADERS]
    assert values(book["Thanh vien 2025"]) == [MEMBER_HEADERS]
    assert book["Danh muc"].sheet_state == "hidden"
    units = book["Don vi"]
    assert units.freeze_panes == "A2"
    assert units["A1"].font.b is True
    assert units.column_dimensions["B"].width == 45
    dropdowns = {str(dv.sqref): dv.formula1 for dv in units.data_validations.dataValidation}
    assert dropdowns == {"D2:D1000": "'Danh muc'!$A$2:$A$9", "H2:H1000": "'Danh muc'!$D$2:$D$3"}
    bloc_dropdowns = {str(dv.sqref): dv.formula1 for dv in book["Khoi"].data_validations.dataValidation}
    assert bloc_dropdowns == {"C2:C1000": "'Danh muc'!$B$2:$B$3", "E2:E1000": "'Danh muc'!$D$2:$D$3"}
    member_dropdowns = [str(dv.sqref) for dv in book["Thanh vien 2025"].data_validations.dataValidation]
    assert member_dropdowns == ["E2:E1000"]
    assert [row[0] for row in values(book["Danh muc"])] == [
        "Loại hình",
        "Sở, ban, ngành",
        "Cơ quan Đảng",
        "Mặt trận, đoàn thể",
        "Cơ quan Trung ương đóng trên địa bàn",
        "Đơn vị sự nghiệp, trung tâm, ban quản lý",
        "Doanh nghiệp",
        "Xã, phường, đặc khu",
        "Khác",
    ]
    guide = values(book["Huong dan"])
    assert guide[0] == ["Hướng dẫn nhập danh sách đơn vị, khối, cụm và thành viên năm 2025", None, None, None]
    assert guide[next(i for i, r in enumerate(guide) if r[1] == "Mã đơn vị")][:3] == ["Don vi", "Mã đơn vị", "Có"]


def test_export_lists_the_registry_in_vietnamese_order(client_for, viewer, world, year):
    response = client_for(viewer).get(f"{reverse('blocs:registry_export')}?nam={year}")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="thidua-du-lieu-2025.xlsx"'
    book = read(response.content)
    assert values(book["Don vi"]) == [
        UNIT_HEADERS,
        ["bdv", "Ban Dân vận Tỉnh ủy", None, "Sở, ban, ngành", None, None, None, "Có"],
        ["btg", "Ban Tuyên giáo Tỉnh ủy", None, "Sở, ban, ngành", None, None, None, "Có"],
        ["stc", "Sở Tài chính", None, "Sở, ban, ngành", None, None, None, "Có"],
        ["stp", "Sở Tư pháp", None, "Sở, ban, ngành", None, None, None, "Có"],
        ["vp-ubnd", "Văn phòng UBND tỉnh", None, "Sở, ban, ngành", None, None, None, "Có"],
    ]
    assert values(book["Khoi"]) == [
        BLOC_HEADERS,
        ["dang", "Khối các cơ quan Đảng", "Khối thi đua", None, "Có"],
        ["tham-muu", "Khối các cơ quan Tham mưu - Tổng hợp", "Khối thi đua", None, "Có"],
    ]
    assert values(book["Thanh vien 2025"]) == [
        MEMBER_HEADERS,
        ["dang", "Khối các cơ quan Đảng", "btg", "Ban Tuyên giáo Tỉnh ủy", "Khối trưởng", None],
        ["dang", "Khối các cơ quan Đảng", "bdv", "Ban Dân vận Tỉnh ủy", "Thành viên", None],
        ["tham-muu", "Khối các cơ quan Tham mưu - Tổng hợp", "vp-ubnd", "Văn phòng UBND tỉnh", "Khối trưởng", None],
        ["tham-muu", "Khối các cơ quan Tham mưu - Tổng hợp", "stc", "Sở Tài chính", "Khối phó", None],
        ["tham-muu", "Khối các cơ quan Tham mưu - Tổng hợp", "stp", "Sở Tư pháp", "Thành viên", None],
    ]


def test_export_imports_back_unchanged(client_for, board, world, year):
    exported = client_for(board).get(f"{reverse('blocs:registry_export')}?nam={year}").content
    before, roles_before = counts(), memberships(year)

    response = upload(client_for(board), exported, year)

    assert response.status_code == 200
    result = response.context["result"]
    assert result.errors == []
    assert result.units == Tally(unchanged=5)
    assert result.blocs == Tally(unchanged=2)
    assert result.memberships == {2025: Tally(unchanged=5)}
    assert "Tệp không có gì mới: dữ liệu đã đúng như trong tệp, không có gì thay đổi." in page_text(response)
    assert counts() == before
    assert memberships(year) == roles_before


def test_export_neutralises_formulas_and_still_round_trips(world, year):
    unit = world["unit_a1"]
    unit.name = '=HYPERLINK("http://example.com","bấm vào")'
    unit.leader_name = "+84 912 345 678"
    unit.address = "-"
    unit.save()
    bloc = world["bloc_b"]
    bloc.description = "@SUM(A1)\nDòng hai"
    bloc.save()
    Membership.objects.filter(unit=world["unit_b2"]).update(note="'trích dẫn")
    before = counts()

    book = read(export_registry(year))

    row = next(r for r in book["Don vi"].iter_rows(min_row=2) if r[0].value == "vp-ubnd")
    assert [row[1].value, row[4].value, row[6].value] == [
        '\'=HYPERLINK("http://example.com","bấm vào")',
        "'+84 912 345 678",
        "'-",
    ]
    assert book["Khoi"]["D2"].value == "'@SUM(A1)\nDòng hai"
    assert book["Thanh vien 2025"]["F3"].value == "''trích dẫn"
    cells = [cell for ws in book.worksheets for r in ws.iter_rows() for cell in r]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    result = registry_import(data=export_registry(year), year=year)
    assert result == ImportResult(
        units=Tally(unchanged=5), blocs=Tally(unchanged=2), memberships={2025: Tally(unchanged=5)}
    )
    assert counts() == before
    unit.refresh_from_db()
    assert unit.name == '=HYPERLINK("http://example.com","bấm vào")'


# --- Importing a good file -------------------------------------------------------------------


def good_file(year: int) -> bytes:
    return make_workbook(
        {
            "Don vi": [
                UNIT_HEADERS,
                ["so-noi-vu", "Sở Nội vụ", "SNV", "Sở, ban, ngành", "Nguyễn Văn An", "Giám đốc", "Đông Hà", "Có"],
                ["xa-cam-lo", "Xã Cam Lộ", "", "dia_phuong", "", "", "", "Không"],
                ["stc", "Sở Tài chính tỉnh Quảng Trị", "STC", "Sở, ban, ngành", "", "", "", "Có"],
            ],
            "Khoi": [
                BLOC_HEADERS,
                ["kinh-te", "Khối các sở kinh tế", "Khối thi đua", "Dòng một\nDòng hai", "Có"],
                ["cum-xa", "Cụm các xã phía Tây", "cum", "", ""],
            ],
            f"Thanh vien {year}": [
                MEMBER_HEADERS,
                ["kinh-te", "", "so-noi-vu", "", "Khối trưởng", "Nhiệm kỳ mới"],
                ["kinh-te", "", "stc", "", "Khối phó", ""],
                ["tham-muu", "", "vp-ubnd", "", "Khối trưởng", ""],
                ["tham-muu", "", "stp", "", "Khối phó", ""],
                ["cum-xa", "", "xa-cam-lo", "", "", ""],
            ],
        }
    )


def test_good_file_creates_and_updates_units_blocs_and_memberships(client_for, board, world, year):
    response = upload(client_for(board), good_file(year), year)

    assert response.status_code == 200
    result = response.context["result"]
    assert result.errors == []
    assert result.units == Tally(created=2, updated=1)
    assert result.blocs == Tally(created=2)
    assert result.memberships == {2025: Tally(created=3, updated=1, unchanged=1, deleted=1)}
    assert "Đã nhập xong tệp." in page_text(response)
    new_unit = Unit.objects.get(code="so-noi-vu")
    assert [new_unit.name, new_unit.short_name, new_unit.kind, new_unit.leader_name, new_unit.address] == [
        "Sở Nội vụ",
        "SNV",
        UnitKind.SO_NGANH,
        "Nguyễn Văn An",
        "Đông Hà",
    ]
    assert new_unit.search_key == "so noi vu snv so-noi-vu"
    commune = Unit.objects.get(code="xa-cam-lo")
    assert [commune.kind, commune.active] == [UnitKind.DIA_PHUONG, False]
    stc = Unit.objects.get(code="stc")
    assert [stc.name, stc.short_name, stc.version, stc.history.count()] == ["Sở Tài chính tỉnh Quảng Trị", "STC", 2, 2]
    economy = Bloc.objects.get(code="kinh-te")
    assert [economy.kind, economy.description, economy.active] == [BlocKind.KHOI, "Dòng một\nDòng hai", True]
    assert Bloc.objects.get(code="cum-xa").kind == BlocKind.CUM
    assert memberships(year) == {
        ("kinh-te", "so-noi-vu", MemberRole.HEAD),
        ("kinh-te", "stc", MemberRole.DEPUTY),
        ("tham-muu", "vp-ubnd", MemberRole.HEAD),
        ("tham-muu", "stp", MemberRole.DEPUTY),
        ("cum-xa", "xa-cam-lo", MemberRole.MEMBER),
        ("dang", "btg", MemberRole.HEAD),
        ("dang", "bdv", MemberRole.MEMBER),
    }
    assert Membership.objects.get(unit__code="so-noi-vu", year=year).note == "Nhiệm kỳ mới"


def test_reimporting_the_same_file_changes_nothing(board, world, year):
    first = registry_import(data=good_file(year), year=year)
    assert first.errors == []
    before, roles_before = counts(), memberships(year)

    second = registry_import(data=good_file(year), year=year)

    assert second == ImportResult(
        units=Tally(unchanged=3), blocs=Tally(unchanged=2), memberships={2025: Tally(unchanged=5)}
    )
    assert counts() == before
    assert memberships(year) == roles_before


def test_head_and_deputy_can_swap_in_one_import(world, year):
    data = make_workbook(
        {
            "Thanh vien 2025": [
                MEMBER_HEADERS,
                ["tham-muu", "", "vp-ubnd", "", "Khối phó", ""],
                ["tham-muu", "", "stc", "", "Khối trưởng", ""],
                ["tham-muu", "", "stp", "", "Thành viên", ""],
            ]
        }
    )

    result = registry_import(data=data, year=year)

    assert result.errors == []
    assert result.memberships == {2025: Tally(updated=2, unchanged=1)}
    assert memberships(year) == {
        ("tham-muu", "vp-ubnd", MemberRole.DEPUTY),
        ("tham-muu", "stc", MemberRole.HEAD),
        ("tham-muu", "stp", MemberRole.MEMBER),
        ("dang", "btg", MemberRole.HEAD),
        ("dang", "bdv", MemberRole.MEMBER),
    }


def test_a_unit_can_move_between_two_blocs_of_the_sheet(world, year):
    data = make_workbook(
        {
            "Thanh vien 2025": [
                MEMBER_HEADERS,
                ["dang", "", "btg", "", "Khối trưởng", ""],
                ["dang", "", "bdv", "", "", ""],
                ["dang", "", "stp", "", "Khối phó", ""],
                ["tham-muu", "", "vp-ubnd", "", "Khối trưởng", ""],
                ["tham-muu", "", "stc", "", "Khối phó", ""],
            ]
        }
    )

    result = registry_import(data=data, year=year)

    assert result.memberships == {2025: Tally(created=1, unchanged=4, deleted=1)}
    assert ("dang", "stp", MemberRole.DEPUTY) in memberships(year)
    assert Membership.objects.filter(year=year).count() == 5


def test_decomposed_vietnamese_is_stored_composed(world, year):
    name = "Sở Nông nghiệp và Môi trường"
    bloc_name = "Khối các cơ quan Nông nghiệp"
    decomposed = unicodedata.normalize("NFD", name)
    assert decomposed != name
    data = make_workbook(
        {
            "Don vi": [UNIT_HEADERS, ["snnmt", decomposed, "", "", unicodedata.normalize("NFD", "Trần Thị Bình")]],
            "Khoi": [BLOC_HEADERS, ["nong-nghiep", unicodedata.normalize("NFD", bloc_name)]],
        }
    )

    result = registry_import(data=data, year=year)

    assert result.errors == []
    unit = Unit.objects.get(code="snnmt")
    assert [unit.name, unit.leader_name] == [name, "Trần Thị Bình"]
    assert Bloc.objects.get(code="nong-nghiep").name == bloc_name
    assert list(Unit.objects.search("nong nghiep").values_list("code", flat=True)) == ["snnmt"]
    assert registry_import(data=data, year=year) == ImportResult(units=Tally(unchanged=1), blocs=Tally(unchanged=1))


# --- Refusing a bad file ---------------------------------------------------------------------


def bad_file() -> bytes:
    return make_workbook(
        {
            "Don vi": [
                UNIT_HEADERS,
                ["so-noi-vu", "Sở Nội vụ", "", "Sở, ban, ngành", "", "", "", "Có"],
                ["", "Sở Y tế"],
                ["so y te", "Sở Y tế"],
                ["so-xd", "Sở Xây dựng", "", "Bộ ngành"],
                ["so-noi-vu", "Sở Nội vụ (lặp)"],
                ["so-gd", "x" * 256],
                ["so-ct", "Sở Công Thương", "", "", "", "", "", "Chưa rõ"],
            ],
            "Khoi": [
                BLOC_HEADERS,
                ["kinh-te", "Khối các sở kinh tế", "Khối thi đua", "", "Có"],
                ["khoi-2", "Khối các cơ quan Đảng"],
                ["khoi-3", "", "Nhóm"],
            ],
            "Thanh vien 2025": [
                MEMBER_HEADERS,
                ["kinh-te", "", "so-noi-vu", "", "Khối trưởng", ""],
                ["kinh-te", "", "khong-co", "", "Thành viên", ""],
                ["kinh-te", "", "stc", "", "Khối trưởng", ""],
                ["kinh-te", "", "so-noi-vu", "", "Thành viên", ""],
                ["khoi-la", "", "stp", "", "Chủ tịch", ""],
                ["khoi-la", "", "btg", "", "", ""],
            ],
            "Thanh vien 2024": [MEMBER_HEADERS, ["kinh-te", "", "so-noi-vu", "", "", ""]],
        }
    )


BAD_FILE_ERRORS = [
    'Sheet "Don vi", dòng 3, cột "Mã đơn vị": thiếu giá trị (cột bắt buộc).',
    'Sheet "Don vi", dòng 4, cột "Mã đơn vị": mã "so y te" không hợp lệ: chỉ dùng chữ cái không dấu, chữ số, '
    "dấu gạch ngang (-), gạch dưới (_), không có khoảng trắng.",
    'Sheet "Don vi", dòng 5, cột "Loại hình": "Bộ ngành" không có trong danh sách. Chọn một trong: '
    "Sở, ban, ngành; Cơ quan Đảng; Mặt trận, đoàn thể; Cơ quan Trung ương đóng trên địa bàn; "
    "Đơn vị sự nghiệp, trung tâm, ban quản lý; Doanh nghiệp; Xã, phường, đặc khu; Khác.",
    'Sheet "Don vi", dòng 6, cột "Mã đơn vị": mã "so-noi-vu" bị trùng với dòng 2.',
    'Sheet "Don vi", dòng 7, cột "Tên đơn vị": dài 256 ký tự, tối đa 255 ký tự.',
    'Sheet "Don vi", dòng 8, cột "Đang hoạt động": "Chưa rõ" không hợp lệ; ghi Có hoặc Không.',
    'Sheet "Khoi", dòng 3, cột "Tên khối, cụm": tên "Khối các cơ quan Đảng" đã được khối mã "dang" dùng.',
    'Sheet "Khoi", dòng 4, cột "Tên khối, cụm": thiếu giá trị (cột bắt buộc).',
    'Sheet "Khoi", dòng 4, cột "Loại": "Nhóm" không có trong danh sách. Chọn một trong: Khối thi đua; Cụm thi đua.',
    'Sheet "Thanh vien 2025", dòng 3, cột "Mã đơn vị": không có đơn vị mã "khong-co" trong sheet "Don vi" '
    "hay trong phần mềm.",
    'Sheet "Thanh vien 2025", dòng 4, cột "Vai trò": khối "kinh-te" đã có khối trưởng ở dòng 2; '
    "mỗi khối chỉ có một khối trưởng trong năm.",
    'Sheet "Thanh vien 2025", dòng 5, cột "Mã đơn vị": đơn vị "so-noi-vu" đã có ở dòng 2; '
    "mỗi đơn vị chỉ thuộc một khối trong một năm.",
    'Sheet "Thanh vien 2025", dòng 6, cột "Vai trò": "Chủ tịch" không có trong danh sách. '
    "Chọn một trong: Khối trưởng; Khối phó; Thành viên.",
    'Sheet "Thanh vien 2025", dòng 7, cột "Mã khối": không có khối mã "khoi-la" trong sheet "Khoi" hay trong phần mềm.',
    'Sheet "Thanh vien 2025", dòng 7, cột "Mã đơn vị": đơn vị "btg" đang thuộc khối "dang" năm 2025, '
    "mà khối này không có trong sheet. Hãy thêm các dòng của khối đó vào sheet, "
    "hoặc đưa đơn vị ra khỏi khối đó trước.",
    'Sheet "Thanh vien 2024": đây là thành viên năm 2024, khác năm đang nhập (2025). '
    "Hãy chọn năm 2024 rồi nhập lại, hoặc xóa sheet này khỏi tệp.",
]


def test_bad_file_writes_nothing_and_lists_every_error(client_for, board, world, year):
    before, roles_before = counts(), memberships(year)

    response = upload(client_for(board), bad_file(), year)

    assert response.status_code == 200
    assert response.context["result"].errors == BAD_FILE_ERRORS
    text = page_text(response)
    assert "Tệp có 16 lỗi nên chưa có gì được ghi. Hãy sửa tệp rồi nhập lại." in text
    for message in BAD_FILE_ERRORS:
        assert message in text
    assert counts() == before
    assert memberships(year) == roles_before


def test_parse_reports_without_writing(world, year):
    parsed = parse_workbook(bad_file(), year=year)

    assert [str(problem) for problem in parsed.errors] == BAD_FILE_ERRORS
    assert [row.code for row in parsed.units] == ["so-noi-vu", "so-xd", "so-gd", "so-ct"]


def test_missing_required_column_and_unknown_sheets(world, year):
    no_code = make_workbook({"Don vi": [["Tên đơn vị"], ["Sở Y tế"]]})
    assert registry_import(data=no_code, year=year).errors == [
        'Sheet "Don vi", dòng 1: thiếu cột "Mã đơn vị" ở dòng tiêu đề.'
    ]
    other = make_workbook({"Sheet1": [["a"]]})
    assert registry_import(data=other, year=year).errors == [
        'Tệp không có sheet nào trong số "Don vi", "Khoi", "Thanh vien <năm>".'
    ]
    empty = make_workbook({"Don vi": [UNIT_HEADERS]})
    assert registry_import(data=empty, year=year).errors == ["Tệp không có dòng dữ liệu nào để nhập."]


def test_formula_cells_are_refused(world, year):
    data = make_workbook({"Don vi": [UNIT_HEADERS, ["so-y-te", "=A1"]]})

    assert registry_import(data=data, year=year).errors == [
        'Sheet "Don vi", dòng 2, cột "Tên đơn vị": ô chứa công thức; hãy dán giá trị (Paste Values) thay cho công thức.'
    ]


NOT_XLSX = (
    "Tệp không phải là tệp Excel .xlsx hợp lệ. Tệp .xls cũ, .csv hoặc tệp có đặt mật khẩu không đọc được; "
    "hãy mở tệp bằng Excel và lưu lại dưới dạng Excel Workbook (.xlsx)."
)


def zip_without_workbook() -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    return out.getvalue()


@pytest.mark.parametrize("data", [b"Ma don vi,Ten don vi\nstc,So Tai chinh\n", zip_without_workbook()])
def test_a_file_that_is_not_xlsx_gets_a_clear_message(client_for, board, year, data):
    before = counts()

    response = upload(client_for(board), data, year)

    assert response.status_code == 200
    assert response.context["form"].errors == {"file": [NOT_XLSX]}
    assert NOT_XLSX in page_text(response)
    assert registry_import(data=data, year=year).errors == [NOT_XLSX]
    assert counts() == before


def test_a_damaged_xlsx_gets_a_clear_message(world, year):
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "not xml at all")

    assert registry_import(data=out.getvalue(), year=year).errors == [
        "Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng .xlsx."
    ]


def test_upload_size_is_limited(client_for, board, year, settings):
    settings.UPLOAD_MAX_MB = 0

    response = upload(client_for(board), good_file(year), year)

    assert response.context["form"].errors == {"file": ["Tệp lớn hơn 0 MB, không nhập được."]}


# --- Who may do what -------------------------------------------------------------------------


VIEWS = ["registry_io", "registry_template", "registry_export", "registry_import"]


def hit(client, name: str, year: int):
    url = f"{reverse('blocs:' + name)}?nam={year}"
    if name == "registry_import":
        return client.post(url, {"file": SimpleUploadedFile("x.xlsx", b"", content_type=XLSX)})
    return client.get(url)


@pytest.mark.parametrize("name", VIEWS)
def test_anonymous_is_sent_to_sign_in(client_for, world, year, name):
    response = hit(client_for(None), name, year)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", ["officer_a", "secretary_a"])
@pytest.mark.parametrize("name", VIEWS)
def test_bloc_and_unit_staff_are_refused(client_for, request_persona, year, name, persona):
    assert hit(client_for(request_persona(persona)), name, year).status_code == 403


@pytest.fixture
def request_persona(request):
    return request.getfixturevalue


@pytest.mark.parametrize(("name", "status"), [(n, 403 if n == "registry_import" else 200) for n in VIEWS])
def test_viewer_downloads_but_cannot_import(client_for, viewer, year, name, status):
    assert hit(client_for(viewer), name, year).status_code == status


def test_viewer_page_has_no_upload_form_and_board_page_has_one(client_for, viewer, board, year):
    viewer_page = client_for(viewer).get(reverse("blocs:registry_io"))
    board_page = client_for(board).get(reverse("blocs:registry_io"))

    assert viewer_page.status_code == 200
    assert 'enctype="multipart/form-data"' not in viewer_page.content.decode()
    assert 'enctype="multipart/form-data"' in board_page.content.decode()
    assert "style=" not in board_page.content.decode()
    assert "Sheet Thanh vien <năm>: với mỗi khối có trong sheet" in page_text(board_page)


def test_board_can_import(client_for, board, world, year):
    response = upload(client_for(board), good_file(year), year)

    assert response.status_code == 200
    assert response.context["result"].ok is True
    assert Unit.objects.filter(code="so-noi-vu").exists()


def test_swapping_two_bloc_names_is_refused_with_advice(world, year):
    data = make_workbook(
        {
            "Khoi": [
                BLOC_HEADERS,
                ["dang", "Khối các cơ quan Tham mưu - Tổng hợp"],
                ["tham-muu", "Khối các cơ quan Đảng"],
            ]
        }
    )
    before = counts()

    assert registry_import(data=data, year=year).errors == [
        'Sheet "Khoi", dòng 2, cột "Tên khối, cụm": tên "Khối các cơ quan Tham mưu - Tổng hợp" đang là tên của '
        'khối mã "tham-muu". Muốn đổi tên hai khối cho nhau, hãy nhập hai lần: lần đầu đặt cho một khối một tên tạm.',
        'Sheet "Khoi", dòng 3, cột "Tên khối, cụm": tên "Khối các cơ quan Đảng" đang là tên của khối mã "dang". '
        "Muốn đổi tên hai khối cho nhau, hãy nhập hai lần: lần đầu đặt cho một khối một tên tạm.",
    ]
    assert counts() == before


def test_sheet_names_are_matched_without_accents_and_several_years_can_be_imported(world, year):
    data = make_workbook(
        {
            "Thành viên 2025": [MEMBER_HEADERS, ["dang", "", "btg", "", "Khối trưởng", ""]],
            "Thành viên 2026": [MEMBER_HEADERS, ["dang", "", "btg", "", "Khối phó", "Năm sau"]],
        }
    )

    assert registry_import(data=data, year=year).errors == [
        'Sheet "Thành viên 2026": đây là thành viên năm 2026, khác năm đang nhập (2025). '
        "Hãy chọn năm 2026 rồi nhập lại, hoặc xóa sheet này khỏi tệp."
    ]
    result = registry_import(data=data, year=None)
    assert result.memberships == {2025: Tally(unchanged=1, deleted=1), 2026: Tally(created=1)}
    assert memberships(2026) == {("dang", "btg", MemberRole.DEPUTY)}
    assert ("dang", "bdv", MemberRole.MEMBER) not in memberships(2025)
