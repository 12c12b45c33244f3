"""Task-completion ratings (xếp loại): the bloc's yearly table, its service, and the XLSX import/export."""

import html
import re
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from blocs.models import BlocYear, Membership
from blocs.ratings_xlsx import build_template, export_ratings, parse_workbook, ratings_import
from blocs.services_ratings import RatingConflict, RatingInput, rating_write, ratings_save, staff_count_errors
from tests.factories import BlocFactory, MembershipFactory, UnitFactory
from units.models import AnnualRating

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [
    "Năm",
    "Mã đơn vị",
    "Tên đơn vị",
    "Xếp loại",
    "Tổng số người",
    "Số hoàn thành nhiệm vụ",
    "Số Lao động tiên tiến",
    "Số Chiến sĩ thi đua cơ sở",
    "Ghi chú",
]
FIELDS = ["rating", "staff_total", "staff_completed", "staff_advanced", "staff_emulation_fighters", "note"]


def rate(unit, year, rating="HTXSNV", **values) -> AnnualRating:
    return AnnualRating.objects.create(unit=unit, year=year, rating=rating, **values)


def stored(year) -> dict[str, tuple]:
    return {
        r.unit.code: (r.rating, r.staff_total, r.staff_completed, r.staff_advanced, r.staff_emulation_fighters, r.note)
        for r in AnnualRating.objects.filter(year=year).select_related("unit")
    }


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


# --- Pure: the staff count rules -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({"staff_total": 30, "staff_completed": 30, "staff_advanced": 21, "staff_emulation_fighters": 3}, {}),
        ({"staff_total": None, "staff_completed": 40, "staff_advanced": 40, "staff_emulation_fighters": None}, {}),
        (
            {"staff_total": 30, "staff_completed": 31, "staff_advanced": 31, "staff_emulation_fighters": 32},
            {
                "staff_completed": "Số hoàn thành nhiệm vụ (31) không được lớn hơn tổng số người (30).",
                "staff_advanced": "Số Lao động tiên tiến (31) không được lớn hơn tổng số người (30).",
                "staff_emulation_fighters": (
                    "Số Chiến sĩ thi đua cơ sở (32) không được lớn hơn số Lao động tiên tiến (31)."
                ),
            },
        ),
        ({"staff_total": -1}, {"staff_total": "Số người không được âm."}),
    ],
)
def test_staff_count_rules(values, errors):
    assert staff_count_errors(values) == errors


# --- The service ----------------------------------------------------------------------------------


def test_save_creates_updates_deletes_and_skips_unchanged(world, year, secretary_a):
    a1, a2, a3 = world["unit_a1"], world["unit_a2"], world["unit_a3"]
    old = rate(a2, year, "HTTNV", staff_total=20)
    same = rate(a3, year, "HTNV", note="Ghi chú")
    rows = [
        RatingInput(a1.pk, None, "HTXSNV", 30, 30, 25, 3, "  Dẫn đầu  khối "),
        RatingInput(a2.pk, old.version, "HTXSNV", 20, 20, 15, 2),
        RatingInput(a3.pk, same.version, "HTNV", note="Ghi chú"),
    ]
    tally = ratings_save(bloc=world["bloc_a"], year=year, rows=rows, user=secretary_a)
    assert (tally.created, tally.updated, tally.deleted, tally.unchanged) == (1, 1, 0, 1)
    assert stored(year) == {
        "vp-ubnd": ("HTXSNV", 30, 30, 25, 3, "Dẫn đầu khối"),
        "stc": ("HTXSNV", 20, 20, 15, 2, ""),
        "stp": ("HTNV", None, None, None, None, "Ghi chú"),
    }
    old.refresh_from_db()
    assert old.version == 2
    assert AnnualRating.history.filter(unit=a3).count() == 1  # unchanged: no history noise
    assert AnnualRating.history.filter(unit=a1).get().history_user == secretary_a
    removed = ratings_save(bloc=world["bloc_a"], year=year, rows=[RatingInput(a3.pk, same.version)])
    assert (removed.deleted, set(stored(year))) == (1, {"vp-ubnd", "stc"})


