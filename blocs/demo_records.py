"""The demo province's year records: scoring tables, scores, pledges, registrations, ratings.

Deterministic (a fixed random seed), and additive: a bloc-year that already has a scoring table is
left as it is, so running `seed_demo --force` again changes nothing here.
"""

import math
import random
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from blocs.models import (
    Bloc,
    BlocYear,
    CriterionKind,
    MemberRole,
    Membership,
    Pledge,
    PledgeArticle,
    PledgeSignature,
    PledgeTarget,
    Score,
    ScoringTable,
    TitleRegistration,
)
from blocs.ranking_data import ranking_for
from blocs.services_scoring import scored_criteria, scoring_table_copy, scoring_template_ensure
from units.models import AnnualRating, AwardType, Rating

ARTICLES = [
    "Thi đua hoàn thành xuất sắc các chỉ tiêu, nhiệm vụ chính trị, chuyên môn được giao trong năm.",
    "Đẩy mạnh cải cách hành chính, chuyển đổi số; ứng dụng phần mềm quản lý văn bản và hồ sơ công việc.",
    "Thực hành tiết kiệm, chống lãng phí; xây dựng tổ chức đảng, đoàn thể trong sạch, vững mạnh.",
    "Tham gia đầy đủ các hoạt động do Khối tổ chức; phát hiện, bồi dưỡng và nhân rộng điển hình tiên tiến.",
]
TARGETS = [
    ("100% đơn vị ký kết giao ước thi đua", "percent", Decimal(100), "signed"),
    ("100% đơn vị hoàn thành tốt nhiệm vụ trở lên", "percent", Decimal(100), "httnv_plus"),
    ("20% đơn vị đạt danh hiệu «Tập thể lao động xuất sắc»", "percent", Decimal(20), "htxsnv"),
    ("100% đơn vị có trang thông tin điện tử", "yes_no", Decimal(1), "manual"),
]
HALF = Decimal("0.5")


def _half(value: float) -> Decimal:
    return (Decimal(str(value)) / HALF).quantize(Decimal(1)) * HALF


@transaction.atomic
def seed_records(*, years: tuple[int, ...], closed_years: tuple[int, ...], closed_by, rating_years: range) -> dict:
    """Fill each active bloc's years; returns counts of what was created."""
    rng = random.Random(2026)
    counts = {"tables": 0, "scores": 0, "pledges": 0, "ratings": 0, "closed": 0}
    template = scoring_template_ensure()
    award_types = {a.code: a for a in AwardType.objects.all()}
    strength = {}
    places = {}  # (unit id, year) -> (place, members) in the bloc's ranking of a year with a year-end review
    for bloc in Bloc.objects.filter(active=True).order_by("pk"):
        previous_table = None
        for year in years:
            members = list(Membership.objects.filter(bloc=bloc, year=year).select_related("unit").order_by("pk"))
            if not members:
                continue
            for m in members:
                strength.setdefault(m.unit_id, rng.uniform(0.78, 0.98))
            if ScoringTable.objects.filter(bloc=bloc, year=year).exists():
                previous_table = ScoringTable.objects.get(bloc=bloc, year=year)
                continue
            table = scoring_table_copy(source=previous_table or template, bloc=bloc, year=year)
            previous_table = table
            counts["tables"] += 1
            counts["scores"] += _scores(table, members, strength, rng, complete=year != max(years))
            if year != max(years):
                places.update(_places(bloc, year))
            counts["pledges"] += _pledge(bloc, year, members, award_types, rng, current=year == max(years))
            if year in closed_years:
                BlocYear.objects.update_or_create(
                    bloc=bloc, year=year, defaults={"closed_at": timezone.now(), "closed_by": closed_by}
                )
                counts["closed"] += 1
    counts["ratings"] = _ratings(strength, places, rating_years, rng)
    return counts


