"""The award history workbook: a good file, every kind of bad row (nothing written), idempotent re-import,
the export importing back unchanged, Vietnamese text in any normal form, and bounded queries."""

import unicodedata
from datetime import date, datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from awards import history_xlsx
from awards import services_decisions as decisions
from awards.models import Nomination
from units.models import Award, AwardType, Unit

HEADERS = ["Mã đơn vị", "Tên đơn vị", "Năm", "Hình thức khen thưởng", "Số quyết định", "Ngày quyết định", "Người ký"]
SHEET = "Khen thuong"


def workbook(rows, headers=HEADERS, title=SHEET) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = title
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def row(code="stc", name="Sở Tài chính", year=2022, award="bk-chu-tich-tinh", number="125/QĐ-UBND",
        day="28/12/2022", signer="Nguyễn Văn Hòa"):  # fmt: skip
    return [code, name, year, award, number, day, signer]


def imported(data: bytes, user=None):
    return history_xlsx.history_import(data=data, user=user)


def stored():
    return sorted(
        Award.objects.values_list(
            "unit__code", "year", "award_type__code", "decision_number", "decision_date", "source", "note"
        )
    )


def cells(data: bytes) -> list[tuple]:
    ws = load_workbook(BytesIO(data))[SHEET]
    return [tuple(c.value for c in r) for r in ws.iter_rows()]


# --- A good file ---------------------------------------------------------------------------------


def test_good_file_is_imported(world, board):
    data = workbook([
        row(),
        row(code="vp-ubnd", name="Văn phòng UBND tỉnh", year=2021, award="Tập thể lao động xuất sắc",
            number="88/qđ-ubnd", day=datetime(2022, 2, 5), signer=""),
        row(code="stp", name="", year=2020, award="Bằng khen của Thủ tướng Chính phủ", number="1234/QĐ-TTg",
            day="ngày 05 tháng 02 năm 2021", signer="Phạm Minh Chính"),
        row(code="btg", name="Ban Tuyên giáo Tỉnh ủy", year=2019, award="co-ubnd-tinh", number="3625/QĐ-UBND",
            day="2020-01-15", signer=None),
    ])  # fmt: skip

    result = imported(data, board)

    assert result.errors == []
    assert [(y, t.created, t.updated, t.unchanged) for y, t in result.summary()] == [
        (2022, 1, 0, 0), (2021, 1, 0, 0), (2020, 1, 0, 0), (2019, 1, 0, 0),
    ]  # fmt: skip
    assert stored() == [
        ("btg", 2019, "co-ubnd-tinh", "3625/QĐ-UBND", date(2020, 1, 15), "import", ""),
        ("stc", 2022, "bk-chu-tich-tinh", "125/QĐ-UBND", date(2022, 12, 28), "import", "Người ký: Nguyễn Văn Hòa"),
        ("stp", 2020, "bk-thu-tuong", "1234/QĐ-TTg", date(2021, 2, 5), "import", "Người ký: Phạm Minh Chính"),
        ("vp-ubnd", 2021, "ttldxs", "88/QĐ-UBND", date(2022, 2, 5), "import", ""),
    ]
    assert {h.history_user.username for h in Award.history.all()} == {"board"}


def test_unit_page_shows_imported_awards(world, board, client_for):
    imported(workbook([row()]), board)

    page = client_for(board).get(reverse("blocs:unit_detail", args=[world["unit_a2"].pk])).content.decode()

    assert "Bằng khen của Chủ tịch UBND tỉnh" in page
    assert "Số 125/QĐ-UBND, 28/12/2022" in page
    assert "Nhập từ dữ liệu các năm trước" in page


# --- Bad rows: every one reported, nothing written -----------------------------------------------


