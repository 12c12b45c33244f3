"""`manage.py seed_demo`: the demo province, its three years of members, rule sets and logins, and the
2025 award nominations with their dossiers, review and award decision."""

import itertools
import shutil
import tempfile
import unicodedata
from collections import Counter
from datetime import date
from io import BytesIO, StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory, TestCase, override_settings
from pypdf import PdfReader

from accounts.models import User
from awards.checks import blocking_problems
from awards.management.commands.seed_demo import DEMO_PASSWORD
from awards.models import AwardDecision, DossierFile, Nomination, ReviewEvent, State
from awards.services import nomination_transition
from awards.workflow import TABLE
from blocs import defaults, demo_data
from blocs.models import AwardRule, Bloc, BlocKind, MemberRole, Membership, Role, RoleKind, RuleSet
from meetings.models import Ballot, BallotPurpose
from meetings.services_ballots import passed_candidates
from units.models import Award, AwardSource, Unit, UnitKind

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
    models = (Bloc, Unit, Membership, RuleSet, AwardRule, User, Role, Nomination, ReviewEvent, DossierFile,
              AwardDecision, Award)  # fmt: skip
    return {model.__name__: model.objects.count() for model in models} | {
        "history": Unit.history.count() + Bloc.history.count() + Membership.history.count(),
        "nomination history": Nomination.history.count() + Award.history.count(),
    }


def content(dossier: DossierFile) -> bytes:
    with dossier.file.open("rb") as file:
        return file.read()


def members(bloc_name: str, year: int) -> dict[str, str]:
    rows = Membership.objects.filter(bloc__name=bloc_name, year=year).values_list("unit__name", "role")
    return dict(rows)


FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"
DEMO_BLOC = "tham-muu-tong-hop"  # the bloc of the demo logins `thuky` and `khoitruong`
REQUIRED_FILES = {"letter", "minutes", "report"}


