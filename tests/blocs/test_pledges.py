"""The bloc's pledge of the year: creating it (copy or empty), editing it in one go, signatures,
targets judged from the year's records, closed years, query counts."""

import datetime
import unicodedata
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blocs import pledge_targets
from blocs.models import Pledge, PledgeArticle, PledgeSignature, PledgeTarget, TitleRegistration
from blocs.services_year import year_close
from tests.factories import BlocFactory, MembershipFactory, UnitFactory
from units.models import AnnualRating, AwardType

YEAR = 2025


def url(name, bloc, year=YEAR):
    return reverse(f"blocs:{name}", kwargs={"pk": bloc.pk, "year": year})


def make_pledge(bloc, year=YEAR, **values):
    return Pledge.objects.create(bloc=bloc, year=year, title=values.pop("title", f"Giao ước năm {year}"), **values)


def add_target(pledge, order, description, kind, target_value, measure, manual_value=None):
    return PledgeTarget.objects.create(
        pledge=pledge,
        order=order,
        description=description,
        kind=kind,
        target_value=Decimal(target_value),
        measure=measure,
        manual_value=None if manual_value is None else Decimal(manual_value),
    )


def sign(pledge, unit, day=datetime.date(2025, 3, 1), by="Nguyễn Văn An"):
    return PledgeSignature.objects.create(pledge=pledge, unit=unit, signed_on=day, signed_by=by)


def edit_data(pledge, *, title=None, articles=(), targets=(), **header):
    """The edit form's POST: header fields, then the two formsets (rows with an "id" are existing ones)."""
    data = {
        "title": title if title is not None else pledge.title,
        "adopted_on": header.get("adopted_on", ""),
        "place": header.get("place", ""),
        "note": header.get("note", ""),
        "version": str(header.get("version", pledge.version)),
    }
    for prefix, rows in (("articles", articles), ("targets", targets)):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = str(sum(1 for row in rows if "id" in row))
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for index, row in enumerate(rows):
            for key, value in row.items():
                data[f"{prefix}-{index}-{key}"] = "" if value is None else str(value)
    return data


# --- Creating the year's pledge ------------------------------------------------------------------


def test_copy_takes_last_years_content_but_not_its_signatures(client_for, secretary_a, world):
    bloc = world["bloc_a"]
    old = make_pledge(
        bloc,
        2024,
        title="Giao ước thi đua năm 2024 của Khối",
        place="Sở Tài chính",
        adopted_on=datetime.date(2024, 3, 5),
    )
    PledgeArticle.objects.create(pledge=old, order=2, text="Đẩy mạnh cải cách hành chính")
    PledgeArticle.objects.create(pledge=old, order=1, text="Thực hiện tốt nhiệm vụ chính trị")
    add_target(old, 1, "100% đơn vị ký kết giao ước", "percent", "100", "signed")
    add_target(old, 2, "Có trang thông tin điện tử", "yes_no", "1", "manual", manual_value="1")
    sign(old, world["unit_a1"], datetime.date(2024, 3, 5))
    make_pledge(bloc, 2023, title="Giao ước năm 2023")  # older: not the one copied

    response = client_for(secretary_a).post(url("pledge_copy", bloc), {"source": "previous"})

    assert response.status_code == 302
    assert response.url == url("pledge_edit", bloc)
    new = Pledge.objects.get(bloc=bloc, year=YEAR)
    assert (new.title, new.place, new.adopted_on, new.note) == ("Giao ước thi đua năm 2025 của Khối", "", None, "")
    assert list(new.articles.values_list("order", "text")) == [
        (1, "Thực hiện tốt nhiệm vụ chính trị"),
        (2, "Đẩy mạnh cải cách hành chính"),
    ]
    assert list(new.targets.values_list("order", "description", "kind", "target_value", "measure", "manual_value")) == [
        (1, "100% đơn vị ký kết giao ước", "percent", Decimal("100.00"), "signed", None),
        (2, "Có trang thông tin điện tử", "yes_no", Decimal("1.00"), "manual", None),
    ]
    assert new.signatures.count() == 0
    assert old.signatures.count() == 1


