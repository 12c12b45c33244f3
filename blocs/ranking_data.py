"""The ranking of a bloc's year, read from the database in a fixed number of queries.

The ranking page and the year-end report both call `ranking_for`; the arithmetic is in
`blocs.ranking` and `blocs.scoring`, which touch no database.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from blocs.models import Bloc, Criterion, CriterionKind, Membership, RuleSet, Score, ScoringTable
from blocs.ranking import ZERO, Candidate, Placed, Ranking, TieGroup, axis_max, axis_ticks, rank_units, tidy
from blocs.scoring import CriterionSpec, totals

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

    Memberships (with units), criteria (with their table), scores, and the rule set's tie-break text.
    """
    memberships = list(Membership.objects.filter(bloc=bloc, year=year).select_related("unit"))
    memberships.sort(key=lambda m: (m.unit.sort_key, m.unit.pk))
    units = {m.unit_id: m.unit for m in memberships}
    criteria = list(
        Criterion.objects.filter(table__bloc=bloc, table__year=year).select_related("table").order_by("order", "pk")
    )
    rule_text = RuleSet.objects.filter(year=year).values_list("tie_break", flat=True).first()
    if not criteria:
        has_table = ScoringTable.objects.filter(bloc=bloc, year=year).exists()
        ranking = rank_units([Candidate(key=pk, label=_label(u)) for pk, u in units.items()], [])
        return RankingResult(bloc, year, ranking, has_table, rule_text=rule_text, units=units)
    table = criteria[0].table
    specs, groups, tie_groups, top_max = _structure(criteria)
    self_values: dict[int, dict[int, Decimal]] = {pk: {} for pk in units}
    assessed_values: dict[int, dict[int, Decimal]] = {pk: {} for pk in units}
    scores = Score.objects.filter(criterion__table=table, unit_id__in=units).values_list(
        "unit_id", "criterion_id", "self_value", "assessed_value"
    )
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
