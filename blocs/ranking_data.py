"""The ranking of a bloc's year, read from the database in a fixed number of queries.

The ranking page and the year-end report call `ranking_for`; the eligibility checks call `rankings_for`
for many blocs at once (the same loading, in as many queries). The arithmetic is in
`blocs.ranking` and `blocs.scoring`, which touch no database.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from blocs.models import Bloc, Criterion, CriterionKind, Membership, RuleSet, Score, ScoringTable
from blocs.ranking import ZERO, Candidate, Placed, Ranking, TieGroup, axis_max, axis_ticks, rank_units, tidy
from blocs.scoring import CriterionSpec, totals
from units.prepared import Prepared

_ROLE_ORDER = {"head": 0, "deputy": 1, "member": 2}


@dataclass(frozen=True)
class GroupColumn:
    """A top-level group of normal criteria: one column of subtotals."""

    pk: int
    code: str
    title: str
    max_points: Decimal


@dataclass
class RankingResult:
    bloc: Bloc
    year: int
    ranking: Ranking
    has_table: bool
    groups: list[GroupColumn] = field(default_factory=list)
    tie_groups: list[TieGroup] = field(default_factory=list)
    bonus_cap: Decimal = Decimal(0)
    max_total: Decimal = Decimal(0)
    rule_text: str | None = None  # the rule set's own words; None when the year has no rule set
    units: dict[int, object] = field(default_factory=dict)  # unit pk -> Unit

    @property
    def keys(self) -> list[str]:
        return self.ranking.keys

    def table_rows(self) -> list[tuple[Placed, list[Decimal | None]]]:
        """Each row with its subtotals in the order of `groups` (None: the unit has no score)."""
        return [
            (row, [row.by_group.get(g.pk, ZERO) if row.scored else None for g in self.groups])
            for row in self.ranking.rows
        ]

    def chart_ticks(self) -> list[Decimal]:
        return axis_ticks(self.max_total)

    def chart_bars(self) -> list[tuple[str, Decimal | None]]:
        """(label, final total) per unit, in ranking order: what the bar chart draws."""
        return [(row.label, row.final) for row in self.ranking.rows]


def ranking_for(*, bloc: Bloc, year: int) -> RankingResult:
    """The year's ranking of the bloc's member units: four queries whatever the size of the bloc.

    Memberships (with units), criteria (with their table), the rule set's tie-break text, and the scores
    (or, when the bloc has no criteria, whether it has a table).
    """
    return rankings_for(blocs=[bloc], year=year)[bloc.pk]


# The rankings' queries, prepared (units.prepared): the ranking page, the year-end report and the checks of
# Government-flag nominations read them.
_MEMBERS = Prepared(
    lambda bloc_ids, year: Membership.objects.filter(bloc_id__in=bloc_ids, year=year).select_related("unit")
)
_CRITERIA = Prepared(
    lambda bloc_ids, year: Criterion.objects.filter(table__bloc_id__in=bloc_ids, table__year=year)
    .select_related("table")
    .order_by("order", "pk")
)  # fmt: skip
_TIE_BREAK = Prepared(
    lambda year: RuleSet.objects.filter(year=year).order_by("-year").values_list("tie_break", flat=True)[:1]
)
_SCORES = Prepared(
    lambda table_ids, unit_ids: Score.objects.filter(criterion__table_id__in=table_ids, unit_id__in=unit_ids)
    .values_list("criterion__table", "unit_id", "criterion_id", "self_value", "assessed_value")
)  # fmt: skip


def rankings_for(*, blocs: Iterable[Bloc], year: int) -> dict[int, RankingResult]:
    """The year's ranking of each bloc's member units, by bloc pk, in a fixed number of queries whatever
    the number of blocs: memberships, criteria, the rule set's tie-break text, then the scores of the
    blocs that have criteria and which of the others have a table (five at most; four for one bloc).

    Each bloc is ranked exactly as alone: the same pure arithmetic on the same rows.
    """
    blocs = {bloc.pk: bloc for bloc in blocs}
    if not blocs:
        return {}
    memberships: dict[int, list[Membership]] = {pk: [] for pk in blocs}
    for membership in _MEMBERS(bloc_ids=sorted(blocs), year=year):
        memberships[membership.bloc_id].append(membership)
    criteria: dict[int, list[Criterion]] = {pk: [] for pk in blocs}
    for criterion in _CRITERIA(bloc_ids=sorted(blocs), year=year):
        criteria[criterion.table.bloc_id].append(criterion)
    rule_text = next(iter(_TIE_BREAK(year=year)), None)

    without_criteria = [pk for pk in blocs if not criteria[pk]]
    with_table = set()
    if without_criteria:
        with_table = set(
            ScoringTable.objects.filter(bloc_id__in=without_criteria, year=year).values_list("bloc_id", flat=True)
        )
    bloc_of_unit = {m.unit_id: m.bloc_id for members in memberships.values() for m in members}
    table_of_bloc = {pk: rows[0].table_id for pk, rows in criteria.items() if rows}
    scores: dict[int, list[tuple[int, int, Decimal | None, Decimal | None]]] = {pk: [] for pk in blocs}
    scored_units = [unit_id for unit_id, bloc_id in bloc_of_unit.items() if bloc_id in table_of_bloc]
    if scored_units:
        for table_id, unit_id, criterion_id, self_value, assessed_value in _SCORES(
            table_ids=sorted(table_of_bloc.values()), unit_ids=scored_units
        ):
            bloc_id = bloc_of_unit[unit_id]
            if table_of_bloc[bloc_id] == table_id:  # a unit's scores in its own bloc's table only
                scores[bloc_id].append((unit_id, criterion_id, self_value, assessed_value))
    return {
        pk: _ranking(bloc, year, memberships[pk], criteria[pk], scores[pk], pk in with_table, rule_text)
        for pk, bloc in blocs.items()
    }


def _ranking(
    bloc: Bloc,
    year: int,
    memberships: list[Membership],
    criteria: list[Criterion],
    scores: list[tuple[int, int, Decimal | None, Decimal | None]],
    has_table: bool,
    rule_text: str | None,
) -> RankingResult:
    """One bloc's ranking from its rows (no database): memberships, criteria in table order, and the
    (unit, criterion, self value, assessed value) of its members' scores in its table."""
    memberships = sorted(memberships, key=lambda m: (m.unit.sort_key, m.unit.pk))
    units = {m.unit_id: m.unit for m in memberships}
    if not criteria:
        ranking = rank_units([Candidate(key=pk, label=_label(u)) for pk, u in units.items()], [])
        return RankingResult(bloc, year, ranking, has_table, rule_text=rule_text, units=units)
    table = criteria[0].table
    specs, groups, tie_groups, top_max = _structure(criteria)
    self_values: dict[int, dict[int, Decimal]] = {pk: {} for pk in units}
    assessed_values: dict[int, dict[int, Decimal]] = {pk: {} for pk in units}
    for unit_id, criterion_id, self_value, assessed_value in scores:
        if self_value is not None:
            self_values[unit_id][criterion_id] = self_value
        if assessed_value is not None:
            assessed_values[unit_id][criterion_id] = assessed_value
    candidates = [
        Candidate(
            key=pk,
            label=_label(unit),
            self_totals=totals(specs, self_values[pk], table.bonus_cap),
            assessed_totals=totals(specs, assessed_values[pk], table.bonus_cap),
        )
        for pk, unit in units.items()
    ]
    return RankingResult(
        bloc=bloc,
        year=year,
        ranking=rank_units(candidates, tie_groups),
        has_table=True,
        groups=groups,
        tie_groups=tie_groups,
        bonus_cap=tidy(table.bonus_cap),
        max_total=axis_max(top_max, table.bonus_cap),
        rule_text=rule_text,
        units=units,
    )


