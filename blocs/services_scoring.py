"""Writes on scoring tables: the province template, copying a table into a bloc's year."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from blocs import defaults
from blocs.models import Bloc, Criterion, CriterionKind, ScoringTable
from blocs.services_year import ensure_year_open


@transaction.atomic
def scoring_template_ensure() -> ScoringTable:
    """The province's template table; created from the defaults (DOMAIN.md's example) the first time."""
    table = ScoringTable.objects.filter(is_template=True).order_by("pk").first()
    if table is not None:
        return table
    table = ScoringTable.objects.create(
        name=defaults.SCORING_TEMPLATE_NAME, is_template=True, bonus_cap=defaults.SCORING_BONUS_CAP
    )
    order = 0
    for rank, (code, title, kind, max_points, children) in enumerate(defaults.SCORING_TEMPLATE, start=1):
        order += 1
        group = Criterion.objects.create(
            table=table,
            code=code,
            title=title,
            kind=kind,
            max_points=max_points,
            order=order,
            tie_break_rank=rank if rank == 1 else None,
        )
        for child_code, child_title, child_kind, child_max in children:
            order += 1
            Criterion.objects.create(
                table=table,
                parent=group,
                code=child_code,
                title=child_title,
                kind=child_kind,
                max_points=child_max,
                order=order,
            )
    return table


@transaction.atomic
def scoring_table_copy(*, source: ScoringTable, bloc: Bloc, year: int) -> ScoringTable:
    """Give a bloc's year a table copied from a template or another year's table (criteria, not scores)."""
    ensure_year_open(bloc=bloc, year=year)
    if ScoringTable.objects.filter(bloc=bloc, year=year).exists():
        raise ValidationError(_("Khối đã có bảng chấm điểm năm %(year)s.") % {"year": year})
    table = ScoringTable.objects.create(
        bloc=bloc,
        year=year,
        name=_("Bảng chấm điểm năm %(year)s") % {"year": year},
        bonus_cap=source.bonus_cap,
        note=source.note,
    )
    new_ids: dict[int, Criterion] = {}
    # Parents before children: walk the tree top-down.
    criteria = list(source.criteria.filter(archived=False).order_by("order", "pk"))
    remaining = criteria
    while remaining:
        placed = []
        for criterion in remaining:
            if criterion.parent_id is None or criterion.parent_id in new_ids:
                new_ids[criterion.pk] = Criterion.objects.create(
                    table=table,
                    parent=new_ids.get(criterion.parent_id),
                    code=criterion.code,
                    title=criterion.title,
                    kind=criterion.kind,
                    max_points=criterion.max_points,
                    order=criterion.order,
                    tie_break_rank=criterion.tie_break_rank,
                )
                placed.append(criterion)
        if not placed:  # children of archived groups: dropped with them
            break
        remaining = [c for c in remaining if c not in placed]
    return table


def scored_criteria(table: ScoringTable) -> list[Criterion]:
    """The criteria that take a score, in table order, each with `top_group` set (one query)."""
    criteria = list(table.criteria.filter(archived=False).order_by("order", "pk"))
    parents = {c.pk: c.parent_id for c in criteria}

    def top(pk: int) -> int:
        while parents.get(pk) is not None:
            pk = parents[pk]
        return pk

    result = []
    for criterion in criteria:
        if criterion.kind == CriterionKind.GROUP:
            continue
        criterion.top_group_id = top(criterion.pk) if criterion.parent_id else None
        result.append(criterion)
    return result
