"""The eligibility checks of nominations, read from the database in a bounded number of queries.

`checks_for(nominations)` gathers the facts of a whole list at once (ratings, awards, rule sets,
ballots, dossier kinds, quota counts) and runs the pure rules of `awards.eligibility` on each. The
leading unit of a bloc is looked up (ranking and provincial-flag ballots) only for the blocs that
propose a Government flag, for all of them at once. `assess` does the same and keeps what it read
(`Assessment`), for the pages that show those facts too: they read them once.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache, cached_property

from django.db import connection
from django.db.models import Count, Exists, FilteredRelation, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from awards import eligibility
from awards.eligibility import Check
from awards.models import DossierFile, Nomination, State
from blocs.models import AwardRule, Bloc, Membership, RuleSet
from blocs.ranking_data import rankings_for
from meetings import voting
from meetings.models import Attendance, Ballot, BallotPurpose
from meetings.services_ballots import BallotView, ballot_result, ballots_queryset
from units.models import AnnualRating, Award, AwardType
from units.prepared import Prepared

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

    @cached_property
    def title(self) -> str:
        """The tooltip: one line per blocking check, then one per warning (a page shows it twice)."""
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
    return assess(nominations).checks


@dataclass
class Assessment:
    """What `assess` read for a list of nominations and the checks it drew from it, so that a page shows the
    same facts without reading them again: the ballots (vote shares), the rules and the counts of the years
    (quotas), and with `records=True` the rows themselves (a unit's five years, the dossier)."""

    checks: dict[int, list[Check]]  # by nomination id
    years: set[int]
    award_types: dict[int, AwardType]  # every award type, by id
    rule_sets: dict[int, RuleSet]  # by year
    rules: dict[tuple[int, int], eligibility.RuleFact]  # by (year, award type id)
    ballots: dict[int, eligibility.BallotFact]  # by nomination id, those that have a ballot
    members: dict[tuple[int, int], int]  # member units by (bloc id, year), every bloc of the years
    active_blocs: set[int]  # of the blocs in `members`
    nominated: dict[tuple[int, int, int], tuple[int, int]]  # (bloc, award type, year) -> (not rejected, approved)
    records: bool = False  # the rows below were kept
    ratings: list[AnnualRating] = field(default_factory=list)  # with records=True
    awards: list[Award] = field(default_factory=list)  # with records=True, award_type set
    files: dict[int, list[DossierFile]] = field(default_factory=dict)  # with records=True, by nomination id


def every_award_type() -> dict[int, AwardType]:
    """Every award type, by id (one query)."""
    return {a.pk: a for a in _AWARD_TYPES()}


# The queries of `assess`, prepared (units.prepared): each page of nominations runs them, and building and
# compiling them cost Django more than the database took to answer them.
_AWARD_TYPES = Prepared(lambda: AwardType.objects.all())
_RATINGS = Prepared(
    lambda unit_ids, after, last: AnnualRating.objects.filter(unit_id__in=unit_ids, year__gt=after, year__lte=last)
    .order_by()
)  # fmt: skip
_AWARDS = Prepared(
    lambda unit_ids, after, last: Award.objects.filter(unit_id__in=unit_ids, year__gt=after, year__lte=last).order_by()
)
_FILES = Prepared(lambda nomination_ids: DossierFile.objects.filter(nomination_id__in=nomination_ids))
_RATING_FACTS = Prepared(
    lambda unit_ids, after, last: AnnualRating.objects.filter(unit_id__in=unit_ids, year__gt=after, year__lte=last)
    .order_by()
    .values_list("unit_id", "year", "rating", "staff_total", "staff_completed", "staff_advanced",
                 "staff_emulation_fighters")
)  # fmt: skip
_AWARD_FACTS = Prepared(
    lambda unit_ids, after, last: Award.objects.filter(unit_id__in=unit_ids, year__gt=after, year__lte=last)
    .order_by()
    .values_list("unit_id", "award_type_id", "year")
)  # fmt: skip
_FILE_KINDS = Prepared(
    lambda nomination_ids: DossierFile.objects.filter(nomination_id__in=nomination_ids)
    .values_list("nomination_id", "kind")
    .order_by()
    .distinct()
)  # fmt: skip
_RULE_SETS = Prepared(lambda years: RuleSet.objects.filter(year__in=years))
_AWARD_RULES = Prepared(
    lambda years: AwardRule.objects.filter(rule_set__year__in=years)
    .values_list("pk", "rule_set__year", "award_type_id", "required_rating", "consecutive_years", "quota_percent",
                 "quota_base", "quota_count", "citation", "prior_awards__award_type_id", "prior_awards__count")
    .order_by()
)  # fmt: skip
_BALLOTS = Prepared(
    lambda ballot_ids, unit_ids: Ballot.objects.filter(pk__in=ballot_ids)
    .annotate(
        present_count=_present_at_meeting(),
        nominated=FilteredRelation("candidates", condition=Q(candidates__unit_id__in=unit_ids)),
    )
    .order_by()
    .values_list("pk", "title", "vote_base", "entitled", "valid", "threshold_num", "threshold_den",
                 "threshold_strict", "award_type_id", "present_count", "nominated__unit_id", "nominated__votes")
)  # fmt: skip


def assess(
    nominations: list[Nomination], *, records: bool = False, award_types: dict[int, AwardType] | None = None
) -> Assessment:
    """The checks of `nominations` and the facts they were drawn from, in a fixed number of queries.

    `records`: read the ratings, awards and dossier files as rows (model instances) for a page that shows them,
    in the same queries. `award_types`: every award type by id, when the caller has them already.
    """
    nominations = list(nominations)
    if not nominations:
        return Assessment(checks={}, years=set(), award_types=award_types or {}, rule_sets={}, rules={}, ballots={},
                          members={}, active_blocs=set(), nominated={}, records=records)  # fmt: skip
    unit_ids = {n.unit_id for n in nominations}
    years = {n.year for n in nominations}
    if award_types is None:
        award_types = every_award_type()

    rule_sets, rules = _rule_facts(years, award_types)
    # Years of ratings and awards read: the longest consecutive condition and one more (to name an award
    # just before a window, and the years before a run of ratings), at least LOOK_BACK.
    look_back = max([LOOK_BACK, *(rule.consecutive_years + 1 for rule in rules.values())])
    window = {"unit_ids": sorted(unit_ids), "after": min(years) - look_back, "last": max(years)}
    assessment = Assessment(
        checks={}, years=years, award_types=award_types, rule_sets=rule_sets, rules=rules,
        ballots=_ballot_facts(nominations), members={}, active_blocs=set(), nominated={},
    )  # fmt: skip

    ratings: dict[int, dict[int, eligibility.RatingFact]] = defaultdict(dict)
    # The award history, whether written by a recorded decision or imported: the same facts.
    awards: dict[int, set[tuple[str, int]]] = defaultdict(set)
    kinds: dict[int, set[str]] = defaultdict(set)
    if records:
        assessment.records = True
        assessment.ratings = _RATINGS(**window)
        for r in assessment.ratings:
            ratings[r.unit_id][r.year] = eligibility.RatingFact(
                r.rating, r.staff_total, r.staff_completed, r.staff_advanced, r.staff_emulation_fighters
            )
        assessment.awards = _AWARDS(**window)
        for award in assessment.awards:
            award.award_type = award_types[award.award_type_id]
            awards[award.unit_id].add((award.award_type.code, award.year))
        for dossier in _FILES(nomination_ids=[n.pk for n in nominations]):
            assessment.files.setdefault(dossier.nomination_id, []).append(dossier)
            kinds[dossier.nomination_id].add(dossier.kind)
    else:
        for r in _RATING_FACTS(**window):
            ratings[r[0]][r[1]] = eligibility.RatingFact(*r[2:])
        for unit_id, type_id, year in _AWARD_FACTS(**window):
            awards[unit_id].add((award_types[type_id].code, year))
        for nomination_id, kind in _FILE_KINDS(nomination_ids=[n.pk for n in nominations]):
            kinds[nomination_id].add(kind)

    # Nominations by bloc, award type and year, of every award type (the quotas of the year read them too):
    # those not rejected count against a quota (summed for the province). Member units of every bloc in the
    # years; the active blocs with members are the province's.
    province_used: dict[tuple[int, int], int] = defaultdict(int)
    province_blocs: dict[int, int] = defaultdict(int)
    nominated, members, active = _year_counts(years)
    for (bloc_id, type_id, year), (n_used, n_approved) in nominated.items():
        assessment.nominated[bloc_id, type_id, year] = (n_used, n_approved)
        province_used[type_id, year] += n_used
    for (bloc_id, year), n in members.items():
        assessment.members[bloc_id, year] = n
        if (bloc_id, year) in active:
            assessment.active_blocs.add(bloc_id)
            province_blocs[year] += 1

    leaders = _leading_units(
        {(n.bloc_id, n.year) for n in nominations if award_types[n.award_type_id].code == eligibility.GOVERNMENT_FLAG},
        rule_sets,
    )

    with eligibility.same_texts():  # the request's language throughout: each text translated once
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
                ballot=assessment.ballots.get(n.pk),
                quota_used=assessment.nominated.get((n.bloc_id, n.award_type_id, n.year), (0, 0))[0],
                bloc_members=assessment.members.get(key, 0),
                leading=(n.unit_id in leaders[key]) if key in leaders else None,
                dossier_kinds=frozenset(kinds.get(n.pk, ())),
                # None: the database holds one nomination per unit, award type and year at most (the constraint
                # nomination_once_per_unit_award_year); the check still says so.
                duplicates=0,
                province_used=province_used.get((n.award_type_id, n.year), 0),
                province_blocs=province_blocs.get(n.year, 0),
            )
            assessment.checks[n.pk] = eligibility.all_checks(facts)
    return assessment