@pytest.fixture
def media(settings, tmp_path):
    """The dossier files the demo uploads go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


class TestSeededProvince(TestCase):
    """The demo province seeded once for all these tests; what a test writes is rolled back after it."""

    @classmethod
    def setUpClass(cls):
        media = tempfile.mkdtemp(prefix="thidua-demo-media-")  # the dossier files the demo uploads
        cls.addClassCleanup(shutil.rmtree, media, ignore_errors=True)
        # As conftest's _fast_password_hashing does for each test, but from the start: the seeding hashes too.
        cls.enterClassContext(override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=[FAST_HASHER]))
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        cls.output = seed()

    def test_builds_the_province(self):
        assert Bloc.objects.count() >= 6
        assert Unit.objects.count() >= 50
        assert Bloc.objects.filter(kind=BlocKind.CUM).exists()
        assert list(Membership.objects.order_by("year").values_list("year", flat=True).distinct()) == [2024, 2025, 2026]
        assert set(Unit.objects.values_list("kind", flat=True)) <= set(UnitKind.values)
        assert "Đã tạo dữ liệu mẫu của UBND tỉnh Quảng Trị." in self.output
        assert DEMO_PASSWORD in self.output

    def test_counts_match_the_demo_data(self):
        plan = demo_data.membership_plan()
        assert Bloc.objects.count() == len(demo_data.BLOCS)
        assert Unit.objects.count() == len(demo_data.units())
        for year in demo_data.YEARS:
            assert Membership.objects.filter(year=year).count() == sum(len(rows) for rows in plan[year].values())
        assert "Thành viên khối: năm 2024: 64; năm 2025: 65; năm 2026: 64" in self.output

    def test_the_nine_units_of_the_tham_muu_bloc(self):
        for year in demo_data.YEARS:
            assert sorted(members(TAM_MUU, year)) == sorted(NINE)

    def test_one_head_and_one_deputy_per_active_bloc_and_year(self):
        for bloc in Bloc.objects.filter(active=True):
            for year in demo_data.YEARS:
                roles = list(Membership.objects.filter(bloc=bloc, year=year).values_list("role", flat=True))
                assert roles.count(MemberRole.HEAD) == 1, (bloc.name, year)
                assert roles.count(MemberRole.DEPUTY) == 1, (bloc.name, year)
                assert len(roles) >= 4, (bloc.name, year)

    def test_heads_rotate(self):
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

    def test_history_across_years(self):
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

    def test_the_officer_unit_is_a_plain_member(self):
        for year in demo_data.YEARS:
            assert members(TAM_MUU, year)["Sở Tư pháp"] == MemberRole.MEMBER

    def test_rule_sets_carry_the_defaults(self):
        assert list(RuleSet.objects.order_by("year").values_list("year", flat=True)) == [2024, 2025, 2026]
        for rule_set in RuleSet.objects.all():
            assert rule_set.name == defaults.RULE_SET_NAME
            assert rule_set.vote_threshold_num == 70
            assert rule_set.vote_threshold_den == 100
            assert sorted(rule_set.award_rules.values_list("award_type__code", flat=True)) == sorted(
                defaults.AWARD_RULES
            )
        assert "Nghị định số 98/2023/NĐ-CP" in RuleSet.objects.get(year=2024).legal_basis
        assert RuleSet.objects.get(year=2026).legal_basis == defaults.LEGAL_BASIS

    def test_every_name_is_nfc(self):
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

    def test_rows_are_saved_with_history_and_keys(self):
        assert Unit.history.count() == Unit.objects.count()
        assert Membership.history.count() == Membership.objects.count()
        assert not Unit.objects.filter(search_key="").exists()
        assert not Unit.objects.filter(sort_key="").exists()
        assert list(Unit.objects.search("so tu phap").values_list("name", flat=True)) == ["Sở Tư pháp"]

    def test_demo_logins_authenticate_with_their_role(self):
        for username, (kind, bloc, unit) in sorted(EXPECTED_ROLES.items()):
            # django-axes counts failed sign-ins per address, so authenticate() needs the request.
            user = authenticate(RequestFactory().post("/"), username=username, password=DEMO_PASSWORD)
            assert user is not None, username
            assert user.username == username
            assert user.full_name
            assert user.position
            roles = list(Role.objects.filter(user=user).values_list("kind", "bloc__name", "unit__name"))
            assert roles == [(kind, bloc, unit)]
            assert username in self.output

    def test_board_admin_can_use_the_django_admin(self):
        admin = User.objects.get(username="bankt")
        assert admin.is_staff is True
        assert admin.is_superuser is True
        assert User.objects.filter(is_superuser=True).count() == 1

    def test_refuses_a_database_with_data(self):
        before = counts()
        with pytest.raises(CommandError, match="--force"):
            seed()
        assert counts() == before

    def test_if_empty_on_a_seeded_database_changes_nothing(self):
        before = counts()
        assert seed("--if-empty") == "Cơ sở dữ liệu đã có đơn vị: không tạo dữ liệu mẫu.\n"
        assert counts() == before

    def test_force_twice_gives_the_same_counts(self):
        first = counts()
        seed("--force")
        assert counts() == first
        seed("--force")
        assert counts() == first  # nothing changed, so not even a history row was added

    def test_force_restores_changed_demo_rows(self):
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

    def test_every_unit_the_2025_ballots_proposed_is_nominated_with_its_dossier(self):
        proposed = {
            (passed.unit.pk, passed.award_type.pk, ballot.pk)
            for ballot in Ballot.objects.filter(meeting__year=2025, purpose=BallotPurpose.AWARD)
            for passed in passed_candidates(ballot)
        }
        nominations = Nomination.objects.filter(year=2025)
        assert {(n.unit_id, n.award_type_id, n.ballot_id) for n in nominations} == proposed
        assert len(proposed) == 43
        assert Nomination.objects.exclude(year=2025).count() == 0
        for nomination in nominations:
            assert {f.kind for f in nomination.files.all()} >= REQUIRED_FILES
            assert nomination.unit.name in nomination.summary
            assert "2025" in nomination.summary
            assert unicodedata.normalize("NFC", nomination.summary) == nomination.summary
            assert nomination.created_by.roles.filter(bloc=nomination.bloc).exists()  # recorded by the bloc's staff
            assert date(2025, 12, 20) <= nomination.created_at.date() <= date(2025, 12, 31)

    def test_nominations_spread_over_the_review_states(self):
        states = Counter(Nomination.objects.filter(year=2025).values_list("state", flat=True))
        assert states == {
            State.DRAFT: 12,
            State.SUBMITTED: 5,
            State.UNDER_REVIEW: 6,
            State.RETURNED: 5,
            State.APPROVED: 7,
            State.NOT_APPROVED: 4,
            State.DECIDED: 4,
        }
        assert sum(n for state, n in states.items() if state != State.DRAFT) >= 25  # the board's queue has work
        assert (
            "Hồ sơ đề nghị khen thưởng năm 2025: 43 hồ sơ (dự thảo: 12; đã trình: 5; đang thẩm định: 6; trả lại để bổ "
            "sung: 5; đủ điều kiện: 7; không đủ điều kiện: 4; đã có quyết định: 4), 132 tài liệu kèm theo; mới tạo: 43 "
            "hồ sơ." in self.output
        )
        assert (
            "Quyết định khen thưởng năm 2025: 1 (số 186/QĐ-UBND ngày 16/03/2026 tặng Cờ thi đua của UBND tỉnh "
            "cho 4 tập thể); mới tạo: 1." in self.output
        )

    def test_the_timelines_follow_the_workflow_with_reasons(self):
        allowed = {(start, to) for (start, _action), (to, _who, _reason) in TABLE.items()} | {
            ("", State.DRAFT),
            (State.APPROVED, State.DECIDED),
        }
        for nomination in Nomination.objects.filter(year=2025).prefetch_related("events"):
            events = list(nomination.events.all())
            assert (events[0].from_state, events[0].to_state) == ("", State.DRAFT)
            assert events[-1].to_state == nomination.state
            for before, after in itertools.pairwise(events):
                assert after.from_state == before.to_state
                assert after.at > before.at
            assert all((e.from_state, e.to_state) in allowed for e in events)
            for event in events:
                if event.to_state in (State.RETURNED, State.NOT_APPROVED):
                    assert len(event.reason) > 20
        resubmitted = Nomination.objects.filter(events__from_state=State.RETURNED, events__to_state=State.SUBMITTED)
        assert resubmitted.count() == 3  # each returned, completed with a certified report, then submitted again
        for nomination in resubmitted:
            assert nomination.files.filter(kind="report").count() == 2

    def test_the_secretarys_bloc_keeps_complete_drafts_the_head_can_submit(self):
        nominations = list(Nomination.objects.filter(bloc__code=DEMO_BLOC, year=2025).order_by("pk"))
        assert len(nominations) == 6
        assert {n.state for n in nominations} == {State.DRAFT}
        for nomination in nominations:
            assert {f.kind for f in nomination.files.all()} == REQUIRED_FILES
            assert blocking_problems(nomination) == []
        assert {n.created_by.username for n in nominations} == {"thuky"}

        head = User.objects.get(username="khoitruong")
        submitted = nomination_transition(nomination=nominations[0], action="submit", user=head)
        assert submitted.state == State.SUBMITTED

    def test_other_blocs_submit_only_what_no_check_blocks(self):
        others = Nomination.objects.filter(year=2025).exclude(bloc__code=DEMO_BLOC)
        drafts = [n for n in others if n.state == State.DRAFT]
        assert len(drafts) == 6
        assert all(blocking_problems(n) for n in drafts)  # each blocked (here: two years of HTXSNV in a row)
        for nomination in others.exclude(state=State.DRAFT):
            submit = nomination.events.get(from_state=State.DRAFT, to_state=State.SUBMITTED)
            assert submit.by.roles.filter(kind=RoleKind.BLOC_HEAD, bloc=nomination.bloc).exists()
        # The blocs without a demo login for their secretary or head have accounts nobody can sign in with.
        staff = User.objects.filter(username__regex=r"^(thuky|khoitruong)-")
        assert staff.count() == 13
        assert not any(user.has_usable_password() for user in staff)

    def test_the_award_decision_writes_the_units_award_history(self):
        decision = AwardDecision.objects.get()
        assert (decision.number, decision.date, decision.year) == ("186/QĐ-UBND", date(2026, 3, 16), 2025)
        assert decision.award_type.code == "co-ubnd-tinh"
        assert decision.created_by.username == "bankt"
        decided = list(Nomination.objects.filter(decision=decision))
        assert len(decided) == 4
        assert {n.state for n in decided} == {State.DECIDED}
        awards = Award.objects.filter(year=2025, award_type=decision.award_type)
        assert sorted(a.unit_id for a in awards) == sorted(n.unit_id for n in decided)
        assert {(a.decision_number, a.decision_date, a.source) for a in awards} == {
            ("186/QĐ-UBND", date(2026, 3, 16), AwardSource.DECISION)
        }
        for nomination in decided:
            assert nomination.events.get(to_state=State.DECIDED).at.date() == date(2026, 3, 16)
        # One approved flag is still waiting for a decision.
        assert Nomination.objects.filter(state=State.APPROVED, award_type=decision.award_type).count() == 1

    def test_dossier_files_are_one_page_pdfs_of_the_bloc(self):
        bloc = Bloc.objects.get(code="kinh-te-nganh")
        nominations = list(Nomination.objects.filter(bloc=bloc, year=2025).select_related("unit"))
        letters = DossierFile.objects.filter(nomination__in=nominations, kind="letter")
        contents = {content(letter) for letter in letters}
        assert len(contents) == 1  # one letter for the bloc, a copy attached to each nomination
        for dossier in DossierFile.objects.filter(nomination=nominations[0]):
            assert dossier.content_type == "application/pdf"
            pdf = PdfReader(BytesIO(content(dossier)))
            assert len(pdf.pages) == 1
            text = " ".join(unicodedata.normalize("NFC", pdf.pages[0].extract_text()).split())
            assert "KHỐI THI ĐUA KINH TẾ NGÀNH" in text
            assert "năm 2025" in text
            assert nominations[0].unit.name in text
        assert {d.name for d in DossierFile.objects.filter(nomination=nominations[0])} >= {
            "Tờ trình đề nghị khen thưởng năm 2025",
            "Biên bản họp bình xét năm 2025",
            "Báo cáo thành tích năm 2025",
        }


def test_if_empty_on_an_empty_database_seeds(db, media):
    seed("--if-empty")
    assert Unit.objects.count() == len(demo_data.units())


def test_force_takes_over_blocs_and_units_of_the_same_name(world, media):
    """The conftest world names a bloc and units as the demo does, with other codes: no duplicates."""
    seed("--force")
    assert Bloc.objects.filter(name=TAM_MUU).count() == 1
    assert Bloc.objects.get(name=TAM_MUU).code == "tham-muu"
    assert Unit.objects.filter(name="Sở Tư pháp").count() == 1
    assert sorted(members(TAM_MUU, 2025)) == sorted(NINE)
    assert RuleSet.objects.filter(year=2025).get() == world["rule_set"]  # the board's own rule set is kept
    assert sorted(RuleSet.objects.values_list("year", flat=True)) == [2024, 2025, 2026]
