"""The eligibility checks of nominations, read from the database in a bounded number of queries.

`checks_for(nominations)` gathers the facts of a whole list at once (ratings, awards, rule sets,
ballots, dossier kinds, quota counts) and runs the pure rules of `awards.eligibility` on each. The
leading unit of a bloc is looked up (ranking and provincial-flag ballots) only for the blocs that
propose a Government flag, for all of them at once.
"""

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Count
from django.utils.translation import gettext as _

from awards import eligibility
from awards.eligibility import Check
from awards.models import DossierFile, Nomination, State
from blocs.models import AwardRule, Bloc, Membership, RuleSet
from blocs.ranking_data import rankings_for
from meetings import voting
from meetings.models import Attendance, Ballot, BallotCandidate, BallotPurpose
from meetings.services_ballots import BallotView, ballot_result, ballots_queryset
from units.models import AnnualRating, Award, AwardType

LOOK_BACK = 6  # years of ratings read: the longest condition (5 years) and one more


def summary(checks: list[Check]) -> str:
    """ "ok", "warning" or "blocking": the worst outcome of the checks."""
    return eligibility.summary(checks)


def blocking_problems(nomination: Nomination) -> list[str]:
    """The messages of the nomination's blocking checks (empty: it may be submitted)."""
    return eligibility.blocking_messages(checks_for([nomination])[nomination.pk])


@dataclass(frozen=True)
class CheckSummary:
    """A nomination's checks as a list cell shows them: the worst outcome, what is not met, what to look at."""

    outcome: str
    blocking: tuple[str, ...]
    warnings: tuple[str, ...]

    @property
    def title(self) -> str:
        """The tooltip: one line per blocking check, then one per warning."""
        lines = [_("Chưa đạt — %(text)s") % {"text": text} for text in self.blocking]
        lines += [_("Cảnh báo — %(text)s") % {"text": text} for text in self.warnings]
        return "\n".join(lines) or _("Đạt mọi điều kiện đã kiểm tra.")


def summarize(checks: list[Check]) -> CheckSummary:
    return CheckSummary(
        outcome=eligibility.summary(checks),
        blocking=tuple(f"{c.label}: {c.detail}" for c in checks if c.outcome == eligibility.BLOCKING),
        warnings=tuple(f"{c.label}: {c.detail}" for c in checks if c.outcome == eligibility.WARNING),
    )


def check_summaries(nominations: list[Nomination]) -> dict[int, CheckSummary]:
    """Every nomination's check summary, by nomination id (the queries of `checks_for`)."""
    return {pk: summarize(checks) for pk, checks in checks_for(nominations).items()}


