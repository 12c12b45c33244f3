"""The board's review queue: access by persona, filters, sort, pages, quotas, bulk actions (all or nothing),
the side-by-side page with its queue navigation, and queries that do not grow with the number of nominations."""

import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards.checks import assess
from awards.models import DossierFile, Nomination, ReviewEvent
from awards.services import nomination_transition
from awards.views.review import (
    VoteShare,
    WholeQueue,
    ordered,
    queue_queryset,
    quota_rows,
    vote_shares,
)
from blocs.models import AwardRule, Bloc, Membership
from meetings.models import Attendance
from meetings.services_ballots import ballot_create, ballot_record_counts
from tests.factories import AwardTypeFactory, BlocFactory, UserFactory
from units.models import AnnualRating, Award, AwardType, Unit

QUEUE = reverse("awards:review_queue")
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def review_url(nomination, query: str = "") -> str:
    return reverse("awards:review", kwargs={"nomination_pk": nomination.pk}) + (f"?{query}" if query else "")


@pytest.fixture
def author(world):
    return UserFactory(username="nominator")


@pytest.fixture
def free_award(world):
    """An award type the rule set names without conditions: only the dossier and the ballot are checked."""
    award = AwardTypeFactory(code="thu-nghiem", name="Giấy khen thử nghiệm", order=70)
    AwardRule.objects.create(rule_set=world["rule_set"], award_type=award)
    return award


def nominate(unit, bloc, award, author, *, state="submitted", ballot=None, submitted=None, dossier=True, year=2025):
    """A nomination in `state`; `submitted` (a date) records when it was submitted; `dossier`: the three
    required files (records only: the checks read their kinds)."""
    nomination = Nomination.objects.create(
        bloc=bloc, year=year, unit=unit, award_type=award, ballot=ballot, state=state, created_by=author
    )
    if submitted is not None:
        event = ReviewEvent.objects.create(nomination=nomination, from_state="draft", to_state="submitted", by=author)
        ReviewEvent.objects.filter(pk=event.pk).update(at=datetime(*submitted, 9, 0, tzinfo=TZ))
    if dossier:
        DossierFile.objects.bulk_create(
            DossierFile(nomination=nomination, kind=kind, name=f"{kind}.pdf", content_type="application/pdf", size=1,
                        uploaded_by=author, file=f"dossiers/{nomination.pk}/{kind}.pdf")
            for kind in ("letter", "minutes", "report")
        )  # fmt: skip
    return nomination


@pytest.fixture
def flag_ballot(world, year_end_meeting):
    """Bloc A's provincial-flag ballot, all three present: unit_a1 3/3 passes, the others 0/3."""
    units = [world["unit_a1"], world["unit_a2"], world["unit_a3"]]
    for unit in units:
        Attendance.objects.create(meeting=year_end_meeting, unit=unit, present=True)
    ballot = ballot_create(
        meeting=year_end_meeting, purpose="award", award_type=AwardType.objects.get(code="co-ubnd-tinh"),
        title="", seats=1, candidates=units,
    )  # fmt: skip
    ballot_record_counts(
        ballot=ballot, entitled=3, issued=3, returned=3, valid=3,
        votes={units[0].pk: 3, units[1].pk: 0, units[2].pk: 0}, expected_version=ballot.version,
    )  # fmt: skip
    ballot.refresh_from_db()
    return ballot


@pytest.fixture
def queue(world, author, free_award, flag_ballot):
    """Five nominations of 2025 with known outcomes, and one of 2024 that the 2025 queue never shows.

    ok:        unit_a1, provincial flag, passed its ballot, complete dossier (every check met)
    warning:   unit_a3, free award, complete dossier, no ballot (a warning only)
    blocking:  unit_a2, free award, no dossier
               unit_b1, free award, no dossier, under review
               unit_b2, free award, complete dossier, draft (only a warning)
    """
    flag = AwardType.objects.get(code="co-ubnd-tinh")
    AwardRule.objects.create(rule_set=world["rule_set"], award_type=flag, quota_count=1)
    a, b = world["bloc_a"], world["bloc_b"]
    nominations = {
        "ok": nominate(world["unit_a1"], a, flag, author, ballot=flag_ballot, submitted=(2026, 1, 5)),
        "warning": nominate(world["unit_a3"], a, free_award, author, submitted=(2026, 1, 7)),
        "blocking": nominate(world["unit_a2"], a, free_award, author, dossier=False, submitted=(2026, 1, 6)),
        "review": nominate(world["unit_b1"], b, free_award, author, state="under_review", dossier=False),
        "draft": nominate(world["unit_b2"], b, free_award, author, state="draft"),
        "old": nominate(world["unit_a1"], a, free_award, author, year=2024),
    }
    return nominations


def listed(response) -> list[int]:
    return [row[0].pk for row in response.context["rows"]]


def pks(queue, *names) -> list[int]:
    return [queue[name].pk for name in names]


# --- Access --------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(queue, client_for):
    for url in (QUEUE, review_url(queue["ok"])):
        response = client_for(None).get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", ["secretary_a", "head_a", "secretary_b", "officer_a"])
