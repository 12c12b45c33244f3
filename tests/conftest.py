"""Personas (after Healthchecks' alice/bob/charlie), grown to thidua's roles.

bloc_a has units unit_a1 (head), unit_a2 (deputy) and unit_a3 in YEAR; bloc_b has unit_b1 and unit_b2.
"""

import pytest
from django.test import override_settings

from blocs.models import MemberRole, RoleKind
from tests.factories import BlocFactory, MembershipFactory, RoleFactory, RuleSetFactory, UnitFactory, UserFactory

YEAR = 2025


@pytest.fixture(autouse=True, scope="session")
def _media_in_a_temporary_folder(tmp_path_factory):
    """Uploaded and archived files of the tests go to a temporary folder, never to var/media (a test that
    needs a folder of its own sets `settings.MEDIA_ROOT` itself)."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture
def year():
    return YEAR


@pytest.fixture
def world(db):
    """Two blocs with members in YEAR, and a rule set for YEAR."""
    bloc_a = BlocFactory(name="Khối các cơ quan Tham mưu - Tổng hợp", code="tham-muu")
    bloc_b = BlocFactory(name="Khối các cơ quan Đảng", code="dang")
    unit_a1 = UnitFactory(name="Văn phòng UBND tỉnh", code="vp-ubnd")
    unit_a2 = UnitFactory(name="Sở Tài chính", code="stc")
    unit_a3 = UnitFactory(name="Sở Tư pháp", code="stp")
    unit_b1 = UnitFactory(name="Ban Tuyên giáo Tỉnh ủy", code="btg")
    unit_b2 = UnitFactory(name="Ban Dân vận Tỉnh ủy", code="bdv")
    MembershipFactory(bloc=bloc_a, unit=unit_a1, year=YEAR, role=MemberRole.HEAD)
    MembershipFactory(bloc=bloc_a, unit=unit_a2, year=YEAR, role=MemberRole.DEPUTY)
    MembershipFactory(bloc=bloc_a, unit=unit_a3, year=YEAR)
    MembershipFactory(bloc=bloc_b, unit=unit_b1, year=YEAR, role=MemberRole.HEAD)
    MembershipFactory(bloc=bloc_b, unit=unit_b2, year=YEAR)
    rule_set = RuleSetFactory(year=YEAR)
    return {
        "bloc_a": bloc_a,
        "bloc_b": bloc_b,
        "unit_a1": unit_a1,
        "unit_a2": unit_a2,
        "unit_a3": unit_a3,
        "unit_b1": unit_b1,
        "unit_b2": unit_b2,
        "rule_set": rule_set,
    }


def _user_with_role(username: str, kind: str, **scope):
    user = UserFactory(username=username)
    RoleFactory(user=user, kind=kind, **scope)
    return user


@pytest.fixture
def board(world):
    return _user_with_role("board", RoleKind.BOARD_ADMIN)


@pytest.fixture
def reviewer(world):
    return _user_with_role("reviewer", RoleKind.BOARD_REVIEWER)


@pytest.fixture
def viewer(world):
    return _user_with_role("viewer", RoleKind.VIEWER)


@pytest.fixture
def secretary_a(world):
    return _user_with_role("secretary_a", RoleKind.BLOC_SECRETARY, bloc=world["bloc_a"])


@pytest.fixture
def head_a(world):
    return _user_with_role("head_a", RoleKind.BLOC_HEAD, bloc=world["bloc_a"])


@pytest.fixture
def secretary_b(world):
    return _user_with_role("secretary_b", RoleKind.BLOC_SECRETARY, bloc=world["bloc_b"])


@pytest.fixture
def officer_a(world):
    """Officer of unit_a3, a plain member of bloc A."""
    return _user_with_role("officer_a", RoleKind.UNIT_OFFICER, unit=world["unit_a3"])


@pytest.fixture
def personas(world, board, viewer, secretary_a, secretary_b, officer_a):
    return {
        "anonymous": None,
        "viewer": viewer,
        "board": board,
        "secretary_a": secretary_a,
        "secretary_b": secretary_b,
        "officer_a": officer_a,
    }


@pytest.fixture
def client_for(client):
    """client_for(user) -> a test client signed in as that user (None: anonymous)."""
    from django.test import Client

    def make(user):
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return make


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 is slow on purpose; tests create many accounts and need no protection against cracking."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def scoring(world, year):
    """Bloc A's scoring table for YEAR, copied from the province template (the example table)."""
    from blocs.services_scoring import scoring_table_copy, scoring_template_ensure

    template = scoring_template_ensure()
    return scoring_table_copy(source=template, bloc=world["bloc_a"], year=year)


@pytest.fixture
def year_end_meeting(world, year):
    """Bloc A's year-end meeting of YEAR (attendance not recorded yet)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from meetings.models import Meeting

    return Meeting.objects.create(
        bloc=world["bloc_a"],
        year=year,
        kind="year_end",
        title="Hội nghị tổng kết công tác thi đua, khen thưởng năm 2025",
        held_at=datetime(2025, 12, 28, 14, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
        place="Hội trường Văn phòng UBND tỉnh",
        chair="Ông Nguyễn Văn A, Chánh Văn phòng UBND tỉnh, Khối trưởng",
        secretary="Bà Trần Thị B, chuyên viên Văn phòng UBND tỉnh",
    )
