"""The province-wide activity log: the history of the audited records merged newest first, filtered by
user, bloc and dates, each line saying who, when, what and which fields changed; for the board and the
province viewers only; a page costs the same number of queries whatever the size of the history."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from awards.models import AwardDecision, Nomination
from blocs.models import AwardRule, AwardRulePriorAward, RuleSet, Score
from meetings.models import Ballot
from tests.factories import UserFactory
from units.models import AnnualRating, AwardType

URL = reverse("blocs:activity")
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def saved(obj, user):
    """Save `obj` as if `user` made the change through a page (the history names them)."""
    obj._history_user = user
    obj.save()
    return obj


def at(model, obj, when: datetime) -> None:
    """Move the newest history row of `obj` to `when` (to test ordering and date filters)."""
    latest = model.history.filter(id=obj.pk).order_by("-history_id").first()
    model.history.filter(history_id=latest.history_id).update(history_date=when)


def entries(response) -> list:
    return response.context["entries"]


@pytest.fixture
def award():
    return AwardType.objects.get(code="bk-chu-tich-tinh")


@pytest.fixture
def changes(world, scoring, secretary_a, secretary_b, board, award, year_end_meeting):
    """One change of each kind, at known times: a score and a rating in bloc A by its secretary, a ballot
    in bloc A, a nomination in bloc B by its secretary, a rule-set change and a decision by the board."""
    day = datetime(2025, 12, 1, 9, 0, tzinfo=TZ)
    RuleSet.history.update(history_date=day - timedelta(days=30))  # the world's rule set, created before
    criterion = scoring.criteria.get(code="I.1")
    score = saved(Score(criterion=criterion, unit=world["unit_a3"], assessed_value=Decimal(20)), secretary_a)
    at(Score, score, day)
    score.assessed_value = Decimal("25.5")
    saved(score, secretary_a)
    at(Score, score, day + timedelta(days=1))
    rating = saved(AnnualRating(unit=world["unit_a1"], year=2025, rating="HTTNV"), secretary_a)
    at(AnnualRating, rating, day + timedelta(days=2, hours=-1))
    rating.rating = "HTXSNV"
    saved(rating, secretary_a)
    at(AnnualRating, rating, day + timedelta(days=2))
    ballot = saved(
        Ballot(
            meeting=year_end_meeting, purpose="award", award_type=award, title="Suy tôn <b>đơn vị</b>",
            entitled=3, vote_base="entitled", threshold_num=70, threshold_den=100,
        ),
        secretary_a,
    )  # fmt: skip
    at(Ballot, ballot, day + timedelta(days=3))
    nomination = saved(
        Nomination(bloc=world["bloc_b"], year=2025, unit=world["unit_b1"], award_type=award, created_by=secretary_b),
        secretary_b,
    )
    at(Nomination, nomination, day + timedelta(days=4))
    rule_set = world["rule_set"]
    rule_set.vote_threshold_num = 2
    rule_set.vote_threshold_den = 3
    saved(rule_set, board)
    at(RuleSet, rule_set, day + timedelta(days=5))
    decision = saved(
        AwardDecision(
            number="125/QĐ-UBND", date=datetime(2026, 1, 15).date(), signer="Nguyễn Văn Hòa", award_type=award,
            year=2025, created_by=board,
        ),
        board,
    )  # fmt: skip
    at(AwardDecision, decision, day + timedelta(days=6))
    return {"score": score, "rating": rating, "ballot": ballot, "nomination": nomination, "decision": decision}


def test_board_and_viewers_read_the_log_bloc_staff_do_not(client_for, board, reviewer, viewer, secretary_a, officer_a):
    for user in (board, reviewer, viewer):
        assert client_for(user).get(URL).status_code == 200
    for user in (secretary_a, officer_a):
        assert client_for(user).get(URL).status_code == 403
    assert client_for(None).get(URL).status_code == 302


def test_nav_link_for_province_readers_only(client_for, viewer, secretary_a):
    assert f'href="{URL}"' in client_for(viewer).get(reverse("home")).content.decode()
    assert f'href="{URL}"' not in client_for(secretary_a).get(reverse("home")).content.decode()


def test_every_audited_kind_merged_newest_first(changes, client_for, viewer, secretary_a, secretary_b, board):
    lines = entries(client_for(viewer).get(URL))

    assert [(e.kind, e.action, e.who) for e in lines] == [
        ("quyết định khen thưởng", "Tạo mới", board),
        ("quy chế", "Sửa", board),
        ("hồ sơ đề nghị khen thưởng", "Tạo mới", secretary_b),
        ("phiếu bầu", "Tạo mới", secretary_a),
        ("xếp loại năm", "Sửa", secretary_a),
        ("xếp loại năm", "Tạo mới", secretary_a),
        ("điểm", "Sửa", secretary_a),
        ("điểm", "Tạo mới", secretary_a),
        ("quy chế", "Tạo mới", None),  # the world's, made without anyone signed in
    ]
    assert [e.when for e in lines] == sorted((e.when for e in lines), reverse=True)


def test_a_line_says_what_and_which_fields_changed(changes, client_for, board, world):
    lines = {(e.kind, e.action): e for e in entries(client_for(board).get(URL))}

    score = lines[("điểm", "Sửa")]
    assert score.what == "Sở Tư pháp — I.1 (2025)"
    assert score.bloc == world["bloc_a"]
    assert score.changes == [("Điểm thẩm định", "20", "25,5")]
    assert lines[("xếp loại năm", "Sửa")].changes == [
        ("Xếp loại", "Hoàn thành tốt nhiệm vụ", "Hoàn thành xuất sắc nhiệm vụ")
    ]
    assert lines[("quy chế", "Sửa")].changes == [
        ("Ngưỡng phiếu — tử số", "70", "2"),
        ("Ngưỡng phiếu — mẫu số", "100", "3"),
    ]
    assert lines[("quy chế", "Sửa")].bloc is None
    created = lines[("điểm", "Tạo mới")]
    assert created.changes == [("Điểm thẩm định", "—", "20")]


def test_a_rule_sets_conditions_on_earlier_awards_are_listed(world, client_for, board, award):
    rule = AwardRule.objects.create(rule_set=world["rule_set"], award_type=AwardType.objects.get(code="bk-thu-tuong"))
    saved(AwardRulePriorAward(rule=rule, award_type=award, count=2), board)

    line = entries(client_for(board).get(URL))[0]

    assert (line.kind, line.action, line.who) == ("khen thưởng đã nhận trong thời gian xét", "Tạo mới", board)
    assert line.what == f"Bằng khen của Thủ tướng Chính phủ: {award.name} — quy chế năm 2025"
    assert line.changes == [("Số lần tối thiểu", "—", "2")]


def test_a_changed_reference_is_shown_by_name(changes, client_for, board):
    nomination, decision = changes["nomination"], changes["decision"]
    nomination.state = "decided"
    nomination.decision = decision
    saved(nomination, board)

    line = entries(client_for(board).get(URL))[0]

    assert line.what == "Bằng khen của Chủ tịch UBND tỉnh — Ban Tuyên giáo Tỉnh ủy (2025)"
    assert ("Quyết định", "—", "125/QĐ-UBND (15/01/2026)") in line.changes
    assert ("Trạng thái", "Dự thảo", "Đã có quyết định") in line.changes


def test_a_deletion_is_listed(changes, client_for, board):
    ballot = changes["ballot"]
    ballot._history_user = board
    ballot.delete()

    line = entries(client_for(board).get(URL))[0]

    assert (line.kind, line.action, line.symbol, line.who, line.changes) == ("phiếu bầu", "Xóa", "-", board, [])


def test_filter_by_user(changes, client_for, viewer, secretary_b):
    lines = entries(client_for(viewer).get(URL, {"nguoi": secretary_b.pk}))

    assert [(e.kind, e.who) for e in lines] == [("hồ sơ đề nghị khen thưởng", secretary_b)]


def test_filter_by_bloc_leaves_out_other_blocs_and_province_records(changes, client_for, viewer, world):
    lines = entries(client_for(viewer).get(URL, {"khoi": world["bloc_a"].pk}))

    assert [e.kind for e in lines] == ["phiếu bầu", "xếp loại năm", "xếp loại năm", "điểm", "điểm"]
    lines_b = entries(client_for(viewer).get(URL, {"khoi": world["bloc_b"].pk}))
    assert [e.kind for e in lines_b] == ["hồ sơ đề nghị khen thưởng"]


def test_filter_by_dates_in_local_days(changes, client_for, viewer):
    lines = entries(client_for(viewer).get(URL, {"tu": "2025-12-02", "den": "2025-12-04"}))

    assert [(e.kind, e.action) for e in lines] == [
        ("phiếu bầu", "Tạo mới"),
        ("xếp loại năm", "Sửa"),
        ("xếp loại năm", "Tạo mới"),
        ("điểm", "Sửa"),
    ]


def test_dates_the_wrong_way_round_are_explained(changes, client_for, viewer):
    response = client_for(viewer).get(URL, {"tu": "2025-12-05", "den": "2025-12-01"})
    page = response.content.decode()

    assert response.status_code == 200
    assert "«Đến ngày» phải cùng ngày hoặc sau «Từ ngày»." in page
    assert 'aria-invalid="true"' in page
    assert entries(response) == []


def test_text_is_shown_escaped(changes, client_for, viewer):
    page = client_for(viewer).get(URL).content.decode()

    assert "Suy tôn &lt;b&gt;đơn vị&lt;/b&gt;" in page
    assert "<b>đơn vị</b>" not in page


def test_pages_of_fifty(world, client_for, viewer, board):
    rule_set = world["rule_set"]
    for n in range(60):
        rule_set.note = f"Lần sửa {n}"
        saved(rule_set, board)
    client = client_for(viewer)

    first, second = client.get(URL), client.get(URL, {"page": 2})

    assert first.context["total"] == RuleSet.history.count()
    assert len(entries(first)) == 50
    assert entries(first)[0].changes == [("Ghi chú", "Lần sửa 58", "Lần sửa 59")]
    assert len(entries(second)) == first.context["total"] - 50
    assert "Trang 1/2" in first.content.decode()


def _history_of_size(n: int, world, scoring, year_end_meeting, award, users) -> None:
    """n changes of every kind a page can show, by alternating users, in two blocs."""
    criteria = list(scoring.criteria.filter(kind="normal", children__isnull=True)[:2])
    units = [world["unit_a1"], world["unit_a2"], world["unit_a3"]]
    for i in range(n):
        user = users[i % len(users)]
        unit = units[i % 3]
        score, _ = Score.objects.get_or_create(criterion=criteria[i % 2], unit=unit)
        score.assessed_value = Decimal(i % 10)
        saved(score, user)
        rating = AnnualRating.objects.filter(unit=unit, year=2025).first() or AnnualRating(unit=unit, year=2025)
        rating.rating = "HTTNV" if i % 2 else "HTXSNV"
        saved(rating, user)
        saved(
            Ballot(
                meeting=year_end_meeting, purpose="award", award_type=award, title=f"Phiếu {i}", entitled=3,
                vote_base="entitled", threshold_num=70, threshold_den=100,
            ),
            user,
        )  # fmt: skip
        rule_set = world["rule_set"]
        rule_set.note = f"Lần {i}"
        saved(rule_set, user)


# session, user, roles; the year menu (2); permissions for the menu (2); users and blocs for the filters;
# the page's union and its count; session save (3): 14 — then one query per kind of record on the page.
BASE_QUERIES = 14


@pytest.mark.parametrize("size", [2, 40])
def test_a_page_costs_the_same_queries_at_any_size(
    size, world, scoring, year_end_meeting, award, board, secretary_a, viewer, client_for, django_assert_max_num_queries
):
    _history_of_size(size, world, scoring, year_end_meeting, award, [board, secretary_a, UserFactory()])
    client = client_for(viewer)
    client.get(URL)  # the first request of a session does more

    with django_assert_max_num_queries(BASE_QUERIES + 4):  # scores, ratings, ballots, rule sets
        response = client.get(URL)
    # + the chosen user and bloc; a bloc has no rule set of its own.
    with django_assert_max_num_queries(BASE_QUERIES + 2 + 3):
        filtered = client.get(URL, {"khoi": world["bloc_a"].pk, "tu": "2000-01-01", "nguoi": secretary_a.pk})

    assert response.context["total"] > 4 * size
    assert len(entries(response)) == min(50, response.context["total"])
    assert {e.kind for e in entries(filtered)} == {"điểm", "xếp loại năm", "phiếu bầu"}
