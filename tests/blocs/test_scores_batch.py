"""A batch of scores (the grid form, the Excel upload) is written in a number of queries that does not grow
with the cells (one UPDATE per distinct new value, one history INSERT), with each cell's version and history
as one-cell saves leave them."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blocs.models import Criterion, CriterionKind, MemberRole, Score, ScoringTable
from blocs.services_scores import ASSESSED, CellChange, scores_save
from tests.factories import BlocFactory, MembershipFactory, RuleSetFactory, UnitFactory, UserFactory

YEAR = 2025


def _table(units: int, criteria: int) -> ScoringTable:
    bloc = BlocFactory()
    table = ScoringTable.objects.create(bloc=bloc, year=YEAR, name="Bảng", bonus_cap=Decimal(5))
    group = Criterion.objects.create(table=table, code="I", title="Nhóm", kind=CriterionKind.GROUP, max_points=100)
    made = [
        Criterion.objects.create(table=table, parent=group, code=f"I.{n}", title=f"Tiêu chí {n}", max_points=10,
                                 order=n)
        for n in range(1, criteria + 1)
    ]  # fmt: skip
    for n in range(units):
        unit = UnitFactory()
        MembershipFactory(bloc=bloc, unit=unit, year=YEAR, role=MemberRole.HEAD if n == 0 else MemberRole.MEMBER)
        Score.objects.bulk_create(Score(unit=unit, criterion=c, assessed_value=5, assessed_version=1) for c in made)
    return table


def _changes(table: ScoringTable) -> list[CellChange]:
    """Every cell one or two steps down (4.5 or 4), as a user would change a whole grid."""
    scores = Score.objects.filter(criterion__table=table).order_by("pk")
    return [
        CellChange(s.unit_id, s.criterion_id, "4,5" if i % 2 else "4", expected_version=1) for i, s in enumerate(scores)
    ]


@pytest.fixture
def user(db):
    RuleSetFactory(year=YEAR)
    return UserFactory(username="thuky")


def test_queries_do_not_grow_with_the_cells(user):
    counts = []
    for units, criteria in ((3, 5), (15, 40)):
        table = _table(units, criteria)
        with CaptureQueriesContext(connection) as captured:
            result = scores_save(table=table, field=ASSESSED, changes=_changes(table), user=user)
        assert result.ok
        assert result.written == units * criteria
        counts.append(len(captured))

    assert counts[0] == counts[1]


def test_each_cell_keeps_its_version_and_history(user):
    table = _table(2, 3)
    before = Score.history.count()

    scores_save(table=table, field=ASSESSED, changes=_changes(table), user=user)

    scores = list(Score.objects.filter(criterion__table=table).order_by("pk"))
    assert [s.assessed_value for s in scores] == [Decimal(4), Decimal("4.5")] * 3
    assert {s.assessed_version for s in scores} == {2}
    assert {s.updated_by_id for s in scores} == {user.pk}
    rows = list(Score.history.order_by("history_id")[before:])
    assert len(rows) == 6
    assert {(r.history_type, r.history_user_id, r.assessed_version) for r in rows} == {("~", user.pk, 2)}
    assert sorted((r.id, r.assessed_value) for r in rows) == [(s.pk, s.assessed_value) for s in scores]


def test_a_stale_version_still_refuses_the_whole_batch(user):
    table = _table(2, 3)
    changes = _changes(table)
    stale = changes[0]
    changes[0] = CellChange(stale.unit_id, stale.criterion_id, stale.raw_value, expected_version=0)

    result = scores_save(table=table, field=ASSESSED, changes=changes, user=user)

    assert not result.ok
    assert set(Score.objects.filter(criterion__table=table).values_list("assessed_value", flat=True)) == {5}