def _only_error(data: bytes) -> str:
    result = imported(data)
    assert Award.objects.count() == 0
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"code": "khong-co"}, 'cột "Mã đơn vị": không có đơn vị mã «khong-co» trong phần mềm.'),
        ({"code": ""}, 'cột "Mã đơn vị": thiếu giá trị (cột bắt buộc).'),
        ({"name": "Sở Tài chính"}, 'cột "Tên đơn vị": «Sở Tài chính» không phải là tên của đơn vị mã «stp» (Sở Tư '
                                   "pháp); hãy kiểm tra lại mã."),
        ({"award": "Huân chương Lao động"}, 'cột "Hình thức khen thưởng": «Huân chương Lao động» không phải là hình '
                                            "thức khen thưởng có trong phần mềm. Ghi mã hoặc tên: co-chinh-phu"),
        ({"year": "năm ngoái"}, 'cột "Năm": «năm ngoái» không phải là một năm.'),
        ({"year": 2021.5}, 'cột "Năm": «2021.5» không phải là một năm.'),
        ({"year": 1999, "day": "01/02/2000"}, 'cột "Năm": năm 1999 phải trong khoảng 2000–2100.'),
        ({"number": None}, 'cột "Số quyết định": thiếu giá trị (cột bắt buộc).'),
        ({"day": None}, 'cột "Ngày quyết định": thiếu giá trị (cột bắt buộc).'),
        ({"day": "31/02/2022"}, 'cột "Ngày quyết định": ngày «31/02/2022» không có trên lịch.'),
        ({"day": "12/28/2022"}, 'cột "Ngày quyết định": ngày «12/28/2022» không có trên lịch.'),
        ({"day": "28/12/22"}, 'cột "Ngày quyết định": «28/12/22» không phải là ngày; ghi theo dạng ngày/tháng/năm, '
                              "ví dụ 28/12/2022."),
        ({"day": 44923}, 'cột "Ngày quyết định": «44923» không phải là ngày'),
        ({"day": "cuối năm"}, 'cột "Ngày quyết định": «cuối năm» không phải là ngày'),
        ({"day": "01/01/2099"}, 'cột "Ngày quyết định": ngày quyết định 01/01/2099 sau hôm nay.'),
        ({"day": "28/12/2021"}, 'cột "Ngày quyết định": ngày quyết định 28/12/2021 trước năm thành tích 2022.'),
        ({"signer": "x" * 300}, 'cột "Người ký": dài 300 ký tự, tối đa 245 ký tự.'),
        ({"number": "=1+1"}, 'cột "Số quyết định": ô chứa công thức; hãy dán giá trị (Paste Values) thay cho công '
                             "thức."),
    ],
)  # fmt: skip
def test_bad_row_is_reported_with_row_and_column(changes, expected, world):
    error = _only_error(workbook([row(), row(**({"code": "stp", "name": "Sở Tư pháp"} | changes))]))

    assert error.startswith('Sheet "Khen thuong", dòng 3, ')
    assert expected in error


def test_duplicate_rows_are_reported_against_the_first(world):
    data = workbook([row(), row(code="stp", name="Sở Tư pháp"), row(award="Bằng khen của Chủ tịch UBND tỉnh")])

    assert _only_error(data) == (
        'Sheet "Khen thuong", dòng 4, cột "Hình thức khen thưởng": Sở Tài chính — «Bằng khen của Chủ tịch UBND tỉnh» '
        "năm 2022 đã có ở dòng 2."
    )


def test_every_problem_is_listed_and_nothing_is_written(world):
    data = workbook([
        row(),
        row(code="khong-co"),
        row(code="stp", name="Sở Tư pháp", year="x", day="hôm qua"),
        row(code="vp-ubnd", name="Văn phòng UBND tỉnh", award="không có"),
    ])  # fmt: skip

    result = imported(data)

    assert [e.split(",")[1].strip() for e in result.errors] == ["dòng 3", "dòng 4", "dòng 4", "dòng 5"]


def test_a_row_with_a_bad_cell_still_has_its_references_checked(world):
    result = imported(workbook([row(code="khong-co", day="31/02/2022", award="không có")]))

    assert [e.split(":")[0] for e in result.errors] == [
        'Sheet "Khen thuong", dòng 2, cột "Mã đơn vị"',
        'Sheet "Khen thuong", dòng 2, cột "Hình thức khen thưởng"',
        'Sheet "Khen thuong", dòng 2, cột "Ngày quyết định"',
    ]
    assert Award.objects.count() == 0
    assert Award.objects.count() == 0


def test_row_errors_come_in_row_order(world):
    data = workbook([row(code="khong-co"), row(code="stp", name="Sở Tư pháp", year="x")])

    result = imported(data)

    assert [e.split(",")[1].strip() for e in result.errors] == ["dòng 2", "dòng 3"]


def test_award_written_by_a_decision_is_not_changed_by_a_file(world, board):
    certificate = AwardType.objects.get(code="bk-chu-tich-tinh")
    Award.objects.create(unit=world["unit_a2"], award_type=certificate, year=2022, decision_number="10/QĐ-UBND",
                         decision_date=date(2023, 1, 5), source="decision")  # fmt: skip

    error = _only_error_keeping(workbook([row()]), 1)

    assert error == (
        'Sheet "Khen thuong", dòng 2, cột "Số quyết định": Sở Tài chính đã được khen thưởng «Bằng khen của Chủ tịch '
        "UBND tỉnh» năm 2022 theo quyết định số 10/QĐ-UBND ngày 05/01/2023 ghi trong phần mềm; dòng này ghi số "
        "125/QĐ-UBND ngày 28/12/2022. Khen thưởng ghi từ quyết định không sửa được bằng tệp nhập."
    )