def _year_counts(years: set[int]):
    """The years' nominations counted by (bloc, award type, year) as (not rejected, approved or decided), the member
    units counted by (bloc, year), and the (bloc, year) pairs whose bloc is active: one query.

    Written as SQL: as two ORM aggregates, building and compiling them cost Django more than PostgreSQL took to
    answer them, on every nomination page and the review queue.
    """
    year_list = sorted(years)
    placeholders = ", ".join(["%s"] * len(year_list))
    sql = _YEAR_COUNTS_SQL.replace("{years}", placeholders)
    params = [State.NOT_APPROVED, State.APPROVED, State.DECIDED, *year_list, *year_list]
    nominated: dict[tuple[int, int, int], tuple[int, int]] = {}
    members: dict[tuple[int, int], int] = {}
    active: set[tuple[int, int]] = set()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for part, bloc_id, type_id, year, first, second in cursor.fetchall():
            if part == 0:
                nominated[bloc_id, type_id, year] = (int(first), int(second))
            else:
                members[bloc_id, year] = int(first)
                if second:
                    active.add((bloc_id, year))
    return nominated, members, active


def _year_counts_sql() -> str:
    nomination, membership, bloc = (connection.ops.quote_name(m._meta.db_table) for m in (Nomination, Membership, Bloc))
    return (
        f"SELECT 0, bloc_id, award_type_id, year, SUM(CASE WHEN state <> %s THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN state IN (%s, %s) THEN 1 ELSE 0 END)"
        f" FROM {nomination} WHERE year IN ({{years}}) GROUP BY bloc_id, award_type_id, year"
        f" UNION ALL"
        f" SELECT 1, m.bloc_id, NULL, m.year, COUNT(*), MAX(CASE WHEN b.active THEN 1 ELSE 0 END)"
        f" FROM {membership} m JOIN {bloc} b ON b.id = m.bloc_id WHERE m.year IN ({{years}})"
        f" GROUP BY m.bloc_id, m.year"
    )