def test_save_refuses_a_stale_version_and_writes_nothing(world, year):
    a1, a2 = world["unit_a1"], world["unit_a2"]
    theirs = rate(a2, year, "HTTNV", staff_total=20)
    AnnualRating.objects.filter(pk=theirs.pk).update(version=2)
    rows = [RatingInput(a1.pk, None, "HTXSNV"), RatingInput(a2.pk, 1, "HTXSNV")]
    with pytest.raises(RatingConflict) as caught:
        ratings_save(bloc=world["bloc_a"], year=year, rows=rows)
    assert {pk: (r.rating, r.version) for pk, r in caught.value.current.items()} == {a2.pk: ("HTTNV", 2)}
    assert stored(year) == {"stc": ("HTTNV", 20, None, None, None, "")}


def test_save_refuses_a_rating_created_meanwhile(world, year):
    rate(world["unit_a1"], year, "HTNV")
    with pytest.raises(RatingConflict):
        ratings_save(bloc=world["bloc_a"], year=year, rows=[RatingInput(world["unit_a1"].pk, None, "HTXSNV")])


def test_save_refuses_a_closed_year(world, year):
    BlocYear.objects.create(bloc=world["bloc_a"], year=year, closed_at=timezone.now())
    with pytest.raises(ValidationError) as caught:
        ratings_save(bloc=world["bloc_a"], year=year, rows=[RatingInput(world["unit_a1"].pk, None, "HTXSNV")])
    assert caught.value.code == "year_closed"
    assert AnnualRating.objects.count() == 0


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"unit": "unit_b1", "rating": "HTXSNV"},
            "không thuộc khối năm 2025.",
        ),
        (
            {"unit": "unit_a1", "rating": "", "staff_total": 5},
            "Văn phòng UBND tỉnh: chọn xếp loại, hoặc để trống cả dòng.",
        ),
        ({"unit": "unit_a1", "rating": "XUATSAC"}, "Văn phòng UBND tỉnh: xếp loại «XUATSAC» không hợp lệ."),
        (
            {"unit": "unit_a1", "rating": "HTXSNV", "staff_total": 5, "staff_completed": 6},
            "Văn phòng UBND tỉnh: Số hoàn thành nhiệm vụ (6) không được lớn hơn tổng số người (5).",
        ),
    ],
)
def test_save_checks_every_row(world, year, row, message):
    unit = world[row.pop("unit")]
    with pytest.raises(ValidationError) as caught:
        ratings_save(bloc=world["bloc_a"], year=year, rows=[RatingInput(unit.pk, None, **row)])
    assert caught.value.messages[0].endswith(message)
    assert AnnualRating.objects.count() == 0


def test_the_database_holds_the_count_rules(world, year):
    row = RatingInput(world["unit_a1"].pk, None, "HTXSNV", staff_total=5, staff_advanced=6)
    with pytest.raises(IntegrityError), transaction.atomic():
        rating_write(current=None, unit_id=row.unit_id, year=year, row=row)


# --- The page -------------------------------------------------------------------------------------


def form_data(rows: list[dict]) -> dict:
    """The formset as the browser posts it: `rows` are (unit, version, initial values, typed values)."""
    data = {"xl-TOTAL_FORMS": str(len(rows)), "xl-INITIAL_FORMS": str(len(rows)), "xl-MIN_NUM_FORMS": "0"}
    data["xl-MAX_NUM_FORMS"] = "1000"
    for index, row in enumerate(rows):
        data[f"xl-{index}-unit"] = str(row["unit"].pk)
        data[f"xl-{index}-version"] = "" if row.get("version") is None else str(row["version"])
        for name in FIELDS:
            shown, typed = (
                row.get("shown", {}).get(name, ""),
                row.get("typed", {}).get(name, row.get("shown", {}).get(name, "")),
            )
            data[f"initial-xl-{index}-{name}"] = "" if shown is None else str(shown)
            data[f"xl-{index}-{name}"] = "" if typed is None else str(typed)
    return data


def members(world) -> list:
    return [world["unit_a1"], world["unit_a2"], world["unit_a3"]]


def url(world, year) -> str:
    return reverse("blocs:ratings", args=[world["bloc_a"].pk, year])


def test_secretary_saves_the_table(client_for, secretary_a, world, year):
    a1, a2, a3 = members(world)
    typed = {
        "rating": "HTXSNV",
        "staff_total": 30,
        "staff_completed": 30,
        "staff_advanced": 22,
        "staff_emulation_fighters": 3,
    }
    data = form_data([{"unit": a1, "typed": typed}, {"unit": a2, "typed": {"rating": "HTTNV"}}, {"unit": a3}])
    client = client_for(secretary_a)
    response = client.post(url(world, year), data)
    assert response.status_code == 302
    assert stored(year) == {"vp-ubnd": ("HTXSNV", 30, 30, 22, 3, ""), "stc": ("HTTNV", None, None, None, None, "")}
    page = text(client.get(url(world, year)))
    assert "Đã lưu xếp loại năm 2025: 2 thêm mới, 0 cập nhật, 0 xóa." in page
    assert "Lịch sử thay đổi xếp loại" in page