def test_bloc_staff_and_officers_are_refused(persona, request, queue, client_for):
    client = client_for(request.getfixturevalue(persona))

    statuses = [
        client.get(QUEUE).status_code,
        client.get(review_url(queue["ok"])).status_code,
        client.post(QUEUE, {"thao_tac": "approve", "chon": f"{queue['review'].pk}:1"}).status_code,
        client.post(review_url(queue["review"]), {"thao_tac": "approve", "version": "1"}).status_code,
    ]

    assert statuses == [403, 403, 403, 403]
    assert Nomination.objects.get(pk=queue["review"].pk).state == "under_review"


def test_viewer_reads_but_cannot_act(queue, viewer, client_for):
    client = client_for(viewer)

    page = client.get(QUEUE + "?nam=2025")
    side = client.get(review_url(queue["review"]))
    bulk = client.post(QUEUE + "?nam=2025", {"thao_tac": "approve", "chon": f"{queue['review'].pk}:1"})
    single = client.post(review_url(queue["review"]), {"thao_tac": "approve", "version": "1"})

    assert (page.status_code, side.status_code, bulk.status_code, single.status_code) == (200, 200, 403, 403)
    assert 'name="chon"' not in page.content.decode()
    assert "Ý kiến thẩm định" not in side.content.decode()
    assert Nomination.objects.get(pk=queue["review"].pk).state == "under_review"


@pytest.mark.parametrize("persona", ["board", "reviewer"])
def test_board_sees_the_bulk_form_and_the_nav_link(persona, request, queue, client_for):
    html = client_for(request.getfixturevalue(persona)).get(QUEUE + "?nam=2025").content.decode()

    assert 'name="chon"' in html
    assert "Xử lý các hồ sơ đã chọn" in html
    assert f'href="{QUEUE}">Thẩm định hồ sơ</a>' in html


def test_bloc_staff_have_no_nav_link(queue, secretary_a, client_for):
    html = client_for(secretary_a).get(reverse("home")).content.decode()

    assert QUEUE not in html


# --- Filters, search, sort, pages ----------------------------------------------------------------


def test_the_queue_lists_the_year_of_every_bloc(queue, reviewer, client_for):
    response = client_for(reviewer).get(QUEUE + "?nam=2025")

    assert sorted(listed(response)) == sorted(pks(queue, "ok", "warning", "blocking", "review", "draft"))
    assert response.context["total"] == 5


def test_the_year_comes_from_the_session_without_nam(queue, reviewer, client_for):
    client = client_for(reviewer)
    client.post(reverse("blocs:set_year"), {"year": "2024", "next": "/"})

    assert listed(client.get(QUEUE)) == pks(queue, "old")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("khoi={b}", ["review", "draft"]),
        ("hinh_thuc={flag}", ["ok"]),
        ("trang_thai=under_review", ["review"]),
        ("trang_thai=cho_xu_ly", ["ok", "warning", "blocking", "review"]),
        ("trang_thai=draft", ["draft"]),
        ("kiem_tra=chua_dat", ["blocking", "review"]),
        ("kiem_tra=canh_bao", ["warning", "draft"]),
        ("kiem_tra=dat", ["ok"]),
        ("q=so tu phap", ["warning"]),
        ("q=SỞ TƯ", ["warning"]),
        ("q=van phong ubnd", ["ok"]),
        ("khoi={a}&kiem_tra=canh_bao", ["warning"]),
        ("khoi=999999", ["ok", "warning", "blocking", "review", "draft"]),  # unknown bloc: the filter is ignored
    ],
)
def test_filters(query, expected, queue, world, reviewer, client_for):
    flag = AwardType.objects.get(code="co-ubnd-tinh")
    query = query.format(a=world["bloc_a"].pk, b=world["bloc_b"].pk, flag=flag.pk)

    response = client_for(reviewer).get(f"{QUEUE}?nam=2025&{query}")

    assert sorted(listed(response)) == sorted(pks(queue, *expected))


def test_an_unknown_filter_value_is_said(queue, reviewer, client_for):
    html = client_for(reviewer).get(QUEUE + "?nam=2025&trang_thai=bogus").content.decode()

    assert "Một số điều kiện lọc không hợp lệ nên đã bỏ qua" in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        # Bloc B ("Đảng") before bloc A ("Tham mưu"); inside a bloc by award type, then unit (Dân vận, Tuyên giáo).
        ("", ["draft", "review", "ok", "blocking", "warning"]),
        ("khoi", ["draft", "review", "ok", "blocking", "warning"]),
        ("-khoi", ["ok", "blocking", "warning", "draft", "review"]),
        # Ban Dân vận, Ban Tuyên giáo, Sở Tài chính, Sở Tư pháp, Văn phòng UBND tỉnh.
        ("don_vi", ["draft", "review", "blocking", "warning", "ok"]),
        ("-don_vi", ["ok", "warning", "blocking", "review", "draft"]),
        ("hinh_thuc", ["ok", "draft", "review", "blocking", "warning"]),
        ("trang_thai", ["draft", "ok", "blocking", "warning", "review"]),
        ("ngay_trinh", ["ok", "blocking", "warning", "draft", "review"]),  # never submitted: last
        ("-ngay_trinh", ["warning", "blocking", "ok", "draft", "review"]),  # ... in both directions
        ("bogus", ["draft", "review", "ok", "blocking", "warning"]),
    ],
)
def test_sort(sort, expected, queue, reviewer, client_for):
    response = client_for(reviewer).get(f"{QUEUE}?nam=2025&sap_xep={sort}")

    assert listed(response) == pks(queue, *expected)