def _only_error_keeping(data: bytes, count: int) -> str:
    before = stored()
    result = imported(data)
    assert stored() == before
    assert len(before) == count
    assert len(result.errors) == 1
    return result.errors[0]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"not a workbook", "Tệp không phải là tệp Excel .xlsx hợp lệ."),
        (workbook([row()], title="Sheet1"), 'Tệp không có sheet "Khen thuong".'),
        (
            workbook([row()[:4] + row()[5:]], headers=HEADERS[:4] + HEADERS[5:]),
            'Sheet "Khen thuong", dòng 1: thiếu cột "Số quyết định" ở dòng tiêu đề.',
        ),
        (workbook([]), 'Sheet "Khen thuong": Tệp không có dòng dữ liệu nào để nhập.'),
    ],
)
def test_file_level_problems(data, expected, world):
    error = _only_error(data)

    assert error.startswith(expected)


def test_template_is_an_empty_file_in_the_import_format(world):
    data = history_xlsx.build_template()

    book = load_workbook(BytesIO(data))
    assert book.sheetnames == ["Huong dan", "Khen thuong", "Danh muc"]
    assert cells(data) == [tuple(HEADERS)]
    assert _only_error(data) == 'Sheet "Khen thuong": Tệp không có dòng dữ liệu nào để nhập.'


# --- Re-import and round trip --------------------------------------------------------------------


def test_importing_twice_changes_nothing(world, board):
    data = workbook([row(), row(code="stp", name="Sở Tư pháp", year=2021, day="15/01/2022")])
    imported(data, board)
    history = Award.history.count()

    again = imported(data, board)

    assert again.errors == []
    assert again.changed == 0
    assert [(y, t.created, t.updated, t.unchanged) for y, t in again.summary()] == [(2022, 0, 0, 1), (2021, 0, 0, 1)]
    assert Award.objects.count() == 2
    assert Award.history.count() == history


def test_changed_rows_are_updated_and_a_blank_signer_keeps_the_stored_one(world, board):
    imported(workbook([row(), row(code="stp", name="Sở Tư pháp")]), board)

    result = imported(workbook([row(number="126/QĐ-UBND", signer=None), row(code="stp", name="Sở Tư pháp")]), board)

    assert [(y, t.created, t.updated, t.unchanged) for y, t in result.summary()] == [(2022, 0, 1, 1)]
    award = Award.objects.get(unit__code="stc")
    assert (award.decision_number, award.note) == ("126/QĐ-UBND", "Người ký: Nguyễn Văn Hòa")
    assert award.history.first().history_change_reason == "Nhập từ tệp Excel"


def test_export_imports_back_unchanged(world, board, secretary_a):
    """Imported rows and rows written by a decision recorded in the app, in one file."""
    imported(workbook([row(), row(code="stp", name="Sở Tư pháp", year=2021, day="15/01/2022", signer="")]), board)
    certificate = AwardType.objects.get(code="bk-chu-tich-tinh")
    nomination = Nomination.objects.create(
        bloc=world["bloc_a"], year=2025, unit=world["unit_a1"], award_type=certificate, state="approved",
        created_by=secretary_a,
    )  # fmt: skip
    decision = decisions.decision_create(
        values=decisions.DecisionValues(number="5/QĐ-UBND", date=date(2026, 1, 20), signer="Trần Văn Bình",
                                        award_type=certificate, year=2025),
        user=board,
    )  # fmt: skip
    decisions.decision_attach(decision=decision, versions={nomination.pk: nomination.version}, user=board)
    before = stored()

    exported = history_xlsx.export_history()
    result = imported(exported, board)

    assert result.errors == []
    assert result.changed == 0
    assert stored() == before
    assert cells(exported)[1:] == [
        ("vp-ubnd", "Văn phòng UBND tỉnh", 2025, "Bằng khen của Chủ tịch UBND tỉnh", "5/QĐ-UBND",
         datetime(2026, 1, 20), "Trần Văn Bình"),
        ("stc", "Sở Tài chính", 2022, "Bằng khen của Chủ tịch UBND tỉnh", "125/QĐ-UBND", datetime(2022, 12, 28),
         "Nguyễn Văn Hòa"),
        ("stp", "Sở Tư pháp", 2021, "Bằng khen của Chủ tịch UBND tỉnh", "125/QĐ-UBND", datetime(2022, 1, 15), None),
    ]  # fmt: skip
    assert cells(history_xlsx.export_history()) == cells(exported)
    assert [r[0] for r in cells(history_xlsx.export_history(2022))[1:]] == ["stc"]