def _label(unit) -> str:
    return unit.short_name or unit.name


def _structure(criteria: list[Criterion]):
    """Scored criteria (active, under active groups), the subtotal columns, the tie-break groups,
    and each top-level node's contribution to the maximum total."""
    by_pk = {c.pk: c for c in criteria}

    def chain(c: Criterion) -> list[Criterion]:
        nodes = [c]
        while nodes[-1].parent_id is not None and nodes[-1].parent_id in by_pk:
            nodes.append(by_pk[nodes[-1].parent_id])
        return nodes

    specs: list[CriterionSpec] = []
    kinds_under: dict[int, set[str]] = {}
    normal_max_under: dict[int, Decimal] = {}
    for criterion in criteria:
        if criterion.kind == CriterionKind.GROUP:
            continue
        nodes = chain(criterion)
        if any(n.archived for n in nodes):
            continue
        top = nodes[-1]
        top_group = top.pk if top.pk != criterion.pk else None
        specs.append(CriterionSpec(criterion.pk, criterion.kind, criterion.max_points, top_group))
        kinds_under.setdefault(top.pk, set()).add(criterion.kind)
        if criterion.kind == CriterionKind.NORMAL:
            normal_max_under[top.pk] = normal_max_under.get(top.pk, Decimal(0)) + criterion.max_points
    groups, tie_groups, top_max = [], [], []
    for node in criteria:
        if node.parent_id is not None or node.archived or CriterionKind.NORMAL not in kinds_under.get(node.pk, ()):
            continue
        if node.kind == CriterionKind.GROUP:
            groups.append(GroupColumn(node.pk, node.code, node.title, tidy(node.max_points)))
            if node.tie_break_rank is not None:
                tie_groups.append(TieGroup(node.pk, node.code, node.title, node.tie_break_rank))
            top_max.append(node.max_points or normal_max_under[node.pk])
        else:
            top_max.append(node.max_points)
    return specs, groups, tie_groups, top_max