def test_sort_links_keep_the_filters_and_reverse_the_current_column(queue, world, reviewer, client_for):
    response = client_for(reviewer).get(f"{QUEUE}?nam=2025&khoi={world['bloc_a'].pk}&sap_xep=don_vi&page=1")
    links = response.context["sort_links"]

    assert links["don_vi"]["url"] == f"?khoi={world['bloc_a'].pk}&nam=2025&sap_xep=-don_vi"
    assert links["khoi"]["url"] == f"?khoi={world['bloc_a'].pk}&nam=2025&sap_xep=khoi"
    assert 'aria-sort="ascending"' in response.content.decode()


def _many(world, author, count: int, *, first: int = 0):
    """`count` nominations of new members of bloc A (units numbered from `first`), four award types each,
    made with bulk_create, states cycling, none submitted."""
    codes = ("ttldtt", "ttldxs", "bk-chu-tich-tinh", "bk-thu-tuong")
    award_types = list(AwardType.objects.filter(code__in=codes).order_by("order"))
    per_unit = len(award_types)
    units = Unit.objects.bulk_create(
        Unit(name=f"Đơn vị thử {i:04d}", code=f"thu-{i:04d}", kind="so_nganh")
        for i in range(first, first + -(-count // per_unit))
    )
    Membership.objects.bulk_create(Membership(bloc=world["bloc_a"], unit=u, year=2025) for u in units)
    states = ["submitted", "under_review", "returned", "approved", "not_approved", "draft"]
    Nomination.objects.bulk_create(
        Nomination(bloc=world["bloc_a"], year=2025, unit=units[i // per_unit], award_type=award_types[i % per_unit],
                   state=states[i % len(states)], created_by=author)
        for i in range(count)
    )  # fmt: skip
    return units


def test_pagination(world, author, reviewer, client_for):
    _many(world, author, 120)
    client = client_for(reviewer)

    first = client.get(QUEUE + "?nam=2025&sap_xep=don_vi")
    last = client.get(QUEUE + "?nam=2025&sap_xep=don_vi&page=3")

    assert (len(first.context["rows"]), len(last.context["rows"]), first.context["total"]) == (50, 20, 120)
    assert first.context["rows"][0][0].unit.name == "Đơn vị thử 0000"
    assert last.context["rows"][-1][0].unit.name == "Đơn vị thử 0029"
    assert "Trang 1/3" in first.content.decode()
    assert "sap_xep=don_vi&amp;page=2" in first.content.decode()


def test_a_row_shows_its_checks_and_vote_share(queue, reviewer, client_for):
    response = client_for(reviewer).get(QUEUE + "?nam=2025")
    rows = {row[0].pk: row for row in response.context["rows"]}
    html = response.content.decode()

    ok, blocking = rows[queue["ok"].pk], rows[queue["blocking"].pk]
    assert (ok[1].outcome, ok[2].share, ok[2].met) == ("ok", "3/3 (100%)", True)
    assert blocking[1].outcome == "blocking"
    assert blocking[1].blocking == (
        "Hồ sơ đủ thành phần: Còn thiếu: Tờ trình đề nghị, Biên bản họp bình xét, Báo cáo thành tích.",
    )
    assert blocking[1].warnings == ("Kết quả bình xét: Hồ sơ chưa gắn với phiếu bình xét nào của khối.",)
    assert blocking[2] is None
    assert (
        'title="Chưa đạt — Hồ sơ đủ thành phần: Còn thiếu: Tờ trình đề nghị, Biên bản họp bình xét, Báo cáo thành '
        'tích.\nCảnh báo — Kết quả bình xét: Hồ sơ chưa gắn với phiếu bình xét nào của khối."'
    ) in html
    assert "1 chưa đạt" in html
    assert "3/3 (100%)" in html


# --- Quotas --------------------------------------------------------------------------------------


@pytest.fixture
def quota_world(world, author):
    """Bloc A: 3 members; bloc B: 2 members; a third bloc C with 5 members and no nominations.

    Rules: provincial certificate 50% of the remaining units (A: floor(1) = 1, B: floor(0.5) = 0,
    C: floor(2) = 2); labour collective 20% of members (A 0, B 0, C 1) and at most 1 per bloc;
    the Government flag 20% of the province's leading units (3 blocs: 0); the advanced collective unlimited.
    """
    rules = world["rule_set"]
    codes = {"bk-chu-tich-tinh": {"quota_percent": Decimal(50), "quota_base": "remaining"},
             "ttldxs": {"quota_percent": Decimal(20), "quota_count": 1},
             "co-chinh-phu": {"quota_percent": Decimal(20), "quota_base": "bloc_leaders"},
             "ttldtt": {}}  # fmt: skip
    types = {code: AwardType.objects.get(code=code) for code in codes}
    for code, values in codes.items():
        AwardRule.objects.create(rule_set=rules, award_type=types[code], **values)
    bloc_c = BlocFactory(name="Khối thi đua C", code="khoi-c")
    for i in range(5):
        unit = Unit.objects.create(name=f"Đơn vị C{i}", code=f"c{i}", kind="so_nganh")
        Membership.objects.create(bloc=bloc_c, unit=unit, year=2025)
    a, b = world["bloc_a"], world["bloc_b"]
    certificate = types["bk-chu-tich-tinh"]
    nominate(world["unit_a2"], a, certificate, author, state="approved")
    nominate(world["unit_a3"], a, certificate, author, state="submitted")
    nominate(world["unit_a1"], a, certificate, author, state="not_approved")  # does not count
    nominate(world["unit_b2"], b, certificate, author, state="approved")
    nominate(world["unit_b1"], b, types["ttldtt"], author, state="draft")
    return {**types, "bloc_c": bloc_c}


def _quota(response, code):
    return next(row for row in response.context["quotas"] if row.award_type.code == code)


def test_quota_figures_province_wide(quota_world, reviewer, client_for):
    response = client_for(reviewer).get(QUEUE + "?nam=2025")
    certificate = _quota(response, "bk-chu-tich-tinh")
    labour = _quota(response, "ttldxs")
    flag = _quota(response, "co-chinh-phu")
    advanced = _quota(response, "ttldtt")

    assert (certificate.province.used, certificate.province.limit, certificate.province.left) == (3, 3, 0)
    assert certificate.approved == 2
    assert (labour.province.used, labour.province.limit, labour.province.left) == (0, 1, 1)
    assert (flag.province.used, flag.province.limit) == (0, 0)
    assert (advanced.province.used, advanced.province.limit, advanced.province.left) == (1, None, None)
    assert certificate.rule_text == "Mỗi khối tối đa 50% số đơn vị còn lại (trừ đơn vị dẫn đầu), làm tròn xuống."
    assert labour.rule_text == (
        "Mỗi khối tối đa 20% tổng số đơn vị thành viên của khối, làm tròn xuống. Mỗi khối không quá 1 đơn vị."
    )
    assert flag.rule_text == "Toàn tỉnh tối đa 20% số đơn vị dẫn đầu các khối (3 khối), làm tròn xuống."
    assert all(row.bloc is None for row in response.context["quotas"])


def test_quota_figures_of_a_bloc(quota_world, world, reviewer, client_for):
    response = client_for(reviewer).get(f"{QUEUE}?nam=2025&khoi={world['bloc_b'].pk}")
    certificate = _quota(response, "bk-chu-tich-tinh")
    flag = _quota(response, "co-chinh-phu")
    html = response.content.decode()

    assert (certificate.bloc.used, certificate.bloc.limit, certificate.bloc.over, certificate.bloc.excess) == (
        1, 0, True, 1,
    )  # fmt: skip
    assert (certificate.province.used, certificate.province.limit) == (3, 3)
    assert (flag.bloc.limit, flag.bloc.province_wide) == (None, True)
    assert "vượt 1" in html
    assert "theo chỉ tiêu toàn tỉnh" in html
    assert "Chỉ tiêu theo hình thức: toàn tỉnh và Khối các cơ quan Đảng" in html


# --- Bulk actions --------------------------------------------------------------------------------


def _chosen(*nominations) -> list[str]:
    return [f"{n.pk}:{n.version}" for n in nominations]


def test_bulk_start_review_then_approve(queue, reviewer, client_for):
    client = client_for(reviewer)
    chosen = [queue["ok"], queue["warning"]]

    started = client.post(QUEUE + "?nam=2025&khoi=", {"thao_tac": "start_review", "chon": _chosen(*chosen)})
    for n in chosen:
        n.refresh_from_db()
    approved = client.post(QUEUE + "?nam=2025", {"thao_tac": "approve", "ly_do": "Đủ hồ sơ", "chon": _chosen(*chosen)})

    assert (started.status_code, started.url) == (302, QUEUE + "?nam=2025&khoi=")
    assert approved.status_code == 302
    assert [Nomination.objects.get(pk=n.pk).state for n in chosen] == ["approved", "approved"]
    events = ReviewEvent.objects.filter(nomination__in=chosen, to_state="approved")
    assert sorted(events.values_list("from_state", "reason", "by__username")) == [
        ("under_review", "Đủ hồ sơ", "reviewer"),
        ("under_review", "Đủ hồ sơ", "reviewer"),
    ]
    page = client.get(approved.url).content.decode()
    assert "Đã «Đủ điều kiện» 2 hồ sơ." in page


def test_bulk_return_needs_a_reason(queue, reviewer, client_for):
    review = queue["review"]

    response = client_for(reviewer).post(
        QUEUE + "?nam=2025", {"thao_tac": "return", "ly_do": "   ", "chon": _chosen(review)}
    )

    assert response.status_code == 200
    assert response.context["bulk_errors"] == ["Hãy ghi rõ lý do để «Trả lại để bổ sung»."]
    assert Nomination.objects.get(pk=review.pk).state == "under_review"
    assert 'checked aria-label="Chọn Ban Tuyên giáo Tỉnh ủy' in response.content.decode()


def test_bulk_return_with_a_reason(queue, world, reviewer, author, client_for):
    other = nominate(world["unit_a3"], world["bloc_a"], AwardType.objects.get(code="ttldtt"), author,
                     state="under_review")  # fmt: skip
    AwardRule.objects.create(rule_set=world["rule_set"], award_type=other.award_type)

    response = client_for(reviewer).post(
        QUEUE + "?nam=2025",
        {"thao_tac": "return", "ly_do": "Bổ sung biên bản họp", "chon": _chosen(queue["review"], other)},
    )

    assert response.status_code == 302
    assert set(Nomination.objects.filter(pk__in=[queue["review"].pk, other.pk]).values_list("state", flat=True)) == {
        "returned"
    }
    assert ReviewEvent.objects.filter(to_state="returned", reason="Bổ sung biên bản họp").count() == 2


def test_bulk_is_all_or_nothing_and_names_the_refused(queue, reviewer, client_for):
    chosen = [queue["review"], queue["ok"], queue["draft"]]  # only the first is under review
    events_before = ReviewEvent.objects.count()

    response = client_for(reviewer).post(QUEUE + "?nam=2025", {"thao_tac": "approve", "chon": _chosen(*chosen)})

    assert response.status_code == 200
    assert [Nomination.objects.get(pk=n.pk).state for n in chosen] == ["under_review", "submitted", "draft"]
    assert ReviewEvent.objects.count() == events_before
    assert response.context["bulk_errors"] == [
        "«Ban Dân vận Tỉnh ủy — Giấy khen thử nghiệm» (Khối các cơ quan Đảng) đang ở trạng thái «Dự thảo»: "
        "không thể «Đủ điều kiện».",
        "«Văn phòng UBND tỉnh — Cờ thi đua của UBND tỉnh» (Khối các cơ quan Tham mưu - Tổng hợp) đang ở trạng "
        "thái «Đã trình»: không thể «Đủ điều kiện».",
    ]
    html = response.content.decode()
    assert "Chưa thực hiện: không hồ sơ nào thay đổi." in html
    assert html.count(" checked aria-label=") == 3  # the selection is kept


def test_bulk_refuses_a_nomination_changed_in_between(queue, reviewer, board, client_for):
    review = queue["review"]
    seen = _chosen(review)
    nomination_transition(nomination=review, action="return", user=board, reason="Thiếu tờ trình")

    response = client_for(reviewer).post(QUEUE + "?nam=2025", {"thao_tac": "return", "ly_do": "Khác", "chon": seen})

    assert response.context["bulk_errors"] == [
        "«Ban Tuyên giáo Tỉnh ủy — Giấy khen thử nghiệm» (Khối các cơ quan Đảng) vừa được người khác xử lý "
        "(nay ở trạng thái «Trả lại để bổ sung»): hãy tải lại trang rồi chọn lại."
    ]
    assert ReviewEvent.objects.filter(nomination=review, to_state="returned").count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"thao_tac": "approve"}, "Hãy chọn ít nhất một hồ sơ."),
        ({"thao_tac": "", "chon": ["1:1"]}, "Hãy chọn một thao tác."),
        ({"thao_tac": "submit", "chon": ["1:1"]}, "Hãy chọn một thao tác."),
        ({"thao_tac": "approve", "chon": ["999999:1"]}, "Không còn tìm thấy hồ sơ số 999999: hãy tải lại trang."),
    ],
)
def test_bulk_refuses_bad_input(data, message, queue, reviewer, client_for):
    response = client_for(reviewer).post(QUEUE + "?nam=2025", data)

    assert response.status_code == 200
    assert response.context["bulk_errors"] == [message]