def test_formula_like_text_round_trips(world, board):
    imported(workbook([row(signer="'=Nguyễn Văn Hòa")]), board)
    assert Award.objects.get().note == "Người ký: =Nguyễn Văn Hòa"

    exported = history_xlsx.export_history()

    assert cells(exported)[1][6] == "'=Nguyễn Văn Hòa"
    assert imported(exported, board).changed == 0


# --- Vietnamese text -----------------------------------------------------------------------------


def test_decomposed_and_unaccented_text_is_matched_and_stored_composed(world, board):
    nfd = lambda text: unicodedata.normalize("NFD", text)  # noqa: E731
    data = workbook([
        row(name=nfd("Sở Tài chính"), award=nfd("Bằng khen của Chủ tịch UBND tỉnh"), number=nfd("125/QĐ-UBND"),
            signer=nfd("Nguyễn Văn Hòa"), day=nfd("ngày 28 tháng 12 năm 2022")),
        row(code="stp", name="so tu phap", award="TAP THE LAO DONG XUAT SAC", signer="  Lê   Thị Thu  "),
        row(code="vp-ubnd", name="Văn phòng UBND tỉnh", award="ttldtt"),
    ])  # fmt: skip

    result = imported(data, board)

    assert result.errors == []
    awards = {a.unit.code: a for a in Award.objects.select_related("unit", "award_type")}
    assert awards["stc"].note == "Người ký: Nguyễn Văn Hòa"
    assert unicodedata.is_normalized("NFC", awards["stc"].note)
    assert awards["stc"].decision_number == "125/QĐ-UBND"
    assert awards["stc"].decision_date == date(2022, 12, 28)
    assert awards["stp"].award_type.code == "ttldxs"
    assert awards["stp"].note == "Người ký: Lê Thị Thu"
    assert awards["vp-ubnd"].award_type.code == "ttldtt"
    assert imported(data, board).changed == 0


def test_unit_code_matches_regardless_of_case(world, board):
    assert imported(workbook([row(code="STC")]), board).errors == []
    assert Award.objects.get().unit == world["unit_a2"]


# --- Size ----------------------------------------------------------------------------------------


def test_thousands_of_rows_take_a_bounded_number_of_queries(world, board):
    """3,000 rows (100 units × 6 award types × 5 years): batches of 500, no query per row."""
    Unit.objects.bulk_create([Unit(name=f"Xã thử nghiệm {i:03d}", code=f"xa-{i:03d}") for i in range(100)])
    types = list(AwardType.objects.values_list("code", flat=True))
    rows = [
        [f"xa-{i:03d}", f"Xã thử nghiệm {i:03d}", year, code, f"{i + 1}/QĐ-UBND", f"20/01/{year + 1}", "Hà Văn Lâm"]
        for i in range(100)
        for code in types
        for year in range(2016, 2021)
    ]
    data = workbook(rows)
    assert len(rows) == 3000

    with CaptureQueriesContext(connection) as first:
        result = imported(data, board)
    with CaptureQueriesContext(connection) as second:
        again = imported(data, board)

    assert result.errors == []
    assert Award.objects.count() == 3000
    assert Award.history.count() == 3000
    assert len(first.captured_queries) <= 20  # units, award types, existing awards, 6 + 6 insert batches, savepoints
    assert again.changed == 0
    assert len(second.captured_queries) <= 6


# --- Who may import ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "page", "download", "upload"),
    [
        ("board", 200, 200, 200),
        ("reviewer", 200, 200, 403),
        ("viewer", 200, 200, 403),
        ("secretary_a", 403, 403, 403),
        ("officer_a", 403, 403, 403),
    ],
)
@pytest.mark.django_db
def test_board_admin_imports_province_readers_download(persona, page, download, upload, world, request, client_for):
    client = client_for(request.getfixturevalue(persona))

    shown = client.get(reverse("awards:history_io"))
    exported = client.get(reverse("awards:history_export"))
    posted = client.post(reverse("awards:history_import"), {"file": SimpleUploadedFile("k.xlsx", workbook([row()]))})

    assert (shown.status_code, exported.status_code, posted.status_code) == (page, download, upload)
    assert Award.objects.count() == (1 if upload == 200 else 0)
    if page == 200:
        assert ('name="file"' in shown.content.decode()) == (upload == 200)


def test_import_page_shows_the_errors(world, board, client_for):
    response = client_for(board).post(
        reverse("awards:history_import"), {"file": SimpleUploadedFile("k.xlsx", workbook([row(code="khong-co")]))}
    )

    html = response.content.decode()
    assert "Tệp có 1 lỗi nên chưa có gì được ghi." in html
    assert "không có đơn vị mã «khong-co» trong phần mềm." in html
