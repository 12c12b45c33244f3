"""The registry on the database: constraints, search, Vietnamese order, NFC, copying a year."""

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from blocs import services
from blocs.models import MemberRole, Membership, RuleSet
from tests.factories import BlocFactory, MembershipFactory, UnitFactory


def test_unit_belongs_to_one_bloc_per_year_in_the_database(world, year):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(bloc=world["bloc_b"], unit=world["unit_a1"], year=year)


def test_one_head_and_one_deputy_per_bloc_and_year_in_the_database(world, year):
    extra = UnitFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(bloc=world["bloc_a"], unit=extra, year=year, role=MemberRole.HEAD)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(bloc=world["bloc_a"], unit=extra, year=year, role=MemberRole.DEPUTY)
    Membership.objects.create(bloc=world["bloc_a"], unit=extra, year=year + 1, role=MemberRole.HEAD)


def test_service_explains_a_second_head_in_vietnamese(world, year):
    with pytest.raises(ValidationError) as excinfo:
        services.membership_add(bloc=world["bloc_a"], unit=UnitFactory(), year=year, role=MemberRole.HEAD)
    assert excinfo.value.messages == [
        "Văn phòng UBND tỉnh đang là khối trưởng của khối trong năm 2025; hãy đổi vai trò đơn vị đó trước."
    ]


def test_service_explains_a_unit_already_in_another_bloc(world, year):
    with pytest.raises(ValidationError) as excinfo:
        services.membership_add(bloc=world["bloc_b"], unit=world["unit_a2"], year=year)
    assert excinfo.value.messages == ["Sở Tài chính đã thuộc Khối các cơ quan Tham mưu - Tổng hợp trong năm 2025."]


def test_adding_a_second_head_through_the_page_shows_the_message_and_saves_nothing(client_for, board, world, year):
    spare = UnitFactory(name="Sở Ngoại vụ")
    url = reverse("blocs:membership_add", args=[world["bloc_a"].pk]) + f"?nam={year}"
    response = client_for(board).post(url, {"unit": spare.pk, "role": "head"}, follow=True)
    assert "đang là khối trưởng của khối trong năm 2025" in response.content.decode()
    assert not Membership.objects.filter(unit=spare).exists()


def test_membership_change_refuses_a_stale_version(world, year):
    membership = world["unit_a3"].memberships.get(year=year)
    services.membership_change(membership=membership, role=MemberRole.MEMBER, note="Lần 1", version=1)
    with pytest.raises(ValidationError):
        services.membership_change(membership=membership, role=MemberRole.MEMBER, note="Lần 2", version=1)
    membership.refresh_from_db()
    assert (membership.note, membership.version) == ("Lần 1", 2)


def test_swap_head_and_deputy_in_two_steps(world, year):
    head = world["unit_a1"].memberships.get(year=year)
    deputy = world["unit_a2"].memberships.get(year=year)
    services.membership_change(membership=head, role=MemberRole.MEMBER, note="", version=head.version)
    services.membership_change(membership=deputy, role=MemberRole.HEAD, note="", version=deputy.version)
    assert Membership.objects.get(bloc=world["bloc_a"], year=year, role=MemberRole.HEAD).unit == world["unit_a2"]


def test_copy_year_copies_units_and_roles_and_reports_what_it_skipped(world, year):
    MembershipFactory(bloc=world["bloc_b"], unit=world["unit_a3"], year=year + 1)
    count, skipped = services.membership_copy_year(from_year=year, to_year=year + 1)
    assert count == 4
    assert skipped == ["Sở Tư pháp đã thuộc Khối các cơ quan Đảng năm 2026."]
    heads = Membership.objects.filter(year=year + 1, role=MemberRole.HEAD).values_list("unit__name", flat=True)
    assert sorted(heads) == ["Ban Tuyên giáo Tỉnh ủy", "Văn phòng UBND tỉnh"]


def test_copy_year_from_an_empty_year_says_so(world):
    with pytest.raises(ValidationError) as excinfo:
        services.membership_copy_year(from_year=2010, to_year=2011)
    assert excinfo.value.messages == ["Năm 2010 chưa có thành viên nào để sao chép."]


