"""Ranking the member units of a bloc's year. Pure: no database, so it can be tested exhaustively.

The order, as the rule set states it in words and `rank_units` applies it:

1. the final total, higher first: the assessed total (thẩm định) where the unit has any assessed
   value, else its self total (tự chấm), marked as such;
2. then the top-level groups that carry a tie-break rank, in that rank, higher group score first;
3. then the penalty points, fewer first (closer to 0);
4. units still equal share the rank ("đồng hạng", competition ranking 1, 2, 2, 4): a tie is shown,
   never resolved silently — the rule set says who decides (usually the bloc's vote).

Units without any score are listed last, unranked.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from blocs.scoring import Totals

ASSESSED, SELF = "assessed", "self"
ZERO = Decimal(0)


def tidy(value: Decimal | None) -> Decimal | None:
    """The same number without trailing zeros (87.50 -> 87.5, 100.00 -> 100), so it prints as people write it."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def points_text(value: Decimal | None) -> str:
    """A score as Vietnamese write it: decimal comma, no trailing zeros ("87,5", "-2", "100")."""
    value = tidy(value)
    if value is None:
        return "—"
    return f"{value:f}".replace(".", ",")


@dataclass(frozen=True)
class TieGroup:
    """A top-level group of the table that breaks ties, in the order given by `rank`."""

    pk: int
    code: str
    title: str
    rank: int


@dataclass(frozen=True)
class Candidate:
    """A member unit with its two sets of totals (None, or nothing scored: no value of that kind)."""

    key: int
    label: str
    self_totals: Totals | None = None
    assessed_totals: Totals | None = None


@dataclass
class Placed:
    """One row of the ranking."""

    key: int
    label: str
    self_total: Decimal | None
    assessed_total: Decimal | None
    final: Decimal | None
    source: str | None  # ASSESSED, SELF, or None when the unit has no score at all
    by_group: dict[int, Decimal] = field(default_factory=dict)
    bonus: Decimal | None = None
    penalty: Decimal | None = None
    rank: int | None = None
    tied: bool = False  # shares its rank with another unit

    @property
    def scored(self) -> bool:
        return self.source is not None

    @property
    def from_self(self) -> bool:
        return self.source == SELF


@dataclass
class TieNote:
    """Units with the same final total, and how (or whether) the tie-break keys separated them."""

    total: Decimal
    labels: list[str]
    steps: list[str]
    resolved: bool


@dataclass
class Ranking:
    rows: list[Placed]
    keys: list[str]  # the keys applied, in order, in words
    notes: list[TieNote]

    @property
    def ranked(self) -> list[Placed]:
        return [row for row in self.rows if row.scored]

    @property
    def unscored(self) -> list[Placed]:
        return [row for row in self.rows if not row.scored]


def _has_values(totals: Totals | None) -> bool:
    return totals is not None and totals.scored > 0


def _place(candidate: Candidate) -> Placed:
    self_t, assessed_t = candidate.self_totals, candidate.assessed_totals
    if _has_values(assessed_t):
        final, source = assessed_t, ASSESSED
    elif _has_values(self_t):
        final, source = self_t, SELF
    else:
        final, source = None, None
    return Placed(
        key=candidate.key,
        label=candidate.label,
        self_total=tidy(self_t.total) if _has_values(self_t) else None,
        assessed_total=tidy(assessed_t.total) if _has_values(assessed_t) else None,
        final=tidy(final.total) if final else None,
        source=source,
        by_group={pk: tidy(v) for pk, v in final.by_group.items()} if final else {},
        bonus=tidy(final.bonus) if final else None,
        penalty=tidy(final.penalty) if final else None,
    )


def _sort_key(row: Placed, tie_groups: Sequence[TieGroup]) -> tuple[Decimal, ...]:
    """Ascending order is the ranking: every "higher first" value negated, penalty points as they are."""
    groups = tuple(-row.by_group.get(g.pk, ZERO) for g in tie_groups)
    return (-row.final, *groups, abs(row.penalty or ZERO))


def ordered_tie_groups(groups: Sequence[TieGroup]) -> list[TieGroup]:
    return sorted(groups, key=lambda g: (g.rank, g.code, g.pk))


