"""`manage.py seed_demo`: the demo province, its three years of members, rule sets and logins."""

import unicodedata
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from accounts.models import User
from blocs import defaults, demo_data
from blocs.models import AwardRule, Bloc, BlocKind, MemberRole, Membership, Role, RoleKind, RuleSet
from meetings.management.commands.seed_demo import DEMO_PASSWORD
from units.models import Unit, UnitKind

TAM_MUU = "Khối các cơ quan Tham mưu - Tổng hợp"
NINE = [
    "Thanh tra tỉnh",
    "Văn phòng UBND tỉnh",
    "Sở Tài chính",
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Ngoại vụ",
    "Sở Kế hoạch và Đầu tư",
    "Văn phòng Đoàn ĐBQH & HĐND tỉnh",
    "Ban Dân tộc tỉnh",
]
EXPECTED_ROLES = {
    "bankt": (RoleKind.BOARD_ADMIN, None, None),
    "thamdinh": (RoleKind.BOARD_REVIEWER, None, None),
    "xem": (RoleKind.VIEWER, None, None),
    "thuky": (RoleKind.BLOC_SECRETARY, TAM_MUU, None),
    "khoitruong": (RoleKind.BLOC_HEAD, TAM_MUU, None),
    "canbo": (RoleKind.UNIT_OFFICER, None, "Sở Tư pháp"),
    "thukydang": (RoleKind.BLOC_SECRETARY, "Khối các cơ quan Đảng", None),
}


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count() for model in (Bloc, Unit, Membership, RuleSet, AwardRule, User, Role)
    } | {"history": Unit.history.count() + Bloc.history.count() + Membership.history.count()}


def members(bloc_name: str, year: int) -> dict[str, str]:
    rows = Membership.objects.filter(bloc__name=bloc_name, year=year).values_list("unit__name", "role")
    return dict(rows)


@pytest.fixture
def seeded(db):
    return seed()


def test_builds_the_province(seeded):
    assert Bloc.objects.count() >= 6
    assert Unit.objects.count() >= 50
    assert Bloc.objects.filter(kind=BlocKind.CUM).exists()
    assert list(Membership.objects.order_by("year").values_list("year", flat=True).distinct()) == [2024, 2025, 2026]
    assert set(Unit.objects.values_list("kind", flat=True)) <= set(UnitKind.values)
    assert "Đã tạo dữ liệu mẫu của UBND tỉnh Quảng Trị." in seeded
    assert DEMO_PASSWORD in seeded


def test_counts_match_the_demo_data(seeded):
    plan = demo_data.membership_plan()
    assert Bloc.objects.count() == len(demo_data.BLOCS)
    assert Unit.objects.count() == len(demo_data.units())
    for year in demo_data.YEARS:
        assert Membership.objects.filter(year=year).count() == sum(len(rows) for rows in plan[year].values())
    assert "Thành viên khối: năm 2024: 64; năm 2025: 65; năm 2026: 64" in seeded


def test_the_nine_units_of_the_tham_muu_bloc(seeded):
    for year in demo_data.YEARS:
        assert sorted(members(TAM_MUU, year)) == sorted(NINE)


def test_one_head_and_one_deputy_per_active_bloc_and_year(seeded):
    for bloc in Bloc.objects.filter(active=True):
        for year in demo_data.YEARS:
            roles = list(Membership.objects.filter(bloc=bloc, year=year).values_list("role", flat=True))
            assert roles.count(MemberRole.HEAD) == 1, (bloc.name, year)
            assert roles.count(MemberRole.DEPUTY) == 1, (bloc.name, year)
            assert len(roles) >= 4, (bloc.name, year)


def test_heads_rotate(seeded):
    def holder(bloc: Bloc, year: int, role: str) -> str:
        return Membership.objects.get(bloc=bloc, year=year, role=role).unit.name

    tam_muu = Bloc.objects.get(name=TAM_MUU)
    assert holder(tam_muu, 2025, MemberRole.HEAD) != holder(tam_muu, 2024, MemberRole.HEAD)
    assert holder(tam_muu, 2024, MemberRole.HEAD) == "Sở Tài chính"
    assert holder(tam_muu, 2025, MemberRole.HEAD) == "Sở Nội vụ"
    assert holder(tam_muu, 2026, MemberRole.HEAD) == "Thanh tra tỉnh"
    for bloc in Bloc.objects.all():  # next year's head is last year's deputy, in every bloc
        for year in (2024, 2025):
            assert holder(bloc, year + 1, MemberRole.HEAD) == holder(bloc, year, MemberRole.DEPUTY)


def test_history_across_years(seeded):
    """A unit moves bloc in 2025, one joins in 2025, one stops and leaves in 2026."""
    radio = Unit.objects.get(code="dai-ptth")
    assert Membership.objects.get(unit=radio, year=2024).bloc.name == "Khối Văn hóa - Xã hội"
    assert Membership.objects.get(unit=radio, year=2025).bloc.name == "Khối các cơ quan Đảng"
    assert Membership.objects.get(unit=radio, year=2026).bloc.name == "Khối các cơ quan Đảng"

    joiner = Unit.objects.get(code="tt-phvhcc")
    assert list(Membership.objects.filter(unit=joiner).values_list("year", flat=True).order_by("year")) == [
        2025,
        2026,
    ]

    leaver = Unit.objects.get(code="tt-xuc-tien")
    assert leaver.active is False
    assert list(Membership.objects.filter(unit=leaver).values_list("year", flat=True).order_by("year")) == [
        2024,
        2025,
    ]
    assert Unit.objects.filter(active=False).count() == 1