def test_bulk_refuses_a_nomination_of_another_year(queue, reviewer, client_for):
    old = queue["old"]

    response = client_for(reviewer).post(QUEUE + "?nam=2025", {"thao_tac": "start_review", "chon": _chosen(old)})

    assert response.context["bulk_errors"] == [
        "«Văn phòng UBND tỉnh — Giấy khen thử nghiệm» (Khối các cơ quan Tham mưu - Tổng hợp) thuộc năm 2024, "
        "không phải năm 2025."
    ]
    assert Nomination.objects.get(pk=old.pk).state == "submitted"


# --- Side by side --------------------------------------------------------------------------------


@pytest.fixture
def history(world):
    """unit_a1's ratings 2021–2025 (none in 2022) and two awards; one rating of 2020, outside the five years."""
    for year, rating in [(2020, "HTXSNV"), (2021, "HTXSNV"), (2023, "HTTNV"), (2024, "HTXSNV"), (2025, "HTXSNV")]:
        AnnualRating.objects.create(unit=world["unit_a1"], year=year, rating=rating)
    Award.objects.create(unit=world["unit_a1"], award_type=AwardType.objects.get(code="ttldxs"), year=2024,
                         decision_number="88/QĐ-UBND")  # fmt: skip
    Award.objects.create(unit=world["unit_a1"], award_type=AwardType.objects.get(code="co-ubnd-tinh"), year=2019)