def rank_units(candidates: Sequence[Candidate], tie_groups: Sequence[TieGroup]) -> Ranking:
    """Rank the candidates (given in display order, e.g. Vietnamese name order, which equal units keep)."""
    tie_groups = ordered_tie_groups(tie_groups)
    placed = [_place(c) for c in candidates]
    scored = sorted((p for p in placed if p.scored), key=lambda p: _sort_key(p, tie_groups))
    keys = [_sort_key(p, tie_groups) for p in scored]
    for index, row in enumerate(scored):
        if index and keys[index] == keys[index - 1]:
            row.rank = scored[index - 1].rank
        else:
            row.rank = index + 1
        row.tied = (index > 0 and keys[index] == keys[index - 1]) or (
            index + 1 < len(keys) and keys[index] == keys[index + 1]
        )
    unscored = [p for p in placed if not p.scored]
    return Ranking(rows=scored + unscored, keys=rule_keys(tie_groups), notes=_tie_notes(scored, keys, tie_groups))


def rule_keys(tie_groups: Sequence[TieGroup]) -> list[str]:
    """The keys, in the order they are applied, in words (the page and the year-end report quote them)."""
    keys = [_("Tổng điểm xếp hạng (điểm thẩm định; đơn vị chưa được thẩm định: điểm tự chấm), cao hơn xếp trên")]
    for group in ordered_tie_groups(tie_groups):
        keys.append(_("Điểm nhóm %(code)s «%(title)s», cao hơn xếp trên") % {"code": group.code, "title": group.title})
    keys.append(_("Tổng điểm trừ, ít điểm trừ hơn xếp trên"))
    keys.append(_("Vẫn bằng nhau ở mọi tiêu chí trên: đồng hạng (cùng thứ hạng, ví dụ 1, 2, 2, 4)"))
    return keys


def _tie_notes(scored: list[Placed], keys: list[tuple], tie_groups: Sequence[TieGroup]) -> list[TieNote]:
    """For every set of units with the same final total: the values of each key applied, until separated."""
    notes = []
    start = 0
    while start < len(scored):
        end = start
        while end + 1 < len(scored) and keys[end + 1][0] == keys[start][0]:
            end += 1
        if end > start:
            notes.append(_explain(scored[start : end + 1], keys[start : end + 1], tie_groups))
        start = end + 1
    return notes


def _explain(rows: list[Placed], keys: list[tuple], tie_groups: Sequence[TieGroup]) -> TieNote:
    labels = [r.label for r in rows]
    steps = []
    # Runs of rows still equal on every key applied so far; only those need the next key.
    runs = [list(range(len(rows)))]
    for level, group in enumerate([*tie_groups, None], start=1):
        runs = [run for run in runs if len(run) > 1]
        if not runs:
            break
        parts = []
        for run in runs:
            for i in run:
                value = rows[i].by_group.get(group.pk, ZERO) if group else (rows[i].penalty or ZERO)
                parts.append(f"{rows[i].label} {points_text(value)}")
        what = _("Xét điểm nhóm %(code)s") % {"code": group.code} if group else _("Xét điểm trừ")
        steps.append(f"{what}: {'; '.join(parts)}.")
        runs = _split(runs, keys, level)
    unresolved = [run for run in runs if len(run) > 1]
    for run in unresolved:
        names = ", ".join(rows[i].label for i in run)
        steps.append(
            _("%(names)s bằng nhau ở mọi tiêu chí: đồng hạng %(rank)s.") % {"names": names, "rank": rows[run[0]].rank}
        )
    return TieNote(total=rows[0].final, labels=labels, steps=steps, resolved=not unresolved)


def _split(runs: list[list[int]], keys: list[tuple], level: int) -> list[list[int]]:
    """Each run cut where the key prefix up to `level` changes (the rows are already in key order)."""
    result = []
    for run in runs:
        current = [run[0]]
        for i in run[1:]:
            if keys[i][: level + 1] == keys[current[-1]][: level + 1]:
                current.append(i)
            else:
                result.append(current)
                current = [i]
        result.append(current)
    return result


def axis_max(top_level_max: Sequence[Decimal], bonus_cap: Decimal) -> Decimal:
    """The most a unit can score: the non-bonus groups' maxima and the bonus cap."""
    return tidy(sum(top_level_max, ZERO) + bonus_cap)


def axis_ticks(maximum: Decimal, most: int = 6) -> list[Decimal]:
    """Round values for the chart's grid, from 0 up to the maximum: 0, 20, 40 … 100 for 105."""
    if maximum is None or maximum <= 0:
        return [ZERO]
    for exponent in range(-2, 7):
        for mantissa in (1, 2, 5):
            step = Decimal(mantissa).scaleb(exponent)
            if maximum / step <= most:
                return [tidy(step * i) for i in range(int(maximum // step) + 1)]
    return [ZERO, tidy(maximum)]