def test_copy_without_an_earlier_pledge_creates_an_empty_one(client_for, board, world):
    bloc = world["bloc_a"]
    page = client_for(board).get(url("pledge", bloc)).content.decode()
    assert "Tạo giao ước trống" in page
    assert "Sao chép từ giao ước năm" not in page  # nothing to copy from

    response = client_for(board).post(url("pledge_copy", bloc), {"source": "previous"})

    assert response.status_code == 302
    pledge = Pledge.objects.get(bloc=bloc, year=YEAR)
    assert (pledge.title, pledge.articles.count(), pledge.targets.count()) == ("Giao ước thi đua năm 2025", 0, 0)


def test_page_offers_both_buttons_when_an_earlier_pledge_exists(client_for, secretary_a, world):
    make_pledge(world["bloc_a"], 2023)
    page = client_for(secretary_a).get(url("pledge", world["bloc_a"])).content.decode()
    assert "Sao chép từ giao ước năm 2023" in page
    assert "Tạo giao ước trống" in page


def test_empty_source_ignores_the_earlier_pledge_and_copy_twice_is_refused(client_for, board, world):
    bloc = world["bloc_a"]
    old = make_pledge(bloc, 2024)
    PledgeArticle.objects.create(pledge=old, order=1, text="Nội dung cũ")
    client_for(board).post(url("pledge_copy", bloc), {"source": "empty"})
    again = client_for(board).post(url("pledge_copy", bloc), {"source": "previous"}, follow=True)
    assert Pledge.objects.get(bloc=bloc, year=YEAR).articles.count() == 0
    assert [str(m) for m in again.context["messages"]] == ["Khối đã có giao ước năm 2025."]


def test_readers_see_no_create_buttons(client_for, viewer, officer_a, world):
    for user in (viewer, officer_a):
        page = client_for(user).get(url("pledge", world["bloc_a"])).content.decode()
        assert "Khối chưa có giao ước thi đua năm 2025" in page
        assert "Tạo giao ước trống" not in page


# --- Editing -------------------------------------------------------------------------------------


def test_edit_saves_header_articles_and_targets_together(client_for, secretary_a, world):
    pledge = make_pledge(world["bloc_a"])
    article = PledgeArticle.objects.create(pledge=pledge, order=1, text="Cũ")
    data = edit_data(
        pledge,
        title="Giao ước thi đua năm 2025",
        adopted_on="2025-03-10",
        place="Văn phòng UBND tỉnh",
        articles=[
            {"id": article.pk, "order": 1, "text": "Thi đua hoàn thành xuất sắc nhiệm vụ"},
            {"order": 2, "text": "Đẩy mạnh chuyển đổi số"},
        ],
        targets=[
            {
                "order": 1,
                "description": "100% đơn vị ký kết",
                "kind": "percent",
                "target_value": "100",
                "measure": "signed",
                "manual_value": "",
            }
        ],
    )

    response = client_for(secretary_a).post(url("pledge_edit", world["bloc_a"]), data)

    assert response.status_code == 302
    pledge.refresh_from_db()
    assert (pledge.title, pledge.adopted_on, pledge.place, pledge.version) == (
        "Giao ước thi đua năm 2025",
        datetime.date(2025, 3, 10),
        "Văn phòng UBND tỉnh",
        2,
    )
    assert list(pledge.articles.values_list("order", "text")) == [
        (1, "Thi đua hoàn thành xuất sắc nhiệm vụ"),
        (2, "Đẩy mạnh chuyển đổi số"),
    ]
    assert list(pledge.targets.values_list("description", "target_value", "measure")) == [
        ("100% đơn vị ký kết", Decimal("100.00"), "signed")
    ]