def test_side_by_side_page(queue, history, reviewer, client_for):
    ok = queue["ok"]

    response = client_for(reviewer).get(review_url(ok))
    html = response.content.decode()

    assert response.status_code == 200
    assert [(h.year, h.rating.rating if h.rating else None, [a.award_type.code for a in h.awards])
            for h in response.context["history"]] == [
        (2025, "HTXSNV", []), (2024, "HTXSNV", ["ttldxs"]), (2023, "HTTNV", []), (2022, None, []),
        (2021, "HTXSNV", []),
    ]  # fmt: skip
    assert "88/QĐ-UBND" in html
    assert "3/3 (100%)" in html  # the ballot line
    assert "Tỷ lệ tính trên tổng số thành viên có quyền bỏ phiếu (3): từ 70% trở lên" in html
    for f in ok.files.all():
        assert reverse("awards:dossier_download", kwargs={"nomination_pk": ok.pk, "file_pk": f.pk}) in html
    assert "<iframe" not in html  # the CSP refuses frames: files are links
    assert "Căn cứ:" in html
    assert "Luật Thi đua, khen thưởng số 06/2022/QH15" in html
    for check in response.context["checks"]:
        assert check.rule_text in html
    assert "Dự thảo → Đã trình" in html  # the timeline
    assert [t.action for t in response.context["actions"]] == ["start_review"]


