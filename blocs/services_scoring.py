"""Writes on scoring tables: the province template, copying a table into a bloc's year."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from blocs import defaults
from blocs.models import Bloc, Criterion, CriterionKind, Score, ScoringTable
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


def scored_criteria(table: ScoringTable, every: list[Criterion] | None = None) -> list[Criterion]:
    """The criteria that take a score, in table order, each with `top_group` set (one query, none when
    given `every` criterion of the table in that order)."""
    criteria = list(table.criteria.order_by("order", "pk")) if every is None else every
    parents = {c.pk: c.parent_id for c in criteria}
    archived = {c.pk for c in criteria if c.archived}

    def top(pk: int) -> int:
        while parents.get(pk) is not None:
            pk = parents[pk]
        return pk

    def in_archived_branch(pk: int | None) -> bool:
        while pk is not None:
            if pk in archived:
                return True
            pk = parents.get(pk)
        return False

    result = []
    for criterion in criteria:
        if criterion.kind == CriterionKind.GROUP or in_archived_branch(criterion.pk):
            continue
        criterion.top_group_id = top(criterion.pk) if criterion.parent_id else None
        result.append(criterion)
    return result


def _has_scores(table: ScoringTable) -> int:
    """How many values have been entered against this table (self or assessed)."""
    return (
        Score.objects.filter(criterion__table=table)
        .filter(Q(self_value__isnull=False) | Q(assessed_value__isnull=False))
        .count()
    )


def structure_change_needs_confirmation(table: ScoringTable) -> int:
    """The number of entered scores a structural change could affect (0: no confirmation needed)."""
    return _has_scores(table)


def _check_parent(table: ScoringTable, parent: Criterion | None, criterion: Criterion | None) -> None:
    if parent is None:
        return
    if parent.table_id != table.pk or parent.kind != CriterionKind.GROUP:
        raise ValidationError({"parent": _("Chỉ chọn được một nhóm tiêu chí của bảng này.")})
    node = parent
    while node is not None:
        if criterion is not None and node.pk == criterion.pk:
            raise ValidationError({"parent": _("Một nhóm không thể nằm trong chính nó.")})
        node = node.parent


@transaction.atomic
def criterion_save(
    *, table: ScoringTable, criterion: Criterion | None, values: dict, confirmed: bool
) -> tuple[Criterion | None, int]:
    """Add or change a criterion. Returns (criterion, 0), or (None, n) when n entered scores exist and the
    change was not confirmed yet — nothing is written then. Scores are never deleted by a change."""
    if table.bloc_id:
        ensure_year_open(bloc=table.bloc, year=table.year)
    affected = _has_scores(table)
    if affected and not confirmed:
        return None, affected
    target = criterion or Criterion(table=table)
    parent = values.get("parent")
    _check_parent(table, parent, criterion)
    for name, value in values.items():
        setattr(target, name, value)
    if target.kind == CriterionKind.GROUP and target.pk and target.scores.exists():
        raise ValidationError({"kind": _("Tiêu chí đã có điểm, không đổi thành nhóm được.")})
    if target.kind != CriterionKind.GROUP and target.pk and target.children.filter(archived=False).exists():
        raise ValidationError({"kind": _("Nhóm đang có tiêu chí con, không đổi thành tiêu chí được.")})
    if target.order == 0:
        last = table.criteria.order_by("-order").values_list("order", flat=True).first() or 0
        target.order = last + 1
    target.full_clean(exclude=["table"])
    target.save()
    return target, 0


@transaction.atomic
def criterion_remove(*, criterion: Criterion, confirmed: bool) -> tuple[str, int]:
    """Remove a criterion and its children. With scores entered, it is archived instead (scores kept)
    and only after confirmation. Returns ("needs_confirmation", n), ("archived", n) or ("deleted", 0)."""
    table = criterion.table
    if table.bloc_id:
        ensure_year_open(bloc=table.bloc, year=table.year)
    subtree = _subtree_ids(criterion)
    scored = Score.objects.filter(criterion_id__in=subtree).filter(
        Q(self_value__isnull=False) | Q(assessed_value__isnull=False)
    )
    count = scored.count()
    if count and not confirmed:
        return "needs_confirmation", count
    if count or Score.objects.filter(criterion_id__in=subtree).exists():
        for node in Criterion.objects.filter(pk__in=subtree):
            node.archived = True
            node.save()
        return "archived", count
    Criterion.objects.filter(pk__in=subtree).order_by("-pk").delete()
    return "deleted", 0


def _subtree_ids(criterion: Criterion) -> list[int]:
    pairs = list(criterion.table.criteria.values_list("pk", "parent_id"))
    ids, frontier = [criterion.pk], [criterion.pk]
    while frontier:
        frontier = [pk for pk, parent in pairs if parent in frontier]
        ids.extend(frontier)
    return ids


@transaction.atomic
def criterion_restore(*, criterion: Criterion) -> Criterion:
    """Bring an archived criterion (and its archived parent chain) back, with its scores."""
    table = criterion.table
    if table.bloc_id:
        ensure_year_open(bloc=table.bloc, year=table.year)
    node = criterion
    while node is not None:
        if node.archived:
            node.archived = False
            node.save()
        node = node.parent
    return criterion