def test_a_bad_target_row_saves_nothing_and_says_why_next_to_the_field(client_for, secretary_a, world):
    pledge = make_pledge(world["bloc_a"], title="Trước khi sửa")
    data = edit_data(
        pledge,
        title="Sau khi sửa",
        articles=[{"order": 1, "text": "Nội dung mới"}],
        targets=[
            {"order": 1, "description": "Tỷ lệ ký kết", "kind": "percent", "target_value": "120", "measure": "signed"},
            {
                "order": 2,
                "description": "Số TTLĐXS",
                "kind": "count",
                "target_value": "2",
                "measure": "ttldxs",
                "manual_value": "3",
            },
        ],
    )

    response = client_for(secretary_a).post(url("pledge_edit", world["bloc_a"]), data)

    assert response.status_code == 200
    targets = response.context["targets"]
    assert targets.forms[0].errors == {"target_value": ["Chỉ tiêu tỷ lệ không được vượt quá 100%."]}
    assert targets.forms[1].errors == {"manual_value": ["Chỉ nhập kết quả khi cách đo là «Nhập tay»; hãy xóa số này."]}
    pledge.refresh_from_db()
    assert (pledge.title, pledge.version, pledge.articles.count(), pledge.targets.count()) == ("Trước khi sửa", 1, 0, 0)
    page = response.content.decode()
    assert 'value="Sau khi sửa"' in page  # what they typed is still there
    assert "Chỉ tiêu tỷ lệ không được vượt quá 100%." in page


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (
            {"kind": "percent", "target_value": "-1", "measure": "signed"},
            "target_value",
            "Giá trị chỉ tiêu không được âm.",
        ),
        ({"kind": "count", "target_value": "2.5", "measure": "htxsnv"}, "target_value", "Số đơn vị phải là số nguyên."),
        (
            {"kind": "percent", "target_value": "90", "measure": "manual", "manual_value": "101"},
            "manual_value",
            "Tỷ lệ đạt được không được vượt quá 100%.",
        ),
        (
            {"kind": "yes_no", "target_value": "1", "measure": "manual", "manual_value": "2"},
            "manual_value",
            "Có/Không: nhập 1 (có) hoặc 0 (không).",
        ),
    ],
)
def test_target_rules(client_for, board, world, row, field, message):
    pledge = make_pledge(world["bloc_a"])
    data = edit_data(pledge, targets=[{"order": 1, "description": "Chỉ tiêu", **row}])
    response = client_for(board).post(url("pledge_edit", world["bloc_a"]), data)
    assert response.context["targets"].forms[0].errors == {field: [message]}
    assert pledge.targets.count() == 0


def test_blank_extra_rows_as_the_browser_sends_them_are_ignored(client_for, board, world):
    pledge = make_pledge(world["bloc_a"])
    article = PledgeArticle.objects.create(pledge=pledge, order=1, text="Có sẵn")
    page = client_for(board).get(url("pledge_edit", world["bloc_a"]))
    assert [f["order"].value() for f in page.context["articles"].forms] == [1, 2, 3]
    blank_target = {"order": 1, "description": "", "kind": "percent", "target_value": "100", "measure": "manual"}
    data = edit_data(
        pledge,
        articles=[{"id": article.pk, "order": 1, "text": "Có sẵn"}, {"order": 2, "text": ""}, {"order": 3, "text": ""}],
        targets=[blank_target, {**blank_target, "order": 2}],
    )
    response = client_for(board).post(url("pledge_edit", world["bloc_a"]), data)
    assert response.status_code == 302
    assert (pledge.articles.count(), pledge.targets.count()) == (1, 0)