def test_side_by_side_navigation_keeps_the_filters(queue, reviewer, client_for):
    query = "trang_thai=cho_xu_ly&sap_xep=don_vi"  # review, blocking, warning, ok
    client = client_for(reviewer)

    middle = client.get(review_url(queue["blocking"], query))
    outside = client.get(review_url(queue["draft"], query))

    assert middle.context["around"] == {
        "position": 2, "total": 4, "previous": queue["review"].pk, "next": queue["warning"].pk, "page": 1,
    }  # fmt: skip
    html = middle.content.decode()
    assert f'href="{review_url(queue["warning"], query)}"'.replace("&", "&amp;") in html
    assert f'href="{review_url(queue["review"], query)}"'.replace("&", "&amp;") in html
    assert f'href="{QUEUE}?nam=2025&amp;trang_thai=cho_xu_ly&amp;sap_xep=don_vi"' in html
    assert outside.context["around"]["position"] is None
    assert "Hồ sơ này không nằm trong danh sách đang lọc." in outside.content.decode()


def test_side_by_side_navigation_by_check_outcome(queue, reviewer, client_for):
    response = client_for(reviewer).get(review_url(queue["warning"], "kiem_tra=canh_bao&sap_xep=don_vi"))

    assert response.context["around"]["position"] == 2
    assert response.context["around"]["previous"] == queue["draft"].pk


def test_side_by_side_approve_then_open_the_next(queue, reviewer, client_for):
    review = queue["review"]
    query = "trang_thai=cho_xu_ly&sap_xep=don_vi"

    response = client_for(reviewer).post(
        review_url(review, query),
        {"thao_tac": "approve", "ly_do": "", "version": review.version, "tiep": queue["blocking"].pk, "mo_tiep": "1"},
    )

    assert (response.status_code, response.url) == (302, review_url(queue["blocking"], query))
    assert Nomination.objects.get(pk=review.pk).state == "approved"


def test_side_by_side_stays_without_open_next(queue, reviewer, client_for):
    review = queue["review"]

    response = client_for(reviewer).post(
        review_url(review), {"thao_tac": "return", "ly_do": "Thiếu tờ trình", "version": review.version, "tiep": "1"}
    )

    assert (response.status_code, response.url) == (302, review_url(review))
    assert ReviewEvent.objects.get(nomination=review, to_state="returned").reason == "Thiếu tờ trình"


def test_side_by_side_reject_needs_a_reason(queue, reviewer, client_for):
    review = queue["review"]

    response = client_for(reviewer).post(
        review_url(review), {"thao_tac": "reject", "ly_do": "", "version": review.version}
    )

    assert response.status_code == 200
    assert response.context["errors"] == ["Hãy ghi rõ lý do để «Không đủ điều kiện»."]
    assert Nomination.objects.get(pk=review.pk).state == "under_review"
    assert "is-invalid" in response.content.decode()


def test_side_by_side_refuses_a_stale_version(queue, reviewer, client_for):
    review = queue["review"]

    response = client_for(reviewer).post(review_url(review), {"thao_tac": "approve", "version": review.version - 1})

    assert response.status_code == 200
    assert "vừa được người khác xử lý" in response.context["errors"][0]
    assert Nomination.objects.get(pk=review.pk).state == "under_review"


def test_side_by_side_of_an_unknown_nomination_is_404(queue, reviewer, client_for):
    assert client_for(reviewer).get(reverse("awards:review", kwargs={"nomination_pk": 999999})).status_code == 404


# --- The bloc's own list -------------------------------------------------------------------------


def test_bloc_list_shows_the_eligibility_summary(queue, world, secretary_a, client_for):
    html = (
        client_for(secretary_a)
        .get(reverse("awards:bloc_list", kwargs={"pk": world["bloc_a"].pk, "year": 2025}))
        .content.decode()
    )

    assert '<th scope="col">Điều kiện</th>' in html
    assert "1 chưa đạt" in html
    assert "Chưa đạt — Hồ sơ đủ thành phần: Còn thiếu" in html


# --- Queries -------------------------------------------------------------------------------------


