"""Ranking a bloc's year: the pure arithmetic (exhaustively), the data read, the page and its chart."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from blocs.chart import score_chart_svg
from blocs.models import BlocYear, Criterion, CriterionKind, Score
from blocs.ranking import ASSESSED, SELF, Candidate, TieGroup, axis_max, axis_ticks, points_text, rank_units, tidy
from blocs.ranking_data import ranking_for
from blocs.scoring import Totals
from blocs.services_scoring import scored_criteria, scoring_table_copy, scoring_template_ensure
from tests.factories import BlocFactory, MembershipFactory, RuleSetFactory, UnitFactory

D = Decimal
G1, G2 = (
    TieGroup(pk=1, code="I", title="Nhiệm vụ chính trị", rank=1),
    TieGroup(pk=2, code="II", title="Phong trào", rank=2),
)


def tot(total: str, group1: str = "0", penalty: str = "0", scored: int = 1, bonus: str = "0") -> Totals:
    """Totals whose final total is `total`: base = total - bonus - penalty, group I as given."""
    base = D(total) - D(bonus) - D(penalty)
    return Totals(base=base, bonus=D(bonus), penalty=D(penalty), by_group={1: D(group1)}, scored=scored)


def cand(key: int, total: str | None, group1: str = "0", penalty: str = "0", *, assessed: bool = True) -> Candidate:
    totals = None if total is None else tot(total, group1, penalty)
    return Candidate(
        key=key, label=f"Đơn vị {key}", **({"assessed_totals": totals} if assessed else {"self_totals": totals})
    )


def ranks(ranking) -> list[tuple[int, int | None, bool]]:
    return [(row.key, row.rank, row.tied) for row in ranking.rows]


# --- Pure: the order and the ranks -------------------------------------------------------------


def test_higher_total_first_and_competition_ranks():
    ranking = rank_units([cand(1, "80"), cand(2, "90"), cand(3, "85")], [G1])
    assert ranks(ranking) == [(2, 1, False), (3, 2, False), (1, 3, False)]
    assert ranking.notes == []


@pytest.mark.parametrize(
    ("totals", "expected"),
    [
        (["90", "90", "80", "70"], [(1, 1, True), (2, 1, True), (3, 3, False), (4, 4, False)]),  # tie at the top
        (["90", "80", "80", "70"], [(1, 1, False), (2, 2, True), (3, 2, True), (4, 4, False)]),  # 1, 2, 2, 4
        (["90", "80", "70", "70"], [(1, 1, False), (2, 2, False), (3, 3, True), (4, 3, True)]),  # tie at the bottom
        (["80", "80", "80", "70"], [(1, 1, True), (2, 1, True), (3, 1, True), (4, 4, False)]),  # three-way
        (["80", "80", "70", "70"], [(1, 1, True), (2, 1, True), (3, 3, True), (4, 3, True)]),  # two ties
    ],
)
def test_unresolved_ties_share_the_rank_at_any_position(totals, expected):
    ranking = rank_units([cand(i, t) for i, t in enumerate(totals, start=1)], [G1])
    assert ranks(ranking) == expected
    assert all(not note.resolved for note in ranking.notes)


def test_tie_broken_by_group_one():
    ranking = rank_units([cand(1, "87.5", group1="43"), cand(2, "87.5", group1="45"), cand(3, "90")], [G1])
    assert ranks(ranking) == [(3, 1, False), (2, 2, False), (1, 3, False)]
    [note] = ranking.notes
    assert (note.total, note.labels, note.resolved) == (D("87.5"), ["Đơn vị 2", "Đơn vị 1"], True)
    assert note.steps == ["Xét điểm nhóm I: Đơn vị 2 45; Đơn vị 1 43."]


def test_tie_in_group_one_broken_by_fewer_penalty_points():
    a = cand(1, "85", group1="45", penalty="-2")
    b = cand(2, "85", group1="45", penalty="-1")
    ranking = rank_units([a, b], [G1])
    assert ranks(ranking) == [(2, 1, False), (1, 2, False)]
    assert ranking.notes[0].steps == [
        "Xét điểm nhóm I: Đơn vị 2 45; Đơn vị 1 45.",
        "Xét điểm trừ: Đơn vị 2 -1; Đơn vị 1 -2.",
    ]


def test_still_equal_after_every_key_is_shown_as_a_tie():
    a = cand(1, "85", group1="45", penalty="-1")
    b = cand(2, "85", group1="45", penalty="-1")
    c = cand(3, "85", group1="44", penalty="0")
    ranking = rank_units([a, b, c], [G1])
    assert ranks(ranking) == [(1, 1, True), (2, 1, True), (3, 3, False)]
    [note] = ranking.notes
    assert note.resolved is False
    assert note.steps == [
        "Xét điểm nhóm I: Đơn vị 1 45; Đơn vị 2 45; Đơn vị 3 44.",
        "Xét điểm trừ: Đơn vị 1 -1; Đơn vị 2 -1.",
        "Đơn vị 1, Đơn vị 2 bằng nhau ở mọi tiêu chí: đồng hạng 1.",
    ]


def test_tie_groups_apply_in_their_rank_order():
    group2_first = TieGroup(pk=2, code="II", title="Phong trào", rank=1)
    group1_second = TieGroup(pk=1, code="I", title="Nhiệm vụ", rank=2)
    a = Candidate(1, "A", assessed_totals=Totals(base=D(80), by_group={1: D(50), 2: D(20)}, scored=1))
    b = Candidate(2, "B", assessed_totals=Totals(base=D(80), by_group={1: D(45), 2: D(25)}, scored=1))
    assert [r.key for r in rank_units([a, b], [group1_second, group2_first]).rows] == [2, 1]
    assert [r.key for r in rank_units([a, b], [G1, G2]).rows] == [1, 2]


def test_without_tie_groups_penalty_decides():
    ranking = rank_units([cand(1, "80", penalty="-3"), cand(2, "80", penalty="0")], [])
    assert ranks(ranking) == [(2, 1, False), (1, 2, False)]
    assert ranking.keys[1] == "Tổng điểm trừ, ít điểm trừ hơn xếp trên"


def test_assessed_wins_over_self_and_self_is_marked():
    only_self = Candidate(1, "A", self_totals=tot("95"))
    both = Candidate(2, "B", self_totals=tot("99"), assessed_totals=tot("90"))
    nothing = Candidate(3, "C", self_totals=Totals(), assessed_totals=Totals())
    ranking = rank_units([nothing, only_self, both], [G1])
    rows = {r.key: r for r in ranking.rows}
    assert [(r.key, r.rank) for r in ranking.rows] == [(1, 1), (2, 2), (3, None)]
    assert (rows[1].final, rows[1].source, rows[1].from_self) == (D(95), SELF, True)
    assert (rows[2].self_total, rows[2].assessed_total, rows[2].final, rows[2].source) == (
        D(99),
        D(90),
        D(90),
        ASSESSED,
    )
    assert (rows[3].final, rows[3].source, rows[3].scored) == (None, None, False)
    assert [r.key for r in ranking.unscored] == [3]


def test_unscored_units_come_last_in_the_given_order():
    ranking = rank_units([cand(1, None), cand(2, "10"), cand(3, None)], [G1])
    assert ranks(ranking) == [(2, 1, False), (1, None, False), (3, None, False)]


def test_the_rule_is_stated_with_the_groups_of_the_table():
    assert rank_units([], [G2, G1]).keys == [
        "Tổng điểm xếp hạng (điểm thẩm định; đơn vị chưa được thẩm định: điểm tự chấm), cao hơn xếp trên",
        "Điểm nhóm I «Nhiệm vụ chính trị», cao hơn xếp trên",
        "Điểm nhóm II «Phong trào», cao hơn xếp trên",
        "Tổng điểm trừ, ít điểm trừ hơn xếp trên",
        "Vẫn bằng nhau ở mọi tiêu chí trên: đồng hạng (cùng thứ hạng, ví dụ 1, 2, 2, 4)",
    ]


def test_numbers_print_the_vietnamese_way():
    assert [points_text(D(v)) for v in ("87.50", "100.00", "-2.00", "0.25", "0")] == ["87,5", "100", "-2", "0,25", "0"]
    assert points_text(None) == "—"
    assert str(tidy(D("100.00"))) == "100"
    assert axis_max([D(50), D(25), D(15), D(10)], D(5)) == D(105)


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [
        ("105", ["0", "20", "40", "60", "80", "100"]),
        ("100", ["0", "20", "40", "60", "80", "100"]),
        ("1005", ["0", "200", "400", "600", "800", "1000"]),
        ("7.5", ["0", "2", "4", "6"]),
        ("0", ["0"]),
    ],
)
def test_chart_grid_uses_round_numbers(maximum, ticks):
    assert axis_ticks(D(maximum)) == [D(t) for t in ticks]


def test_half_points_add_up_exactly():
    halves = Totals(base=sum([D("0.5")] * 175, D(0)), penalty=D("-0.5"), scored=175)
    ranking = rank_units([Candidate(1, "A", assessed_totals=halves)], [])
    assert ranking.rows[0].final == D("87")
    assert ranking.rows[0].final.as_tuple().exponent == 0


# --- Pure: properties over any input ------------------------------------------------------------

halves = st.integers(min_value=0, max_value=200).map(lambda n: D(n) / 2)
penalties = st.integers(min_value=0, max_value=10).map(lambda n: -D(n) / 2)
candidates = st.lists(
    st.one_of(
        st.none(),
        st.tuples(halves, st.integers(min_value=0, max_value=100).map(lambda n: D(n) / 2), penalties),
    ),
    max_size=12,
)


def _candidates(specs) -> list[Candidate]:
    result = []
    for key, spec in enumerate(specs):
        if spec is None:
            result.append(Candidate(key, f"U{key}"))
        else:
            total, group1, penalty = spec
            totals = Totals(base=total - penalty, penalty=penalty, by_group={1: group1}, scored=1)
            result.append(Candidate(key, f"U{key}", assessed_totals=totals))
    return result


def _full_key(row):
    return (-row.final, -row.by_group.get(1, D(0)), abs(row.penalty))


@settings(max_examples=300, deadline=None)
@given(candidates)
def test_ranks_are_competition_ranks_of_the_full_key(specs):
    ranking = rank_units(_candidates(specs), [G1])
    ranked = ranking.ranked
    for row in ranked:
        better = sum(1 for other in ranked if _full_key(other) < _full_key(row))
        equal = sum(1 for other in ranked if _full_key(other) == _full_key(row))
        assert row.rank == better + 1
        assert row.tied == (equal > 1)
    assert [_full_key(r) for r in ranked] == sorted(_full_key(r) for r in ranked)
    assert [r.key for r in ranking.unscored] == [k for k, s in enumerate(specs) if s is None]
    assert len(ranking.rows) == len(specs)


@settings(max_examples=200, deadline=None)
@given(candidates, st.randoms(use_true_random=False))
def test_ranks_do_not_depend_on_the_input_order(specs, random):
    people = _candidates(specs)
    shuffled = list(people)
    random.shuffle(shuffled)
    first = {r.key: r.rank for r in rank_units(people, [G1]).rows}
    second = {r.key: r.rank for r in rank_units(shuffled, [G1]).rows}
    assert first == second


@settings(max_examples=200, deadline=None)
@given(candidates)
def test_every_equal_total_gets_a_note_and_unresolved_ones_say_so(specs):
    ranking = rank_units(_candidates(specs), [G1])
    totals = [r.final for r in ranking.ranked]
    shared = sorted({t for t in totals if totals.count(t) > 1}, reverse=True)
    assert [n.total for n in ranking.notes] == shared
    for note in ranking.notes:
        rows = [r for r in ranking.ranked if r.final == note.total]
        assert note.labels == [r.label for r in rows]
        assert note.resolved == (not any(r.tied for r in rows))


# --- Reading the database ------------------------------------------------------------------------


def _score(unit, criterion, self_value=None, assessed=None):
    return Score.objects.create(
        unit=unit,
        criterion=criterion,
        self_value=None if self_value is None else D(self_value),
        assessed_value=None if assessed is None else D(assessed),
    )


def _by_code(table) -> dict[str, Criterion]:
    return {c.code: c for c in table.criteria.all()}


def test_ranking_for_reads_scores_groups_bonus_and_penalty(world, year, scoring):
    c = _by_code(scoring)
    a1, a2 = world["unit_a1"], world["unit_a2"]
    _score(a1, c["I.1"], "28", "27.5")
    _score(a1, c["II.1"], "8", "7")
    _score(a1, c["+.1"], "3", "3")
    _score(a1, c["+.2"], "2", "2.5")  # over the cap of 5 together: capped
    _score(a1, c["−.1"], None, "-1")
    _score(a2, c["I.1"], "30")  # self only
    _score(a2, c["III.1"], "7.5")
    result = ranking_for(bloc=world["bloc_a"], year=year)
    rows = {r.label: r for r in result.ranking.rows}
    assert [g.code for g in result.groups] == ["I", "II", "III", "IV"]
    assert [(g.code, g.rank) for g in result.tie_groups] == [("I", 1)]
    assert result.max_total == D(105)
    assert result.rule_text == "Điểm nhóm I cao hơn; nếu vẫn bằng: ít điểm trừ hơn; nếu vẫn bằng: do Khối bình xét."
    first = rows["Văn phòng UBND tỉnh"]
    assert (first.self_total, first.assessed_total, first.final, first.bonus, first.penalty) == (
        D(41), D("38.5"), D("38.5"), D(5), D(-1)
    )  # fmt: skip
    assert (first.rank, first.source) == (1, ASSESSED)
    second = rows["Sở Tài chính"]
    assert (second.self_total, second.assessed_total, second.final, second.source, second.rank) == (
        D("37.5"), None, D("37.5"), SELF, 2
    )  # fmt: skip
    assert (rows["Sở Tư pháp"].rank, rows["Sở Tư pháp"].scored) == (None, False)
    assert [r.label for r in result.ranking.rows] == ["Văn phòng UBND tỉnh", "Sở Tài chính", "Sở Tư pháp"]
    subtotals = {row.label: values for row, values in result.table_rows()}
    assert subtotals == {
        "Văn phòng UBND tỉnh": [D("27.5"), D(7), D(0), D(0)],
        "Sở Tài chính": [D(30), D(0), D("7.5"), D(0)],
        "Sở Tư pháp": [None, None, None, None],
    }
    assert result.chart_bars() == [
        ("Văn phòng UBND tỉnh", D("38.5")),
        ("Sở Tài chính", D("37.5")),
        ("Sở Tư pháp", None),
    ]


def test_archived_criteria_count_for_nothing(world, year, scoring):
    c = _by_code(scoring)
    _score(world["unit_a1"], c["I.1"], assessed="20")
    _score(world["unit_a1"], c["I.2"], assessed="10")
    Criterion.objects.filter(pk=c["I.2"].pk).update(archived=True)
    _score(world["unit_a2"], c["II.1"], assessed="5")
    Criterion.objects.filter(pk=c["II"].pk).update(archived=True)  # its children go with it
    result = ranking_for(bloc=world["bloc_a"], year=year)
    finals = {r.label: r.final for r in result.ranking.rows}
    assert finals == {"Văn phòng UBND tỉnh": D(20), "Sở Tài chính": None, "Sở Tư pháp": None}
    assert [g.code for g in result.groups] == ["I", "III", "IV"]
    assert result.max_total == D(80)


def test_tie_broken_by_group_one_from_the_database(world, year, scoring):
    c = _by_code(scoring)
    _score(world["unit_a1"], c["I.1"], assessed="20")
    _score(world["unit_a1"], c["II.1"], assessed="8")
    _score(world["unit_a2"], c["I.1"], assessed="22")
    _score(world["unit_a2"], c["II.1"], assessed="6")
    _score(world["unit_a3"], c["I.1"], assessed="22")
    _score(world["unit_a3"], c["II.1"], assessed="6")
    result = ranking_for(bloc=world["bloc_a"], year=year)
    assert [(r.label, r.rank, r.tied) for r in result.ranking.rows] == [
        ("Sở Tài chính", 1, True),
        ("Sở Tư pháp", 1, True),
        ("Văn phòng UBND tỉnh", 3, False),
    ]
    [note] = result.ranking.notes
    assert note.steps == [
        "Xét điểm nhóm I: Sở Tài chính 22; Sở Tư pháp 22; Văn phòng UBND tỉnh 20.",
        "Xét điểm trừ: Sở Tài chính 0; Sở Tư pháp 0.",
        "Sở Tài chính, Sở Tư pháp bằng nhau ở mọi tiêu chí: đồng hạng 1.",
    ]


def test_no_table_no_rule_set(world):
    result = ranking_for(bloc=world["bloc_a"], year=2031)
    assert (result.has_table, result.rule_text, result.ranking.rows, result.groups) == (False, None, [], [])


def test_short_names_label_the_units(world, year, scoring):
    world["unit_a2"].short_name = "STC"
    world["unit_a2"].save()
    result = ranking_for(bloc=world["bloc_a"], year=year)
    assert [r.label for r in result.ranking.rows] == ["STC", "Sở Tư pháp", "Văn phòng UBND tỉnh"]


# --- The page ------------------------------------------------------------------------------------


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_page_shows_table_rule_ties_and_chart(client_for, officer_a, world, year, scoring):
    c = _by_code(scoring)
    _score(world["unit_a1"], c["I.1"], assessed="27.5")
    _score(world["unit_a2"], c["I.1"], assessed="27.5")
    _score(world["unit_a3"], c["I.1"], self_value="25")
    response = client_for(officer_a).get(reverse("blocs:ranking", args=[world["bloc_a"].pk, year]))
    assert response.status_code == 200
    page = _text(response)
    assert (
        "Quy chế năm 2025: Điểm nhóm I cao hơn; nếu vẫn bằng: ít điểm trừ hơn; nếu vẫn bằng: do Khối bình xét." in page
    )
    assert "Điểm nhóm I «Thực hiện nhiệm vụ chính trị, chuyên môn», cao hơn xếp trên" in page
    assert "Sở Tài chính, Văn phòng UBND tỉnh cùng 27,5 điểm." in page
    assert "bằng nhau ở mọi tiêu chí: đồng hạng 1." in page
    assert page.count(">đồng hạng</span>") == 2
    assert "Chưa phân định" in page
    assert 'role="img"' in page
    assert 'aria-label="Điểm xếp hạng năm 2025 của các đơn vị"' in page
    assert ">27,5</text>" in page
    assert "tự chấm</span>" in page
    assert " style=" not in page
    assert "<script>" not in page


def test_chart_renders_standalone():
    svg = score_chart_svg(bars=[("Sở A", D("87.5")), ("Sở B", D(0)), ("Sở C", None)], max=D(100), title="Điểm",
                          chart_id="c")  # fmt: skip
    assert svg.count("<rect") == 1  # a bar for 87,5; none for 0 or no score
    assert 'width="394"' in svg  # 87,5 / 100 of 450, rounded
    assert ">87,5</text>" in svg
    assert "chưa có điểm" in svg
    assert '<title id="c-title">Điểm</title>' in svg
    assert "Sở A: 87,5; Sở B: 0; Sở C: chưa có điểm. Điểm tối đa: 100." in svg
    assert " style=" not in svg
    assert ">tối đa 100 điểm</text>" in svg


def test_chart_draws_the_grid_it_is_given():
    svg = score_chart_svg(bars=[("Sở A", D("52.5"))], max=D(105), ticks=axis_ticks(D(105)), title="Điểm")
    assert re.findall(r'text-anchor="middle">([^<]+)</text>', svg) == ["0", "20", "40", "60", "80", "100"]
    assert 'width="225"' in svg  # 52,5 / 105 of 450


def test_closed_year_still_shows_the_ranking(client_for, viewer, world, year, scoring):
    BlocYear.objects.create(bloc=world["bloc_a"], year=year, closed_at="2026-01-10T08:00:00+07:00")
    response = client_for(viewer).get(reverse("blocs:ranking", args=[world["bloc_a"].pk, year]))
    assert response.status_code == 200
    assert "đã khóa sổ" in response.content.decode()


def _big_bloc(units: int, criteria: int, year: int):
    bloc = BlocFactory()
    RuleSetFactory(year=year)
    members = [MembershipFactory(bloc=bloc, year=year, unit=UnitFactory()).unit for _ in range(units)]
    table = scoring_table_copy(source=scoring_template_ensure(), bloc=bloc, year=year)
    group = table.criteria.get(code="I")
    extra = [
        Criterion(table=table, parent=group, code=f"I.x{i}", title=f"Tiêu chí {i}", kind=CriterionKind.NORMAL,
                  max_points=D(1), order=100 + i)
        for i in range(criteria - len(scored_criteria(table)))
    ]  # fmt: skip
    Criterion.objects.bulk_create(extra)
    specs = scored_criteria(table)
    assert len(specs) == criteria
    Score.objects.bulk_create(
        Score(unit=unit, criterion=c, self_value=D("0.5"), assessed_value=D("0.5") if i % 2 else None)
        for i, unit in enumerate(members)
        for c in specs
        if c.kind != CriterionKind.PENALTY
    )
    return bloc


@pytest.mark.parametrize("units", [3, 15])
def test_page_queries_do_not_grow_with_units_and_criteria(units, client_for, board, year, django_assert_num_queries):
    bloc = _big_bloc(units, 40, year)
    client = client_for(board)
    url = reverse("blocs:ranking", args=[bloc.pk, year])
    client.get(url)  # warm the session
    with django_assert_num_queries(QUERIES):
        response = client.get(url)
    assert response.context["rows_html"].count("<tr") == units


@pytest.mark.parametrize("units", [3, 15])
def test_ranking_for_runs_four_queries(units, db, year, django_assert_num_queries):
    bloc = _big_bloc(units, 40, year)
    with django_assert_num_queries(4):
        result = ranking_for(bloc=bloc, year=year)
    assert len(result.ranking.ranked) == units


# session, user, roles, bloc, bloc-year; memberships, criteria, rule set, scores; year menu (1); session save (3)
QUERIES = 13


def test_chart_escapes_every_text_and_speaks_vietnamese_in_english_pages():
    from django.utils import translation

    with translation.override("en"):
        svg = score_chart_svg(bars=[('Sở <b>"A"</b>', D("7.5")), ("Sở B", None)], max=D(10), title="<i>Điểm</i>",
                              color='red" onload="x', font="<serif>")  # fmt: skip
    assert "<b>" not in svg
    assert "<i>" not in svg
    assert "onload=" not in svg.replace("onload=&quot;", "")
    assert 'fill="red&quot; onload=&quot;x"' in svg
    assert 'font-family="&lt;serif&gt;"' in svg
    assert "Sở &lt;b&gt;&quot;A&quot;&lt;/b&gt;: 7,5; Sở B: chưa có điểm. Điểm tối đa: 10." in svg