def test_decimal_comma_is_accepted(client_for, board, world):
    pledge = make_pledge(world["bloc_a"])
    row = {
        "order": 1,
        "description": "Tỷ lệ hồ sơ trực tuyến",
        "kind": "percent",
        "target_value": "70,5",
        "measure": "manual",
        "manual_value": "80,25",
    }
    client_for(board).post(url("pledge_edit", world["bloc_a"]), edit_data(pledge, targets=[row]))
    assert list(pledge.targets.values_list("target_value", "manual_value")) == [(Decimal("70.50"), Decimal("80.25"))]


def test_deleting_rows(client_for, board, world):
    pledge = make_pledge(world["bloc_a"])
    keep = PledgeArticle.objects.create(pledge=pledge, order=1, text="Giữ")
    drop = PledgeArticle.objects.create(pledge=pledge, order=2, text="Bỏ")
    data = edit_data(
        pledge,
        articles=[
            {"id": keep.pk, "order": 1, "text": "Giữ"},
            {"id": drop.pk, "order": 2, "text": "Bỏ", "DELETE": "on"},
        ],
    )
    assert client_for(board).post(url("pledge_edit", world["bloc_a"]), data).status_code == 302
    assert list(pledge.articles.values_list("text", flat=True)) == ["Giữ"]


def test_second_concurrent_editor_is_refused_with_the_others_values_shown(client_for, board, secretary_a, world):
    pledge = make_pledge(world["bloc_a"], title="Giao ước năm 2025")
    edit = url("pledge_edit", world["bloc_a"])
    loaded = pledge.version  # both open the form now
    first = client_for(board).post(
        edit, edit_data(pledge, title="Bản của Ban", version=loaded, articles=[{"order": 1, "text": "Điều của Ban"}])
    )
    assert first.status_code == 302

    second = client_for(secretary_a).post(
        edit, edit_data(pledge, title="Bản của thư ký", version=loaded, articles=[{"order": 1, "text": "Điều thư ký"}])
    )

    assert second.status_code == 200
    page = second.content.decode()
    assert "vừa được người khác lưu trong lúc bạn đang sửa" in page
    assert "Tiêu đề: «Bản của Ban»" in page
    assert "Điều của Ban" in page  # the articles they saved are shown too
    assert 'value="Bản của thư ký"' in page
    assert "Điều thư ký" in page  # what the second person typed is kept in the form
    pledge.refresh_from_db()
    assert (pledge.title, pledge.version) == ("Bản của Ban", 2)
    assert list(pledge.articles.values_list("text", flat=True)) == ["Điều của Ban"]
    # Saving again, now knowingly, goes through.
    third = client_for(secretary_a).post(edit, edit_data(pledge, title="Bản của thư ký"))
    assert third.status_code == 302
    pledge.refresh_from_db()
    assert (pledge.title, pledge.version) == ("Bản của thư ký", 3)


def test_typed_text_is_stored_composed(client_for, board, world):
    pledge = make_pledge(world["bloc_a"])
    decomposed = unicodedata.normalize("NFD", "Giao ước thi đua  năm 2025 ")
    data = edit_data(
        pledge, title=decomposed, articles=[{"order": 1, "text": unicodedata.normalize("NFD", "Đẩy mạnh")}]
    )
    client_for(board).post(url("pledge_edit", world["bloc_a"]), data)
    client_for(board).post(
        url("pledge_sign", world["bloc_a"]),
        {
            "unit": world["unit_a3"].pk,
            "signed_on": "2025-03-01",
            "signed_by": unicodedata.normalize("NFD", "Lê Thị Ưng"),
        },
    )
    pledge.refresh_from_db()
    assert pledge.title == "Giao ước thi đua năm 2025"
    assert pledge.articles.get().text == "Đẩy mạnh"
    assert pledge.signatures.get().signed_by == "Lê Thị Ưng"


def test_edit_without_a_pledge_goes_back_to_the_pledge_page(client_for, board, world):
    response = client_for(board).get(url("pledge_edit", world["bloc_a"]))
    assert response.status_code == 302
    assert response.url == url("pledge", world["bloc_a"])