_YEAR_COUNTS_SQL = _year_counts_sql()


def _rule_facts(
    years: set[int], award_types: dict[int, AwardType]
) -> tuple[dict[int, RuleSet], dict[tuple[int, int], eligibility.RuleFact]]:
    """The years' rule sets (by year) and their award rules as facts (by year and award type id), with the
    awards each rule asks to have been received: two queries, the rule sets, then their award rules joined
    with those awards (a rule without any comes once, with none)."""
    rule_sets = {rs.year: rs for rs in _RULE_SETS(years=sorted(years))}
    fields: dict[int, tuple] = {}
    priors: dict[int, list[tuple[AwardType, int]]] = defaultdict(list)
    for *values, prior_type_id, prior_count in _AWARD_RULES(years=sorted(years)):
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


@dataclass(frozen=True)
class _BallotRow:
    title: str
    vote_base: str
    entitled: int | None
    valid: int | None
    threshold: Fraction
    strict: bool
    award_type_id: int | None
    present: int | None  # units recorded present at the ballot's meeting; None: attendance not recorded


@cache
def _present_at_meeting() -> Subquery:
    """A ballot's meeting's member units recorded present: only the bloc-year's members count (as
    `meeting_quorum` and the ballot page count); None when none is. The same for every list: built once (a
    query resolves a copy), which saves a third of `_ballot_facts`' time."""
    member = Membership.objects.filter(
        unit_id=OuterRef("unit_id"), bloc_id=OuterRef("meeting__bloc_id"), year=OuterRef("meeting__year")
    )
    return Subquery(
        Attendance.objects.filter(Exists(member), meeting_id=OuterRef("meeting_id"), present=True)
        .order_by()
        .values("meeting_id")
        .annotate(n=Count("pk"))
        .values("n")
    )


def _ballot_facts(nominations: list[Nomination]) -> dict[int, eligibility.BallotFact]:
    """The ballot facts of the nominations that have a ballot: one query, the ballots with the number present at
    their meeting and the candidacies of the nominated units (none: a row without)."""
    ballot_ids = {n.ballot_id for n in nominations if n.ballot_id is not None}
    if not ballot_ids:
        return {}
    rows = _BALLOTS(ballot_ids=sorted(ballot_ids), unit_ids=sorted({n.unit_id for n in nominations}))
    ballots: dict[int, _BallotRow] = {}
    votes: dict[tuple[int, int], int | None] = {}  # (ballot, unit) of a candidacy -> its votes
    for pk, title, vote_base, entitled, valid, num, den, strict, type_id, present, unit_id, unit_votes in rows:
        ballots[pk] = _BallotRow(title, vote_base, entitled, valid, Fraction(num, den), strict, type_id, present)
        if unit_id is not None:
            votes[pk, unit_id] = unit_votes
    facts = {}
    for n in nominations:
        ballot = ballots.get(n.ballot_id)
        if ballot is None:
            continue
        base = voting.base_size(
            vote_base=ballot.vote_base, entitled=ballot.entitled, present=ballot.present, valid=ballot.valid
        )
        facts[n.pk] = eligibility.BallotFact(
            title=ballot.title,
            candidate=(n.ballot_id, n.unit_id) in votes,
            votes=votes.get((n.ballot_id, n.unit_id)),
            vote_base=ballot.vote_base,
            base=base,
            threshold=ballot.threshold,
            strict=ballot.strict,
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
