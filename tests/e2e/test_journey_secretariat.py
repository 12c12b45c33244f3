"""Journey 1, the secretariat's year: a bloc secretary of the demo province starts 2026 from last year's
pledge and scoring table, fills the score grid from the keyboard, enters the units' ratings, records the
year-end meeting with its ballots and the election of next year's head, and creates the nominations
of the units the meeting passed. Everything through the pages a new secretary would use, in Vietnamese.
"""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from awards.management.commands.seed_demo import DEMO_PASSWORD
from awards.models import Nomination, State
from blocs.models import Bloc, MemberRole, Membership, Pledge, Score, ScoringTable, TitleRegistration
from blocs.services_scoring import scored_criteria
from meetings.models import Ballot
from tests.e2e.conftest import ARTIFACTS, django_sync
from units.models import AnnualRating

# A browser test commits for real; the flush after it must give back what migrations wrote (award types).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

YEAR = 2026
BLOC_CODE = "tham-muu-tong-hop"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"journey1-{name}.png", full_page=True)


@pytest.fixture
def demo_province(transactional_db):
    """The demo province, with the secretary's bloc not yet started on 2026 (no pledge, no scoring table)."""
    call_command("seed_demo", verbosity=0)
    bloc = Bloc.objects.get(code=BLOC_CODE)
    Pledge.objects.filter(bloc=bloc, year=YEAR).delete()
    Score.objects.filter(criterion__table__bloc=bloc, criterion__table__year=YEAR).delete()
    ScoringTable.objects.filter(bloc=bloc, year=YEAR).delete()
    TitleRegistration.objects.filter(bloc=bloc, year=YEAR).delete()
    members = list(Membership.objects.filter(bloc=bloc, year=YEAR).select_related("unit").order_by("unit__sort_key"))
    return bloc, members