def checks_for(nominations: list[Nomination]) -> dict[int, list[Check]]:
    """Every nomination's checks, by nomination id."""
    nominations = list(nominations)
    if not nominations:
        return {}
    unit_ids = {n.unit_id for n in nominations}
    years = {n.year for n in nominations}
    bloc_ids = {n.bloc_id for n in nominations}
    type_ids = {n.award_type_id for n in nominations}
    award_types = {a.pk: a for a in AwardType.objects.all()}

    rule_sets, rules = _rule_facts(years, award_types)
    # Years of ratings and awards read: the longest consecutive condition and one more (to name an award
    # just before a window, and the years before a run of ratings), at least LOOK_BACK.
    look_back = max([LOOK_BACK, *(rule.consecutive_years + 1 for rule in rules.values())])

    ratings: dict[int, dict[int, eligibility.RatingFact]] = defaultdict(dict)
    for r in AnnualRating.objects.filter(
        unit_id__in=unit_ids, year__gt=min(years) - look_back, year__lte=max(years)
    ).values_list("unit_id", "year", "rating", "staff_total", "staff_completed", "staff_advanced",
                  "staff_emulation_fighters"):  # fmt: skip
        ratings[r[0]][r[1]] = eligibility.RatingFact(*r[2:])

    # The award history, whether written by a recorded decision or imported: the same facts.
    awards: dict[int, set[tuple[str, int]]] = defaultdict(set)
    for unit_id, code, year in Award.objects.filter(
        unit_id__in=unit_ids, year__gt=min(years) - look_back, year__lte=max(years)
    ).values_list("unit_id", "award_type__code", "year"):
        awards[unit_id].add((code, year))

    ballots = _ballot_facts(nominations)

    kinds: dict[int, set[str]] = defaultdict(set)
    for nomination_id, kind in (
        DossierFile.objects.filter(nomination_id__in=[n.pk for n in nominations])
        .values_list("nomination_id", "kind")
        .distinct()
    ):
        kinds[nomination_id].add(kind)

    # Counts of nominations not rejected, by bloc, award type and year (summed for the province).
    bloc_used: dict[tuple[int, int, int], int] = {}
    province_used: dict[tuple[int, int], int] = defaultdict(int)
    for bloc_id, type_id, year, n in (
        Nomination.objects.filter(year__in=years, award_type_id__in=type_ids)
        .exclude(state=State.NOT_APPROVED)
        .values_list("bloc_id", "award_type_id", "year")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        bloc_used[bloc_id, type_id, year] = n
        province_used[type_id, year] += n

    same: dict[tuple[int, int, int], int] = {
        (unit_id, type_id, year): n
        for unit_id, type_id, year, n in Nomination.objects.filter(
            unit_id__in=unit_ids, award_type_id__in=type_ids, year__in=years
        )
        .values_list("unit_id", "award_type_id", "year")
        .annotate(n=Count("pk"))
        .order_by()
    }

    members = {
        (bloc_id, year): n
        for bloc_id, year, n in Membership.objects.filter(bloc_id__in=bloc_ids, year__in=years)
        .values_list("bloc_id", "year")
        .annotate(n=Count("pk"))
        .order_by()
    }
    province_blocs = dict(
        Membership.objects.filter(year__in=years, bloc__active=True)
        .values_list("year")
        .annotate(n=Count("bloc_id", distinct=True))
        .order_by()
    )

    leaders = _leading_units(
        {(n.bloc_id, n.year) for n in nominations if award_types[n.award_type_id].code == eligibility.GOVERNMENT_FLAG},
        rule_sets,
    )

    result: dict[int, list[Check]] = {}
    for n in nominations:
        award_type = award_types[n.award_type_id]
        key = (n.bloc_id, n.year)
        facts = eligibility.Facts(
            year=n.year,
            award_code=award_type.code,
            award_name=award_type.name,
            state=n.state,
            rule_set=n.year in rule_sets,
            rule=rules.get((n.year, n.award_type_id)),
            ratings=ratings.get(n.unit_id, {}),
            awards=frozenset(awards.get(n.unit_id, ())),
            ballot=ballots.get(n.pk),
            quota_used=bloc_used.get((n.bloc_id, n.award_type_id, n.year), 0),
            bloc_members=members.get(key, 0),
            leading=(n.unit_id in leaders[key]) if key in leaders else None,
            dossier_kinds=frozenset(kinds.get(n.pk, ())),
            duplicates=max(same.get((n.unit_id, n.award_type_id, n.year), 1) - 1, 0),
            province_used=province_used.get((n.award_type_id, n.year), 0),
            province_blocs=province_blocs.get(n.year, 0),
        )
        result[n.pk] = eligibility.all_checks(facts)
    return result


def _rule_facts(
    years: set[int], award_types: dict[int, AwardType]
) -> tuple[dict[int, RuleSet], dict[tuple[int, int], eligibility.RuleFact]]:
    """The years' rule sets (by year) and their award rules as facts (by year and award type id), with the
    awards each rule asks to have been received: two queries, the rule sets, then their award rules joined
    with those awards (a rule without any comes once, with none)."""
    rule_sets = {rs.year: rs for rs in RuleSet.objects.filter(year__in=years)}
    fields: dict[int, tuple] = {}
    priors: dict[int, list[tuple[AwardType, int]]] = defaultdict(list)
    for *values, prior_type_id, prior_count in (
        AwardRule.objects.filter(rule_set__year__in=years)
        .values_list("pk", "rule_set__year", "award_type_id", "required_rating", "consecutive_years",
                     "quota_percent", "quota_base", "quota_count", "citation", "prior_awards__award_type_id",
                     "prior_awards__count")
        .order_by()
    ):  # fmt: skip
        fields[values[0]] = tuple(values)
        if prior_type_id is not None:
            priors[values[0]].append((award_types[prior_type_id], prior_count))
    bases = {year: tuple(rs.citations()) for year, rs in rule_sets.items()}
    rules = {
        (year, type_id): eligibility.RuleFact(
            required_rating=rating,
            consecutive_years=consecutive,
            quota_percent=percent,
            quota_base=base,
            quota_count=count,
            citation=citation,
            legal_basis=bases[year],
            prior_awards=tuple(
                eligibility.PriorAwardFact(code=prior.code, name=prior.name, count=count)
                for prior, count in sorted(priors[pk], key=lambda row: (row[0].order, row[0].name))
            ),
        )
        for pk, year, type_id, rating, consecutive, percent, base, count, citation in fields.values()
    }
    return rule_sets, rules


def _ballot_facts(nominations: list[Nomination]) -> dict[int, eligibility.BallotFact]:
    """The ballot facts of the nominations that have a ballot: three queries (ballots, candidates, attendance)."""
    ballot_ids = {n.ballot_id for n in nominations if n.ballot_id is not None}
    if not ballot_ids:
        return {}
    ballots = {b.pk: b for b in Ballot.objects.filter(pk__in=ballot_ids)}
    votes = {
        (ballot_id, unit_id): v
        for ballot_id, unit_id, v in BallotCandidate.objects.filter(ballot_id__in=ballot_ids).values_list(
            "ballot_id", "unit_id", "votes"
        )
    }
    present = dict(
        Attendance.objects.filter(meeting_id__in={b.meeting_id for b in ballots.values()}, present=True)
        .values_list("meeting_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    facts = {}
    for n in nominations:
        ballot = ballots.get(n.ballot_id)
        if ballot is None:
            continue
        base = voting.base_size(
            vote_base=ballot.vote_base, entitled=ballot.entitled, present=present.get(ballot.meeting_id),
            valid=ballot.valid,
        )  # fmt: skip
        facts[n.pk] = eligibility.BallotFact(
            title=ballot.title,
            candidate=(ballot.pk, n.unit_id) in votes,
            votes=votes.get((ballot.pk, n.unit_id)),
            vote_base=ballot.vote_base,
            base=base,
            threshold=Fraction(ballot.threshold_num, ballot.threshold_den),
            strict=ballot.threshold_strict,
            same_award=ballot.award_type_id == n.award_type_id,
        )
    return facts


def _leading_units(bloc_years: set[tuple[int, int]], rule_sets: dict[int, RuleSet]) -> dict[tuple[int, int], set[int]]:
    """For each (bloc id, year): the units ranked first, and those its provincial-flag ballots chose.

    A fixed number of queries whatever the number of blocs: the blocs, the rankings of each year's blocs
    together (`rankings_for`), the provincial-flag ballots with their candidates, and the attendance of
    their meetings. `rule_sets` (by year) give the ballots' quorum, counted by `voting.attendance_quorum` as
    `meeting_quorum` counts it.
    """
    if not bloc_years:
        return {}
    blocs = Bloc.objects.in_bulk({bloc_id for bloc_id, _year in bloc_years})
    leaders: dict[tuple[int, int], set[int]] = {}
    members: dict[tuple[int, int], set[int]] = {}
    for year in sorted({year for _bloc_id, year in bloc_years}):
        rankings = rankings_for(blocs=[blocs[bloc_id] for bloc_id, y in bloc_years if y == year], year=year)
        for bloc_id, result in rankings.items():
            leaders[bloc_id, year] = {row.key for row in result.ranking.rows if row.scored and row.rank == 1}
            members[bloc_id, year] = set(result.units)
    flag_ballots = [
        ballot
        for ballot in ballots_queryset().filter(
            meeting__bloc_id__in={bloc_id for bloc_id, _year in bloc_years},
            meeting__year__in={year for _bloc_id, year in bloc_years},
            purpose=BallotPurpose.AWARD,
            award_type__code=eligibility.PROVINCIAL_FLAG,
        )
        if (ballot.meeting.bloc_id, ballot.meeting.year) in bloc_years
    ]
    attendance: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    for meeting_id, unit_id, present in Attendance.objects.filter(
        meeting_id__in={ballot.meeting_id for ballot in flag_ballots}
    ).values_list("meeting_id", "unit_id", "present"):
        attendance[meeting_id].append((unit_id, present))
    for ballot in flag_ballots:
        key = (ballot.meeting.bloc_id, ballot.meeting.year)
        rule_set = rule_sets.get(ballot.meeting.year)
        quorum = voting.attendance_quorum(
            members=members[key],
            attendance=attendance.get(ballot.meeting_id, ()),
            quorum=rule_set.quorum if rule_set else None,
        )
        leaders[key] |= {row.key for row in BallotView(ballot, ballot_result(ballot, quorum=quorum)).proposals}
    return leaders