def test_errors_show_next_to_the_field_and_nothing_is_saved(client_for, secretary_a, world, year):
    a1, a2, a3 = members(world)
    data = form_data(
        [
            {"unit": a1, "typed": {"rating": "HTXSNV", "staff_total": 10, "staff_completed": 12}},
            {"unit": a2, "typed": {"staff_total": -3}},
            {"unit": a3, "typed": {"rating": "HTTNV", "staff_advanced": 2, "staff_emulation_fighters": 3}},
        ]
    )
    response = client_for(secretary_a).post(url(world, year), data)
    assert response.status_code == 200
    page = text(response)
    assert (
        'id="id_xl-0-staff_completed-error">Số hoàn thành nhiệm vụ (12) không được lớn hơn tổng số người (10).' in page
    )
    assert 'id="id_xl-1-staff_total-error">Số người không được âm.' in page
    assert 'id="id_xl-1-rating-error">Chọn xếp loại, hoặc để trống cả dòng.' in page
    assert "Số Chiến sĩ thi đua cơ sở (3) không được lớn hơn số Lao động tiên tiến (2)." in page
    assert 'aria-invalid="true"' in page
    assert 'name="xl-0-staff_completed" value="12"' in page  # what was typed is kept
    assert AnnualRating.objects.count() == 0


def test_unchanged_rows_are_not_saved(client_for, secretary_a, world, year):
    a1, a2, a3 = members(world)
    r1 = rate(a1, year, "HTXSNV", staff_total=30)
    shown = {"rating": "HTXSNV", "staff_total": 30}
    data = form_data([{"unit": a1, "version": r1.version, "shown": shown}, {"unit": a2}, {"unit": a3}])
    response = client_for(secretary_a).post(url(world, year), data, follow=True)
    assert "Không có thay đổi nào để lưu." in text(response)
    assert AnnualRating.history.count() == 1


def test_second_editor_is_refused_with_the_other_values_shown(client_for, secretary_a, board, world, year):
    a1, a2, a3 = members(world)
    r1 = rate(a1, year, "HTTNV", staff_total=30)
    shown = {"rating": "HTTNV", "staff_total": 30}

    def rows(typed):
        return [{"unit": a1, "version": r1.version, "shown": shown, "typed": typed}, {"unit": a2}, {"unit": a3}]

    first = client_for(board).post(url(world, year), form_data(rows({"rating": "HTXSNV", "staff_total": 31})))
    assert first.status_code == 302
    second = client_for(secretary_a).post(url(world, year), form_data(rows({"rating": "HTNV", "staff_total": 29})))
    assert second.status_code == 200
    page = text(second)
    assert "vừa được người khác lưu trong lúc bạn đang sửa; chưa có gì được ghi." in page
    assert "Xếp loại: «Hoàn thành xuất sắc nhiệm vụ»; Tổng số người: «31»" in page
    assert 'name="xl-0-staff_total" value="29"' in page
    assert 'name="xl-0-version" value="2"' in page
    assert stored(year)["vp-ubnd"][:2] == ("HTXSNV", 31)
    # Saving again, now knowingly, goes through.
    again = form_data(rows({"rating": "HTNV", "staff_total": 29}))
    again["xl-0-version"] = "2"
    assert client_for(secretary_a).post(url(world, year), again).status_code == 302
    assert stored(year)["vp-ubnd"][:2] == ("HTNV", 29)


def test_a_row_someone_else_changed_but_this_user_did_not_touch_is_left_alone(client_for, secretary_a, world, year):
    a1, a2, a3 = members(world)
    r2 = rate(a2, year, "HTTNV")
    AnnualRating.objects.filter(pk=r2.pk).update(rating="HTXSNV", version=2)  # someone else, meanwhile
    data = form_data(
        [
            {"unit": a1, "typed": {"rating": "HTNV"}},
            {"unit": a2, "version": 1, "shown": {"rating": "HTTNV"}},
            {"unit": a3},
        ]
    )
    assert client_for(secretary_a).post(url(world, year), data).status_code == 302
    assert {k: v[0] for k, v in stored(year).items()} == {"vp-ubnd": "HTNV", "stc": "HTXSNV"}