@pytest.mark.e2e
def test_secretariat_year(demo_province, sign_in, page, live_server):
    bloc, members = demo_province
    url = lambda name, *args, **kwargs: live_server.url + reverse(name, args=args, kwargs=kwargs)  # noqa: E731

    # Signs in and opens the bloc's year.
    overview = reverse("blocs:year", args=[bloc.pk, YEAR])
    sign_in(page, "thuky", DEMO_PASSWORD, overview)
    expect(page.locator("h1, h2").first).to_contain_text(bloc.name)
    shot(page, "1-overview")

    # The pledge: copied from last year's.
    page.goto(url("blocs:pledge", bloc.pk, YEAR))
    page.get_by_role("button", name=f"Sao chép từ giao ước năm {YEAR - 1}").click()
    expect(page.locator("main")).to_contain_text("Thi đua hoàn thành xuất sắc các chỉ tiêu")
    shot(page, "2-pledge")

    # The scoring table: copied from the bloc's table of last year.
    page.goto(url("blocs:scoring_table", bloc.pk, YEAR))
    page.get_by_role("button", name=f"Sao chép bảng điểm năm {YEAR - 1} của khối").click()
    expect(page.locator("main")).to_contain_text("I.1")
    with django_sync():
        table = ScoringTable.objects.get(bloc=bloc, year=YEAR)
        normal = [c for c in scored_criteria(table) if c.kind == "normal"]

    # The score grid, assessed scores, typed from the keyboard: Tab across a unit's row, the cursor then
    # goes to the next unit's first cell. A clear order of strength: the first units score highest.
    page.goto(url("blocs:score_grid", bloc.pk, YEAR) + "?gia_tri=assessed")
    expected_totals = {}
    for index, membership in enumerate(members):
        unit = membership.unit
        page.locator(f"#s-{unit.pk}-{normal[0].pk}").click()
        total = 0
        for n, criterion in enumerate(normal):
            value = int(criterion.max_points) - (index if n == 0 else 0)
            total += value
            page.keyboard.type(str(value))
            page.keyboard.press("Tab")
        expected_totals[unit.pk] = total
        expect(page.locator(f"#st-{unit.pk}-{normal[-1].pk}")).to_have_attribute("data-state", "saved")
    shot(page, "3-grid")
    with django_sync():
        saved = {
            unit_id: sum(
                s.assessed_value
                for s in Score.objects.filter(unit_id=unit_id, criterion__table=table, assessed_value__isnull=False)
            )
            for unit_id in expected_totals
        }
    assert saved == expected_totals

    # The ranking follows the scores.
    page.goto(url("blocs:ranking", bloc.pk, YEAR))
    first = members[0].unit
    expect(page.locator("main table tbody tr").first).to_contain_text(first.short_name or first.name)
    shot(page, "4-ranking")

    # The year's ratings: every unit "Hoàn thành xuất sắc nhiệm vụ", with its staff figures.
    page.goto(url("blocs:ratings", bloc.pk, YEAR))
    rows = page.locator("main form table tbody tr")
    for n in range(len(members)):
        prefix = f"xl-{n}-"
        page.locator(f"select[name='{prefix}rating']").select_option("HTXSNV")
        page.locator(f"input[name='{prefix}staff_total']").fill("40")
        page.locator(f"input[name='{prefix}staff_completed']").fill("40")
        page.locator(f"input[name='{prefix}staff_advanced']").fill("32")
        page.locator(f"input[name='{prefix}staff_emulation_fighters']").fill("4")
    assert rows.count() >= len(members)
    page.get_by_role("button", name="Lưu xếp loại").click()
    expect(page.locator(".alert-success, .alert-info").first).to_be_visible()
    with django_sync():
        assert AnnualRating.objects.filter(year=YEAR, unit__in=[m.unit for m in members], rating="HTXSNV").count() == (
            len(members)
        )
    shot(page, "5-ratings")

    # The year-end meeting: recorded, everyone present.
    page.goto(url("meetings:create", bloc.pk, YEAR))
    page.locator("input[name=held_at_0]").fill(f"{YEAR}-12-18")
    page.locator("input[name=held_at_1]").fill("14:00")
    page.locator("input[name=place]").fill("Hội trường Thanh tra tỉnh")
    page.locator("input[name=chair]").fill("Nguyễn Văn Hùng, Chánh Thanh tra tỉnh")
    page.locator("input[name=secretary]").fill("Phạm Thị Thu Trang")
    page.get_by_role("button", name="Lưu").click()
    # Saving the meeting leads straight to its attendance.
    expect(page.locator("main h2").first).to_contain_text("Thành phần dự họp")
    page.get_by_role("button", name="Tất cả có mặt — lưu").click()
    expect(page.locator(".alert-success").first).to_contain_text(f"Có mặt {len(members)}/{len(members)} đơn vị")
    page.get_by_role("link", name="Quay lại hội nghị").click()
    expect(page.locator("main h2").first).to_contain_text(f"Hội nghị tổng kết công tác thi đua, khen thưởng năm {YEAR}")
    meeting_url = page.url

    def ballot(purpose_label: str, award_label: str | None, seats: int, candidates: list, votes: dict) -> None:
        page.goto(meeting_url)
        page.get_by_role("link", name="Thêm phiếu bầu").first.click()
        page.get_by_label(purpose_label).check()
        if award_label:
            page.locator("select[name=award_type]").select_option(label=award_label)
        page.locator("input[name=seats]").fill(str(seats))
        chosen = {m.unit.pk for m in candidates}
        for membership in members:
            box = page.locator(f"input[name=candidates][value='{membership.unit.pk}']")
            box.set_checked(membership.unit.pk in chosen)
        page.get_by_role("button", name="Thêm phiếu").click()
        # The counts page follows (or the meeting page with a link to it).
        if "so-lieu" not in page.url:
            page.get_by_role("link", name="Nhập số liệu kiểm phiếu").last.click()
        n = len(members)
        page.locator("input[name=entitled]").fill(str(n))
        page.locator("input[name=issued]").fill(str(n))
        page.locator("input[name=returned]").fill(str(n))
        page.locator("input[name=valid]").fill(str(n))
        for membership in candidates:
            page.get_by_label(membership.unit.name, exact=True).fill(str(votes[membership.unit.pk]))
        page.get_by_role("button", name="Lưu số liệu").click()
        expect(page.locator("main")).to_contain_text("Đạt")

    n = len(members)
    # Tập thể lao động xuất sắc: the bloc's quota is one unit (20% of 9, rounded down); the leading unit wins.
    ballot(
        "Bình xét, suy tôn đề nghị khen thưởng",
        "Tập thể lao động xuất sắc",
        1,
        members[:2],
        {members[0].unit.pk: n - 1, members[1].unit.pk: 1},
    )
    # Bằng khen của Chủ tịch UBND tỉnh: three candidates; 6 votes of 9 is under the 70% threshold.
    certificate = members[1:4]
    ballot(
        "Bình xét, suy tôn đề nghị khen thưởng",
        "Bằng khen của Chủ tịch UBND tỉnh",
        3,
        certificate,
        {certificate[0].unit.pk: n, certificate[1].unit.pk: 7, certificate[2].unit.pk: 6},
    )
    expect(page.locator("main")).to_contain_text("Không đạt")
    shot(page, "6-ballot")
    # Next year's head: the unit the meeting elects.
    head_next = members[1]
    votes = {head_next.unit.pk: n - 1, members[2].unit.pk: 1}
    ballot("Bầu đơn vị khối trưởng năm sau", None, 1, [head_next, members[2]], votes)
    page.goto(meeting_url)
    page.get_by_role("link", name=re.compile("Ghi kết quả bầu")).first.click()
    page.locator("main form button[type=submit]").click()
    with django_sync():
        assert Membership.objects.get(bloc=bloc, year=YEAR + 1, role=MemberRole.HEAD).unit_id == head_next.unit.pk
    page.goto(meeting_url)
    shot(page, "7-meeting")

    # Nominations: one click per passed candidate.
    with django_sync():
        ballots = {
            b.award_type.code: b
            for b in Ballot.objects.filter(meeting__bloc=bloc, meeting__year=YEAR, award_type__isnull=False)
        }
    passed = [(ballots["ttldxs"], members[0]), (ballots["bk-chu-tich-tinh"], certificate[0])]
    passed.append((ballots["bk-chu-tich-tinh"], certificate[1]))
    for ballot_row, membership in passed:
        page.goto(meeting_url)
        action = reverse("awards:create_from_ballot", args=[ballot_row.pk, membership.unit.pk])
        page.locator(f"form[action='{action}'] button").click()
        expect(page.locator("main")).to_contain_text(membership.unit.name)
    # The candidate who did not pass has no such button.
    page.goto(meeting_url)
    failed = reverse("awards:create_from_ballot", args=[ballots["bk-chu-tich-tinh"].pk, certificate[2].unit.pk])
    expect(page.locator(f"form[action='{failed}']")).to_have_count(0)
    page.goto(url("awards:bloc_list", bloc.pk, YEAR))
    for _ballot, membership in passed:
        expect(page.locator("main")).to_contain_text(membership.unit.name)
    shot(page, "8-nominations")
    with django_sync():
        nominations = Nomination.objects.filter(bloc=bloc, year=YEAR)
        assert sorted((n.award_type.code, n.unit_id, n.ballot_id) for n in nominations) == sorted(
            (b.award_type.code, m.unit.pk, b.pk) for b, m in passed
        )
        assert {n.state for n in nominations} == {State.DRAFT}