# --- Signatures ----------------------------------------------------------------------------------


def _sign_data(unit, **values):
    return {"unit": unit.pk, "signed_on": "2025-03-01", "signed_by": "Trần Văn Bình", "state": "", **values}


def test_officer_signs_for_their_own_unit_only(client_for, officer_a, world):
    pledge = make_pledge(world["bloc_a"])
    officer = client_for(officer_a)
    page = officer.get(url("pledge", world["bloc_a"]))
    assert [row["unit"].code for row in page.context["rows"] if row["form"]] == ["stp"]

    ok = officer.post(url("pledge_sign", world["bloc_a"]), _sign_data(world["unit_a3"], signer_title="Giám đốc"))
    refused = officer.post(url("pledge_sign", world["bloc_a"]), _sign_data(world["unit_a1"]))

    assert (ok.status_code, refused.status_code) == (302, 403)
    assert list(pledge.signatures.values_list("unit__code", "signed_on", "signed_by", "signer_title")) == [
        ("stp", datetime.date(2025, 3, 1), "Trần Văn Bình", "Giám đốc")
    ]


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("secretary_b", 404), ("secretary_a", 302)])
def test_who_may_sign_for_a_unit(client_for, personas, world, persona, status):
    make_pledge(world["bloc_a"])
    response = client_for(personas[persona]).post(url("pledge_sign", world["bloc_a"]), _sign_data(world["unit_a1"]))
    assert response.status_code == status
    assert PledgeSignature.objects.count() == (1 if status == 302 else 0)


def test_unit_outside_the_bloc_is_not_found(client_for, board, world):
    make_pledge(world["bloc_a"])
    response = client_for(board).post(url("pledge_sign", world["bloc_a"]), _sign_data(world["unit_b1"]))
    assert response.status_code == 404


def test_signature_is_updated_then_removed(client_for, board, world):
    from blocs.services_pledges import signature_state

    pledge = make_pledge(world["bloc_a"])
    signature = sign(pledge, world["unit_a2"])
    client = client_for(board)
    sign_url = url("pledge_sign", world["bloc_a"])
    client.post(sign_url, _sign_data(world["unit_a2"], signed_by="Phạm Thu", state=signature_state(signature)))
    signature = PledgeSignature.objects.get()
    assert signature.signed_by == "Phạm Thu"
    response = client.post(
        sign_url, {"unit": world["unit_a2"].pk, "action": "remove", "state": signature_state(signature)}
    )
    assert response.status_code == 302
    assert PledgeSignature.objects.count() == 0


def test_signature_written_meanwhile_is_not_overwritten_unseen(client_for, board, secretary_a, world):
    pledge = make_pledge(world["bloc_a"])
    sign_url = url("pledge_sign", world["bloc_a"])
    client_for(board).post(sign_url, _sign_data(world["unit_a2"], signed_by="Người thứ nhất"))

    second = client_for(secretary_a).post(sign_url, _sign_data(world["unit_a2"], signed_by="Người thứ hai"))

    assert second.status_code == 200
    page = second.content.decode()
    assert "vừa được người khác ghi: ngày 01/03/2025, người ký «Người thứ nhất»" in page
    assert 'value="Người thứ hai"' in page
    assert pledge.signatures.get().signed_by == "Người thứ nhất"
    form = next(row["form"] for row in second.context["rows"] if row["unit"] == world["unit_a2"])
    again = client_for(secretary_a).post(
        sign_url, _sign_data(world["unit_a2"], signed_by="Người thứ hai", state=form.data["state"])
    )
    assert again.status_code == 302
    assert pledge.signatures.get().signed_by == "Người thứ hai"


def test_missing_signer_is_reported_next_to_the_field(client_for, board, world):
    make_pledge(world["bloc_a"])
    response = client_for(board).post(url("pledge_sign", world["bloc_a"]), _sign_data(world["unit_a2"], signed_by=""))
    assert response.status_code == 200
    form = next(row["form"] for row in response.context["rows"] if row["unit"] == world["unit_a2"])
    assert form.errors == {"signed_by": ["Trường này là bắt buộc."]}
    assert PledgeSignature.objects.count() == 0