def test_earlier_years_are_shown_beside_each_unit(client_for, viewer, world, year):
    rate(world["unit_a1"], year - 1, "HTXSNV")
    rate(world["unit_a1"], year - 2, "HTTNV")
    rate(world["unit_a1"], year - 3, "KHTNV")
    response = client_for(viewer).get(url(world, year))
    rows = {
        row.unit.code: [(y, r.rating if r else None) for y, r in row.earlier] for row, _f in response.context["table"]
    }
    assert rows["vp-ubnd"] == [(2024, "HTXSNV"), (2023, "HTTNV")]
    assert rows["stp"] == [(2024, None), (2023, None)]
    assert response.context["formset"] is None  # viewers read
    assert "Bạn chỉ có quyền xem xếp loại của khối." in text(response)


def test_closed_year_refuses_the_post(client_for, secretary_a, board, world, year):
    BlocYear.objects.create(bloc=world["bloc_a"], year=year, closed_at=timezone.now())
    data = form_data([{"unit": u, "typed": {"rating": "HTXSNV"}} for u in members(world)])
    assert client_for(secretary_a).post(url(world, year), data).status_code == 403
    assert client_for(board).post(url(world, year), data).status_code == 403
    page = client_for(secretary_a).get(url(world, year))
    assert page.context["formset"] is None
    assert AnnualRating.objects.count() == 0


def test_a_changed_member_list_saves_nothing(client_for, secretary_a, world, year):
    a1, a2, _a3 = members(world)
    data = form_data([{"unit": a1, "typed": {"rating": "HTXSNV"}}, {"unit": a2}, {"unit": world["unit_b1"]}])
    response = client_for(secretary_a).post(url(world, year), data, follow=True)
    assert "Danh sách đơn vị của khối vừa thay đổi" in text(response)
    assert AnnualRating.objects.count() == 0


@pytest.mark.parametrize("size", [3, 15])
def test_page_queries_do_not_grow(size, client_for, board, year, django_assert_num_queries):
    bloc = BlocFactory()
    for index in range(size):
        unit = MembershipFactory(bloc=bloc, year=year, unit=UnitFactory()).unit
        for back in range(3):
            rate(unit, year - back, "HTXSNV" if index % 2 else "HTTNV", staff_total=10)
    client = client_for(board)
    page = reverse("blocs:ratings", args=[bloc.pk, year])
    client.get(page)
    with django_assert_num_queries(QUERIES):
        response = client.get(page)
    assert len(response.context["table"]) == size


QUERIES = 12  # session, user, roles, bloc, bloc-year; memberships, ratings, history; year menu (1); session save (3)


# --- XLSX -------------------------------------------------------------------------------------------


def workbook(rows: list[list], headers=HEADERS, title="Xep loai") -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = title
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, data: bytes):
    return client.post(
        reverse("blocs:ratings_import"), {"file": SimpleUploadedFile("xl.xlsx", data, content_type=XLSX)}
    )


def test_template_has_the_headers_and_a_dropdown(client_for, viewer):
    response = client_for(viewer).get(reverse("blocs:ratings_template"))
    assert response["Content-Type"] == XLSX
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["Huong dan", "Xep loai"]
    ws = book["Xep loai"]
    assert [c.value for c in ws[1]] == HEADERS
    assert [dv.formula1 for dv in ws.data_validations.dataValidation] == ['"HTXSNV,HTTNV,HTNV,KHTNV"']


def test_import_creates_and_updates_across_years(world, year, board):
    rate(world["unit_a1"], 2023, "HTTNV", staff_total=30, note="Cũ")
    data = workbook(
        [
            [2023, "vp-ubnd", "Văn phòng UBND tỉnh", "Hoàn thành xuất sắc nhiệm vụ", None, 30, 25, 2, None],
            [2024, "stc", None, "htxsnv", 40, 40, 30, 4, "'=không phải công thức"],
            [2024.0, "stp", None, "Hoàn thành tốt nhiệm vụ", "12", None, None, None, None],
        ]
    )
    result = ratings_import(data=data, user=board)
    assert (result.ok, result.errors) == (True, [])
    assert [(y, t.created, t.updated, t.unchanged) for y, t in result.summary()] == [(2024, 2, 0, 0), (2023, 0, 1, 0)]
    assert stored(2023) == {"vp-ubnd": ("HTXSNV", 30, 30, 25, 2, "Cũ")}  # blank cells keep what is stored
    assert stored(2024) == {
        "stc": ("HTXSNV", 40, 40, 30, 4, "=không phải công thức"),
        "stp": ("HTTNV", 12, None, None, None, ""),
    }
    assert AnnualRating.objects.get(unit=world["unit_a1"], year=2023).version == 2
    assert AnnualRating.history.filter(year=2024).first().history_change_reason == "Nhập từ tệp Excel"