def _population(world, author, flag_ballot) -> None:
    """Five nominations: a Government flag of bloc A (its leading unit is looked up), one with a ballot and
    three bulk-created ones with ratings, so that every kind of fact is read."""
    nominate(world["unit_a1"], world["bloc_a"], AwardType.objects.get(code="co-chinh-phu"), author)
    nominate(world["unit_a2"], world["bloc_a"], AwardType.objects.get(code="co-ubnd-tinh"), author, ballot=flag_ballot)
    _grow(world, author, 3)


def _grow(world, author, count: int) -> None:
    units = _many(world, author, count, first=Unit.objects.filter(code__startswith="thu-").count())
    AnnualRating.objects.bulk_create(
        AnnualRating(unit=unit, year=year, rating="HTXSNV") for unit in units for year in (2024, 2025)
    )


QUEUE_PAGES = ["?nam=2025", "?nam=2025&kiem_tra=chua_dat&sap_xep=-ngay_trinh", "?nam=2025&q=thu&page=2"]


@pytest.mark.parametrize("query", QUEUE_PAGES)
def test_queue_queries_do_not_grow_with_the_nominations(query, world, author, flag_ballot, reviewer, client_for,
                                                        django_assert_max_num_queries):  # fmt: skip
    client = client_for(reviewer)
    _population(world, author, flag_ballot)
    client.get(QUEUE + query)  # the session is warm
    with CaptureQueriesContext(connection) as small:
        assert client.get(QUEUE + query).status_code == 200
    _grow(world, author, 495)
    assert Nomination.objects.filter(year=2025).count() == 500

    with django_assert_max_num_queries(len(small)):
        response = client.get(QUEUE + query)

    assert response.status_code == 200


def test_side_by_side_queries_do_not_grow_with_the_nominations(world, author, flag_ballot, reviewer, client_for,
                                                               django_assert_max_num_queries):  # fmt: skip
    client = client_for(reviewer)
    _population(world, author, flag_ballot)
    target = Nomination.objects.get(award_type__code="co-ubnd-tinh")
    url = review_url(target, "kiem_tra=canh_bao")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(world, author, 495)

    with django_assert_max_num_queries(len(small)):
        assert client.get(url).status_code == 200


# --- Read once -----------------------------------------------------------------------------------


def _tables(queries) -> list[str]:
    """Every table read FROM, once per query that reads it."""
    found = []
    for query in queries:
        found += sorted(set(re.findall(r'\bFROM "(\w+)"', query["sql"])))
    return found


def test_the_queue_reads_each_fact_once(queue, reviewer, client_for):
    client = client_for(reviewer)
    client.get(QUEUE + "?nam=2025")
    with CaptureQueriesContext(connection) as page:
        assert client.get(QUEUE + "?nam=2025").status_code == 200
    tables = _tables(page.captured_queries)

    # The checks' reading serves the vote shares (ballots) and the quotas (rules, counts, members, award types).
    assert tables.count("meetings_ballot") == 1
    assert tables.count("blocs_awardrule") == 1
    assert tables.count("units_awardtype") == 1
    assert tables.count("awards_nomination") == 3  # the count, the page, the counts by bloc and award type
    # The bloc and award-type menus: one plain read of the blocs, no count, no cursor.
    assert tables.count("blocs_bloc") == 1
    assert not [q for q in page.captured_queries if q["sql"].startswith("DECLARE")]


def test_the_quotas_drawn_from_an_assessment_are_those_read(queue, world):
    nominations = list(Nomination.objects.filter(year=2025))

    for bloc in (None, world["bloc_a"], world["bloc_b"]):
        drawn = quota_rows(2025, bloc=bloc, assessment=assess(nominations[:2]))
        assert drawn == quota_rows(2025, bloc=bloc)
    assert [row.award_type.code for row in drawn] == ["co-ubnd-tinh", "thu-nghiem"]
    # An assessment of another year's nominations says nothing of 2025: the quotas are read.
    assert quota_rows(2025, assessment=assess([queue["old"]])) == quota_rows(2025)


def test_the_vote_shares_drawn_from_an_assessment_are_those_read(queue):
    nominations = list(Nomination.objects.filter(year=2025))

    shares = vote_shares(nominations, assess(nominations).ballots)

    assert shares == vote_shares(nominations)
    assert shares[queue["ok"].pk] == VoteShare(shares[queue["ok"].pk].share, shares[queue["ok"].pk].rule, True)
    assert shares[queue["ok"].pk].share == "3/3 (100%)"


def test_the_side_by_side_page_reads_the_history_and_files_once(queue, world, author, reviewer, client_for):
    target = queue["ok"]
    AnnualRating.objects.create(unit=world["unit_a1"], year=2024, rating="HTXSNV")
    AnnualRating.objects.create(unit=world["unit_a1"], year=2019, rating="HTNV")  # before the five years
    client = client_for(reviewer)
    with CaptureQueriesContext(connection) as page:
        response = client.get(review_url(target))
    tables = _tables(page.captured_queries)

    assert (tables.count("units_annualrating"), tables.count("units_award"), tables.count("awards_dossierfile")) == (
        1, 1, 1,
    )  # fmt: skip
    history = response.context["history"]
    assert [h.year for h in history] == [2025, 2024, 2023, 2022, 2021]
    assert [h.rating.rating if h.rating else None for h in history] == [None, "HTXSNV", None, None, None]
    assert sorted(f.kind for f in response.context["files"]) == ["letter", "minutes", "report"]