# --- Targets judged from the year's records ------------------------------------------------------


@pytest.fixture
def nine(db, board):
    """A nine-unit bloc, as in DOMAIN.md, with its 2025 pledge."""
    bloc = BlocFactory(name="Khối các cơ quan Tham mưu - Tổng hợp 2")
    units = [UnitFactory(name=f"Đơn vị {i}") for i in range(1, 10)]
    for unit in units:
        MembershipFactory(bloc=bloc, unit=unit, year=YEAR)
    outsider = UnitFactory(name="Đơn vị khối khác")
    MembershipFactory(unit=outsider, year=YEAR)
    return {"bloc": bloc, "units": units, "outsider": outsider, "pledge": make_pledge(bloc)}


def _results(client, bloc):
    response = client.get(url("pledge", bloc))
    return [(t.description, t.result.detail, t.result.label) for t in response.context["targets"]]


def test_signed_share_six_of_nine_fails_seventy_percent_and_seven_passes(client_for, board, nine):
    pledge = nine["pledge"]
    add_target(pledge, 1, "Ít nhất 70% đơn vị ký kết", "percent", "70", "signed")
    for unit in nine["units"][:6]:
        sign(pledge, unit)
    client = client_for(board)
    assert _results(client, nine["bloc"]) == [("Ít nhất 70% đơn vị ký kết", "6/9 đơn vị (66,7%)", "Chưa đạt")]
    sign(pledge, nine["units"][6])
    assert _results(client, nine["bloc"]) == [("Ít nhất 70% đơn vị ký kết", "7/9 đơn vị (77,8%)", "Đạt")]


def test_every_measure_from_the_records(client_for, board, nine):
    pledge, units = nine["pledge"], nine["units"]
    for unit in units[:7]:
        sign(pledge, unit)
    sign(Pledge.objects.create(bloc=nine["outsider"].memberships.get().bloc, year=YEAR, title="Khác"), nine["outsider"])
    ratings = ["HTXSNV", "HTXSNV", "HTXSNV", "HTTNV", "HTTNV", "HTTNV", "HTTNV", "HTNV"]  # the ninth not rated yet
    for unit, rating in zip(units, ratings, strict=False):
        AnnualRating.objects.create(unit=unit, year=YEAR, rating=rating)
    AnnualRating.objects.create(unit=nine["outsider"], year=YEAR, rating="HTXSNV")
    ttldxs, flag = AwardType.objects.get(code="ttldxs"), AwardType.objects.get(code="co-ubnd-tinh")
    for unit, award in [
        (units[0], ttldxs),
        (units[0], flag),
        (units[1], ttldxs),
        (units[2], flag),
        (units[3], flag),
        (units[4], flag),
        (nine["outsider"], ttldxs),
    ]:
        TitleRegistration.objects.create(
            bloc=nine["bloc"], unit=unit, year=YEAR, award_type=award, registered_on=datetime.date(2025, 2, 1)
        )
    rows = [
        ("Ký kết", "percent", "70", "signed", None),
        ("Tất cả ký kết", "yes_no", "1", "signed", None),
        ("Ba đơn vị HTXSNV", "count", "3", "htxsnv", None),
        ("100% HTTNV trở lên", "percent", "100", "httnv_plus", None),
        ("Năm đơn vị đăng ký", "count", "5", "registered", None),
        ("20% TTLĐXS", "percent", "20", "ttldxs", None),
        ("Trang thông tin điện tử", "yes_no", "1", "manual", "1"),
        ("90% hồ sơ điện tử", "percent", "90", "manual", "85"),
        ("Số sáng kiến", "count", "4", "manual", None),
    ]
    for order, (description, kind, value, measure, manual) in enumerate(rows, start=1):
        add_target(pledge, order, description, kind, value, measure, manual)

    assert _results(client_for(board), nine["bloc"]) == [
        ("Ký kết", "7/9 đơn vị (77,8%)", "Đạt"),
        ("Tất cả ký kết", "7/9 đơn vị (77,8%)", "Chưa đạt"),
        ("Ba đơn vị HTXSNV", "3/9 đơn vị (33,3%); 8/9 đơn vị đã có xếp loại", "Đạt"),
        ("100% HTTNV trở lên", "7/9 đơn vị (77,8%); 8/9 đơn vị đã có xếp loại", "Chưa đạt"),
        ("Năm đơn vị đăng ký", "5/9 đơn vị (55,6%)", "Đạt"),
        ("20% TTLĐXS", "2/9 đơn vị (22,2%)", "Đạt"),
        ("Trang thông tin điện tử", "Có", "Đạt"),
        ("90% hồ sơ điện tử", "85,0%", "Chưa đạt"),
        ("Số sáng kiến", "Chưa nhập kết quả.", "Chưa có số liệu"),
    ]