def test_every_bad_row_is_reported_and_nothing_is_written(world, year):
    rate(world["unit_a1"], 2023, "HTTNV", staff_total=30)
    data = workbook(
        [
            [2023, "vp-ubnd", None, "HTXSNV", None, 31, None, None, None],  # more than the stored total
            [2024, "khong-co", None, "HTXSNV", None, None, None, None, None],
            [1999, "stc", None, "Xuất sắc", -1, "3,5", None, None, None],
            [2024, "stp", None, None, None, None, None, None, "x" * 256],
            [2024, "stc", None, "HTNV", 10, 10, 5, 6, None],
            [2024, "stc", None, "HTNV", None, None, None, None, None],
            [None, None, None, None, None, None, None, None, None],
            ["=2020+4", "stp", None, "HTNV", None, None, None, None, None],
        ]
    )
    result = ratings_import(data=data)
    assert result.errors == [
        'Sheet "Xep loai", dòng 4, cột "Năm": năm 1999 phải trong khoảng 2000–2100.',
        'Sheet "Xep loai", dòng 4, cột "Xếp loại": «Xuất sắc» không phải là xếp loại. Ghi một trong: '
        "HTXSNV (Hoàn thành xuất sắc nhiệm vụ); HTTNV (Hoàn thành tốt nhiệm vụ); HTNV (Hoàn thành nhiệm vụ); "
        "KHTNV (Không hoàn thành nhiệm vụ).",
        'Sheet "Xep loai", dòng 4, cột "Tổng số người": số người không được âm (-1).',
        'Sheet "Xep loai", dòng 4, cột "Số hoàn thành nhiệm vụ": «3,5» không phải là số nguyên.',
        'Sheet "Xep loai", dòng 5, cột "Xếp loại": thiếu giá trị (cột bắt buộc).',
        'Sheet "Xep loai", dòng 5, cột "Ghi chú": dài 256 ký tự, tối đa 255 ký tự.',
        'Sheet "Xep loai", dòng 7, cột "Mã đơn vị": đơn vị «stc» năm 2024 đã có ở dòng 6.',
        'Sheet "Xep loai", dòng 9, cột "Năm": ô chứa công thức; hãy dán giá trị (Paste Values) thay cho công thức.',
    ]
    assert AnnualRating.objects.count() == 1
    # With the cell errors fixed, the rules that need the database speak.
    data = workbook(
        [
            [2023, "vp-ubnd", None, "HTXSNV", None, 31, None, None, None],
            [2024, "khong-co", None, "HTXSNV", None, None, None, None, None],
            [2024, "stc", None, "HTNV", 10, 10, 5, 6, None],
        ]
    )
    assert ratings_import(data=data).errors == [
        'Sheet "Xep loai", dòng 2, cột "Số hoàn thành nhiệm vụ": Số hoàn thành nhiệm vụ (31) không được lớn hơn '
        "tổng số người (30).",
        'Sheet "Xep loai", dòng 3, cột "Mã đơn vị": không có đơn vị mã «khong-co» trong phần mềm.',
        'Sheet "Xep loai", dòng 4, cột "Số Chiến sĩ thi đua cơ sở": Số Chiến sĩ thi đua cơ sở (6) không được lớn '
        "hơn số Lao động tiên tiến (5).",
    ]
    assert stored(2023) == {"vp-ubnd": ("HTTNV", 30, None, None, None, "")}


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"not a workbook", "Tệp không phải là tệp Excel .xlsx hợp lệ."),
        (workbook([], title="Sheet1"), 'Tệp không có sheet "Xep loai".'),
        (
            workbook([[2024, "stc", "HTXSNV"]], headers=["Năm", "Mã đơn vị"]),
            'Sheet "Xep loai", dòng 1: thiếu cột "Xếp loại" ở dòng tiêu đề.',
        ),
        (workbook([]), 'Sheet "Xep loai": Tệp không có dòng dữ liệu nào để nhập.'),
    ],
)
def test_unusable_files_are_explained(db, data, error):
    _rows, problems = parse_workbook(data)
    assert str(problems[0]).startswith(error)