def test_the_officer_unit_is_a_plain_member(seeded):
    for year in demo_data.YEARS:
        assert members(TAM_MUU, year)["Sở Tư pháp"] == MemberRole.MEMBER


def test_rule_sets_carry_the_defaults(seeded):
    assert list(RuleSet.objects.order_by("year").values_list("year", flat=True)) == [2024, 2025, 2026]
    for rule_set in RuleSet.objects.all():
        assert rule_set.name == defaults.RULE_SET_NAME
        assert rule_set.vote_threshold_num == 70
        assert rule_set.vote_threshold_den == 100
        assert sorted(rule_set.award_rules.values_list("award_type__code", flat=True)) == sorted(defaults.AWARD_RULES)
    assert "Nghị định số 98/2023/NĐ-CP" in RuleSet.objects.get(year=2024).legal_basis
    assert RuleSet.objects.get(year=2026).legal_basis == defaults.LEGAL_BASIS


def test_every_name_is_nfc(seeded):
    def is_nfc(text: str) -> bool:
        return unicodedata.normalize("NFC", text) == text

    texts = []
    for unit in Unit.objects.all():
        texts += [unit.name, unit.short_name, unit.leader_name, unit.leader_title, unit.note]
    for bloc in Bloc.objects.all():
        texts += [bloc.name, bloc.description]
    for user in User.objects.all():
        texts += [user.full_name, user.position]
    texts += list(Membership.objects.values_list("note", flat=True))
    assert all(is_nfc(text) for text in texts)
    # and the source itself, since the fields would normalise whatever they are given
    source = [value for row in demo_data.units() for value in row.values() if isinstance(value, str)]
    source += [bloc["name"] for bloc in demo_data.BLOCS] + [a["full_name"] for a in demo_data.ACCOUNTS]
    assert all(is_nfc(text) for text in source)


def test_rows_are_saved_with_history_and_keys(seeded):
    assert Unit.history.count() == Unit.objects.count()
    assert Membership.history.count() == Membership.objects.count()
    assert not Unit.objects.filter(search_key="").exists()
    assert not Unit.objects.filter(sort_key="").exists()
    assert list(Unit.objects.search("so tu phap").values_list("name", flat=True)) == ["Sở Tư pháp"]


@pytest.mark.parametrize("username", sorted(EXPECTED_ROLES))
def test_demo_logins_authenticate_with_their_role(seeded, username):
    # django-axes counts failed sign-ins per address, so authenticate() needs the request.
    user = authenticate(RequestFactory().post("/"), username=username, password=DEMO_PASSWORD)
    assert user is not None
    assert user.username == username
    assert user.full_name
    assert user.position
    kind, bloc, unit = EXPECTED_ROLES[username]
    roles = list(Role.objects.filter(user=user).values_list("kind", "bloc__name", "unit__name"))
    assert roles == [(kind, bloc, unit)]
    assert username in seeded


def test_board_admin_can_use_the_django_admin(seeded):
    admin = User.objects.get(username="bankt")
    assert admin.is_staff is True
    assert admin.is_superuser is True
    assert User.objects.filter(is_superuser=True).count() == 1


def test_refuses_a_database_with_data(seeded):
    before = counts()
    with pytest.raises(CommandError, match="--force"):
        seed()
    assert counts() == before


def test_if_empty_on_a_seeded_database_changes_nothing(seeded):
    before = counts()
    assert seed("--if-empty") == "Cơ sở dữ liệu đã có đơn vị: không tạo dữ liệu mẫu.\n"
    assert counts() == before


def test_if_empty_on_an_empty_database_seeds(db):
    seed("--if-empty")
    assert Unit.objects.count() == len(demo_data.units())


def test_force_twice_gives_the_same_counts(seeded):
    first = counts()
    seed("--force")
    assert counts() == first
    seed("--force")
    assert counts() == first  # nothing changed, so not even a history row was added


def test_force_restores_changed_demo_rows(seeded):
    tam_muu = Bloc.objects.get(name=TAM_MUU)
    Membership.objects.filter(bloc=tam_muu, year=2025).update(role=MemberRole.MEMBER)
    Membership.objects.filter(bloc=tam_muu, year=2025, unit__code="stp").update(role=MemberRole.HEAD)
    user = User.objects.get(username="canbo")
    user.set_password("mat-khau-khac-123")
    user.save()

    seed("--force")

    assert members(TAM_MUU, 2025)["Sở Nội vụ"] == MemberRole.HEAD
    assert members(TAM_MUU, 2025)["Thanh tra tỉnh"] == MemberRole.DEPUTY
    assert members(TAM_MUU, 2025)["Sở Tư pháp"] == MemberRole.MEMBER
    assert authenticate(RequestFactory().post("/"), username="canbo", password=DEMO_PASSWORD) == user


def test_force_takes_over_blocs_and_units_of_the_same_name(world):
    """The conftest world names a bloc and units as the demo does, with other codes: no duplicates."""
    seed("--force")
    assert Bloc.objects.filter(name=TAM_MUU).count() == 1
    assert Bloc.objects.get(name=TAM_MUU).code == "tham-muu"
    assert Unit.objects.filter(name="Sở Tư pháp").count() == 1
    assert sorted(members(TAM_MUU, 2025)) == sorted(NINE)
    assert RuleSet.objects.filter(year=2025).get() == world["rule_set"]  # the board's own rule set is kept
    assert sorted(RuleSet.objects.values_list("year", flat=True)) == [2024, 2025, 2026]
