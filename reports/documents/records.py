"""Reads of a bloc's year that several documents share, each in a fixed number of queries."""

from dataclasses import dataclass
from decimal import Decimal

from blocs import pledge_targets
from blocs.models import Bloc, MemberRole, Membership, Pledge, RuleSet, TitleRegistration
from blocs.ranking import points_text
from meetings.models import Meeting, MeetingKind
from units.models import AnnualRating

_ROLE_ORDER = {MemberRole.HEAD: 0, MemberRole.DEPUTY: 1, MemberRole.MEMBER: 2}


def members(bloc: Bloc, year: int) -> list[Membership]:
    """The bloc-year's member units, head and deputy first, then in Vietnamese order (one query)."""
    rows = list(Membership.objects.filter(bloc=bloc, year=year).select_related("unit"))
    rows.sort(key=lambda m: (_ROLE_ORDER.get(m.role, 3), m.unit.sort_key, m.unit.pk))
    return rows


def ratings(unit_ids, year: int) -> dict[int, AnnualRating]:
    return {r.unit_id: r for r in AnnualRating.objects.filter(year=year, unit_id__in=list(unit_ids))}


def rule_set(year: int) -> RuleSet | None:
    return RuleSet.objects.filter(year=year).first()


def year_end_meeting(bloc: Bloc, year: int) -> Meeting | None:
    """The bloc-year's year-end meeting (the latest, if more than one was recorded)."""
    return Meeting.objects.filter(bloc=bloc, year=year, kind=MeetingKind.YEAR_END).order_by("-held_at", "-pk").first()


@dataclass
class TargetLine:
    description: str
    target_text: str
    detail: str
    status_label: str
    met: bool


@dataclass
class PledgeFacts:
    pledge: Pledge
    articles: list
    targets: list[TargetLine]
    signatures: dict  # unit id -> PledgeSignature
    signed: int
    members: int


def pledge_facts(bloc: Bloc, year: int, member_rows: list[Membership]) -> PledgeFacts | None:
    """The pledge, its articles, its targets judged against the year's records (blocs.pledge_targets,
    as the pledge page judges them) and who signed: six queries."""
    pledge = Pledge.objects.filter(bloc=bloc, year=year).first()
    if pledge is None:
        return None
    member_ids = [m.unit_id for m in member_rows]
    signatures = {s.unit_id: s for s in pledge.signatures.all()}
    facts = pledge_targets.facts_from(
        member_ids=member_ids,
        signed_ids=signatures,
        ratings=dict(AnnualRating.objects.filter(year=year, unit_id__in=member_ids).values_list("unit_id", "rating")),
        registrations=TitleRegistration.objects.filter(
            year=year, unit_id__in=member_ids, award_type__active=True
        ).values_list("unit_id", "award_type__code"),
    )
    lines = []
    for target in pledge.targets.all():
        result = pledge_targets.evaluate(
            kind=target.kind,
            measure=target.measure,
            target_value=target.target_value,
            manual_value=target.manual_value,
            facts=facts,
        )
        lines.append(
            TargetLine(
                description=target.description,
                target_text=pledge_targets.target_text(kind=target.kind, target_value=target.target_value),
                detail=result.detail,
                status_label=result.label,
                met=result.status == pledge_targets.MET,
            )
        )
    return PledgeFacts(
        pledge=pledge,
        articles=list(pledge.articles.all()),
        targets=lines,
        signatures=signatures,
        signed=facts.signed,
        members=facts.members,
    )


def points(value: Decimal | None) -> str:
    """A score as it is printed: decimal comma, no needless zeros ("87,5"); a dash for none."""
    return points_text(value)