def test_no_members_and_no_ratings_mean_no_data(client_for, board, world):
    empty_bloc = BlocFactory()
    pledge = make_pledge(empty_bloc)
    add_target(pledge, 1, "Ký kết", "percent", "100", "signed")
    assert _results(client_for(board), empty_bloc) == [
        ("Ký kết", "Khối chưa có thành viên trong năm.", "Chưa có số liệu")
    ]
    pledge_a = make_pledge(world["bloc_a"])
    add_target(pledge_a, 1, "HTXSNV", "count", "1", "htxsnv")
    assert _results(client_for(board), world["bloc_a"]) == [
        ("HTXSNV", "Chưa có đơn vị nào được xếp loại trong năm.", "Chưa có số liệu")
    ]


def test_exact_comparison_and_formatting():
    facts = pledge_targets.MemberFacts(members=9, signed=7)

    def judge(target):
        return pledge_targets.evaluate(
            kind="percent", measure="signed", target_value=Decimal(target), manual_value=None, facts=facts
        )

    assert judge("77.77").status == "met"
    assert judge("77.78").status == "not_met"  # 77.777…% shows as 77,8% but is below 77.78%
    assert judge("77.78").achieved == Fraction(700, 9)
    assert pledge_targets.percent_text(Fraction(200, 3)) == "66,7"
    assert pledge_targets.percent_text(Fraction(1, 20)) == "0,1"  # half up
    assert pledge_targets.percent_text(Fraction(100)) == "100,0"
    assert pledge_targets.number_text(Decimal("1500.50")) == "1.500,5"
    assert pledge_targets.number_text(Decimal("12.00")) == "12"
    assert pledge_targets.target_text(kind="percent", target_value=Decimal("66.70")) == "66,7%"
    assert pledge_targets.target_text(kind="yes_no", target_value=Decimal(1)) == "Có"


def test_facts_count_members_only():
    facts = pledge_targets.facts_from(
        member_ids=[1, 2, 3],
        signed_ids=[1, 4],
        ratings={1: "HTXSNV", 2: "HTTNV", 4: "HTXSNV"},
        registrations=[(1, "ttldxs"), (1, "co-ubnd-tinh"), (3, "ttldtt"), (4, "ttldxs")],
    )
    assert facts == pledge_targets.MemberFacts(
        members=3, signed=1, rated=2, htxsnv=1, httnv_plus=2, registered=2, ttldxs=1
    )


# --- Closed year, query counts -------------------------------------------------------------------