def test_closed_bloc_year_rows_are_refused_unless_unchanged(world, year):
    rate(world["unit_a1"], year, "HTXSNV", staff_total=30)
    BlocYear.objects.create(bloc=world["bloc_a"], year=year, closed_at=timezone.now())
    unchanged = [year, "vp-ubnd", None, "HTXSNV", 30, None, None, None, None]
    other_bloc = [year, "btg", None, "HTTNV", None, None, None, None, None]
    assert ratings_import(data=workbook([unchanged, other_bloc])).ok
    changed = [year, "stc", None, "HTTNV", None, None, None, None, None]
    result = ratings_import(data=workbook([unchanged, changed]))
    assert result.errors == [
        'Sheet "Xep loai", dòng 3: đơn vị thuộc khối «Khối các cơ quan Tham mưu - Tổng hợp», năm 2025 đã khóa sổ: '
        "xếp loại chỉ xem, không sửa được. Ban Thi đua - Khen thưởng mở lại năm của khối nếu cần sửa."
    ]
    assert set(stored(year)) == {"vp-ubnd", "btg"}


def test_units_outside_any_bloc_that_year_are_imported(world):
    assert not Membership.objects.filter(year=2019).exists()
    assert ratings_import(data=workbook([[2019, "stp", None, "HTNV", None, None, None, None, None]])).ok
    assert stored(2019) == {"stp": ("HTNV", None, None, None, None, "")}


def test_export_imports_back_unchanged(world, year, client_for, viewer):
    rate(world["unit_a1"], year, "HTXSNV", staff_total=30, staff_completed=30, staff_advanced=22, note="=SUM(A1)")
    rate(world["unit_a2"], year - 1, "KHTNV")
    rate(world["unit_a3"], year, "HTTNV", staff_emulation_fighters=0)
    before = (stored(year), stored(year - 1), AnnualRating.history.count())
    response = client_for(viewer).get(reverse("blocs:ratings_export"))
    assert response["Content-Disposition"] == 'attachment; filename="thidua-xep-loai-cac-nam.xlsx"'
    ws = load_workbook(BytesIO(response.content))["Xep loai"]
    assert [list(r) for r in ws.iter_rows(min_row=2, values_only=True)] == [
        [2025, "stp", "Sở Tư pháp", "HTTNV", None, None, None, 0, None],
        [2025, "vp-ubnd", "Văn phòng UBND tỉnh", "HTXSNV", 30, 30, 22, None, "'=SUM(A1)"],
        [2024, "stc", "Sở Tài chính", "KHTNV", None, None, None, None, None],
    ]
    result = ratings_import(data=response.content)
    assert (result.ok, result.changed, [(y, t.unchanged) for y, t in result.summary()]) == (
        True,
        0,
        [(2025, 2), (2024, 1)],
    )
    assert (stored(year), stored(year - 1), AnnualRating.history.count()) == before
    one_year = client_for(viewer).get(reverse("blocs:ratings_export"), {"nam": year - 1})
    rows = list(load_workbook(BytesIO(one_year.content))["Xep loai"].iter_rows(min_row=2, values_only=True))
    assert [r[:2] for r in rows] == [(2024, "stc")]


def test_import_page_for_the_board(client_for, board, viewer, world):
    page = client_for(board).get(reverse("blocs:ratings_import"))
    assert "Nhập xếp loại từ Excel" in text(page)
    response = upload(client_for(board), workbook([[2022, "stc", None, "HTXSNV", None, None, None, None, None]]))
    assert response.status_code == 200
    assert "Đã nhập xong tệp." in text(response)
    again = upload(client_for(board), workbook([[2022, "stc", None, "HTXSNV", None, None, None, None, None]]))
    assert "Tệp không có gì mới" in text(again)
    bad = upload(client_for(board), workbook([[2022, "zzz", None, "HTXSNV", None, None, None, None, None]]))
    assert "Tệp có 1 lỗi nên chưa có gì được ghi." in text(bad)
    assert upload(client_for(viewer), workbook([])).status_code == 403
    assert build_template()[:2] == b"PK"
    assert export_ratings(2022)[:2] == b"PK"