def test_the_side_by_side_page_filtered_by_outcome_reads_its_history(queue, world, reviewer, client_for):
    """The queue filtered by the checks' outcome assesses the whole year without rows: the page reads them."""
    Award.objects.create(unit=world["unit_a3"], award_type=AwardType.objects.get(code="co-ubnd-tinh"), year=2023,
                         decision_number="12/QĐ-UBND")  # fmt: skip

    response = client_for(reviewer).get(review_url(queue["warning"], "kiem_tra=canh_bao"))

    history = {h.year: h for h in response.context["history"]}
    assert [a.decision_number for a in history[2023].awards] == ["12/QĐ-UBND"]
    assert sorted(f.kind for f in response.context["files"]) == ["letter", "minutes", "report"]
    assert response.context["around"]["position"] is not None


def test_the_menus_list_every_bloc_and_award_type_and_keep_the_choice(queue, world, reviewer, client_for):
    other = BlocFactory(name="Khối không có hồ sơ", code="khong-ho-so")
    flag = AwardType.objects.get(code="co-ubnd-tinh")

    html = client_for(reviewer).get(f"{QUEUE}?nam=2025&khoi={world['bloc_b'].pk}&hinh_thuc={flag.pk}").content
    html = html.decode()

    assert f'<option value="{world["bloc_b"].pk}" selected>{world["bloc_b"].name}</option>' in html
    assert f'<option value="{world["bloc_a"].pk}">' in html
    assert f'<option value="{other.pk}">Khối không có hồ sơ</option>' in html
    assert f'<option value="{flag.pk}" selected>{flag.name}</option>' in html
    assert html.count("<option") >= Bloc.objects.count() + AwardType.objects.count()


def test_a_viewer_page_asks_no_model_permission(queue, viewer, client_for):
    """The header's links are the app's permissions (rules): the database's permission tables are not read."""
    client = client_for(viewer)
    with CaptureQueriesContext(connection) as page:
        html = client.get(QUEUE + "?nam=2025").content.decode()

    assert "auth_permission" not in " ".join(q["sql"] for q in page.captured_queries)
    assert f'href="{QUEUE}">Thẩm định hồ sơ</a>' in html  # the viewer's links, not the board admin's
    assert f'href="{reverse("blocs:user_list")}"' not in html


@pytest.mark.parametrize("sort", ["khoi", "-khoi", "don_vi", "-don_vi", "hinh_thuc", "trang_thai", "-trang_thai",
                                  "ngay_trinh", "-ngay_trinh"])  # fmt: skip
def test_side_by_side_navigation_of_the_whole_queue_follows_its_order(sort, queue, reviewer, client_for):
    """Unfiltered, "previous / next" read the year's queue through a prepared query: the queue's own order."""
    expected = [n.pk for n in ordered(queue_queryset(2025), sort)]
    assert WholeQueue(2025, sort).ids() == expected
    middle = expected[len(expected) // 2]
    response = client_for(reviewer).get(review_url(Nomination.objects.get(pk=middle), f"sap_xep={sort}"))
    index = expected.index(middle)
    assert response.context["around"] == {
        "position": index + 1, "total": len(expected), "previous": expected[index - 1] if index else None,
        "next": expected[index + 1] if index + 1 < len(expected) else None, "page": 1,
    }  # fmt: skip


@pytest.mark.parametrize("sort", ["khoi", "-don_vi", "hinh_thuc", "-trang_thai", "ngay_trinh", "-ngay_trinh"])
def test_the_unfiltered_queue_reads_pages_of_the_queues_own_order(sort, queue):
    """With no filter the queue's pages come through prepared queries: the same rows, order and values."""
    expected = list(ordered(queue_queryset(2025), sort))
    whole = WholeQueue(2025, sort)
    assert whole.count() == len(expected) == len(whole)
    for start, stop in ((0, 2), (2, 4), (0, 50), (3, 53)):
        got = whole[start:stop]
        assert [n.pk for n in got] == [n.pk for n in expected[start:stop]]
        assert [(n.bloc.name, n.unit.name, n.award_type.code, n.state_rank, n.submitted_at) for n in got] == [
            (n.bloc.name, n.unit.name, n.award_type.code, n.state_rank, n.submitted_at) for n in expected[start:stop]
        ]
    assert WholeQueue(2030, sort).count() == 0
    assert WholeQueue(2030, sort)[0:0] == []


def test_the_unfiltered_queue_page_lists_every_nomination(queue, reviewer, client_for):
    response = client_for(reviewer).get(f"{QUEUE}?nam=2025")
    assert response.context["total"] == Nomination.objects.filter(year=2025).count()
    assert [row[0].pk for row in response.context["rows"]] == [n.pk for n in ordered(queue_queryset(2025), "khoi")[:50]]
    empty = client_for(reviewer).get(f"{QUEUE}?nam=2030")
    assert empty.status_code == 200
    assert "Không có hồ sơ nào phù hợp." in empty.content.decode()