def test_closed_year_refuses_every_write(client_for, board, secretary_a, officer_a, world):
    bloc = world["bloc_a"]
    pledge = make_pledge(bloc, title="Đã chốt")
    year_close(bloc=bloc, year=YEAR, user=board)
    edit = edit_data(pledge, title="Sửa sau khi khóa")
    for user in (board, secretary_a):
        client = client_for(user)
        assert client.get(url("pledge_edit", bloc)).status_code == 403
        assert client.post(url("pledge_edit", bloc), edit).status_code == 403
        assert client.post(url("pledge_copy", bloc), {"source": "empty"}).status_code == 403
        assert client.post(url("pledge_sign", bloc), _sign_data(world["unit_a1"])).status_code == 403
    assert client_for(officer_a).post(url("pledge_sign", bloc), _sign_data(world["unit_a3"])).status_code == 403
    page = client_for(board).get(url("pledge", bloc))
    assert "Sửa giao ước" not in page.content.decode()
    assert [row["form"] for row in page.context["rows"]] == [None, None, None]
    pledge.refresh_from_db()
    assert (pledge.title, pledge.signatures.count()) == ("Đã chốt", 0)


def test_closed_year_copy_is_refused_and_page_read_only(client_for, board, world):
    bloc = world["bloc_a"]
    year_close(bloc=bloc, year=YEAR, user=board)
    page = client_for(board).get(url("pledge", bloc)).content.decode()
    assert "Tạo giao ước trống" not in page
    assert client_for(board).post(url("pledge_copy", bloc), {"source": "empty"}).status_code == 403
    assert Pledge.objects.count() == 0


def _grow(bloc, pledge, count):
    ttldxs = AwardType.objects.get(code="ttldxs")
    for i in range(count):
        unit = UnitFactory(name=f"Đơn vị thêm {i}")
        MembershipFactory(bloc=bloc, unit=unit, year=YEAR)
        sign(pledge, unit)
        AnnualRating.objects.create(unit=unit, year=YEAR, rating="HTXSNV")
        TitleRegistration.objects.create(
            bloc=bloc, unit=unit, year=YEAR, award_type=ttldxs, registered_on=datetime.date(2025, 2, 1)
        )


@pytest.mark.parametrize("persona", ["secretary_a", "officer_a", "viewer"])
def test_pledge_page_queries_do_not_grow_with_members(client_for, personas, world, persona):
    bloc = world["bloc_a"]
    pledge = make_pledge(bloc)
    PledgeArticle.objects.create(pledge=pledge, order=1, text="Nội dung")
    for order, measure in enumerate(["signed", "htxsnv", "httnv_plus", "registered", "ttldxs", "manual"], start=1):
        add_target(pledge, order, f"Chỉ tiêu {order}", "percent", "50", measure)
    client = client_for(personas[persona])
    client.get(url("pledge", bloc))  # warm up (session, content types)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url("pledge", bloc)).status_code == 200
    _grow(bloc, pledge, 27)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url("pledge", bloc))
    assert len(response.context["rows"]) == 30
    assert len(large.captured_queries) == len(small.captured_queries)


def test_page_shows_the_pledge_as_adopted(client_for, viewer, world):
    pledge = make_pledge(
        world["bloc_a"], title="Giao ước thi đua năm 2025", adopted_on=datetime.date(2025, 3, 5), place="Sở Tài chính"
    )
    PledgeArticle.objects.create(pledge=pledge, order=2, text="Điều hai")
    PledgeArticle.objects.create(pledge=pledge, order=1, text="Điều một")
    sign(pledge, world["unit_a2"], by="Phạm Thu")
    response = client_for(viewer).get(url("pledge", world["bloc_a"]))
    page = response.content.decode()
    assert "Ký kết ngày 5 tháng 3 năm 2025 · tại Sở Tài chính" in page
    assert page.index("Điều một") < page.index("Điều hai")
    assert "1/3 đơn vị đã ký" in page
    assert [(row["unit"].code, row["signature"] is not None, row["form"]) for row in response.context["rows"]] == [
        ("vp-ubnd", False, None),
        ("stc", True, None),
        ("stp", False, None),
    ]