def _scores(table, members, strength, rng, *, complete: bool) -> int:
    """Self and assessed scores; the current year has self scores for most units and no assessment yet."""
    rows = []
    for index, membership in enumerate(members):
        level = strength[membership.unit_id]
        if not complete and index >= len(members) - 2:
            continue  # two units have not scored themselves yet
        for criterion in scored_criteria(table):
            if criterion.kind == CriterionKind.BONUS:
                self_value = _half(rng.choice([0, 0, 0.5, 1, 1.5, 2]) * min(1, float(criterion.max_points) / 2))
            elif criterion.kind == CriterionKind.PENALTY:
                self_value = -Decimal(rng.choice([0, 0, 0, 0, 1]))
            else:
                self_value = min(criterion.max_points, _half(float(criterion.max_points) * rng.uniform(level, 1.0)))
            assessed = None
            if complete:
                assessed = self_value
                if criterion.kind == CriterionKind.NORMAL and rng.random() < 0.25:
                    assessed = max(Decimal(0), self_value - HALF)
            rows.append(
                Score(criterion=criterion, unit=membership.unit, self_value=self_value, assessed_value=assessed)
            )
    Score.objects.bulk_create(rows)
    return len(rows)


def _pledge(bloc, year, members, award_types, rng, *, current: bool) -> int:
    head = next((m for m in members if m.role == MemberRole.HEAD), members[0])
    pledge = Pledge.objects.create(
        bloc=bloc,
        year=year,
        title=f"Giao ước thi đua năm {year}",
        adopted_on=date(year, 3, 15),
        place=f"Trụ sở {head.unit.name}",
    )
    for order, text in enumerate(ARTICLES, start=1):
        PledgeArticle.objects.create(pledge=pledge, order=order, text=text)
    for order, (description, kind, value, measure) in enumerate(TARGETS, start=1):
        PledgeTarget.objects.create(
            pledge=pledge,
            order=order,
            description=description,
            kind=kind,
            target_value=value,
            measure=measure,
            manual_value=None if current else Decimal(1),
        )
    for membership in members:
        unit = membership.unit
        PledgeSignature.objects.create(
            pledge=pledge,
            unit=unit,
            signed_on=date(year, 3, 15),
            signed_by=unit.leader_name or "Thủ trưởng đơn vị",
            signer_title=unit.leader_title,
        )
        titles = ["ttldxs" if rng.random() < 0.45 else "ttldtt"]
        if membership.role == MemberRole.HEAD:
            titles.append("co-ubnd-tinh")
        for code in titles:
            TitleRegistration.objects.create(
                bloc=bloc, unit=unit, year=year, award_type=award_types[code], registered_on=date(year, 3, 20)
            )
    return 1


def _places(bloc, year) -> dict[tuple[int, int], tuple[int, int]]:
    """Each member's place in the bloc's ranking of the year, and the number of members ranked."""
    ranked = ranking_for(bloc=bloc, year=year).ranking.ranked
    return {(row.key, year): (place, len(ranked)) for place, row in enumerate(ranked, start=1)}


def _ratings(strength, places, years: range, rng) -> int:
    """Ratings for the years before the current one.

    A year with a year-end review rates the top half of each bloc's ranking HTXSNV and the others HTTNV
    (the last one at times HTNV), so that the units a bloc proposes for an award meet its rating conditions
    most of the time; earlier years follow the unit's strength, with little change from year to year. The
    staff figures agree with the rating: an HTXSNV unit has everyone completing their tasks, at least 70%
    «Lao động tiên tiến» and a «Chiến sĩ thi đua cơ sở».
    """
    created = 0
    for unit_id, level in sorted(strength.items()):
        for year in years:
            if AnnualRating.objects.filter(unit_id=unit_id, year=year).exists():
                continue
            roll = rng.random()
            if (unit_id, year) in places:
                place, ranked = places[unit_id, year]
                top = place <= math.ceil(ranked / 2)
                rating = Rating.HTXSNV if top else Rating.HTNV if place == ranked and roll < 0.5 else Rating.HTTNV
            else:
                level += (roll - 0.5) * 0.06
                rating = Rating.HTXSNV if level > 0.88 else Rating.HTTNV if level > 0.81 else Rating.HTNV
            total = rng.randint(18, 120)
            if rating == Rating.HTXSNV:
                completed = total
                advanced = math.ceil(total * rng.uniform(0.7, 0.9))
            else:
                completed = total - rng.randint(0, 2)
                advanced = int(completed * rng.uniform(0.5, 0.8))
            AnnualRating.objects.create(
                unit_id=unit_id,
                year=year,
                rating=rating,
                staff_total=total,
                staff_completed=completed,
                staff_advanced=advanced,
                staff_emulation_fighters=max(1, advanced // 8),
            )
            created += 1
    return created
