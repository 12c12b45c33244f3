"""`rankings_for`: many blocs' rankings of one year in a fixed number of queries, each exactly as `ranking_for`
gives it alone."""

from decimal import Decimal

import pytest

from blocs.models import Criterion, Membership, Score, ScoringTable
from blocs.ranking_data import ranking_for, rankings_for
from blocs.services_scoring import scoring_table_copy, scoring_template_ensure
from tests.factories import BlocFactory, MembershipFactory, RuleSetFactory, UnitFactory

D = Decimal


def _bloc(code: str, year: int, size: int):
    bloc = BlocFactory(code=code)
    units = [MembershipFactory(bloc=bloc, year=year, unit=UnitFactory(name=f"Sở {code} {i}")).unit for i in range(size)]
    return bloc, units


def _table(bloc, year):
    table = scoring_table_copy(source=scoring_template_ensure(), bloc=bloc, year=year)
    return {c.code: c for c in table.criteria.all()}


def _score(unit, criterion, self_value=None, assessed=None):
    Score.objects.create(
        unit=unit,
        criterion=criterion,
        self_value=None if self_value is None else D(self_value),
        assessed_value=None if assessed is None else D(assessed),
    )


@pytest.fixture
def blocs(db, year):
    """Blocs of one year in every shape: ties (resolved and not), self scores only, no table, a table
    without criteria, a table but no members, archived criteria, a unit scored in the table of a bloc it
    has left, and scores of another year's table."""
    RuleSetFactory(year=year)
    made = {}

    bloc, (a, b, c, _d) = _bloc("bang-diem", year, 4)  # a and b equal on everything; c below; _d unscored
    table = _table(bloc, year)
    for unit in (a, b):
        _score(unit, table["I.1"], "28", "27.5")
        _score(unit, table["II.1"], None, "7")
        _score(unit, table["−.1"], None, "-1")
    _score(c, table["I.1"], "30", "25")
    made["ties"] = bloc

    bloc, (a, b, c) = _bloc("nhom-mot", year, 3)  # equal totals, group I decides
    table = _table(bloc, year)
    _score(a, table["I.1"], assessed="20")
    _score(a, table["II.1"], assessed="8")
    _score(b, table["I.1"], assessed="22")
    _score(b, table["II.1"], assessed="6")
    _score(c, table["+.1"], "3", "4")
    made["group_one"] = bloc

    bloc, (a, b, c) = _bloc("tu-cham", year, 3)  # self scores only, bonus over the cap
    table = _table(bloc, year)
    _score(a, table["I.1"], "30")
    _score(b, table["I.1"], "27")
    _score(b, table["+.1"], "3")
    _score(b, table["+.2"], "3")
    made["self_only"] = bloc

    bloc, (a, b) = _bloc("luu-tru", year, 2)  # an archived group and an archived criterion
    table = _table(bloc, year)
    _score(a, table["I.1"], assessed="20")
    _score(a, table["I.2"], assessed="10")
    _score(b, table["II.1"], assessed="15")
    Criterion.objects.filter(pk__in=[table["I.2"].pk, table["II"].pk]).update(archived=True)
    made["archived"] = bloc

    bloc, (leaver, stayer) = _bloc("roi-khoi", year, 2)  # the leaver's scores stay in this table
    table = _table(bloc, year)
    _score(leaver, table["I.1"], assessed="29")
    _score(stayer, table["I.1"], assessed="12")
    Membership.objects.filter(unit=leaver, year=year).update(bloc=made["self_only"])
    made["left"] = bloc

    made["no_table"], _ = _bloc("chua-bang", year, 3)

    bloc, _ = _bloc("bang-trong", year, 2)
    ScoringTable.objects.create(bloc=bloc, year=year, name="Bảng điểm chưa có tiêu chí")
    made["empty_table"] = bloc

    bloc = BlocFactory(code="khong-thanh-vien")
    _table(bloc, year)
    made["no_members"] = bloc

    bloc, (a, b) = _bloc("nam-khac", year, 2)  # last year's table and scores count for nothing this year
    MembershipFactory(bloc=bloc, year=year - 1, unit=a)
    MembershipFactory(bloc=bloc, year=year - 1, unit=b)
    last_year = _table(bloc, year - 1)
    _score(a, last_year["I.1"], assessed="30")
    this_year = _table(bloc, year)
    _score(b, this_year["I.1"], assessed="10")
    made["other_year"] = bloc
    return made


def test_every_bloc_ranked_as_alone(blocs, year):
    batched = rankings_for(blocs=blocs.values(), year=year)

    assert set(batched) == {bloc.pk for bloc in blocs.values()}
    for name, bloc in blocs.items():
        alone = ranking_for(bloc=bloc, year=year)
        assert batched[bloc.pk] == alone, name
        assert batched[bloc.pk].units.keys() == alone.units.keys(), name


def test_the_shapes_are_what_they_say(blocs, year):
    """The fixture's blocs do exercise what the comparison is meant to cover."""
    batched = rankings_for(blocs=blocs.values(), year=year)

    def ranks(name):
        return [(row.label, row.rank, row.tied, row.source) for row in batched[blocs[name].pk].ranking.rows]

    assert ranks("ties") == [
        ("Sở bang-diem 0", 1, True, "assessed"),
        ("Sở bang-diem 1", 1, True, "assessed"),
        ("Sở bang-diem 2", 3, False, "assessed"),
        ("Sở bang-diem 3", None, False, None),
    ]
    assert ranks("group_one") == [
        ("Sở nhom-mot 1", 1, False, "assessed"),
        ("Sở nhom-mot 0", 2, False, "assessed"),
        ("Sở nhom-mot 2", 3, False, "assessed"),
    ]

    def finals(name):
        return [(row.label, row.final, row.from_self) for row in batched[blocs[name].pk].ranking.rows]

    assert finals("self_only") == [
        ("Sở tu-cham 1", D(32), True),  # 27 and a bonus of 6 capped at 5
        ("Sở tu-cham 0", D(30), True),
        ("Sở roi-khoi 0", None, False),  # joined from the bloc it left: its scores there do not follow it
        ("Sở tu-cham 2", None, False),
    ]
    assert finals("left") == [("Sở roi-khoi 1", D(12), False)]
    assert finals("archived") == [("Sở luu-tru 0", D(20), False), ("Sở luu-tru 1", None, False)]
    assert finals("other_year") == [("Sở nam-khac 1", D(10), False), ("Sở nam-khac 0", None, False)]
    shapes = {
        name: (batched[bloc.pk].has_table, len(batched[bloc.pk].groups), len(batched[bloc.pk].ranking.rows))
        for name, bloc in blocs.items()
        if name in ("no_table", "empty_table", "no_members")
    }
    assert shapes == {"no_table": (False, 0, 3), "empty_table": (True, 0, 2), "no_members": (True, 4, 0)}


@pytest.mark.parametrize(("count", "queries"), [(1, 4), (2, 5), (9, 5)])
def test_queries_do_not_grow_with_blocs(blocs, year, count, queries, django_assert_num_queries):
    """Memberships, criteria, the rule set's words, the scores and (when some bloc has no criteria) which
    blocs have a table: five at most; one bloc with criteria, four, as `ranking_for` always ran."""
    chosen = list(blocs.values())[:count]
    if count == 2:
        chosen = [blocs["ties"], blocs["no_table"]]
    with django_assert_num_queries(queries):
        result = rankings_for(blocs=chosen, year=year)
    assert len(result) == count


def test_no_blocs(db, year, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert rankings_for(blocs=[], year=year) == {}