def test_decomposed_input_is_stored_composed(client_for, board, world):
    name = unicodedata.normalize("NFD", "Sở Khoa học và Công nghệ")
    response = client_for(board).post(
        reverse("blocs:unit_create"), {"name": name, "code": "skhcn", "kind": "so_nganh", "active": "on"}
    )
    assert response.status_code == 302
    stored = UnitFactory._meta.model.objects.get(code="skhcn").name
    assert stored == "Sở Khoa học và Công nghệ"
    assert unicodedata.is_normalized("NFC", stored)


def test_bad_unit_input_gets_a_vietnamese_message_next_to_the_field(client_for, board, world):
    response = client_for(board).post(reverse("blocs:unit_create"), {"name": "", "code": "stc", "kind": "so_nganh"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"name": ["Trường này là bắt buộc."], "code": ["Đã có đơn vị dùng mã này."]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("so tai chinh", ["Sở Tài chính"]),
        ("SỞ TÀI", ["Sở Tài chính"]),
        ("dak nong", ["Cục Thuế tỉnh Đắk Nông"]),
        ("tu phap", ["Sở Tư pháp"]),
        ("ban", ["Ban Dân vận Tỉnh ủy", "Ban Tuyên giáo Tỉnh ủy"]),
    ],
)
def test_search_ignores_diacritics(world, query, expected):
    UnitFactory(name="Cục Thuế tỉnh Đắk Nông", code="cuc-thue")
    found = [u.name for u in UnitFactory._meta.model.objects.search(query).vietnamese_order()]
    assert found == expected


def test_search_from_the_unit_list_page(client_for, viewer, world):
    response = client_for(viewer).get(reverse("blocs:unit_list"), {"q": "so tai chinh"})
    assert [u.name for u in response.context["object_list"]] == ["Sở Tài chính"]


def test_units_sort_in_vietnamese_order_on_the_database(db):
    for i, name in enumerate(["Ủy ban MTTQ", "Uông Bí", "Đài PT-TH", "Dân tộc", "Ơn", "Ôn", "Ong", "Ưu", "Anh", "Ăn"]):
        UnitFactory(name=name, code=f"u{i}")
    names = list(UnitFactory._meta.model.objects.vietnamese_order().values_list("name", flat=True))
    assert names == ["Anh", "Ăn", "Dân tộc", "Đài PT-TH", "Ong", "Ôn", "Ơn", "Uông Bí", "Ủy ban MTTQ", "Ưu"]


def test_bloc_search_and_order(db):
    BlocFactory(name="Khối Đảng", code="d")
    BlocFactory(name="Khối Doanh nghiệp", code="dn")
    model = BlocFactory._meta.model
    assert list(model.objects.values_list("name", flat=True)) == ["Khối Doanh nghiệp", "Khối Đảng"]
    assert list(model.objects.search("khoi dang").values_list("name", flat=True)) == ["Khối Đảng"]


def test_ruleset_for_a_new_year_copies_the_latest(world):
    rule_set = world["rule_set"]
    rule_set.vote_threshold_num, rule_set.vote_threshold_den = 2, 3
    rule_set.save()
    new = services.ruleset_create_for_year(year=2026)
    assert (new.year, new.vote_threshold_num, new.vote_threshold_den) == (2026, 2, 3)
    assert new.vote_rule_text() == "từ 2/3 tổng số thành viên có quyền bỏ phiếu trở lên"


def test_first_ruleset_gets_the_defaults(db):
    rule_set = services.ruleset_create_for_year(year=2024)
    assert rule_set.vote_rule_text() == "từ 70% tổng số thành viên có quyền bỏ phiếu trở lên"
    assert rule_set.quorum_text() == "từ 2/3 tổng số thành viên trở lên"
    codes = list(rule_set.award_rules.values_list("award_type__code", flat=True))
    assert codes == ["co-chinh-phu", "co-ubnd-tinh", "bk-thu-tuong", "bk-chu-tich-tinh", "ttldxs", "ttldtt"]
    assert RuleSet.objects.count() == 1
